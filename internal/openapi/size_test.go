package openapi

import (
	"encoding/json"
	"errors"
	"github.com/statusmap/statusmap/internal/wire"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// sizeDocs are documents of every shape the encoders meet: the testdata,
// golden outputs, escapes of every byte, empty collections, sequences of
// sequences and of mappings, nesting at the bound.
func sizeDocs(t *testing.T) map[string][]byte {
	t.Helper()
	docs := map[string][]byte{}
	files, _ := filepath.Glob(filepath.Join("testdata", "*.*"))
	golden, _ := filepath.Glob(filepath.Join("testdata", "golden", "*.*"))
	for _, f := range append(files, golden...) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs[f] = data
	}
	var every strings.Builder
	for c := 0; c < 256; c++ {
		every.WriteByte(byte(c))
	}
	every.WriteString("\u2028\u2029é€😀")
	esc, _ := json.Marshal(every.String())
	docs["every byte (JSON)"] = []byte(`{"swagger": "2.0", "x": [` + string(esc) + `, {}, [], [[1, [2, {"a": [3]}]], {"b": {}}], true, false, null, -1.5e3]}`)
	docs["collections (YAML)"] = []byte("swagger: \"2.0\"\nx:\n  - - 1\n    - [2, {a: [3, {}], b: []}]\n  - {c: {d: e}, f: [g]}\n  - []\n  - \"multi\\nline\\n\"\n  - \"  lead\"\n  - 'it''s: quoted'\n  - ~\n  - yes\n")
	docs["nested at the bound (JSON)"] = nestedJSON(maxDepth-1, 3)
	docs["nested at the bound (YAML)"] = []byte("swagger: \"2.0\"\nx: " + strings.Repeat("[", maxDepth-1) + "1, 2" + strings.Repeat("]", maxDepth-1) + "\n")
	for _, step := range []int{2, 3, 4, 9} {
		docs["mappings at the bound (YAML, indent "+strconv.Itoa(step)+")"] = []byte(deepMappings(maxDepth-4, step))
	}
	return docs
}

// deepMappings is a YAML document indented step with, under x, mappings
// and sequences nested depth deep in turn, each level with a string beside.
func deepMappings(depth, step int) string {
	var b strings.Builder
	b.WriteString("swagger: \"2.0\"\ninfo:\n" + strings.Repeat(" ", step) + "title: t\nx: ")
	for i := 0; i < depth; i += 2 {
		b.WriteString("{a: b, c: [d, ")
	}
	b.WriteString("{z: [[1]]}")
	b.WriteString(strings.Repeat("]}", (depth+1)/2))
	b.WriteString("\n")
	return b.String()
}

// TestOutputSizeCounted: the count made before writing is the JSON
// writer's length exactly, and never more than the YAML writer's (so that
// it refuses nothing that fits), within a factor the quoting explains.
func TestOutputSizeCounted(t *testing.T) {
	for name, data := range sizeDocs(t) {
		t.Run(name, func(t *testing.T) {
			top, v, yd, asJSON, _, err := decode(data)
			if err != nil {
				t.Fatal(err)
			}
			if v == 2 || v == 3 {
				_ = (&rewriter{cfg: testConfig(wire.FormatStatus), v: v, root: top}).run()
			}
			if asJSON {
				out, err := encodeJSON(top)
				if err != nil {
					t.Fatal(err)
				}
				if got := jsonSize(top); got != len(out) {
					t.Errorf("jsonSize %d; the output is %d bytes", got, len(out))
				}
				return
			}
			out, err := encodeYAML(top, yd)
			if err != nil {
				t.Fatal(err)
			}
			got := yamlSizeAtLeast(top, yd.indent)
			t.Logf("counted %d, written %d", got, len(out))
			if got > len(out) || got < len(out)*3/4 {
				t.Errorf("yamlSizeAtLeast %d; the output is %d bytes", got, len(out))
			}
		})
	}
}

// deepYAMLList is a YAML document indented 9 (as detectIndent allows)
// with mappings nested depth deep under x and, in the deepest, a list of
// items numbers: each item is a line indented about 9*depth columns.
func deepYAMLList(depth, items int) []byte {
	var b strings.Builder
	b.WriteString("swagger: \"2.0\"\ninfo:\n         title: t\nx: ")
	b.WriteString(strings.Repeat("{a: ", depth))
	b.WriteString("[" + strings.TrimSuffix(strings.Repeat("1,", items), ",") + "]")
	b.WriteString(strings.Repeat("}", depth))
	b.WriteString("\n")
	return []byte(b.String())
}

// reviewDeepJSON is the security review's document: n arrays nested 990
// deep, side by side.
func reviewDeepJSON(n int) []byte {
	nest := strings.Repeat("[", 990) + strings.Repeat("]", 990)
	return []byte(`{"swagger":"2.0","info":{"title":"t","version":"1"},"paths":{},"x":[` + strings.Repeat(nest+",", n-1) + nest + `]}`)
}

// TestRewriteRefusesDeepNestingBeforeWriting: indentation grows with
// nesting, so that a small deep document stood for a rewrite of 128 MB
// (the security review's 129 kB of 65 arrays nested 990 deep was written
// whole, 323 MB allocated; 200 arrays were refused only after 588 MB).
// Nesting past 128 levels is refused while reading, and a document within
// that whose rewrite would be over MaxOutputSize is refused before any of
// it is written: the allocations are the reading's, not the writing's.
func TestRewriteRefusesDeepNestingBeforeWriting(t *testing.T) {
	cfg := testConfig(wire.FormatStatus)
	var yamlDeep strings.Builder // 40 mappings nested 990 deep
	yamlDeep.WriteString("swagger: \"2.0\"\nx:\n")
	for i := 0; i < 40; i++ {
		yamlDeep.WriteString("  - " + strings.Repeat("{a: ", 990) + "1" + strings.Repeat("}", 990) + "\n")
	}
	for _, tc := range []struct {
		name      string
		doc       []byte
		want      string
		maxAllocs float64
	}{
		{"65 arrays nested 990 deep (JSON)", reviewDeepJSON(65), "nested too deeply: more than 128 levels; the limit is 128", 2000},
		{"200 arrays nested 990 deep (JSON)", reviewDeepJSON(200), "nested too deeply", 2000},
		{"40 mappings nested 990 deep (YAML)", []byte(yamlDeep.String()), "nested too deeply", 300000}, // the parser's nodes
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Rewrite(tc.doc, cfg)
			if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("%d bytes: got %v, want ErrTooLarge naming %q", len(tc.doc), err, tc.want)
			}
			allocs := testing.AllocsPerRun(1, func() { _, _ = Rewrite(tc.doc, cfg) })
			t.Logf("%d bytes refused in %v allocations", len(tc.doc), allocs)
			if allocs > tc.maxAllocs {
				t.Errorf("%v allocations to refuse it; want at most %v", allocs, tc.maxAllocs)
			}
		})
	}
	for _, tc := range []struct {
		name string
		doc  []byte
	}{
		// 524,000 numbers 128 levels deep: 258 bytes each.
		{"JSON at the depth bound", nestedJSON(maxDepth-1, MaxValues-288)},
		// 125,000 items under 125 mappings, indented 9: 1,140 bytes each.
		{"YAML at the depth bound", deepYAMLList(maxDepth-3, 125000)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			skipUnderRace(t)
			_, err := Rewrite(tc.doc, cfg)
			if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "over 134217728 bytes (128 MiB) (at least") {
				t.Fatalf("%d bytes: got %v, want ErrTooLarge naming the output bound, counted before writing", len(tc.doc), err)
			}
			res := testing.Benchmark(func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					_, _ = Rewrite(tc.doc, cfg)
				}
			})
			t.Logf("%d bytes refused: %d bytes, %d allocations", len(tc.doc), res.AllocedBytesPerOp(), res.AllocsPerOp())
			// Writing would have allocated at least MaxOutputSize more
			// than reading (about 117 MB for the JSON, 43 MB for the YAML).
			if res.AllocedBytesPerOp() > MaxOutputSize {
				t.Errorf("%d bytes allocated to refuse it; want less than the %d writing would take", res.AllocedBytesPerOp(), MaxOutputSize)
			}
		})
	}
}
