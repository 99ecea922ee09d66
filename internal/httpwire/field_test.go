package httpwire_test

import (
	"net/http"
	"testing"

	"github.com/statusmap/statusmap/internal/httpwire"
)

func TestFieldValue(t *testing.T) {
	for _, tc := range []struct{ key, in, want string }{
		{"x-id", "plain value\twith tab", "plain value\twith tab"},
		{"x-id", "a\r\nb", "YQ0KYg"},
		{"x-id", "del\x7f", "ZGVsfw"},
		{"trace-bin", "ok", "b2s"},
	} {
		if got := httpwire.FieldValue(tc.key, tc.in); got != tc.want {
			t.Errorf("FieldValue(%q, %q) = %q; want %q", tc.key, tc.in, got, tc.want)
		}
	}
}

func TestSanitizeHeader(t *testing.T) {
	h := http.Header{"A": {"fine", "bad\x00"}, "B": {"ok"}}
	if httpwire.AllFieldValuesSafe(h["A"]) || !httpwire.AllFieldValuesSafe(h["B"]) {
		t.Fatal("AllFieldValuesSafe")
	}
	httpwire.SanitizeHeader(h)
	if h["A"][0] != "fine" || h["A"][1] != "YmFkAA" || h["B"][0] != "ok" {
		t.Errorf("got %v", h)
	}
	clean := http.Header{"A": {"x", "y"}}
	if n := testing.AllocsPerRun(100, func() { httpwire.SanitizeHeader(clean) }); n != 0 {
		t.Errorf("%v allocations for a clean header", n)
	}
}
