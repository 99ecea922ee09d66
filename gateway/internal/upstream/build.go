package upstream

import (
	"bytes"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/statusmap/statusmap/internal/wire"
	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"
)

// Building the status from what a convention found: the google.rpc
// details that say it, within the bounds, and what the bounds left out.

// build makes the status: the body's code or the HTTP status's, the
// message, the body's details, and what the convention found as the
// google.rpc details that say it (ErrorInfo, BadRequest, Help,
// RequestInfo, RetryInfo).
func (d *decoded) build(httpStatus int, mapper *statusmap.Mapper, host string) *spb.Status {
	code := mapper.Code(httpStatus)
	if d.hasCode && d.code != codes.OK && d.code <= codes.Unauthenticated {
		code = d.code
	}
	d.boundMessage()
	sp := &spb.Status{Code: int32(code), Message: d.message, Details: d.details}
	if d.reason != "" {
		domain := d.domain
		if domain == "" {
			domain = host
		}
		appendDetail(sp, &errdetails.ErrorInfo{Reason: d.reason, Domain: domain, Metadata: d.metadata})
	}
	if len(d.violations) > 0 {
		// The violations get what is left of maxStatusBytes once the
		// small details below are counted.
		room := maxStatusBytes - proto.Size(sp) - 4*maxText
		kept := d.violations[:0]
		for _, v := range d.violations {
			if size := protowire.SizeBytes(proto.Size(v)) + 1; size <= room {
				room -= size
				kept = append(kept, v)
			} else {
				d.dropped.violations++
			}
		}
		if len(kept) > 0 {
			appendDetail(sp, &errdetails.BadRequest{FieldViolations: kept})
		}
	}
	if d.helpURL != "" {
		appendDetail(sp, &errdetails.Help{Links: []*errdetails.Help_Link{{Description: "documentation", Url: d.helpURL}}})
	}
	if d.requestID != "" && !hasDetail(sp.Details, "google.rpc.RequestInfo") {
		appendDetail(sp, &errdetails.RequestInfo{RequestId: d.requestID})
	}
	if d.hasRetry && !hasDetail(sp.Details, wire.RetryInfoFullName) {
		appendDetail(sp, &errdetails.RetryInfo{RetryDelay: durationpb.New(d.retryDelay)})
	}
	if d.dropped != (dropped{}) {
		meta := make(map[string]string, 4)
		for key, n := range map[string]int{"droppedDetails": d.dropped.details, "droppedFieldViolations": d.dropped.violations, "droppedMetadata": d.dropped.metadata, "messageBytes": d.dropped.messageBytes, "droppedUpstreamInfo": d.dropped.upstreamInfo} {
			if n > 0 {
				meta[key] = strconv.Itoa(n)
			}
		}
		appendDetail(sp, &errdetails.ErrorInfo{Reason: ReasonTruncated, Domain: wire.Domain, Metadata: meta})
	}
	return sp
}

// dropForgedFolds drops, from a body whose status line is not 502, the
// ErrorInfos that only a fold writes (domain wire.Domain, reason
// ReasonUnauthenticated, ReasonProxyAuthRequired or
// ReasonMethodNotAllowed), counting them as "droppedUpstreamInfo".
// A fold is always answered with a 502, so a statusmap gateway's own fold
// reads back as it went in; under any other status the entry is an
// upstream's claim, and a caller testing reason.Has would be steered by it.
// ReasonTruncated (which any status may carry, and which only
// counts) and other reasons are kept.
func (d *decoded) dropForgedFolds(httpStatus int) {
	if httpStatus == http.StatusBadGateway {
		return
	}
	kept := d.details[:0]
	for _, a := range d.details {
		if isFoldInfo(a) {
			d.dropped.upstreamInfo++
			continue
		}
		kept = append(kept, a)
	}
	d.details = kept
	if d.domain == wire.Domain && isFoldReasonName(d.reason) {
		d.reason, d.domain, d.metadata = "", "", nil
		d.dropped.upstreamInfo++
	}
}

// isFoldInfo reports whether a detail is an ErrorInfo a fold writes.
func isFoldInfo(a *anypb.Any) bool {
	if !wire.HasFullName(a.GetTypeUrl(), wire.ErrorInfoFullName) || !bytes.Contains(a.GetValue(), []byte(wire.Domain)) {
		return false
	}
	var info errdetails.ErrorInfo
	return proto.Unmarshal(a.GetValue(), &info) == nil && info.GetDomain() == wire.Domain && isFoldReasonName(info.GetReason())
}

// isFoldReasonName reports whether reason is one a fold writes.
func isFoldReasonName(reason string) bool {
	for _, f := range folds {
		if f.reason == reason {
			return true
		}
	}
	return false
}

// maxStatusBytes bounds the encoded size of a status read from a body,
// but for what finishStatus adds from the headers: a RetryInfo, the fold's
// ErrorInfo (a few KiB), or a pin whose challenges the header bounds allow
// (16 of 16 parameters).
const maxStatusBytes = 128 << 10

// appendDetail adds m to the status's details. Every string in m comes
// from decoded JSON or from text(), so it is valid UTF-8 and marshalling
// cannot fail; should it, the detail is left out rather than the status.
func appendDetail(sp *spb.Status, m proto.Message) {
	if a, err := anypb.New(m); err == nil {
		sp.Details = append(sp.Details, a)
	}
}

// hasDetail reports whether a detail of the type is among details.
func hasDetail(details []*anypb.Any, fullName string) bool {
	for _, d := range details {
		if wire.HasFullName(d.GetTypeUrl(), fullName) {
			return true
		}
	}
	return false
}

// violation is a field violation, or nil when there is no field.
func violation(field, description, reason string) *errdetails.BadRequest_FieldViolation {
	if field == "" {
		return nil
	}
	return &errdetails.BadRequest_FieldViolation{Field: bounded(field), Description: bounded(description), Reason: bounded(reason)}
}

// addViolation adds v when it is not nil and the list has room, and
// counts it when the list has none.
func (d *decoded) addViolation(v *errdetails.BadRequest_FieldViolation) {
	switch {
	case v == nil:
	case len(d.violations) >= maxViolations:
		d.dropped.violations++
	default:
		d.violations = append(d.violations, v)
	}
}

// addMetadata sets a metadata entry when the value is not empty and there
// is room, and counts it when there is none.
func (d *decoded) addMetadata(key, value string) {
	if value == "" {
		return
	}
	if _, ok := d.metadata[key]; !ok && len(d.metadata) >= maxMetadata {
		d.dropped.metadata++
		return
	}
	if d.metadata == nil {
		d.metadata = make(map[string]string)
	}
	d.metadata[key] = value
}

// boundMessage cuts the message to maxMessage bytes, at a rune boundary,
// marking the cut with "…".
func (d *decoded) boundMessage() {
	if len(d.message) <= maxMessage {
		return
	}
	cut := maxMessage
	for cut > 0 && !utf8.RuneStart(d.message[cut]) {
		cut--
	}
	d.dropped.messageBytes = len(d.message)
	d.message = d.message[:cut] + "…"
}
