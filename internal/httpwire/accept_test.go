package httpwire_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/statusmap/statusmap/internal/httpwire"
)

func TestMediaRanges(t *testing.T) {
	var got []string
	for mediaType, q := range httpwire.MediaRanges([]string{"Application/JSON;q=0.5, text/*", "*/*; q=x"}) {
		got = append(got, mediaType+"="+strconv.FormatFloat(q, 'g', -1, 64))
	}
	if want := "application/json=0.5 text/*=1 */*=0"; strings.Join(got, " ") != want {
		t.Errorf("got %v; want %s", got, want)
	}
	n := 0
	for range httpwire.MediaRanges([]string{strings.Repeat("a/b,", 1000)}) {
		n++
	}
	if n != 32 {
		t.Errorf("read %d ranges of a hostile header; want the bound, 32", n)
	}
}

func TestPrefersProblem(t *testing.T) {
	for accept, want := range map[string]bool{
		"":                         false,
		"application/problem+json": true,
		"application/problem+json, application/json":       true,
		"application/json, application/problem+json;q=0.9": false,
		"application/problem+json;q=0":                     false,
		"*/*;q=0.1, application/problem+json;q=0.2":        true,
	} {
		if got := httpwire.PrefersProblem([]string{accept}); got != want {
			t.Errorf("%q: %v; want %v", accept, got, want)
		}
	}
}

// TestMediaRangesOfAHostileAcceptCostLittle: a client's Accept header of a
// megabyte of invalid bytes is not rewritten (strings.ToLower would
// allocate about 11 bytes for each); one with upper-case letters is copied
// once.
func TestMediaRangesOfAHostileAcceptCostLittle(t *testing.T) {
	for _, tc := range []struct {
		accept string
		allocs float64
	}{
		{"application/problem+json; q=0.5, " + strings.Repeat("\x8d", 1<<20), 0},
		{"Application/" + strings.Repeat("\x8d", 1<<20), 1},
	} {
		n := testing.AllocsPerRun(5, func() {
			for range httpwire.MediaRanges([]string{tc.accept}) {
			}
		})
		if n != tc.allocs {
			t.Errorf("%v allocations for %.20q...; want %v", n, tc.accept, tc.allocs)
		}
	}
	for mediaType := range httpwire.MediaRanges([]string{"Application/X\x8d"}) {
		if mediaType != "application/x\x8d" {
			t.Errorf("%q; want the ASCII letters lower-cased and the rest kept", mediaType)
		}
	}
}
