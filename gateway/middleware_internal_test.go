package gateway

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// TestIsFormPost: a form POST is told by its media type, whatever its
// case and parameters.
func TestIsFormPost(t *testing.T) {
	for ct, want := range map[string]bool{
		"application/x-www-form-urlencoded":                 true,
		"Application/X-WWW-Form-Urlencoded; charset=utf-8":  true,
		"application/x-www-form-urlencoded-not":             false,
		"application/x-www-form-urlencoded; charset":        false,
		"application/json":                                  false,
		"":                                                  false,
		"application/x-www-form-urlencoded; a=\"\x8d\x8d\"": true,
	} {
		r := httptest.NewRequest("POST", "/v1/x", nil)
		if ct != "" {
			r.Header.Set("Content-Type", ct)
		}
		if got := isFormPost(r); got != want {
			t.Errorf("isFormPost(%q) = %v; want %v", ct, got, want)
		}
	}
}

// TestIsFormPostCostsNothingForAHostileType: every POST through the
// middleware asks isFormPost. A client's Content-Type of a megabyte of
// invalid bytes behind the form's media type is not lower-cased (about 11
// bytes allocated for each of its bytes): it is no form, for nothing.
func TestIsFormPostCostsNothingForAHostileType(t *testing.T) {
	r := httptest.NewRequest("POST", "/v1/x", nil)
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; a=\""+strings.Repeat("\x8d", 1<<20)+"\"")
	if n := testing.AllocsPerRun(10, func() { isFormPost(r) }); n != 0 {
		t.Fatalf("%v allocations", n)
	}
	if isFormPost(r) {
		t.Fatal("a Content-Type over 1 KiB read as a form")
	}
}
