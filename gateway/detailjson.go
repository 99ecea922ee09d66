package gateway

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/types/known/anypb"
)

// The google.rpc error details are rendered here straight from their wire
// bytes, without decoding them into messages: under an error storm each
// error may carry its own ErrorInfo or RequestInfo (a request id), which
// the rendered-detail cache cannot serve, and protojson's reflection is
// most of an error's cost. The output is byte for byte protojson's, with
// the extra space protojson adds after a comma at random left out. Anything
// this renderer is not sure to write as protojson would (a group on the
// wire, invalid UTF-8, a Duration out of range, an option it does not
// follow) is refused, and the caller renders the detail the slow way, with
// protojson itself. TestDetailSchemas holds the tables below to the
// generated descriptors; one differential fuzz target per type
// (FuzzErrorInfoJSON, ...) holds the output to protojson's.

// detailKind is how a field of an error detail is read and written.
type detailKind uint8

const (
	dkString        detailKind = iota // string
	dkStrings                         // repeated string
	dkStringMap                       // map<string, string>
	dkInt64                           // int64
	dkOptionalInt64                   // proto3 optional int64: written only when present
	dkMessage                         // a message, which has presence
	dkMessages                        // repeated message
	dkDuration                        // google.protobuf.Duration, which has presence
)

// detailField is one field of a detail message, in declaration order,
// which is the order protojson writes fields in.
type detailField struct {
	num       protowire.Number
	jsonName  string
	protoName string
	kind      detailKind
	message   *detailMessage // for dkMessage and dkMessages
}

// detailMessage is the schema of one message.
type detailMessage struct {
	fullName string
	fields   []detailField
}

// maxDetailFields is the most fields any schema has.
const maxDetailFields = 8

var (
	localizedMessageSchema = &detailMessage{"google.rpc.LocalizedMessage", []detailField{
		{1, "locale", "locale", dkString, nil},
		{2, "message", "message", dkString, nil},
	}}
	errorInfoSchema = &detailMessage{"google.rpc.ErrorInfo", []detailField{
		{1, "reason", "reason", dkString, nil},
		{2, "domain", "domain", dkString, nil},
		{3, "metadata", "metadata", dkStringMap, nil},
	}}
	retryInfoSchema = &detailMessage{"google.rpc.RetryInfo", []detailField{
		{1, "retryDelay", "retry_delay", dkDuration, nil},
	}}
	debugInfoSchema = &detailMessage{"google.rpc.DebugInfo", []detailField{
		{1, "stackEntries", "stack_entries", dkStrings, nil},
		{2, "detail", "detail", dkString, nil},
	}}
	quotaViolationSchema = &detailMessage{"google.rpc.QuotaFailure.Violation", []detailField{
		{1, "subject", "subject", dkString, nil},
		{2, "description", "description", dkString, nil},
		{3, "apiService", "api_service", dkString, nil},
		{4, "quotaMetric", "quota_metric", dkString, nil},
		{5, "quotaId", "quota_id", dkString, nil},
		{6, "quotaDimensions", "quota_dimensions", dkStringMap, nil},
		{7, "quotaValue", "quota_value", dkInt64, nil},
		{8, "futureQuotaValue", "future_quota_value", dkOptionalInt64, nil},
	}}
	quotaFailureSchema = &detailMessage{"google.rpc.QuotaFailure", []detailField{
		{1, "violations", "violations", dkMessages, quotaViolationSchema},
	}}
	preconditionViolationSchema = &detailMessage{"google.rpc.PreconditionFailure.Violation", []detailField{
		{1, "type", "type", dkString, nil},
		{2, "subject", "subject", dkString, nil},
		{3, "description", "description", dkString, nil},
	}}
	preconditionFailureSchema = &detailMessage{"google.rpc.PreconditionFailure", []detailField{
		{1, "violations", "violations", dkMessages, preconditionViolationSchema},
	}}
	fieldViolationSchema = &detailMessage{"google.rpc.BadRequest.FieldViolation", []detailField{
		{1, "field", "field", dkString, nil},
		{2, "description", "description", dkString, nil},
		{3, "reason", "reason", dkString, nil},
		{4, "localizedMessage", "localized_message", dkMessage, localizedMessageSchema},
	}}
	badRequestSchema = &detailMessage{"google.rpc.BadRequest", []detailField{
		{1, "fieldViolations", "field_violations", dkMessages, fieldViolationSchema},
	}}
	requestInfoSchema = &detailMessage{"google.rpc.RequestInfo", []detailField{
		{1, "requestId", "request_id", dkString, nil},
		{2, "servingData", "serving_data", dkString, nil},
	}}
	resourceInfoSchema = &detailMessage{"google.rpc.ResourceInfo", []detailField{
		{1, "resourceType", "resource_type", dkString, nil},
		{2, "resourceName", "resource_name", dkString, nil},
		{3, "owner", "owner", dkString, nil},
		{4, "description", "description", dkString, nil},
	}}
	helpLinkSchema = &detailMessage{"google.rpc.Help.Link", []detailField{
		{1, "description", "description", dkString, nil},
		{2, "url", "url", dkString, nil},
	}}
	helpSchema = &detailMessage{"google.rpc.Help", []detailField{
		{1, "links", "links", dkMessages, helpLinkSchema},
	}}

	// detailSchemas are the details rendered from the wire.
	detailSchemas = [...]*detailMessage{
		errorInfoSchema, requestInfoSchema, retryInfoSchema, resourceInfoSchema, badRequestSchema,
		preconditionFailureSchema, quotaFailureSchema, helpSchema, localizedMessageSchema, debugInfoSchema,
	}
)

// detailSchema returns the schema of the detail type a type URL names, as
// protojson's resolver finds it (by the name after the last slash), or nil.
func detailSchema(typeURL string) *detailMessage {
	name := typeURL[strings.LastIndexByte(typeURL, '/')+1:]
	if !strings.HasPrefix(name, "google.rpc.") {
		return nil
	}
	for _, m := range detailSchemas {
		if m.fullName == name {
			return m
		}
	}
	return nil
}

// detailWriter writes details under one set of marshal options.
type detailWriter struct {
	emit       bool // EmitUnpopulated or EmitDefaultValues: zero values are written
	nulls      bool // EmitUnpopulated: an absent message is written as null
	protoNames bool // UseProtoNames
}

// appendDetailFast appends a google.rpc error detail as protojson with opts
// writes it (without the random spaces), or reports false and leaves buf
// as it was. It refuses a custom resolver (which may resolve the type to
// something else), multi-line output, a type it has no schema for, and any
// bytes it is not sure to write as protojson would.
func appendDetailFast(buf []byte, detail *anypb.Any, opts protojson.MarshalOptions) ([]byte, bool) {
	if opts.Resolver != nil || opts.Multiline || opts.Indent != "" {
		return buf, false
	}
	typeURL := detail.GetTypeUrl()
	m := detailSchema(typeURL)
	if m == nil || !utf8.ValidString(typeURL) {
		return buf, false
	}
	w := detailWriter{
		emit:       opts.EmitUnpopulated || opts.EmitDefaultValues,
		nulls:      opts.EmitUnpopulated,
		protoNames: opts.UseProtoNames,
	}
	start := len(buf)
	buf = append(buf, `{"@type":`...)
	buf = appendEscaped(buf, typeURL)
	buf, ok := w.appendFields(buf, m, wireMessage{b: detail.GetValue()}, true)
	if !ok {
		return buf[:start], false
	}
	return append(buf, '}'), true
}

// wireMessage is a message's bytes: b itself when field is 0, or else the
// occurrences of field in b, which protobuf merges into one message.
type wireMessage struct {
	b     []byte
	field protowire.Number
}

// chunks calls fn with each piece of the message, in order. It reports
// false if the bytes do not parse or fn does.
func (wm wireMessage) chunks(fn func([]byte) bool) bool {
	if wm.field == 0 {
		return fn(wm.b)
	}
	return eachBytesField(wm.b, wm.field, fn)
}

// eachBytesField calls fn with the value of each occurrence of field num,
// length-delimited, in b; an occurrence of another wire type is an unknown
// field to protobuf, and skipped.
func eachBytesField(b []byte, num protowire.Number, fn func([]byte) bool) bool {
	for len(b) > 0 {
		n, typ, l := consumeTag(b)
		if l < 0 {
			return false
		}
		b = b[l:]
		if n == num && typ == protowire.BytesType {
			v, l := protowire.ConsumeBytes(b)
			if l < 0 || !fn(v) {
				return false
			}
			b = b[l:]
			continue
		}
		if l = protowire.ConsumeFieldValue(n, typ, b); l < 0 {
			return false
		}
		b = b[l:]
	}
	return true
}

// consumeTag reads a field's tag as protobuf does, refusing (n < 0) a
// field number beyond protobuf's range, which protowire reads but
// protobuf refuses, and a group, which protobuf skips by rules this
// renderer does not copy.
func consumeTag(b []byte) (protowire.Number, protowire.Type, int) {
	num, typ, n := protowire.ConsumeTag(b)
	if n < 0 || num > protowire.MaxValidNumber || typ == protowire.StartGroupType || typ == protowire.EndGroupType {
		return 0, 0, -1
	}
	return num, typ, n
}

// fieldState is what a message's bytes say about one of its fields.
type fieldState struct {
	last []byte // the last string
	n    int64  // the last integer
	seen bool   // the field occurs at least once
}

// scan reads a message's fields into st, checking that every string is
// valid UTF-8 (protobuf refuses a proto3 string that is not, and protojson
// with it) and every tag is one consumeTag accepts.
func (m *detailMessage) scan(chunk []byte, st *[maxDetailFields]fieldState) bool {
	for len(chunk) > 0 {
		num, typ, l := consumeTag(chunk)
		if l < 0 {
			return false
		}
		chunk = chunk[l:]
		i := m.index(num)
		if i < 0 || typ != m.fields[i].wireType() {
			// An unknown field, or a known one of another wire type,
			// which protobuf keeps as unknown and protojson leaves out.
			if l = protowire.ConsumeFieldValue(num, typ, chunk); l < 0 {
				return false
			}
			chunk = chunk[l:]
			continue
		}
		s := &st[i]
		s.seen = true
		if typ == protowire.VarintType {
			v, l := protowire.ConsumeVarint(chunk)
			if l < 0 {
				return false
			}
			chunk = chunk[l:]
			s.n = int64(v)
			continue
		}
		v, l := protowire.ConsumeBytes(chunk)
		if l < 0 {
			return false
		}
		chunk = chunk[l:]
		switch m.fields[i].kind {
		case dkString, dkStrings:
			if !utf8.Valid(v) {
				return false
			}
			s.last = v
		case dkStringMap:
			if _, _, ok := mapEntry(v); !ok {
				return false
			}
		}
	}
	return true
}

// index returns the index of field num in m, or -1.
func (m *detailMessage) index(num protowire.Number) int {
	for i := range m.fields {
		if m.fields[i].num == num {
			return i
		}
	}
	return -1
}

// wireType is the wire type a field is read from.
func (f *detailField) wireType() protowire.Type {
	if f.kind == dkInt64 || f.kind == dkOptionalInt64 {
		return protowire.VarintType
	}
	return protowire.BytesType
}

// appendFields appends the members of a message, each after a comma when
// comma is set or it is not the first.
func (w detailWriter) appendFields(buf []byte, m *detailMessage, wm wireMessage, comma bool) ([]byte, bool) {
	var st [maxDetailFields]fieldState
	if !wm.chunks(func(chunk []byte) bool { return m.scan(chunk, &st) }) {
		return buf, false
	}
	for i := range m.fields {
		f := &m.fields[i]
		s := &st[i]
		present := s.seen
		switch f.kind {
		case dkString:
			present = len(s.last) > 0
		case dkInt64:
			present = s.n != 0
		}
		if !present {
			switch {
			case f.kind == dkOptionalInt64:
				// A proto3 optional field is in a (synthetic) oneof,
				// which protojson leaves out when unset.
				continue
			case f.kind == dkMessage || f.kind == dkDuration:
				if !w.nulls {
					continue
				}
			case !w.emit:
				continue
			}
		}
		if comma {
			buf = append(buf, ',')
		}
		comma = true
		buf = append(buf, '"')
		if w.protoNames {
			buf = append(buf, f.protoName...)
		} else {
			buf = append(buf, f.jsonName...)
		}
		buf = append(buf, '"', ':')
		if !present && (f.kind == dkMessage || f.kind == dkDuration) {
			buf = append(buf, "null"...)
			continue
		}
		ok := true
		switch f.kind {
		case dkString:
			buf = appendEscaped(buf, s.last)
		case dkInt64, dkOptionalInt64:
			buf = append(buf, '"')
			buf = strconv.AppendInt(buf, s.n, 10)
			buf = append(buf, '"')
		case dkStrings:
			buf = append(buf, '[')
			n := 0
			ok = wm.chunks(func(chunk []byte) bool {
				return eachBytesField(chunk, f.num, func(v []byte) bool {
					if n > 0 {
						buf = append(buf, ',')
					}
					n++
					buf = appendEscaped(buf, v)
					return true
				})
			})
			buf = append(buf, ']')
		case dkStringMap:
			buf, ok = appendStringMap(buf, wm, f.num)
		case dkMessages:
			buf = append(buf, '[')
			n := 0
			ok = wm.chunks(func(chunk []byte) bool {
				return eachBytesField(chunk, f.num, func(v []byte) bool {
					if n > 0 {
						buf = append(buf, ',')
					}
					n++
					buf = append(buf, '{')
					var ok bool
					if buf, ok = w.appendFields(buf, f.message, wireMessage{b: v}, false); !ok {
						return false
					}
					buf = append(buf, '}')
					return true
				})
			})
			buf = append(buf, ']')
		case dkMessage:
			if wm.field != 0 {
				// A message in a merged message would be merged from
				// pieces of pieces; no schema has one.
				return buf, false
			}
			buf = append(buf, '{')
			buf, ok = w.appendFields(buf, f.message, wireMessage{b: wm.b, field: f.num}, false)
			buf = append(buf, '}')
		case dkDuration:
			if wm.field != 0 {
				return buf, false
			}
			buf, ok = appendDuration(buf, wm.b, f.num)
		}
		if !ok {
			return buf, false
		}
	}
	return buf, true
}

// mapEntry reads a map<string, string> entry: a missing key or value is
// the empty string, and the last of each wins.
func mapEntry(b []byte) (key, value []byte, ok bool) {
	for len(b) > 0 {
		num, typ, l := consumeTag(b)
		if l < 0 {
			return nil, nil, false
		}
		b = b[l:]
		if (num == 1 || num == 2) && typ == protowire.BytesType {
			v, l := protowire.ConsumeBytes(b)
			if l < 0 || !utf8.Valid(v) {
				return nil, nil, false
			}
			b = b[l:]
			if num == 1 {
				key = v
			} else {
				value = v
			}
			continue
		}
		if l = protowire.ConsumeFieldValue(num, typ, b); l < 0 {
			return nil, nil, false
		}
		b = b[l:]
	}
	return key, value, true
}

// stringPair is a map entry.
type stringPair struct{ key, value []byte }

// appendStringMap appends field num of a message, a map<string, string>,
// as protojson does: keys sorted, the last entry of a key winning.
func appendStringMap(buf []byte, wm wireMessage, num protowire.Number) ([]byte, bool) {
	var small [8]stringPair
	entries := small[:0]
	ok := wm.chunks(func(chunk []byte) bool {
		return eachBytesField(chunk, num, func(v []byte) bool {
			key, value, ok := mapEntry(v)
			entries = append(entries, stringPair{key, value})
			return ok
		})
	})
	if !ok {
		return buf, false
	}
	// Stable, so that of equal keys the last entry is the last one.
	slices.SortStableFunc(entries, func(a, b stringPair) int { return bytes.Compare(a.key, b.key) })
	buf = append(buf, '{')
	n := 0
	for i, e := range entries {
		if i+1 < len(entries) && bytes.Equal(e.key, entries[i+1].key) {
			continue
		}
		if n > 0 {
			buf = append(buf, ',')
		}
		n++
		buf = appendEscaped(buf, e.key)
		buf = append(buf, ':')
		buf = appendEscaped(buf, e.value)
	}
	return append(buf, '}'), true
}

// appendDuration appends field num of the message in b, a
// google.protobuf.Duration, as protojson writes one: "1.500s". Its
// occurrences merge, each of its fields the last one; one that protojson
// refuses (out of range, signs that differ) is refused.
func appendDuration(buf []byte, b []byte, num protowire.Number) ([]byte, bool) {
	var seconds int64
	var nanos int32
	ok := eachBytesField(b, num, func(d []byte) bool {
		return mergeDuration(d, consumeTag, &seconds, &nanos)
	})
	if !ok || seconds < -maxDurationSeconds || seconds > maxDurationSeconds ||
		nanos <= -1e9 || nanos >= 1e9 || (seconds > 0 && nanos < 0) || (seconds < 0 && nanos > 0) {
		return buf, false
	}
	buf = append(buf, '"')
	if seconds < 0 || nanos < 0 {
		buf = append(buf, '-')
		seconds, nanos = -seconds, -nanos
	}
	buf = strconv.AppendInt(buf, seconds, 10)
	if nanos != 0 {
		// protojson prints 3, 6 or 9 fractional digits, as few as it can.
		var digits [10]byte
		frac := strconv.AppendInt(digits[:0], int64(nanos)+1e9, 10)[1:]
		switch {
		case nanos%1e6 == 0:
			frac = frac[:3]
		case nanos%1e3 == 0:
			frac = frac[:6]
		}
		buf = append(buf, '.')
		buf = append(buf, frac...)
	}
	return append(buf, 's', '"'), true
}

// appendEscaped appends s, valid UTF-8, as a JSON string escaped as
// protojson escapes it: '"', '\\' and the control characters below U+0020
// only (\b, \f, \n, \r and \t by name, the others as \u00XX in lower
// case); DEL, U+2028, U+2029 and HTML's <, > and & as they are. Bytes of
// valid UTF-8 beyond ASCII are never escaped, so it works byte by byte.
func appendEscaped[S ~string | ~[]byte](buf []byte, s S) []byte {
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		buf = append(buf, s[start:i]...)
		start = i + 1
		switch c {
		case '"', '\\':
			buf = append(buf, '\\', c)
		case '\b':
			buf = append(buf, '\\', 'b')
		case '\f':
			buf = append(buf, '\\', 'f')
		case '\n':
			buf = append(buf, '\\', 'n')
		case '\r':
			buf = append(buf, '\\', 'r')
		case '\t':
			buf = append(buf, '\\', 't')
		default:
			buf = append(buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}
