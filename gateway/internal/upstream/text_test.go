package upstream

import (
	"strings"
	"testing"
)

// TestTextRules holds the differences between the three uses of the one
// text rule (see text.go): what becomes of a tab, a control character, a
// run of invalid bytes and white space.
func TestTextRules(t *testing.T) {
	in := " a\tb\x00c\xff\xfed  e\x7f "
	if got, want := headerText(in), "abc\ufffdd  e"; got != want {
		t.Errorf("headerText(%q) = %q; want %q", in, got, want)
	}
	if got, want := headerValue([]string{in}), "a\tbc\ufffd\ufffdd  e"; got != want {
		t.Errorf("headerValue(%q) = %q; want %q", in, got, want)
	}
	if got, want := excerptRule.clean(in), "a b c\ufffdd e"; got != want {
		t.Errorf("excerptRule.clean(%q) = %q; want %q", in, got, want)
	}
	if got, want := headerValue([]string{"Basic", "Bearer"}), "Basic, Bearer"; got != want {
		t.Errorf("headerValue joins values: %q; want %q", got, want)
	}
	// headerText is bounded, at a rune boundary.
	long := strings.Repeat("é", maxText)
	if got := headerText(long); len(got) > maxText || !strings.HasPrefix(long, got) {
		t.Errorf("headerText of %d bytes: %d bytes, not a prefix", len(long), len(got))
	}
}

// TestFallbackMessage: an excerpt is quoted made safe, binary bytes are
// not quoted, and a cut excerpt says so.
func TestFallbackMessage(t *testing.T) {
	testCases := []struct {
		body      string
		truncated bool
		want      string
	}{
		{"upstream\r\nexploded\tnow", false, "HTTP 502 Bad Gateway: upstream exploded now"},
		{"colour\x1b[31m", false, "HTTP 502 Bad Gateway"},
		{"\x00\x01binary", false, "HTTP 502 Bad Gateway"},
		{"\xff\xfe text", false, "HTTP 502 Bad Gateway"},
		{"cut", true, "HTTP 502 Bad Gateway: cut …"},
		{strings.Repeat("x", maxExcerpt+1), false, "HTTP 502 Bad Gateway: " + strings.Repeat("x", maxExcerpt) + " …"},
		{"   ", false, "HTTP 502 Bad Gateway"},
	}
	for _, tc := range testCases {
		if got := fallbackMessage(502, []byte(tc.body), tc.truncated); got != tc.want {
			t.Errorf("fallbackMessage(%q, %v) = %q; want %q", tc.body, tc.truncated, got, tc.want)
		}
	}
}
