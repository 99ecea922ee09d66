package httpwire_test

import (
	"testing"

	"github.com/statusmap/statusmap/internal/httpwire"
)

func TestParseChallenge(t *testing.T) {
	c, err := httpwire.ParseChallenge(`Bearer realm="books", scope="read \"all\""`, 16)
	if err != nil || c.GetScheme() != "Bearer" || len(c.GetParams()) != 2 || c.GetParams()[1].GetValue() != `read "all"` {
		t.Errorf("got %v, %v", c, err)
	}
	if c, err := httpwire.ParseChallenge("Basic abc==", 16); err != nil || c.GetToken68() != "abc==" {
		t.Errorf("token68: got %v, %v", c, err)
	}
	for _, bad := range []string{``, `Bearer realm="unterminated`, `Basic realm="a", Bearer x`, `Basic realm=a/b`, "Basic realm=\"a\x00\""} {
		if c, err := httpwire.ParseChallenge(bad, 16); err == nil {
			t.Errorf("%q: got %v, no error", bad, c)
		}
	}
}

func TestParseChallengesBounds(t *testing.T) {
	got := httpwire.ParseChallenges([]string{"A, B, C", `D x=1, y=2, z=3`}, 2)
	if len(got) != 2 || got[1].GetScheme() != "B" {
		t.Errorf("got %v; want A and B", got)
	}
	got = httpwire.ParseChallenges([]string{`D x=1, y=2, z=3`}, 2)
	if len(got) == 0 || len(got[0].GetParams()) != 2 {
		t.Errorf("got %v; want D with two parameters first", got)
	}
}
