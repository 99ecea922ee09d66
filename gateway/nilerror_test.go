package gateway_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/statusmap/statusmap/gateway"
)

// TestWriteErrorNil: a nil error is not an error to answer. The method
// returns an error and writes nothing; so does the package shortcut.
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

// brokenWriter is a client that went away: every write fails.
type brokenWriter struct{ header http.Header }

var errGone = errors.New("client gone")

func (w *brokenWriter) Header() http.Header       { return w.header }
func (w *brokenWriter) WriteHeader(int)           {}
func (w *brokenWriter) Write([]byte) (int, error) { return 0, errGone }

// TestPackageWriteErrorReturnsError: the package-level WriteError returns
// what (*Gateway).WriteError returns: the error of writing the body, and
// an error for a nil err. (It returned nothing; a plain net/http handler
// could not tell that its client never got the answer.)
func TestPackageWriteErrorReturnsError(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	fromMethod := newGateway().WriteError(&brokenWriter{header: http.Header{}}, r, errors.New("x"))
	fromPackage := gateway.WriteError(&brokenWriter{header: http.Header{}}, r, errors.New("x"))
	if !errors.Is(fromPackage, errGone) || !errors.Is(fromMethod, errGone) {
		t.Errorf("write failure: package %v, method %v; want both to wrap %v", fromPackage, fromMethod, errGone)
	}
	nilMethod := newGateway().WriteError(httptest.NewRecorder(), r, nil)
	nilPackage := gateway.WriteError(httptest.NewRecorder(), r, nil)
	if nilPackage == nil || nilMethod == nil || nilPackage.Error() != nilMethod.Error() {
		t.Errorf("nil error: package %v, method %v; want the same error", nilPackage, nilMethod)
	}
	if err := gateway.WriteError(httptest.NewRecorder(), r, errors.New("x")); err != nil {
		t.Errorf("a write that succeeds: %v", err)
	}
}
