package gateway_test

import (
	"strings"
	"testing"

	"github.com/statusmap/statusmap/gateway"
)

// TestOptionsValidated: a bad option is an error from New, naming it,
// and a panic from the package-level shortcut; never dropped.
func TestOptionsValidated(t *testing.T) {
	for _, tc := range []struct {
		name string
		opt  gateway.Option
	}{
		{"nil option", nil},
		{"format", gateway.WithFormat(gateway.Format(7))},
		{"negative format", gateway.WithFormat(-1)},
		{"success 302", gateway.WithSuccessStatus("POST", 302)},
		{"success 500", gateway.WithSuccessStatus("PUT", 500)},
		{"success bad method", gateway.WithSuccessStatus("PO ST", 201)},
		{"rpc 404", gateway.WithRPCSuccessStatus("/bookshelf.v1.BookshelfService/CreateBook", 404)},
		{"rpc name", gateway.WithRPCSuccessStatus("CreateBook", 201)},
		// Accepted by New before, refused by Gateway.OpenAPI: one rule now.
		{"rpc service without a simple name", gateway.WithRPCSuccessStatus("/bookshelf.v1./CreateBook", 201)},
		{"problem type nil", gateway.WithProblemType(nil)},
		{"write error handler nil", gateway.WithWriteErrorHandler(nil)},
		{"no challenges", gateway.WithAuthChallenges()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := gateway.New(tc.opt); err == nil {
				t.Fatal("New accepted a bad option")
			}
			defer func() {
				if recover() == nil {
					t.Error("ServeMuxOptions did not panic on a bad option")
				}
			}()
			gateway.ServeMuxOptions(tc.opt)
		})
	}
	_, err := gateway.New(gateway.WithFormat(9), gateway.WithSuccessStatus("GET", 404))
	if err == nil || !strings.Contains(err.Error(), "WithFormat") || !strings.Contains(err.Error(), "WithSuccessStatus") {
		t.Errorf("New's error does not name every bad option: %v", err)
	}
}
