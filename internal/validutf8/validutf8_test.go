package validutf8_test

import (
	"testing"

	"github.com/statusmap/statusmap/internal/validutf8"
)

// TestString: one U+FFFD per bad byte (strings.ToValidUTF8 would write one
// per run), valid text unchanged, as []rune conversion would.
func TestString(t *testing.T) {
	for in, want := range map[string]string{
		"":           "",
		"ok é 中":     "ok é 中",
		"a\xff\xfeb": "a\ufffd\ufffdb",
		"\xc3":       "\ufffd",
		"é\x80\x80x": "é\ufffd\ufffdx",
	} {
		if got := validutf8.String(in); got != want {
			t.Errorf("String(%q) = %q; want %q", in, got, want)
		}
		if got := string([]rune(in)); got != want {
			t.Errorf("[]rune(%q) = %q; the rule is Go's conversion", in, got)
		}
	}
}

// TestStringValidDoesNotAllocate: the usual case costs nothing.
func TestStringValidDoesNotAllocate(t *testing.T) {
	s := "a valid message, é"
	if n := testing.AllocsPerRun(100, func() { _ = validutf8.String(s) }); n != 0 {
		t.Errorf("%v allocations for valid text", n)
	}
}
