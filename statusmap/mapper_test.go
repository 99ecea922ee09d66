package statusmap_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestMapperProfiles(t *testing.T) {
	documented, err := statusmap.NewMapper()
	if err != nil {
		t.Fatal(err)
	}
	google, err := statusmap.NewMapper(statusmap.WithProfile(statusmap.ProfileGoogle))
	if err != nil {
		t.Fatal(err)
	}
	var zero statusmap.Mapper
	var nilMapper *statusmap.Mapper
	for c := codes.Code(0); c <= 20; c++ {
		want := statusmap.HTTPStatus(c)
		for name, m := range map[string]*statusmap.Mapper{"documented": documented, "zero": &zero, "nil": nilMapper} {
			if got := m.HTTPStatus(c); got != want {
				t.Errorf("%s mapper: HTTPStatus(%v) = %d; want %d", name, c, got, want)
			}
		}
		wantGoogle := want
		switch c {
		case codes.Canceled:
			wantGoogle = 499
		case codes.ResourceExhausted:
			wantGoogle = 429
		}
		if got := google.HTTPStatus(c); got != wantGoogle {
			t.Errorf("google mapper: HTTPStatus(%v) = %d; want %d", c, got, wantGoogle)
		}
	}
	for s := -5; s < 700; s++ {
		want := statusmap.Code(s)
		for name, m := range map[string]*statusmap.Mapper{"documented": documented, "google": google, "zero": &zero, "nil": nilMapper} {
			if got := m.Code(s); got != want {
				t.Errorf("%s mapper: Code(%d) = %v; want %v", name, s, got, want)
			}
		}
	}
	if got := google.HTTPStatusOf(status.Error(codes.ResourceExhausted, "quota")); got != 429 {
		t.Errorf("google HTTPStatusOf(ResourceExhausted) = %d; want 429", got)
	}
	if got := google.HTTPStatusOf(statusmap.Error(503, "pinned wins")); got != 503 {
		t.Errorf("google HTTPStatusOf(pinned 503) = %d; want 503", got)
	}
	if statusmap.ProfileGoogle.String() != "google" || statusmap.Profile(7).String() != "Profile(7)" {
		t.Errorf("Profile.String: %q %q", statusmap.ProfileGoogle, statusmap.Profile(7))
	}
}

func TestMapperOverrides(t *testing.T) {
	m, err := statusmap.NewMapper(
		statusmap.WithHTTPStatus(codes.FailedPrecondition, 412),
		statusmap.WithCode(409, codes.AlreadyExists),
		statusmap.WithCode(302, codes.NotFound),
		statusmap.WithProfile(statusmap.ProfileGoogle), // order does not matter
	)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.HTTPStatus(codes.FailedPrecondition); got != 412 {
		t.Errorf("HTTPStatus(FailedPrecondition) = %d; want 412", got)
	}
	if got := m.HTTPStatus(codes.Canceled); got != 499 {
		t.Errorf("HTTPStatus(Canceled) = %d; want 499 from the profile", got)
	}
	if got := m.Code(409); got != codes.AlreadyExists {
		t.Errorf("Code(409) = %v; want AlreadyExists", got)
	}
	if got := m.Code(302); got != codes.NotFound {
		t.Errorf("Code(302) = %v; want NotFound", got)
	}
	// The package-level table is untouched.
	if statusmap.HTTPStatus(codes.FailedPrecondition) != 400 || statusmap.Code(409) != codes.Aborted {
		t.Error("a Mapper's overrides leaked into the package-level table")
	}
}

func TestNewMapperRejectsBadRows(t *testing.T) {
	testCases := []struct {
		opt  statusmap.MapperOption
		want string
	}{
		{statusmap.WithHTTPStatus(codes.NotFound, 200), "4xx or 5xx"},
		{statusmap.WithHTTPStatus(codes.NotFound, 302), "4xx or 5xx"},
		{statusmap.WithHTTPStatus(codes.NotFound, 600), "4xx or 5xx"},
		{statusmap.WithHTTPStatus(codes.OK, 404), "2xx"},
		{statusmap.WithHTTPStatus(codes.Code(17), 500), "outside"},
		{statusmap.WithCode(200, codes.NotFound), "2xx"},
		{statusmap.WithCode(404, codes.OK), "2xx"},
		{statusmap.WithCode(99, codes.Unknown), "outside 100 to 599"},
		{statusmap.WithCode(600, codes.Unknown), "outside 100 to 599"},
		{statusmap.WithCode(404, codes.Code(40)), "outside"},
		{statusmap.WithProfile(statusmap.Profile(9)), "unknown profile"},
	}
	for _, tc := range testCases {
		m, err := statusmap.NewMapper(tc.opt)
		if err == nil || m != nil {
			t.Errorf("NewMapper accepted a bad option (want error containing %q)", tc.want)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "statusmap: ") {
			t.Errorf("error %q; want it to contain %q", err, tc.want)
		}
	}
}

func TestMapperConcurrentUse(t *testing.T) {
	m, err := statusmap.NewMapper(statusmap.WithProfile(statusmap.ProfileGoogle))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for i := range 1000 {
				c := codes.Code(i % 17)
				if m.HTTPStatus(c) < 200 || m.Code(400+i%200) > codes.Unauthenticated {
					t.Error("bad mapping under concurrency")
					return
				}
				_ = m.HTTPStatusOf(statusmap.Error(400+i%200, "x"))
			}
		})
	}
	wg.Wait()
}

func TestMapperHTTPStatusOfContextErrors(t *testing.T) {
	m, err := statusmap.NewMapper(
		statusmap.WithProfile(statusmap.ProfileGoogle),
		statusmap.WithHTTPStatus(codes.DeadlineExceeded, 503),
	)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.HTTPStatusOf(context.Canceled); got != 499 {
		t.Errorf("HTTPStatusOf(context.Canceled) = %d; want the Mapper's 499", got)
	}
	if got := m.HTTPStatusOf(fmt.Errorf("x: %w", context.DeadlineExceeded)); got != 503 {
		t.Errorf("HTTPStatusOf(context.DeadlineExceeded) = %d; want the Mapper's 503", got)
	}
	if got := statusmap.HTTPStatusOf(context.Canceled); got != 408 {
		t.Errorf("package HTTPStatusOf(context.Canceled) = %d; want 408", got)
	}
}
