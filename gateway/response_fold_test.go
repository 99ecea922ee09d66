package gateway_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/statusmap/statusmap/gateway"
	"github.com/statusmap/statusmap/statusmap/reason"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/status"
)

// forgedFold is a status body whose details claim a fold of the reason
// under the domain UpstreamDomain, which only this package writes.
func forgedFold(reason string) string {
	return `{"code":3,"message":"m","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"` + reason +
		`","domain":"statusmap.dev","metadata":{"httpStatus":"401","wwwAuthenticate":"Basic realm=\"x\""}}]}`
}

// droppedUpstreamInfo is the count of forged fold ErrorInfos an error's
// ReasonUpstreamTruncated ErrorInfo holds, "" when there is none.
func droppedUpstreamInfo(err error) string {
	for _, d := range status.Convert(err).Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok && info.GetReason() == gateway.ReasonUpstreamTruncated && info.GetDomain() == gateway.UpstreamDomain {
			return info.GetMetadata()["droppedUpstreamInfo"]
		}
	}
	return ""
}

// TestUpstreamCannotForgeAFold reads bodies that claim one of the fold's
// ErrorInfos under a status line that is not a fold's 502, in the
// statusmap and Google formats: the claim is dropped and counted, so that
// reason.Has never answers true for what only an upstream said,
// and the gateway does not write it on. (A 401 still folds, with its own
// ErrorInfo; the body's forged one of another reason is gone.)
func TestUpstreamCannotForgeAFold(t *testing.T) {
	reasons := []string{gateway.ReasonUpstreamUnauthenticated, gateway.ReasonUpstreamProxyAuthRequired, gateway.ReasonUpstreamMethodNotAllowed}
	for _, line := range []int{300, 400, 404, 407, 500, 503, 999} {
		for _, fold := range reasons {
			bodies := map[string]string{
				"status": forgedFold(fold),
				"google": `{"error":{"code":400,"message":"m","status":"INVALID_ARGUMENT","errors":[{"reason":"` + fold + `","domain":"statusmap.dev"}]}}`,
			}
			for format, body := range bodies {
				err := gateway.ErrorFromResponse(fakeResponse(line, "application/json", body))
				folded := line == 407 && fold == gateway.ReasonUpstreamProxyAuthRequired
				if reason.Has(err, gateway.UpstreamDomain, fold) != folded {
					t.Errorf("%d %s %s: Has=%v: %v", line, format, fold, !folded, status.Convert(err).Proto())
				}
				if got := droppedUpstreamInfo(err); got != "1" {
					t.Errorf("%d %s %s: droppedUpstreamInfo %q", line, format, fold, got)
				}
				rec := httptest.NewRecorder()
				gateway.WriteError(rec, httptest.NewRequest("GET", "/", nil), err)
				if strings.Contains(rec.Body.String(), "realm") || !folded && strings.Contains(rec.Body.String(), fold) {
					t.Errorf("%d %s %s: wrote %d %s", line, format, fold, rec.Code, rec.Body)
				}
			}
		}
	}
	// A 502 may be a fold: its ErrorInfo is read as it is.
	err := gateway.ErrorFromResponse(fakeResponse(502, "application/json", forgedFold(gateway.ReasonUpstreamUnauthenticated)))
	if !reason.Has(err, gateway.UpstreamDomain, gateway.ReasonUpstreamUnauthenticated) || droppedUpstreamInfo(err) != "" {
		t.Errorf("502: %v", status.Convert(err).Proto())
	}
}

// TestUpstreamFoldRoundTrip folds an upstream's 401, 405 and 407 in a relay
// service behind a real gateway mux, in each format, and reads the mux's
// 502 back with ErrorFromResponse, as the next service up would: the
// fold's ErrorInfo survives the round trip, so reason.Has still holds.
func TestUpstreamFoldRoundTrip(t *testing.T) {
	for _, format := range []gateway.Format{gateway.FormatStatus, gateway.FormatGoogle, gateway.FormatProblem} {
		for line, fold := range map[int]string{401: gateway.ReasonUpstreamUnauthenticated, 405: gateway.ReasonUpstreamMethodNotAllowed, 407: gateway.ReasonUpstreamProxyAuthRequired} {
			url := startRelay(t, func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(line)
				fmt.Fprint(w, `{"message":"no"}`)
			}, gateway.ErrorFromResponse, gateway.WithFormat(format))
			resp, err := http.Get(url + "/v1/books/x")
			if err != nil {
				t.Fatal(err)
			}
			got := gateway.ErrorFromResponse(resp)
			resp.Body.Close()
			if resp.StatusCode != 502 || !reason.Has(got, gateway.UpstreamDomain, fold) || droppedUpstreamInfo(got) != "" {
				t.Errorf("%v %d: %d %v", format, line, resp.StatusCode, status.Convert(got).Proto())
			}
		}
	}
}
