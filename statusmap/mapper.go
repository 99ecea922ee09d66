package statusmap

import (
	"fmt"

	"google.golang.org/grpc/codes"

	"github.com/statusmap/statusmap/internal/wire"
)

// Profile names a complete gRPC-to-HTTP table a Mapper starts from.
type Profile int

const (
	// ProfileDocumented is the documented table, the one HTTPStatus uses:
	// every code lands on a documented status (Canceled 408,
	// ResourceExhausted 503).
	ProfileDocumented Profile = iota
	// ProfileGoogle is the table of google/rpc/code.proto, which
	// grpc-gateway's HTTPStatusFromCode also follows: Canceled 499 and
	// ResourceExhausted 429, two statuses the documented table lacks. The
	// other 15 codes map as in ProfileDocumented.
	ProfileGoogle
)

// String returns the profile's name, such as "documented".
func (p Profile) String() string {
	switch p {
	case ProfileDocumented:
		return "documented"
	case ProfileGoogle:
		return "google"
	default:
		return fmt.Sprintf("Profile(%d)", int(p))
	}
}

// A Mapper maps between gRPC codes and HTTP statuses with a profile and
// single-row overrides. Build one with NewMapper; it is immutable after that
// and safe for concurrent use.
//
// A nil *Mapper, and the zero Mapper, map as the package-level functions do.
type Mapper struct {
	built bool
	// toHTTP is indexed by gRPC code.
	toHTTP [maxCode + 1]int
	// fromHTTP is indexed by HTTP status - 100, for statuses 100 to 599.
	fromHTTP [500]codes.Code
}

// A MapperOption changes how NewMapper builds a Mapper.
type MapperOption func(*mapperConfig)

type mapperConfig struct {
	profile  Profile
	toHTTP   []codeRow
	fromHTTP []codeRow
}

type codeRow struct {
	code       codes.Code
	httpStatus int
}

// WithProfile makes the Mapper start from the profile's table instead of
// ProfileDocumented. Overrides apply on top of it, whatever their order.
func WithProfile(p Profile) MapperOption {
	return func(c *mapperConfig) { c.profile = p }
}

// WithHTTPStatus overrides the HTTP status one gRPC code maps to. OK must
// map to a 2xx status and every other code to a 4xx or 5xx status.
func WithHTTPStatus(code codes.Code, httpStatus int) MapperOption {
	return func(c *mapperConfig) { c.toHTTP = append(c.toHTTP, codeRow{code, httpStatus}) }
}

// WithCode overrides the gRPC code one HTTP status maps to. A 2xx status
// must map to OK and any other status to a code other than OK.
func WithCode(httpStatus int, code codes.Code) MapperOption {
	return func(c *mapperConfig) { c.fromHTTP = append(c.fromHTTP, codeRow{code, httpStatus}) }
}

// NewMapper builds a Mapper. It returns an error, and no Mapper, when an
// option names an unknown profile, a code outside 0 to 16, a status outside
// 100 to 599, or a row that would turn an error into a success (or the other
// way around).
func NewMapper(opts ...MapperOption) (*Mapper, error) {
	var cfg mapperConfig
	for _, opt := range opts {
		opt(&cfg)
	}
	if cfg.profile != ProfileDocumented && cfg.profile != ProfileGoogle {
		return nil, fmt.Errorf("statusmap: unknown profile %v", cfg.profile)
	}
	m := &Mapper{built: true}
	for c := codes.Code(0); c <= maxCode; c++ {
		m.toHTTP[c] = HTTPStatus(c)
	}
	if cfg.profile == ProfileGoogle {
		m.toHTTP[codes.Canceled] = 499
		m.toHTTP[codes.ResourceExhausted] = 429
	}
	for s := range m.fromHTTP {
		m.fromHTTP[s] = Code(s + 100)
	}
	for _, row := range cfg.toHTTP {
		if err := checkToHTTP(row); err != nil {
			return nil, fmt.Errorf("statusmap: WithHTTPStatus(%v, %d): %w", row.code, row.httpStatus, err)
		}
		m.toHTTP[row.code] = row.httpStatus
	}
	for _, row := range cfg.fromHTTP {
		if err := checkFromHTTP(row); err != nil {
			return nil, fmt.Errorf("statusmap: WithCode(%d, %v): %w", row.httpStatus, row.code, err)
		}
		m.fromHTTP[row.httpStatus-100] = row.code
	}
	return m, nil
}

// checkToHTTP rejects a gRPC-to-HTTP row that is out of range or that
// answers an error with anything but 4xx or 5xx.
func checkToHTTP(row codeRow) error {
	switch {
	case row.code > maxCode:
		return fmt.Errorf("code %d is outside 0 to %d", uint32(row.code), uint32(maxCode))
	case row.code == codes.OK && !wire.IsSuccessStatus(row.httpStatus):
		return fmt.Errorf("OK must map to a 2xx status")
	case row.code != codes.OK && !wire.IsErrorStatus(row.httpStatus):
		return fmt.Errorf("an error code must map to a 4xx or 5xx status")
	}
	return nil
}

// checkFromHTTP rejects an HTTP-to-gRPC row that is out of range or that
// pairs a success with an error.
func checkFromHTTP(row codeRow) error {
	switch {
	case row.code > maxCode:
		return fmt.Errorf("code %d is outside 0 to %d", uint32(row.code), uint32(maxCode))
	case !wire.IsHTTPStatus(row.httpStatus):
		return fmt.Errorf("HTTP status %d is outside 100 to 599", row.httpStatus)
	case wire.IsSuccessStatus(row.httpStatus) != (row.code == codes.OK):
		return fmt.Errorf("2xx statuses, and only they, map to OK")
	}
	return nil
}

// HTTPStatus returns the HTTP status for a gRPC code under the Mapper's
// profile and overrides. A code outside 0 to 16 is 500. It does not
// allocate.
func (m *Mapper) HTTPStatus(c codes.Code) int {
	if m == nil || !m.built {
		return HTTPStatus(c)
	}
	if c > maxCode {
		return 500
	}
	return m.toHTTP[c]
}

// Code returns the gRPC code for an HTTP status under the Mapper's
// overrides. A status outside 100 to 599 is Unknown. It does not allocate.
func (m *Mapper) Code(httpStatus int) codes.Code {
	if m == nil || !m.built {
		return Code(httpStatus)
	}
	if !wire.IsHTTPStatus(httpStatus) {
		return codes.Unknown
	}
	return m.fromHTTP[httpStatus-100]
}

// HTTPStatusOf is the package-level HTTPStatusOf with the Mapper's table for
// errors that carry no pinned status.
func (m *Mapper) HTTPStatusOf(err error) int {
	return httpStatusOf(err, m)
}
