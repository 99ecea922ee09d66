package gateway

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// TestAcceptsTrailers: "trailers" anywhere in a TE value, in any case, as
// grpc-gateway reads it (strings.Contains of the lower-cased value).
func TestAcceptsTrailers(t *testing.T) {
	for _, te := range []string{"trailers", "TRAILERS", "deflate, Trailers", "gzip;q=0.5,trailers", "trail", "", "trailer", "\x8dtrailers\x8d", "tRaIlErS"} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("TE", te)
		if got, want := acceptsTrailers(r), strings.Contains(strings.ToLower(te), "trailers"); got != want {
			t.Errorf("acceptsTrailers(%q) = %v; want %v", te, got, want)
		}
	}
}

// TestAcceptsTrailersCostsNothingForAHostileTE: a client's TE header of a
// megabyte of invalid bytes is read in place, not lower-cased.
func TestAcceptsTrailersCostsNothingForAHostileTE(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("TE", strings.Repeat("\x8d", 1<<20))
	if n := testing.AllocsPerRun(5, func() { acceptsTrailers(r) }); n != 0 {
		t.Fatalf("%v allocations", n)
	}
}
