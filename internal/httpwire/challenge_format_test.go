package httpwire_test

import (
	"testing"

	"github.com/statusmap/statusmap/internal/httpwire"
	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
	"google.golang.org/protobuf/proto"
)

func TestParseChallenges(t *testing.T) {
	testCases := []struct {
		in   []string
		want string // httpwire.FormatChallenges of the result
	}{
		{[]string{`Bearer`}, `Bearer`},
		{[]string{`Basic realm="upstream"`}, `Basic realm="upstream"`},
		{[]string{`Bearer realm="books", error="invalid_token", error_description="The token \"x\" expired"`},
			`Bearer realm="books", error="invalid_token", error_description="The token \"x\" expired"`},
		{[]string{`Basic realm="a", Bearer realm="b"`}, `Basic realm="a", Bearer realm="b"`},
		{[]string{`Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple"`},
			`Newauth realm="apps", type="1", title="Login to \"apps\"", Basic realm="simple"`},
		{[]string{`Negotiate abc+/=`}, `Negotiate abc+/=`},
		{[]string{`Negotiate YII==, Basic realm="x"`}, `Negotiate YII==, Basic realm="x"`},
		{[]string{`Basic`, `Bearer realm=api`}, `Basic, Bearer realm="api"`},
		{[]string{`, ,Basic realm="x",,`}, `Basic realm="x"`},
		{[]string{`Basic realm="unterminated`}, `Basic`},
		{[]string{`"quoted"`}, ``},
		{[]string{`Basic realm="a` + "\r\n" + `b"`}, `Basic`},
	}
	for _, tc := range testCases {
		if got := httpwire.FormatChallenges(parseChallenges(tc.in)); got != tc.want {
			t.Errorf("parse(%q) formats as %q; want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzParseChallenges checks that parsing never panics, stays bounded, and
// that what it reads formats to a value that parses back to the same.
func FuzzParseChallenges(f *testing.F) {
	for _, s := range []string{`Bearer realm="x", error="y"`, `Negotiate a==, Basic realm=z`, `a b=c, d`, `x="\"`, ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		parsed := parseChallenges([]string{v})
		if len(parsed) > httpwire.MaxHeaderItems {
			t.Fatalf("%d challenges", len(parsed))
		}
		formatted := httpwire.FormatChallenges(parsed)
		again := parseChallenges([]string{formatted})
		if httpwire.FormatChallenges(again) != formatted {
			t.Fatalf("%q -> %q -> %q", v, formatted, httpwire.FormatChallenges(again))
		}
		// Everything FormatChallenges kept must survive a second parse.
		if len(again) > 0 && !proto.Equal(&statusmapv1.HttpStatus{Challenges: again}, &statusmapv1.HttpStatus{Challenges: parseChallenges([]string{httpwire.FormatChallenges(again)})}) {
			t.Fatalf("unstable: %q", formatted)
		}
	})
}

// parseChallenges reads challenges as the gateway does, at most
// MaxHeaderItems of them.
func parseChallenges(values []string) []*statusmapv1.AuthChallenge {
	return httpwire.ParseChallenges(values, httpwire.MaxHeaderItems)
}
