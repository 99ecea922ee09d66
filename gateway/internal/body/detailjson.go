package body

import (
	"bytes"
	"github.com/statusmap/statusmap/internal/httpwire"
	"github.com/statusmap/statusmap/internal/jsontext"
	"slices"
	"strconv"
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
// protojson itself. The schemas are in schema.go (TestDetailSchemas holds
// them to the generated descriptors), the reading of the bytes in
// wirescan.go; one differential fuzz target per type (FuzzErrorInfoJSON,
// ...) holds the output to protojson's.

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

// appendFields appends the members of a message, each after a comma when
// comma is set or it is not the first.
func (w detailWriter) appendFields(buf []byte, m *detailMessage, wm wireMessage, comma bool) ([]byte, bool) {
	var st [maxDetailFields]fieldState
	if !wm.chunks(func(chunk []byte) bool { return m.scan(chunk, &st) }) {
		return buf, false
	}
	for i := range m.fields {
		f := &m.fields[i]
		present, written := w.presence(f, &st[i])
		if !written {
			continue
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
		var ok bool
		if buf, ok = w.appendValue(buf, f, &st[i], wm); !ok {
			return buf, false
		}
	}
	return buf, true
}

// presence reports whether a field is present in its message (a proto3
// scalar at its zero value is not), and whether it is written at all: an
// absent field only under the options that emit zero values, an absent
// message only as EmitUnpopulated's null, and an unset proto3 optional
// field never, as it is in a (synthetic) oneof, which protojson leaves out
// when unset.
func (w detailWriter) presence(f *detailField, s *fieldState) (present, written bool) {
	present = s.seen
	switch f.kind {
	case dkString:
		present = len(s.last) > 0
	case dkInt64:
		present = s.n != 0
	}
	switch {
	case present:
		return true, true
	case f.kind == dkOptionalInt64:
		return false, false
	case f.kind == dkMessage || f.kind == dkDuration:
		return false, w.nulls
	}
	return false, w.emit
}

// appendValue appends the value of field f, present in the message wm,
// whose scan is s.
func (w detailWriter) appendValue(buf []byte, f *detailField, s *fieldState, wm wireMessage) ([]byte, bool) {
	switch f.kind {
	case dkString:
		return appendEscaped(buf, s.last), true
	case dkInt64, dkOptionalInt64:
		buf = append(buf, '"')
		buf = strconv.AppendInt(buf, s.n, 10)
		return append(buf, '"'), true
	case dkStrings:
		return appendStrings(buf, wm, f.num)
	case dkStringMap:
		return appendStringMap(buf, wm, f.num)
	case dkMessages:
		return w.appendMessages(buf, wm, f)
	case dkMessage:
		if wm.field != 0 {
			// A message in a merged message would be merged from
			// pieces of pieces; no schema has one.
			return buf, false
		}
		buf = append(buf, '{')
		buf, ok := w.appendFields(buf, f.message, wireMessage{b: wm.b, field: f.num}, false)
		return append(buf, '}'), ok
	case dkDuration:
		if wm.field != 0 {
			return buf, false
		}
		return appendDuration(buf, wm.b, f.num)
	}
	return buf, false
}

// appendStrings appends field num of a message, a repeated string, as a
// JSON array.
func appendStrings(buf []byte, wm wireMessage, num protowire.Number) ([]byte, bool) {
	buf = append(buf, '[')
	n := 0
	ok := wm.chunks(func(chunk []byte) bool {
		return eachBytesField(chunk, num, func(v []byte) bool {
			if n > 0 {
				buf = append(buf, ',')
			}
			n++
			buf = appendEscaped(buf, v)
			return true
		})
	})
	return append(buf, ']'), ok
}

// appendMessages appends field f of a message, a repeated message, as a
// JSON array of objects.
func (w detailWriter) appendMessages(buf []byte, wm wireMessage, f *detailField) ([]byte, bool) {
	buf = append(buf, '[')
	n := 0
	ok := wm.chunks(func(chunk []byte) bool {
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
	return append(buf, ']'), ok
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

// maxDurationSeconds is google.protobuf.Duration's range, which protojson
// enforces: about 10,000 years.
const maxDurationSeconds = 315576000000

// appendDuration appends field num of the message in b, a
// google.protobuf.Duration, as protojson writes one: "1.500s". Its
// occurrences merge, each of its fields the last one; one that protojson
// refuses (out of range, signs that differ) is refused.
func appendDuration(buf []byte, b []byte, num protowire.Number) ([]byte, bool) {
	var seconds int64
	var nanos int32
	ok := eachBytesField(b, num, func(d []byte) bool {
		return httpwire.MergeDuration(d, consumeTag, &seconds, &nanos)
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
// It differs from jsontext.AppendString (which also escapes DEL and
// repairs invalid UTF-8) on purpose: its output must equal protojson's.
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
			buf = append(buf, '\\', 'u', '0', '0', jsontext.HexDigits[c>>4], jsontext.HexDigits[c&0xf])
		}
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}
