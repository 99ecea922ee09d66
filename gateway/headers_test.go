package gateway_test

import (
	"strings"
	"testing"

	"github.com/statusmap/statusmap/gateway"
	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
)

func TestAuthChallenges(t *testing.T) {
	g := startGateway(t)
	r := g.do(t, "GET", "/v1/books/code-16", "")
	if r.Status != 401 || r.Header.Get("WWW-Authenticate") != `Bearer realm="api"` {
		t.Errorf("401: status %d, WWW-Authenticate %q", r.Status, r.Header.Get("WWW-Authenticate"))
	}
	r = g.do(t, "GET", "/v1/books/crlf", "")
	if got := r.Header.Get("WWW-Authenticate"); strings.Contains(got, "bad token") || got != `Bearer realm="api"` {
		t.Errorf("the status message reached WWW-Authenticate: %q", got)
	}
	if r.Header.Get("Set-Cookie") != "" {
		t.Error("the status message injected a header")
	}
	r = g.do(t, "GET", "/v1/books/challenge", "")
	if got := r.Header.Get("WWW-Authenticate"); got != `Bearer realm="books", error="invalid_token"` {
		t.Errorf("pinned challenge: %q", got)
	}
	r = g.do(t, "GET", "/v1/books/pin-407", "")
	if r.Status != 407 || r.Header.Get("Proxy-Authenticate") != `Basic realm="proxy"` {
		t.Errorf("407: status %d, Proxy-Authenticate %q", r.Status, r.Header.Get("Proxy-Authenticate"))
	}

	// A challenge that is not valid RFC 9110 syntax is an error, never
	// trimmed or dropped.
	for _, bad := range []*statusmapv1.AuthChallenge{
		{Scheme: "Basic", Params: []*statusmapv1.AuthParam{{Name: "bad name", Value: "x"}}},
		{Scheme: "bad scheme"},
		{Scheme: "Basic", Params: []*statusmapv1.AuthParam{{Name: "realm", Value: "a\r\nb"}}},
		{Scheme: "Negotiate", Token68: "a b"},
	} {
		if _, err := gateway.New(gateway.WithAuthChallenges(bad)); err == nil {
			t.Errorf("WithAuthChallenges(%v) accepted", bad)
		}
	}
	if _, err := gateway.New(gateway.WithProxyAuthChallenges()); err == nil {
		t.Error("WithProxyAuthChallenges() with no challenge accepted")
	}
	configured := startGateway(t, gateway.WithAuthChallenges(
		&statusmapv1.AuthChallenge{Scheme: "Basic", Params: []*statusmapv1.AuthParam{{Name: "realm", Value: `say "hi"`}}},
		&statusmapv1.AuthChallenge{Scheme: "Negotiate", Token68: "abc=="},
	))
	r = configured.do(t, "GET", "/v1/books/code-16", "")
	if got := r.Header.Get("WWW-Authenticate"); got != `Basic realm="say \"hi\"", Negotiate abc==` {
		t.Errorf("configured challenge: %q", got)
	}
}

func TestAllowFromPin(t *testing.T) {
	g := startGateway(t)
	r := g.do(t, "GET", "/v1/books/allow", "")
	if r.Status != 405 || r.Header.Get("Allow") != "GET, PUT" {
		t.Errorf("status %d, Allow %q; want 405 with GET, PUT", r.Status, r.Header.Get("Allow"))
	}
}

func TestRetryAfter(t *testing.T) {
	g := startGateway(t)
	testCases := []struct {
		id   string
		want string
	}{
		{"retry-1500", "2"},
		{"retry-30000", "30"},
		{"retry-1", "1"},
		{"retry-0", "0"},
		{"retry--5000", "0"},
	}
	for _, tc := range testCases {
		r := g.do(t, "GET", "/v1/books/"+tc.id, "")
		if got := r.Header.Get("Retry-After"); got != tc.want {
			t.Errorf("%s: Retry-After %q; want %q", tc.id, got, tc.want)
		}
		if r.Status != 503 {
			t.Errorf("%s: status %d; want 503", tc.id, r.Status)
		}
	}
	if r := g.do(t, "GET", "/v1/books/code-5", ""); r.Header.Get("Retry-After") != "" {
		t.Errorf("Retry-After without RetryInfo: %q", r.Header.Get("Retry-After"))
	}
}
