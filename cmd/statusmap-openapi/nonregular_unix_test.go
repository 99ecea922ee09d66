//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestRefusesWhatIsNotARegularFile: a directory, a named pipe and a device
// are refused with a clear error before they are read (a FIFO without a
// writer would block the command, /dev/zero would never end); the other
// files are still rewritten.
func TestRefusesWhatIsNotARegularFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, want string }{
		{dir, "a directory, not a regular file"},
		{fifo, "a named pipe (FIFO), not a regular file"},
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		cases = append(cases, struct{ name, want string }{"/dev/zero", "a device, not a regular file"})
	}
	for _, tc := range cases {
		code, out, errOut := runCommand(t, "", tc.name, generated)
		if code != 1 || !strings.Contains(errOut, tc.name+": "+tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want 1 and %q", tc.name, code, errOut, tc.want)
		}
		if !strings.Contains(out, `"swagger": "2.0"`) {
			t.Errorf("%s: the regular file beside it was not rewritten", tc.name)
		}
	}
}
