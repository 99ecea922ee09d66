// Package errchain walks Go error chains with a bound.
//
// errors.Is, errors.As and status.FromError never return on a chain that
// (wrongly) wraps itself, and recurse without limit on a deep one. Code on
// an error path must not hang or crash the server for a bad error, so
// statusmap and its gateway walk chains only through this package.
package errchain

import (
	"google.golang.org/grpc/status"
)

// MaxDepth bounds a walk: at most this many errors of a chain are visited.
const MaxDepth = 512

// Walk calls visit on err and every error it wraps, depth first, in the
// order errors.Is visits them, until visit returns true or MaxDepth errors
// were visited. It reports whether visit returned true.
func Walk(err error, visit func(error) bool) bool {
	budget := MaxDepth
	return walk(err, visit, &budget)
}

func walk(err error, visit func(error) bool, budget *int) bool {
	for err != nil && *budget > 0 {
		*budget--
		if visit(err) {
			return true
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			for _, inner := range u.Unwrap() {
				if walk(inner, visit, budget) {
					return true
				}
			}
			return false
		default:
			return false
		}
	}
	return false
}

// Find returns the first error of type T in err's chain, as errors.As
// would without As methods, and whether there was one. It does not
// allocate.
func Find[T error](err error) (T, bool) {
	budget := MaxDepth
	return find[T](err, &budget)
}

// find is Walk specialised to a type test, without a closure, so that the
// hot paths that call it stay allocation-free.
func find[T error](err error, budget *int) (T, bool) {
	var zero T
	for err != nil && *budget > 0 {
		*budget--
		if t, ok := err.(T); ok {
			return t, true
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			for _, inner := range u.Unwrap() {
				if t, ok := find[T](inner, budget); ok {
					return t, true
				}
			}
			return zero, false
		default:
			return zero, false
		}
	}
	return zero, false
}

// Is is errors.Is over a bounded walk.
func Is(err, target error) bool {
	return Walk(err, func(e error) bool {
		if e == target {
			return true
		}
		is, ok := e.(interface{ Is(error) bool })
		return ok && is.Is(target)
	})
}

// grpcStatuser is what status.FromError looks for.
type grpcStatuser interface {
	GRPCStatus() *status.Status
}

// Status returns the gRPC status of the first error in err's chain that
// has one, as it was made, or nil.
//
// Unlike status.FromError it does not rebuild the status of a wrapped
// error with the wrapper's whole text as its message: the status speaks
// with its own message, as a gRPC client would receive it from statusmap's
// interceptors. Both sides of statusmap (the interceptors and the gateway)
// use this one rule, so a wrapped status reads the same everywhere. It
// does not allocate.
func Status(err error) *status.Status {
	// The common case, a status straight from a gRPC client, skips the walk.
	if s, ok := err.(grpcStatuser); ok {
		if st := s.GRPCStatus(); st != nil {
			return st
		}
	}
	budget := MaxDepth
	return statusWithin(err, &budget)
}

// statusWithin is Walk specialised to Status's test, as find is to a type
// test: a visit closure that captured the status found would be allocated,
// and a generic walk taking the test as a function measured 1.5 to 2 times
// slower than these loops.
func statusWithin(err error, budget *int) *status.Status {
	for err != nil && *budget > 0 {
		*budget--
		if s, ok := err.(grpcStatuser); ok {
			if st := s.GRPCStatus(); st != nil {
				return st
			}
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			for _, inner := range u.Unwrap() {
				if st := statusWithin(inner, budget); st != nil {
					return st
				}
			}
			return nil
		default:
			return nil
		}
	}
	return nil
}
