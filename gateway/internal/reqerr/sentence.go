package reqerr

import (
	"context"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// Where a parameter came from, for the sentence describing it.
const (
	byPath = iota
	byQuery
	byQueryList
)

// describe turns a converter's error about field into a sentence. The
// converters are runtime/convert.go's (path) and runtime/query.go's
// parseField (query), v2.33.
func describe(ctx context.Context, field, detail string, from int) string {
	subject := field
	if from == byQueryList {
		subject = "each " + field
	}
	if rest, found := strings.CutPrefix(detail, "parsing field "); found && from == byPath {
		// A nested path parameter ("book.id") is set by
		// runtime.PopulateFieldFromPath, whose error is query.go's
		// "parsing field %q: %w" around the converter's.
		if _, inner, ok := quotedThen(rest, ": "); ok {
			detail = inner
		}
	}
	switch {
	case detail == "":
		return field + " is required"
	case strings.HasPrefix(detail, "strconv.ParseInt: "):
		if strings.HasSuffix(detail, ": value out of range") {
			return subject + " is out of range"
		}
		return subject + " must be an integer"
	case strings.HasPrefix(detail, "strconv.ParseUint: "):
		if strings.HasSuffix(detail, ": value out of range") {
			return subject + " is out of range"
		}
		return subject + " must be a non-negative integer"
	case strings.HasPrefix(detail, "strconv.ParseBool: "):
		return subject + " must be true or false"
	case strings.HasPrefix(detail, "strconv.ParseFloat: "), strings.HasPrefix(detail, "invalid syntax \""):
		if strings.HasSuffix(detail, ": value out of range") {
			return subject + " is out of range"
		}
		return subject + " must be a number"
	case strings.HasSuffix(detail, " is not valid"), strings.HasSuffix(detail, " is not a valid value"):
		// runtime.Enum ("%s is not valid") and parseField's enum case
		// ("%q is not a valid value").
		return subject + enumSentence(ctx, field, from == byPath)
	case strings.HasPrefix(detail, "illegal base64 data at input byte "):
		return subject + " must be base64"
	case strings.HasPrefix(detail, "parsing time "), strings.Contains(detail, "google.protobuf.Timestamp"):
		return subject + " must be an RFC 3339 timestamp"
	case strings.HasPrefix(detail, "time: "), strings.Contains(detail, "google.protobuf.Duration"):
		return subject + " must be a duration"
	}
	return subject + " is not valid"
}

// enumSentence is " must be one of A, B, C" with the names of the enum of
// field in the called method's request, or " must be a valid value" when
// they cannot be found or are too many to list. byPath says field is a
// field path from the request's root; otherwise it is a field's own name
// (query errors name the last field, body errors its JSON name), found
// anywhere in the request.
func enumSentence(ctx context.Context, field string, byPath bool) string {
	const generic = " must be a valid value"
	const maxListed = 10
	in := requestDescriptor(ctx)
	if in == nil {
		return generic
	}
	var fd protoreflect.FieldDescriptor
	if byPath {
		fd = fieldByPath(in, field)
	} else {
		fd = fieldByName(in, field)
	}
	if fd == nil || fd.Enum() == nil {
		return generic
	}
	values := fd.Enum().Values()
	names := make([]string, 0, values.Len())
	for i := range values.Len() {
		v := values.Get(i)
		// The zero value of a well-formed enum means "not given".
		if v.Number() == 0 && strings.HasSuffix(string(v.Name()), "_UNSPECIFIED") {
			continue
		}
		names = append(names, string(v.Name()))
	}
	if len(names) == 0 || len(names) > maxListed {
		return generic
	}
	return " must be one of " + strings.Join(names, ", ")
}

// kindSentence says what a JSON value of a field of the given protobuf kind
// (protoreflect.Kind's String) must be.
func kindSentence(ctx context.Context, kind, name string) string {
	switch kind {
	case "int32", "int64", "sint32", "sint64", "sfixed32", "sfixed64":
		return " must be an integer"
	case "uint32", "uint64", "fixed32", "fixed64":
		return " must be a non-negative integer"
	case "bool":
		return " must be true or false"
	case "float", "double":
		return " must be a number"
	case "string":
		return " must be a string"
	case "bytes":
		return " must be base64"
	case "enum":
		return enumSentence(ctx, name, false)
	}
	return " is not valid"
}
