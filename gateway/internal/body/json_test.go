package body

import (
	"github.com/statusmap/statusmap/internal/jsontext"
	"testing"

	"github.com/statusmap/statusmap/internal/validutf8"
)

// TestValidUTF8MatchesJSONString: a stream's error message and a unary
// body replace invalid bytes the same way, one U+FFFD per bad byte.
func TestValidUTF8MatchesJSONString(t *testing.T) {
	for _, s := range []string{"ok", "a\xff\xfeb", "\xc3", "é\x80\x80x", ""} {
		want := string(jsontext.AppendString(nil, s))
		got := string(jsontext.AppendString(nil, validutf8.String(s)))
		if got != want {
			t.Errorf("%q: validutf8.String then JSON %s; JSON directly %s", s, got, want)
		}
	}
}
