// Package validation turns protovalidate's buf.validate.Violations, the
// detail its gRPC interceptors (go-grpc-middleware's
// interceptors/protovalidate, connect's validate) attach to an
// InvalidArgument, into a google.rpc.BadRequest, the detail AIP-193 names
// for field errors and that a client knowing only google.rpc can decode.
// The gateway (WithValidationDetails) and statusmap's interceptors
// (statusmap.WithValidationDetails) both use it, so a REST client and a
// gRPC client read the same field errors.
//
// It reads the violations with the generated Go types of protovalidate's
// proto (a module that needs only google.golang.org/protobuf); it never
// imports the validator itself.
package validation

import (
	"github.com/statusmap/statusmap/internal/jsontext"
	"strconv"
	"strings"

	validate "buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
	"github.com/statusmap/statusmap/internal/validutf8"
	"github.com/statusmap/statusmap/internal/wire"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/known/anypb"
)

// Mode says what to do with a status's buf.validate.Violations. Its values
// are statusmap.ValidationDetails'.
type Mode int

const (
	// Off leaves the details as they are.
	Off Mode = iota
	// Keep adds a google.rpc.BadRequest after the Violations.
	Keep
	// Replace puts the BadRequest in the Violations' place.
	Replace
)

// Full names of the two details.
const (
	ViolationsFullName = "buf.validate.Violations"
	BadRequestFullName = "google.rpc.BadRequest"
)

// Names chooses the field names of the paths.
type Names struct {
	// Root is the request message's descriptor, nil if not known. With it,
	// each field's name is the one protojson writes (a json_name option
	// included) as long as the path's field numbers and names match it.
	Root protoreflect.MessageDescriptor
	// ProtoNames writes the fields' proto names (protojson's
	// UseProtoNames) instead of their JSON names.
	ProtoNames bool
}

// Rewrite returns details with a google.rpc.BadRequest built from the
// buf.validate.Violations among them, as mode says, and whether it changed
// anything. details is never modified; the result shares its elements.
//
// Every violation of every Violations detail becomes one field violation
// of a single BadRequest. A Violations detail that does not decode is kept
// as it is (also under Replace) and adds nothing. When the details already
// hold a google.rpc.BadRequest (statusmap's interceptors may have added it
// before the gateway sees the status), none is added, and Replace still
// drops the Violations it could read: the field errors are already there.
func Rewrite(details []*anypb.Any, mode Mode, names Names) ([]*anypb.Any, bool) {
	if mode != Keep && mode != Replace {
		return details, false
	}
	first := -1 // index of the first Violations detail that decodes
	var decoded []bool
	haveBadRequest := false
	var fields []*errdetails.BadRequest_FieldViolation
	for i, d := range details {
		switch {
		case wire.HasFullName(d.GetTypeUrl(), BadRequestFullName):
			haveBadRequest = true
		case wire.HasFullName(d.GetTypeUrl(), ViolationsFullName):
			v := &validate.Violations{}
			if err := proto.Unmarshal(d.GetValue(), v); err != nil {
				continue
			}
			if decoded == nil {
				decoded = make([]bool, len(details))
				first = i
			}
			decoded[i] = true
			fields = appendFieldViolations(fields, v, names)
		}
	}
	if first < 0 {
		return details, false
	}
	var badRequest *anypb.Any
	if !haveBadRequest {
		a, err := anypb.New(&errdetails.BadRequest{FieldViolations: fields})
		if err != nil {
			// Cannot happen: every string was made valid UTF-8. Keep the
			// details as they came rather than lose the Violations.
			return details, false
		}
		badRequest = a
	}
	if badRequest == nil && mode == Keep {
		return details, false
	}
	out := make([]*anypb.Any, 0, len(details)+1)
	for i, d := range details {
		if !decoded[i] || mode == Keep {
			out = append(out, d)
		}
		if i == first && badRequest != nil {
			out = append(out, badRequest)
		}
	}
	return out, true
}

// BadRequest builds the google.rpc.BadRequest of v: one field violation per
// violation, in order.
func BadRequest(v *validate.Violations, names Names) *errdetails.BadRequest {
	return &errdetails.BadRequest{FieldViolations: appendFieldViolations(nil, v, names)}
}

func appendFieldViolations(out []*errdetails.BadRequest_FieldViolation, v *validate.Violations, names Names) []*errdetails.BadRequest_FieldViolation {
	for _, violation := range v.GetViolations() {
		reason := violation.GetRuleId()
		if reason == "" {
			// A violation without an id still names its rule by path
			// ("string.min_len").
			reason = rulePath(violation.GetRule())
		}
		out = append(out, &errdetails.BadRequest_FieldViolation{
			Field:       FieldPath(violation.GetField(), names),
			Description: validutf8.String(violation.GetMessage()),
			Reason:      validutf8.String(reason),
		})
	}
	return out
}

// FieldPath renders p as a path in the request's JSON: elements joined by
// ".", each the field's JSON name (its proto name with names.ProtoNames),
// then a subscript: "[2]" for a list index, "[true]", "[-3]", "[7]" for
// bool, signed and unsigned map keys, and a string key as a JSON string,
// `["env"]`, escaped as JSON escapes it. So
// "items[2].sku", `labels["env"]`, "contact.email".
//
// Without a matching descriptor a JSON name is derived from the proto name
// as protoc does (JSONCamelCase), which differs only for a field with a
// json_name option; an extension keeps its "[full.name]". An element with
// no name is written as its field number. Every text is made valid UTF-8
// (invalid bytes become U+FFFD), as a proto3 string must be.
func FieldPath(p *validate.FieldPath, names Names) string {
	var b strings.Builder
	md := names.Root
	for i, e := range p.GetElements() {
		if i > 0 {
			b.WriteByte('.')
		}
		var name string
		name, md = elementName(e, md, names.ProtoNames)
		b.WriteString(name)
		switch e.WhichSubscript() {
		case validate.FieldPathElement_Index_case:
			b.WriteByte('[')
			b.WriteString(strconv.FormatUint(e.GetIndex(), 10))
			b.WriteByte(']')
		case validate.FieldPathElement_BoolKey_case:
			b.WriteByte('[')
			b.WriteString(strconv.FormatBool(e.GetBoolKey()))
			b.WriteByte(']')
		case validate.FieldPathElement_IntKey_case:
			b.WriteByte('[')
			b.WriteString(strconv.FormatInt(e.GetIntKey(), 10))
			b.WriteByte(']')
		case validate.FieldPathElement_UintKey_case:
			b.WriteByte('[')
			b.WriteString(strconv.FormatUint(e.GetUintKey(), 10))
			b.WriteByte(']')
		case validate.FieldPathElement_StringKey_case:
			b.WriteByte('[')
			var scratch [64]byte
			b.Write(jsontext.AppendString(scratch[:0], e.GetStringKey()))
			b.WriteByte(']')
		}
	}
	return b.String()
}

// elementName is the name of e's field, and the descriptor of the message
// the next element is in (nil when unknown).
func elementName(e *validate.FieldPathElement, md protoreflect.MessageDescriptor, protoNames bool) (string, protoreflect.MessageDescriptor) {
	raw := e.GetFieldName()
	if md != nil && e.HasFieldNumber() {
		if fd := md.Fields().ByNumber(protoreflect.FieldNumber(e.GetFieldNumber())); fd != nil && (raw == "" || raw == string(fd.Name())) {
			name := fd.JSONName()
			if protoNames {
				name = fd.TextName()
			}
			next := fd.Message()
			if fd.IsMap() {
				next = fd.MapValue().Message()
			}
			return name, next
		}
	}
	switch {
	case raw == "":
		return strconv.FormatInt(int64(e.GetFieldNumber()), 10), nil
	case protoNames || strings.HasPrefix(raw, "["):
		return validutf8.String(raw), nil
	default:
		return validutf8.String(JSONCamelCase(raw)), nil
	}
}

// JSONCamelCase is the JSON name protoc gives a field without a json_name
// option: underscores dropped, a lower-case ASCII letter after one made
// upper case ("postal_code" -> "postalCode", "a__b" -> "aB", "x_1" -> "x1").
// It is google.golang.org/protobuf/internal/strs.JSONCamelCase, which is
// not importable.
func JSONCamelCase(s string) string {
	var b []byte
	wasUnderscore := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '_' {
			if wasUnderscore && 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			b = append(b, c)
		}
		wasUnderscore = c == '_'
	}
	return string(b)
}

// rulePath is a rule's path with proto names ("string.min_len").
func rulePath(p *validate.FieldPath) string {
	var b strings.Builder
	for i, e := range p.GetElements() {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(e.GetFieldName())
	}
	return b.String()
}

// RequestDescriptor is the request message's descriptor of a method named
// "/pkg.Service/Method" (grpc.Method, runtime.RPCMethod), from the files
// linked into the binary, or nil.
func RequestDescriptor(fullMethod string) protoreflect.MessageDescriptor {
	service, method, ok := wire.SplitFullMethod(fullMethod)
	if !ok {
		return nil
	}
	d, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(service))
	if err != nil {
		return nil
	}
	sd, ok := d.(protoreflect.ServiceDescriptor)
	if !ok {
		return nil
	}
	md := sd.Methods().ByName(protoreflect.Name(method))
	if md == nil {
		return nil
	}
	return md.Input()
}

// HasViolations reports whether details hold a buf.validate.Violations, at
// no cost beyond comparing type URLs: Rewrite's work, and finding the
// request's descriptor, is left to the errors that need it.
func HasViolations(details []*anypb.Any) bool {
	for _, d := range details {
		if wire.HasFullName(d.GetTypeUrl(), ViolationsFullName) {
			return true
		}
	}
	return false
}
