package main

import (
	"regexp"
	"strings"

	"google.golang.org/protobuf/compiler/protogen"

	"github.com/statusmap/statusmap/internal/wire"
)

// maxDomainLen bounds a domain as DNS bounds a name (RFC 1035 section
// 2.3.4, 253 characters written without the final dot). AIP-193 domains are
// service names, "pubsub.googleapis.com": nothing longer is plausible.
const maxDomainLen = 253

// domainLabel is one dot-separated part of a domain, as in a DNS host name
// (RFC 1123): letters, digits and '-', not at either end, at most 63.
var domainLabel = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)

// validDomain reports whether s is a plausible AIP-193 domain: a host name
// ("library.example.com", "localhost", "api-v2.example.com"). Nothing else
// is: no spaces, no control characters, no quotes, no empty labels. The
// generated code quotes the domain anyway; this keeps a typo or a hostile
// catalog from reaching the ErrorInfo of every error it declares.
func validDomain(s string) bool {
	if s == "" || len(s) > maxDomainLen {
		return false
	}
	for label := range strings.SplitSeq(s, ".") {
		if !domainLabel.MatchString(label) {
			return false
		}
	}
	return true
}

// reasonPattern is AIP-193's form of ErrorInfo.reason: UPPER_SNAKE_CASE, at
// most 63 characters.
var reasonPattern = regexp.MustCompile(`^[A-Z][A-Z0-9_]{0,61}[A-Z0-9]$`)

// checkZeroValue reports statusmap options on an enum's zero value, which
// is what an unset field reads as: "no error".
func checkZeroValue(f *protogen.File, v *protogen.EnumValue, vo valueOptions, report reportFunc) {
	name := string(v.Desc.Name())
	if vo.hasStatus {
		report(f, v.Desc, "%s is the zero value, which is not an error: remove its (%s)", name, httpStatusOption)
	}
	if vo.hasCode {
		report(f, v.Desc, "%s is the zero value, which is not an error: remove its (%s)", name, grpcCodeOption)
	}
}

// readError returns the error that value v of a catalog declares, or nil
// when its status, its code or its reason is not one, having reported why.
func readError(f *protogen.File, enum *protogen.Enum, v *protogen.EnumValue, prefix string, vo valueOptions, dflt defaultStatus, report reportFunc) *catalogError {
	name := string(v.Desc.Name())
	e := &catalogError{value: v, reason: strings.TrimPrefix(name, prefix), httpStatus: vo.status}
	switch {
	case !vo.hasStatus && !dflt.ok:
		report(f, v.Desc, "%s has no (%s) and enum %s has no (%s)", name, httpStatusOption, enum.Desc.Name(), defaultHTTPStatusOption)
		return nil
	case !vo.hasStatus:
		e.httpStatus = dflt.status
	case !wire.IsErrorStatus(e.httpStatus):
		report(f, v.Desc, "%s: (%s) %d is not an error status (400 to 599)", name, httpStatusOption, e.httpStatus)
		return nil
	}
	if vo.hasCode {
		if !checkCode(f, v, vo.code, e.httpStatus, report) {
			return nil
		}
		e.code = vo.code
	}
	if !reasonPattern.MatchString(e.reason) {
		report(f, v.Desc, "%s: reason %q is not an AIP-193 reason (UPPER_SNAKE_CASE, at most 63 characters)", name, e.reason)
		return nil
	}
	e.goName = camelCase(e.reason)
	return e
}

// checkCode reports whether code may be the grpc_code of value v answered
// with httpStatus: it must answer, without the pin, with that status or
// with what its default code answers (inFamily).
func checkCode(f *protogen.File, v *protogen.EnumValue, code grpcCode, httpStatus int, report reportFunc) bool {
	name := string(v.Desc.Name())
	switch {
	case code == 0:
		report(f, v.Desc, "%s: (%s) OK is not an error's code; the codes of %d are %s", name, grpcCodeOption, httpStatus, family(httpStatus))
		return false
	case code < 0 || code > maxGRPCCode:
		report(f, v.Desc, "%s: (%s) %d is not a gRPC code; the codes of %d are %s", name, grpcCodeOption, int32(code), httpStatus, family(httpStatus))
		return false
	case !inFamily(code, httpStatus):
		report(f, v.Desc, "%s: (%s) %s does not fit HTTP %d: statusmap answers %s with %d; the codes of %d are %s",
			name, grpcCodeOption, code, httpStatus, code, httpStatusOfCode[code], httpStatus, family(httpStatus))
		return false
	}
	return true
}
