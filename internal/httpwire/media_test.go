package httpwire_test

import (
	"strings"
	"testing"

	"github.com/statusmap/statusmap/internal/httpwire"
)

func TestMediaType(t *testing.T) {
	long := "application/json; x=" + strings.Repeat("a", 1024-len("application/json; x="))
	for _, tc := range []struct{ value, want string }{
		{"application/problem+json", "application/problem+json"},
		{"Application/Problem+JSON; charset=utf-8", "application/problem+json"},
		{" text/html ;charset=\"utf-8\"", "text/html"},
		{"", ""},
		{"Text", "text"},           // mime.ParseMediaType needs no subtype
		{"text/html; charset", ""}, // a parameter without a value does not parse
		{"\x8d\x8d/\x8d", ""},
		{long, "application/json"},          // 1 KiB: parsed
		{long + "a", ""},                    // over 1 KiB: none
		{strings.Repeat("\x8d", 1<<20), ""}, // a hostile megabyte
	} {
		if got := httpwire.MediaType(tc.value); got != tc.want {
			t.Errorf("MediaType(%.40q) = %q; want %q", tc.value, got, tc.want)
		}
	}
}

// TestMediaTypeOfAHostileValueCostsNothing: a header value over the bound
// is refused before mime.ParseMediaType lower-cases it, which would
// allocate about 11 bytes for each invalid byte.
func TestMediaTypeOfAHostileValueCostsNothing(t *testing.T) {
	hostile := "application/problem+json; a=\"" + strings.Repeat("\x8d", 1<<20) + "\""
	if n := testing.AllocsPerRun(10, func() { httpwire.MediaType(hostile) }); n != 0 {
		t.Fatalf("%v allocations for a hostile Content-Type", n)
	}
}
