package wire_test

import (
	"testing"

	"github.com/statusmap/statusmap/internal/wire"
	"google.golang.org/genproto/googleapis/rpc/code"
	"google.golang.org/grpc/codes"
)

// TestCodeNames holds the table against google/rpc/code.proto's names.
func TestCodeNames(t *testing.T) {
	if wire.MaxCode != int(codes.Unauthenticated) {
		t.Errorf("MaxCode = %d; want %d", wire.MaxCode, codes.Unauthenticated)
	}
	for c, name := range wire.CodeNames {
		if want := code.Code_name[int32(c)]; name != want {
			t.Errorf("CodeNames[%d] = %q; want %q", c, name, want)
		}
	}
}

func TestSplitFullMethod(t *testing.T) {
	for in, want := range map[string]bool{
		"/pkg.Svc/Rpc": true, "pkg.Svc/Rpc": true, "/Svc/Rpc": true,
		"/pkg.Svc": false, "/pkg.Svc/": false, "//Rpc": false, "/a/b/c": false, "": false,
		// A service's full name ends in its simple name, which the OpenAPI
		// rewrite names operations by.
		"/pkg./Rpc": false, "/./Rpc": false,
	} {
		service, method, ok := wire.SplitFullMethod(in)
		if ok != want || ok && (service == "" || method == "") {
			t.Errorf("SplitFullMethod(%q) = %q, %q, %v; want ok %v", in, service, method, ok, want)
		}
	}
}

func TestBodyAllowed(t *testing.T) {
	for s, want := range map[int]bool{200: true, 201: true, 204: false, 205: false, 304: false, 404: true} {
		if got := wire.BodyAllowed(s); got != want {
			t.Errorf("BodyAllowed(%d) = %v; want %v", s, got, want)
		}
	}
}

func TestChallengeHeader(t *testing.T) {
	for s, want := range map[int]string{401: "Www-Authenticate", 405: "Allow", 407: "Proxy-Authenticate", 403: ""} {
		if got := wire.ChallengeHeader(s); got != want {
			t.Errorf("ChallengeHeader(%d) = %q; want %q", s, got, want)
		}
	}
}

func TestCheckErrorStatuses(t *testing.T) {
	if err := wire.CheckErrorStatuses([]int{400, 599}); err != nil {
		t.Errorf("400, 599: %v", err)
	}
	for _, bad := range [][]int{{399}, {600}, {404, 404}} {
		if wire.CheckErrorStatuses(bad) == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}
