package body

import (
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"
)

// Reading a detail's wire bytes as protobuf would, for the wire-bytes
// renderer (detailjson.go): every rule here is one protobuf's parser
// follows, and anything it is not sure of is refused.

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
