package errchain_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/statusmap/statusmap/internal/errchain"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

type selfWrapping struct{}

func (e *selfWrapping) Error() string { return "loop" }
func (e *selfWrapping) Unwrap() error { return e }

type selfJoining struct{}

func (e *selfJoining) Error() string   { return "join loop" }
func (e *selfJoining) Unwrap() []error { return []error{e, e} }

// TestStatus: the status as it was made, whatever wraps it; the same rule
// for the interceptors and the gateway.
func TestStatus(t *testing.T) {
	inner := status.New(codes.NotFound, "no book")
	for _, err := range []error{
		inner.Err(),
		fmt.Errorf("loading shelf: %w", inner.Err()),
		errors.Join(errors.New("other"), fmt.Errorf("x: %w", inner.Err())),
	} {
		st := errchain.Status(err)
		if st == nil || st.Code() != codes.NotFound || st.Message() != "no book" {
			t.Errorf("Status(%v) = %v; want NotFound %q", err, st, "no book")
		}
	}
	for _, err := range []error{nil, errors.New("plain"), &selfWrapping{}, &selfJoining{}} {
		if st := errchain.Status(err); st != nil {
			t.Errorf("Status(%v) = %v; want nil", err, st)
		}
	}
	innerErr := inner.Err()
	wrapped := fmt.Errorf("w: %w", innerErr)
	if allocs := testing.AllocsPerRun(100, func() { errchain.Status(wrapped) }); allocs != 0 {
		t.Errorf("Status allocates %v times", allocs)
	}
}

func TestBoundedOnCycles(t *testing.T) {
	visited := 0
	errchain.Walk(&selfJoining{}, func(error) bool { visited++; return false })
	if visited != errchain.MaxDepth {
		t.Errorf("visited %d errors of a cyclic chain; want the bound, %d", visited, errchain.MaxDepth)
	}
	if errchain.Is(&selfWrapping{}, context.Canceled) {
		t.Error("Is(cycle, Canceled)")
	}
	if !errchain.Is(fmt.Errorf("a: %w", context.Canceled), context.Canceled) {
		t.Error("Is(wrapped Canceled) = false")
	}
	if _, ok := errchain.Find[*selfWrapping](fmt.Errorf("x: %w", &selfWrapping{})); !ok {
		t.Error("Find missed the type")
	}
	if _, ok := errchain.Find[*selfWrapping](&selfJoining{}); ok {
		t.Error("Find found a type that is not there")
	}
}

// TestFindDoesNotAllocate: Find is on the gateway's hot path (the status
// of every error); its one walk with Status and Walk must not cost it an
// allocation.
func TestFindDoesNotAllocate(t *testing.T) {
	wrapped := fmt.Errorf("w: %w", errors.Join(errors.New("a"), &selfWrapping{}))
	if allocs := testing.AllocsPerRun(100, func() { errchain.Find[*selfWrapping](wrapped) }); allocs != 0 {
		t.Errorf("Find allocates %v times", allocs)
	}
}
