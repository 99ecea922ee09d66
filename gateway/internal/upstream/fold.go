package upstream

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/statusmap/statusmap/internal/httpwire"
	pins "github.com/statusmap/statusmap/internal/pin"
	"github.com/statusmap/statusmap/internal/wire"
	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"
)

// finishStatus makes the decoded status agree with the response: an error
// code, the exact status pinned (or an upstream's 401, 405 or 407 folded),
// and what the headers add. ours tells a body in one of the gateway's
// formats.
func finishStatus(sp *spb.Status, resp *http.Response, ours bool, cfg Config, mapper *statusmap.Mapper) *status.Status {
	httpStatus := resp.StatusCode
	if !wire.IsErrorStatus(httpStatus) {
		return finishNotError(sp, resp, cfg)
	}
	if sp.Code == int32(codes.OK) || sp.Code > int32(codes.Unauthenticated) {
		sp.Code = int32(mapper.Code(httpStatus))
	}
	// A RetryInfo the writer would turn into Retry-After wins over the header.
	if _, ok := httpwire.RetryAfterOf(sp.Details); !ok {
		if delay, ok := httpwire.ParseRetryAfter(resp.Header, time.Now()); ok {
			appendDetail(sp, &errdetails.RetryInfo{RetryDelay: durationpb.New(delay)})
		}
	}
	pin := pins.Find(sp.Details)
	if f, ok := foldOf(httpStatus); ok && !cfg.PassThrough {
		return fold(sp, resp.Header, f, pin, httpStatus)
	}
	allow := resp.Header.Values("Allow")
	needAllow := httpStatus == http.StatusMethodNotAllowed && len(allow) > 0 && len(pin.GetAllowedMethods()) == 0
	var challenges []*statusmapv1.AuthChallenge
	if len(pin.GetChallenges()) == 0 {
		challenges = headerChallenges(resp.Header, httpStatus, ours)
	}
	if pinnedStatus(sp, pin, mapper) == httpStatus && !needAllow && len(challenges) == 0 && pinFits(sp.Details, pin, httpStatus) {
		return status.FromProto(sp)
	}
	// Replace any pin with one that says the response's status.
	sp.Details = pins.Without(sp.Details)
	newPin := rebuiltPin(pin, httpStatus, challenges)
	if needAllow {
		newPin.AllowedMethods = allowMethods(allow)
	}
	appendDetail(sp, newPin)
	return status.FromProto(sp)
}

// finishNotError is finishStatus for a status line that is not an error
// status: nothing to pin, and a pin in the body is not believed (it would
// let the upstream choose the status, and the challenge, of the gateway's
// answer). The message is kept; a pin of 401, 405 or 407 is folded as the
// status would be.
func finishNotError(sp *spb.Status, resp *http.Response, cfg Config) *status.Status {
	sp.Code = int32(codes.Unknown)
	pin := pins.Find(sp.Details)
	sp.Details = pins.Without(sp.Details)
	if f, ok := foldOf(int(pin.GetCode())); ok && !cfg.PassThrough {
		return fold(sp, resp.Header, f, pin, resp.StatusCode)
	}
	return status.FromProto(sp)
}

// headerChallenges reads the challenges of a 401's or a 407's header. A
// gateway's default challenge (a statusmap gateway writes one on every 401
// and 407) says nothing the status does not: reading it into a pin would
// only make a round trip differ from what went in, so it is not read from
// a body in one of the gateway's formats (ours). Anything else an upstream
// said is kept.
func headerChallenges(h http.Header, httpStatus int, ours bool) []*statusmapv1.AuthChallenge {
	values := challengeValues(h, httpStatus)
	if len(values) == 0 || ours && isDefaultChallenge(httpStatus, values) {
		return nil
	}
	return httpwire.ParseChallenges(values, httpwire.MaxHeaderItems)
}

// pinnedStatus is the HTTP status the status says as it is: its pin's, else
// its code's by the default table and by the Gateway's when both agree
// (0 when they do not, so that a pin is written).
func pinnedStatus(sp *spb.Status, pin *statusmapv1.HttpStatus, mapper *statusmap.Mapper) int {
	if pin != nil {
		return int(pin.GetCode())
	}
	code := codes.Code(sp.Code)
	current := statusmap.HTTPStatus(code)
	if mapped := mapper.HTTPStatus(code); mapped != current {
		return 0
	}
	return current
}

// rebuiltPin is a pin that says the response's status. A body's challenges
// and methods are kept only for the status that writes them: a 400 does
// not carry a 401's challenge along. challenges, from the headers, replace
// the body's.
func rebuiltPin(pin *statusmapv1.HttpStatus, httpStatus int, challenges []*statusmapv1.AuthChallenge) *statusmapv1.HttpStatus {
	newPin := &statusmapv1.HttpStatus{Code: int32(httpStatus)}
	switch {
	case httpStatus == http.StatusMethodNotAllowed:
		newPin.AllowedMethods = pin.GetAllowedMethods()
	case httpStatus == http.StatusUnauthorized || httpStatus == http.StatusProxyAuthRequired:
		newPin.Challenges = pin.GetChallenges()
	}
	if len(challenges) > 0 {
		newPin.Challenges = challenges
	}
	return newPin
}

// allowMethods are the method tokens of Allow's values, at most
// httpwire.MaxHeaderItems of them.
func allowMethods(allow []string) []string {
	var methods []string
	for _, v := range allow {
		for _, m := range strings.Split(v, ",") {
			if m = strings.TrimSpace(m); httpwire.IsToken(m) && len(methods) < httpwire.MaxHeaderItems {
				methods = append(methods, m)
			}
		}
	}
	return methods
}

// pinFits reports whether the body's pins may stay as they are: none, or
// one valid pin that says no more than the response's status would (its
// challenges on a 401 or 407 only, its methods on a 405 only, no field
// this package does not know). Any other pin is rebuilt, so that a pin of
// the status line's own code cannot carry an upstream's text along.
func pinFits(details []*anypb.Any, pin *statusmapv1.HttpStatus, httpStatus int) bool {
	n := 0
	for _, d := range details {
		if wire.IsPin(d) {
			n++
		}
	}
	if n == 0 {
		return true
	}
	if n > 1 || pin == nil || len(pin.ProtoReflect().GetUnknown()) > 0 {
		return false
	}
	challenges := httpStatus == http.StatusUnauthorized || httpStatus == http.StatusProxyAuthRequired
	return (len(pin.GetChallenges()) == 0 || challenges) && (len(pin.GetAllowedMethods()) == 0 || httpStatus == http.StatusMethodNotAllowed)
}

// challengeValues are the challenge header's values of a 401 or a 407.
func challengeValues(h http.Header, httpStatus int) []string {
	if httpStatus != http.StatusUnauthorized && httpStatus != http.StatusProxyAuthRequired {
		return nil
	}
	return h.Values(wire.ChallengeHeader(httpStatus))
}

// A folded status: an upstream status that is not the client's to act on,
// the ErrorInfo reason it is folded under, and the metadata key that keeps
// its challenge or Allow.
type folded struct {
	status int
	reason string
	key    string
}

// folds are the statuses ErrorFromResponse folds into a 502, one row each.
var folds = [...]folded{
	{http.StatusUnauthorized, ReasonUnauthenticated, "wwwAuthenticate"},
	{http.StatusProxyAuthRequired, ReasonProxyAuthRequired, "proxyAuthenticate"},
	{http.StatusMethodNotAllowed, ReasonMethodNotAllowed, "allow"},
}

// foldOf is the fold of an upstream status, if it has one.
func foldOf(httpStatus int) (folded, bool) {
	for _, f := range folds {
		if f.status == httpStatus {
			return f, true
		}
	}
	return folded{}, false
}

// fold turns an upstream's 401, 405 or 407 into a 502 that keeps, in an
// ErrorInfo, everything the upstream said: its status, the code and
// message read from its body, and its challenges or Allow (from the
// headers, else from the body's pin). The pin says 502, so no gateway
// writes a challenge or an Allow for it. line is the response's status,
// kept as "responseStatus" when it is not the folded one (a pin in the
// body of a response whose status is not an error).
func fold(sp *spb.Status, h http.Header, f folded, pin *statusmapv1.HttpStatus, line int) *status.Status {
	httpStatus, key := f.status, f.key
	meta := map[string]string{"grpcCode": wire.CodeNames[sp.Code]}
	var fromPin string
	if httpStatus == http.StatusMethodNotAllowed {
		fromPin = httpwire.FormatAllow(pin.GetAllowedMethods())
	} else {
		fromPin = httpwire.FormatChallenges(pin.GetChallenges())
	}
	header := wire.ChallengeHeader(httpStatus)
	meta["httpStatus"] = strconv.Itoa(httpStatus)
	if line != httpStatus {
		meta["responseStatus"] = strconv.Itoa(line)
	}
	if v := headerValue(h.Values(header)); v != "" {
		meta[key] = v
	} else if fromPin != "" {
		meta[key] = fromPin
	}
	msg := "upstream answered " + strconv.Itoa(httpStatus) + " " + http.StatusText(httpStatus)
	if sp.Message != "" {
		meta["message"] = bounded(sp.Message)
		if !strings.HasPrefix(sp.Message, "HTTP "+strconv.Itoa(httpStatus)) {
			msg += ": " + sp.Message
		} else if _, excerpt, ok := strings.Cut(sp.Message, ": "); ok {
			msg += ": " + excerpt // the fallback message already names the status
		}
	}
	sp.Message = msg
	sp.Code = int32(codes.Unavailable)
	sp.Details = pins.Without(sp.Details)
	appendDetail(sp, &errdetails.ErrorInfo{Reason: f.reason, Domain: wire.Domain, Metadata: meta})
	appendDetail(sp, &statusmapv1.HttpStatus{Code: http.StatusBadGateway})
	return status.FromProto(sp)
}

// isDefaultChallenge reports whether values is the challenge a statusmap
// gateway writes by default for the status.
func isDefaultChallenge(httpStatus int, values []string) bool {
	want := wire.DefaultWWWAuthenticate
	if httpStatus == http.StatusProxyAuthRequired {
		want = wire.DefaultProxyAuthenticate
	}
	return len(values) == 1 && values[0] == want
}
