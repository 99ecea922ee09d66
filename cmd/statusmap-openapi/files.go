package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/statusmap/statusmap/internal/openapi"
)

// readFile reads a regular file of at most openapi.MaxDocumentSize bytes.
// Anything else is refused before it is read: a FIFO or a device such as
// /dev/zero would block or never end, and a directory is no document.
func readFile(name string) ([]byte, error) {
	info, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if err := regular(info); err != nil {
		return nil, err
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The file may have been replaced since: what is read is checked.
	opened, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if err := regular(opened); err != nil {
		return nil, err
	}
	return openapi.ReadDocument(f)
}

// regular refuses what is not a regular file, or one too large to read.
func regular(info os.FileInfo) error {
	mode := info.Mode()
	if !mode.IsRegular() {
		kind := "not a regular file"
		switch {
		case mode.IsDir():
			kind = "a directory"
		case mode&os.ModeNamedPipe != 0:
			kind = "a named pipe (FIFO)"
		case mode&os.ModeDevice != 0:
			kind = "a device"
		case mode&os.ModeSocket != 0:
			kind = "a socket"
		}
		return fmt.Errorf("%s, not a regular file: give a document's file, or no FILE to read standard input", kind)
	}
	if info.Size() > openapi.MaxDocumentSize {
		return fmt.Errorf("%w: %d bytes; the limit is %d (32 MiB)", openapi.ErrTooLarge, info.Size(), openapi.MaxDocumentSize)
	}
	return nil
}

// replaceFile writes data to the file name is, or links to, through a
// temporary file beside it renamed over it, so that a failure leaves the
// file as it was and a symbolic link stays one, as with gofmt -w.
func replaceFile(name string, data []byte) error {
	target, err := filepath.EvalSymlinks(name)
	if err != nil {
		return err
	}
	info, err := os.Stat(target)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(info.Mode().Perm()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), target)
}
