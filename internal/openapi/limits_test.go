package openapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/statusmap/statusmap/internal/wire"
	"strconv"
	"strings"
	"testing"
)

// billionLaughs is the classic YAML bomb: nine levels of nine aliases to
// the level below, 342 bytes that stand for 9^9 (387,420,489) strings.
// Under an OpenAPI document's key, so that only the bound can refuse it.
func billionLaughs(levels int) string {
	var b strings.Builder
	b.WriteString("swagger: \"2.0\"\nx-a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n")
	prev := "a"
	for i := 1; i < levels; i++ {
		name := string(rune('a' + i))
		fmt.Fprintf(&b, "x-%s: &%s [*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s]\n", name, name, prev, prev, prev, prev, prev, prev, prev, prev, prev)
		prev = name
	}
	return b.String()
}

// TestRewriteRefusesAliasBombs: a document whose aliases stand for more
// than the bounds is refused before anything is expanded, with an error
// that names the bound, in a few thousand allocations whatever the
// expansion would have been.
func TestRewriteRefusesAliasBombs(t *testing.T) {
	var deep strings.Builder // 2^200 values: counts that would overflow
	deep.WriteString("swagger: \"2.0\"\nx-0: &n0 [1, 1]\n")
	for i := 1; i < 200; i++ {
		fmt.Fprintf(&deep, "x-%d: &n%d [*n%d, *n%d]\n", i, i, i-1, i-1)
	}
	bigString := "swagger: \"2.0\"\nx-s: &s \"" + strings.Repeat("x", 1<<20) + "\"\nx-l: [" + strings.TrimSuffix(strings.Repeat("*s,", 40), ",") + "]\n"
	for _, tc := range []struct {
		name, doc, want string
	}{
		{"billion laughs", billionLaughs(9), "more than 524288 values; the limit is 524288"},
		{"seven levels (4.8 million values)", billionLaughs(7), "more than 524288 values"},
		{"five levels (66,430 values)", billionLaughs(5), "the document has 74734 values; the limit is twice the 16 it writes plus 10000"},
		{"2^200 values", deep.String(), "more than 524288 values"},
		{"a 1 MiB string 40 times", bigString, "more than 33554432 bytes of keys and strings"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.doc) < 1000 {
				t.Logf("%d bytes", len(tc.doc))
			}
			_, err := Rewrite([]byte(tc.doc), testConfig(wire.FormatStatus))
			if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want ErrTooLarge naming %q", err, tc.want)
			}
			allocs := testing.AllocsPerRun(1, func() { _, _ = Rewrite([]byte(tc.doc), testConfig(wire.FormatStatus)) })
			t.Logf("%v allocations", allocs)
			if allocs > 20000 {
				t.Errorf("%v allocations to refuse it; want at most 20000", allocs)
			}
		})
	}
}

// TestRewriteAliasesWithinBounds: aliases are still read, each a copy,
// and one that contains itself is an error, not a loop.
func TestRewriteAliasesWithinBounds(t *testing.T) {
	out, err := Rewrite([]byte("swagger: \"2.0\"\nx-a: &a {k: v}\nx-b: [*a, *a]\n"), testConfig(wire.FormatStatus))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Count(out, []byte("k: v")) != 3 {
		t.Errorf("aliases not expanded:\n%s", out)
	}
	_, err = Rewrite([]byte("swagger: \"2.0\"\nx-a: &a [1, *a]\n"), testConfig(wire.FormatStatus))
	if err == nil || !strings.Contains(err.Error(), "contains it") {
		t.Errorf("an alias inside its anchor's node: got %v", err)
	}
}

// wideJSON is an OpenAPI document of 3+n values: the document, its
// swagger string, an array and n numbers in it.
func wideJSON(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"swagger": "2.0", "x": [`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('0')
	}
	b.WriteString("]}")
	return b.Bytes()
}

// nestedJSON is an OpenAPI document with width numbers in arrays nested
// depth deep, the document itself at depth 0.
func nestedJSON(depth, width int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"swagger": "2.0", "x": `)
	b.WriteString(strings.Repeat("[", depth))
	b.WriteString(strings.TrimSuffix(strings.Repeat("0,", width), ","))
	b.WriteString(strings.Repeat("]", depth))
	b.WriteString("}")
	return b.Bytes()
}

// TestRewriteBoundsWideAndDeepDocuments: a document just under each bound
// is rewritten; just over it, it is refused with ErrTooLarge naming it.
func TestRewriteBoundsWideAndDeepDocuments(t *testing.T) {
	cfg := testConfig(wire.FormatStatus)
	t.Run("values", func(t *testing.T) {
		skipUnderRace(t)
		out, err := Rewrite(wideJSON(MaxValues-3), cfg)
		if err != nil || !json.Valid(out) {
			t.Fatalf("at the bound: %v", err)
		}
		_, err = Rewrite(wideJSON(MaxValues-2), cfg)
		if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "the document has more than 524288 values") {
			t.Fatalf("one value over: got %v", err)
		}
	})
	t.Run("depth", func(t *testing.T) {
		out, err := Rewrite(nestedJSON(maxDepth-1, 3), cfg)
		if err != nil || !json.Valid(out) {
			t.Fatalf("at the bound: %v", err)
		}
		_, err = Rewrite(nestedJSON(maxDepth, 3), cfg)
		if err == nil || !strings.Contains(err.Error(), "nested too deeply") {
			t.Fatalf("one level deeper: got %v", err)
		}
	})
	t.Run("size", func(t *testing.T) {
		doc := append([]byte(`{"swagger": "2.0", "x": "`), bytes.Repeat([]byte("x"), MaxDocumentSize)...)
		doc = append(doc, `"}`...)
		_, err := Rewrite(doc, cfg)
		if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "the limit is 33554432 (32 MiB)") {
			t.Fatalf("got %v", err)
		}
		// The race detector's own allocations would be counted too.
		if allocs := testing.AllocsPerRun(5, func() { _, _ = Rewrite(doc, cfg) }); allocs > 10 && !raceEnabled {
			t.Errorf("%v allocations to refuse it; want none to speak of", allocs)
		}
	})
	t.Run("yaml written values", func(t *testing.T) {
		// A flow sequence of zeros, two bytes a value: refused before the
		// parser builds a node for each.
		doc := []byte("swagger: \"2.0\"\nx: [" + strings.Repeat("0,", maxYAMLIndicators) + "0]\n")
		_, err := Rewrite(doc, cfg)
		if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "may hold more than 524288 values") {
			t.Fatalf("got %v", err)
		}
		// The race detector's own allocations would be counted too.
		if allocs := testing.AllocsPerRun(5, func() { _, _ = Rewrite(doc, cfg) }); allocs > 10 && !raceEnabled {
			t.Errorf("%v allocations to refuse it; want none to speak of", allocs)
		}
	})
	t.Run("many operations", func(t *testing.T) {
		skipUnderRace(t)
		// 40,000 operations of 16 bytes each gain 7 responses each (six
		// statuses and the default), two values each: the rewrite would
		// be 640,000 values and 35 MB.
		var b bytes.Buffer
		b.WriteString(`{"swagger": "2.0", "paths": {`)
		for i := 0; i < 40000; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `"/%s":{"get":{}}`, strconv.Itoa(i))
		}
		b.WriteString("}}")
		_, err := Rewrite(b.Bytes(), cfg)
		if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "rewritten, the document would have more than 524288 values") {
			t.Fatalf("got %v", err)
		}
	})
	// The output bound: TestRewriteRefusesDeepNestingBeforeWriting.
}

// TestReadDocument reads up to the bound and no further.
func TestReadDocument(t *testing.T) {
	data, err := ReadDocument(bytes.NewReader(make([]byte, MaxDocumentSize)))
	if err != nil || len(data) != MaxDocumentSize {
		t.Fatalf("at the bound: %d bytes, %v", len(data), err)
	}
	r := &endless{}
	_, err = ReadDocument(r)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "32 MiB") {
		t.Fatalf("an endless reader: got %v", err)
	}
	if r.n != MaxDocumentSize+1 {
		t.Errorf("read %d bytes of an endless reader; want %d", r.n, MaxDocumentSize+1)
	}
}

// endless reads as zeros forever, counting what it gives.
type endless struct{ n int }

func (e *endless) Read(p []byte) (int, error) {
	clear(p)
	e.n += len(p)
	return len(p), nil
}

// skipUnderRace skips a test that builds a million values: the race
// detector makes it ten times slower and has nothing to find in code that
// runs on one goroutine.
func skipUnderRace(t *testing.T) {
	t.Helper()
	if raceEnabled {
		t.Skip("a million values under the race detector")
	}
}

// BenchmarkDocumentsAtTheBounds measures the worst documents the bounds
// let through, and the cost of refusing a billion laughs.
func BenchmarkDocumentsAtTheBounds(b *testing.B) {
	cfg := testConfig(wire.FormatStatus)
	for _, bc := range []struct {
		name string
		doc  []byte
	}{
		{"json values", wideJSON(MaxValues - 3)},
		{"yaml aliases", []byte(billionLaughs(4))},
		{"yaml written", []byte("swagger: \"2.0\"\nx: [" + strings.Repeat("0,", maxYAMLIndicators-10) + "0]\n")},
		{"billion laughs", []byte(billionLaughs(9))},
		// The deepest within the bounds: 518,000 numbers 128 levels deep,
		// 134.2 MB of indented JSON; 117,000 items under 125 mappings
		// indented 9, 133 MB of YAML, just under MaxOutputSize.
		{"json deep", nestedJSON(maxDepth-1, 518000)},
		{"yaml deep", deepYAMLList(maxDepth-3, 117000)},
		// The security review's 65 arrays nested 990 deep, refused.
		{"json too deep", reviewDeepJSON(65)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			_, err := Rewrite(bc.doc, cfg)
			if refused := bc.name == "billion laughs" || bc.name == "json too deep"; refused != (err != nil) {
				b.Fatalf("got %v", err)
			}
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.doc)))
			for b.Loop() {
				_, _ = Rewrite(bc.doc, cfg)
			}
		})
	}
}
