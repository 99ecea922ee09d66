package gateway_test

import (
	"bufio"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestFileMapIsTrue keeps the file map in doc.go true: every Go source file
// of the package and of its rooms (internal/*) is named there, and every
// name there is a file. The map is the doc comment's indented block under
// "# Where things live": a line "\tname.go ..." names a file of this folder,
// a line "\tinternal/room/ ..." opens a room, and "\t  name.go ..." names a
// file of the room last opened.
func TestFileMapIsTrue(t *testing.T) {
	named, err := fileMap("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	if len(named) == 0 {
		t.Fatal("doc.go has no file map under \"# Where things live\"")
	}
	onDisk := map[string]bool{}
	for _, dir := range append([]string{"."}, rooms(t)...) {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			onDisk[filepath.ToSlash(f)] = true
		}
	}
	for _, f := range sortedKeys(onDisk) {
		if !named[f] {
			t.Errorf("%s is not in doc.go's file map", f)
		}
	}
	for _, f := range sortedKeys(named) {
		if !onDisk[f] {
			t.Errorf("doc.go's file map names %s, which is not a source file", f)
		}
	}
}

// rooms lists the folders under internal/ that hold Go files.
func rooms(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir("internal")
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() {
			dirs = append(dirs, filepath.ToSlash(filepath.Join("internal", e.Name())))
		}
	}
	return dirs
}

// fileMap reads the file names the map in a doc comment lists, as paths
// relative to the package folder.
func fileMap(path string) (map[string]bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	named := map[string]bool{}
	inMap, room := false, ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "//")
		if !ok {
			break // the end of the package doc
		}
		if strings.HasPrefix(line, " # ") {
			inMap = strings.TrimSpace(line) == "# Where things live"
			continue
		}
		body, indented := strings.CutPrefix(line, "\t")
		if !inMap || !indented {
			continue
		}
		inRoom := strings.HasPrefix(body, "  ")
		name, _, _ := strings.Cut(strings.TrimSpace(body), " ")
		switch {
		case strings.HasSuffix(name, "/"):
			room = strings.TrimSuffix(name, "/")
		case strings.HasSuffix(name, ".go") && inRoom:
			named[room+"/"+name] = true
		case strings.HasSuffix(name, ".go"):
			named[name] = true
		}
	}
	return named, sc.Err()
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
