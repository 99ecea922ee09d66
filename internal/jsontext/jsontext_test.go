package jsontext_test

import (
	"encoding/json"
	"testing"

	"github.com/statusmap/statusmap/internal/jsontext"
	"github.com/statusmap/statusmap/internal/validutf8"
)

// FuzzAppendString holds AppendString to encoding/json: what it writes is
// valid JSON, reads back as the text with each invalid byte replaced by
// U+FFFD, and escapes every control character and DEL.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", `quote " and \ back`, "tab\tnl\ncr\r", "\x00\x1f\x7f", "bad \xff\xfe utf-8", "é ☃ 😀", "\u2028\u2029<>&"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := jsontext.AppendString([]byte("prefix:"), s)
		if string(out[:7]) != "prefix:" {
			t.Fatalf("the buffer's bytes were overwritten: %q", out)
		}
		out = out[7:]
		var got string
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("AppendString(%q) = %s, not a JSON string: %v", s, out, err)
		}
		if want := validutf8.String(s); got != want {
			t.Fatalf("AppendString(%q) reads back as %q, want %q", s, got, want)
		}
		for _, b := range out {
			if b < 0x20 || b == 0x7f {
				t.Fatalf("AppendString(%q) = %q holds a raw control byte", s, out)
			}
		}
	})
}
