package gateway_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/statusmap/statusmap/gateway"
	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/prototext"
)

// hostilePin is a pin detail, in JSON, of the code with an upstream's own
// challenge and method, both holding word.
func hostilePin(code int, word string) string {
	return fmt.Sprintf(`{"@type":"type.googleapis.com/statusmap.v1.HttpStatus","code":%d,`+
		`"challenges":[{"scheme":"Basic","params":[{"name":"realm","value":%q}]}],"allowedMethods":[%q]}`, code, word, word)
}

// statusDump is everything a status holds, details decoded, to search for
// a word an upstream wrote.
func statusDump(err error) string {
	return prototext.Format(status.Convert(err).Proto())
}

// TestRedactionRebuildsTheBodysPin reads, with a Gateway made
// WithRedaction(true), 5xx bodies whose pins carry an upstream's challenge
// and methods: a pin of the status line's own code (which once was kept as
// it was), a second pin behind a clean one, and a pin that is not valid.
// What is left is a bare pin of the status; nothing the upstream wrote.
func TestRedactionRebuildsTheBodysPin(t *testing.T) {
	g := newGateway(gateway.WithRedaction(true))
	clean := `{"@type":"type.googleapis.com/statusmap.v1.HttpStatus","code":503}`
	for name, details := range map[string]string{
		"same code":        hostilePin(503, "SECRET"),
		"behind a clean":   clean + "," + hostilePin(503, "SECRET"),
		"another 5xx":      hostilePin(500, "SECRET"),
		"not valid":        hostilePin(200, "SECRET"),
		"invalid and same": hostilePin(999, "SECRET") + "," + hostilePin(503, "SECRET"),
	} {
		body := `{"code":14,"message":"m","details":[` + details + `]}`
		err := g.ErrorFromResponse(fakeResponse(503, "application/json", body))
		pin := statusmap.PinOf(err)
		if pin.GetCode() != 503 || len(pin.GetChallenges()) > 0 || len(pin.GetAllowedMethods()) > 0 {
			t.Errorf("%s: pinned %v", name, pin)
		}
		if text := statusDump(err); strings.Contains(text, "SECRET") {
			t.Errorf("%s: the status kept the upstream's text: %s", name, text)
		}
	}
}

// TestRedactedPinReachesNoClient answers through a real gateway mux, made
// WithRedaction(true) and WithPinInBody(true), the error a relay service
// read with that Gateway's ErrorFromResponse from an upstream's 503 whose
// pin holds a challenge and methods: neither the headers nor the body
// (whose pin is written) carry them. Without redaction the message does
// travel, so the test would see a leak.
func TestRedactedPinReachesNoClient(t *testing.T) {
	body := `{"code":14,"message":"secret","details":[` + hostilePin(503, "secret") + `]}`
	upstream := func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprint(w, body)
	}
	for _, redact := range []bool{false, true} {
		opts := []gateway.Option{gateway.WithRedaction(redact), gateway.WithPinInBody(true)}
		g := newGateway(opts...)
		url := startRelay(t, upstream, g.ErrorFromResponse, opts...)
		resp := doRequest(t, http.DefaultClient, "GET", url+"/v1/books/x", "")
		seen := fmt.Sprint(resp.Header) + string(resp.Body)
		if resp.Status != 503 || !strings.Contains(seen, "statusmap.v1.HttpStatus") {
			t.Errorf("redact=%v: answered %d", redact, resp.Status)
		}
		if leaked := strings.Contains(seen, "secret"); leaked == redact {
			t.Errorf("redact=%v: leaked=%v: %d %s", redact, leaked, resp.Status, seen)
		}
	}
}

// TestUpstreamPinOfTheSameStatusKeepsOnlyItsHeaders reads, without
// redaction, error statuses whose body pins the same status with a
// challenge and methods: the challenges stay only on a 401 or 407, the
// methods only on a 405, as ErrorFromResponse's doc says; before, a pin of
// the status line's own code was kept whole.
func TestUpstreamPinOfTheSameStatusKeepsOnlyItsHeaders(t *testing.T) {
	passThrough := newGateway(gateway.WithUpstreamPassThrough(true))
	for _, line := range []int{400, 401, 404, 405, 407, 429, 500, 503} {
		body := `{"code":3,"message":"m","details":[` + hostilePin(line, "EVIL") + `]}`
		err := passThrough.ErrorFromResponse(fakeResponse(line, "application/json", body))
		pin := statusmap.PinOf(err)
		wantChallenges := line == 401 || line == 407
		wantMethods := line == 405
		if pin.GetCode() != int32(line) || (len(pin.GetChallenges()) > 0) != wantChallenges || (len(pin.GetAllowedMethods()) > 0) != wantMethods {
			t.Errorf("%d with a pin of %d: pinned %v", line, line, pin)
		}
	}
	// The package's ErrorFromResponse (which folds 401, 405 and 407) too.
	err := gateway.ErrorFromResponse(fakeResponse(400, "application/json",
		`{"code":3,"message":"m","details":[`+hostilePin(400, "EVIL")+`]}`))
	if pin := statusmap.PinOf(err); pin.GetCode() != 400 || len(pin.GetChallenges()) > 0 || len(pin.GetAllowedMethods()) > 0 {
		t.Errorf("400: pinned %v", pin)
	}
}
