package gateway_test

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// With ServeMuxOptions first, a user's middleware never sees the probes.
func TestProbesStopBeforeLaterMiddlewares(t *testing.T) {
	var seen atomic.Int64
	count := runtime.WithMiddlewares(func(next runtime.HandlerFunc) runtime.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request, p map[string]string) {
			seen.Add(1)
			next(w, r, p)
		}
	})
	mux := serveOne(t, "GET", wrapperspb.String("x"), count)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("DELETE", "/v1/things", nil))
	if rec.Code != 405 || rec.Header().Get("Allow") != "GET" || seen.Load() != 0 {
		t.Errorf("405 Allow %q, user middleware ran %d times; want GET and 0", rec.Header().Get("Allow"), seen.Load())
	}
}
