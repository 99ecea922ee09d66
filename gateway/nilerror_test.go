package gateway_test

import (
	"net/http/httptest"
	"testing"

	"github.com/statusmap/statusmap/gateway"
)

// TestWriteErrorNil: a nil error is not an error to answer. The method
// returns an error and writes nothing; the package shortcut writes nothing.
// Once, both answered 500 Internal Server Error.
func TestWriteErrorNil(t *testing.T) {
	rec := httptest.NewRecorder()
	err := newGateway().WriteError(rec, httptest.NewRequest("GET", "/", nil), nil)
	if err == nil {
		t.Error("(*Gateway).WriteError(nil): no error")
	}
	if rec.Code != 200 || rec.Body.Len() != 0 || len(rec.Header()) != 0 || rec.Flushed {
		t.Errorf("(*Gateway).WriteError(nil) wrote: %d %v %q", rec.Code, rec.Header(), rec.Body)
	}
	rec = httptest.NewRecorder()
	gateway.WriteError(rec, nil, nil)
	if rec.Code != 200 || rec.Body.Len() != 0 || len(rec.Header()) != 0 || rec.Flushed {
		t.Errorf("gateway.WriteError(nil) wrote: %d %v %q", rec.Code, rec.Header(), rec.Body)
	}
	// Something written to w afterwards is what the client gets.
	rec = httptest.NewRecorder()
	gateway.WriteError(rec, nil, nil)
	rec.WriteHeader(204)
	if rec.Code != 204 {
		t.Errorf("status after WriteError(nil): %d; want the handler's 204", rec.Code)
	}
}
