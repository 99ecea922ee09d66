package gateway_test

import (
	"bytes"
	"context"
	"log"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// Flushing before the body (a user's forward-response option may) sends
// the success status, not an implicit 200, and logs nothing.
func TestFlushBeforeBodyKeepsSuccessStatus(t *testing.T) {
	flush := runtime.WithForwardResponseOption(func(_ context.Context, w http.ResponseWriter, _ proto.Message) error {
		return http.NewResponseController(w).Flush()
	})
	srv := httptest.NewUnstartedServer(serveOne(t, "POST", wrapperspb.String("x"), flush))
	var logged bytes.Buffer
	srv.Config.ErrorLog = log.New(&logged, "", 0)
	srv.Start()
	t.Cleanup(srv.Close)
	if r := doRequest(t, srv.Client(), "POST", srv.URL+"/v1/things", "{}"); r.Status != 201 {
		t.Errorf("POST with an early flush: %d; want 201", r.Status)
	}
	if logged.Len() != 0 {
		t.Errorf("net/http logged: %s", logged.String())
	}
}
