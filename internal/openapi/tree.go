package openapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// The document is held as a tree of plain values that keeps the order of
// every object's keys, so that what the rewrite does not touch comes out as
// it went in: *object, []any, string, number, bool and nil.

// object is a JSON object (a YAML mapping) whose keys keep their order.
type object struct {
	keys []string
	vals map[string]any
}

func newObject() *object { return &object{vals: map[string]any{}} }

// obj builds an object from alternating keys and values, in that order.
func obj(kv ...any) *object {
	o := newObject()
	for i := 0; i+1 < len(kv); i += 2 {
		o.set(kv[i].(string), kv[i+1])
	}
	return o
}

func (o *object) get(key string) (any, bool) {
	if o == nil {
		return nil, false
	}
	v, ok := o.vals[key]
	return v, ok
}

// object returns the value of key if it is an object.
func (o *object) object(key string) *object {
	v, _ := o.get(key)
	m, _ := v.(*object)
	return m
}

// str returns the value of key if it is a string.
func (o *object) str(key string) string {
	v, _ := o.get(key)
	s, _ := v.(string)
	return s
}

// set replaces the value of key in place, or appends key.
func (o *object) set(key string, v any) {
	if _, ok := o.vals[key]; !ok {
		o.keys = append(o.keys, key)
	}
	o.vals[key] = v
}

func (o *object) delete(key string) {
	if _, ok := o.vals[key]; !ok {
		return
	}
	delete(o.vals, key)
	for i, k := range o.keys {
		if k == key {
			o.keys = append(o.keys[:i:i], o.keys[i+1:]...)
			return
		}
	}
}

// ensure returns the object under key, adding an empty one if there is
// none.
func (o *object) ensure(key string) (*object, error) {
	v, ok := o.get(key)
	if !ok {
		m := newObject()
		o.set(key, m)
		return m, nil
	}
	m, isObject := v.(*object)
	if !isObject {
		return nil, fmt.Errorf("%q is not an object", key)
	}
	return m, nil
}

// number is a JSON number, kept as its literal so that it is written back
// exactly as read.
type number string

// maxDepth bounds the nesting of a document: 128 levels, the document
// itself at level 0. Generated documents nest about 10 deep (their schemas
// are references) and a hand-written one seldom 40; a deeper one is
// refused with ErrTooLarge, so that neither the stack nor the
// indentation, which grows with the depth, is the document's to choose.
const maxDepth = 128

// errNestedTooDeeply is the error of a document nested past maxDepth.
var errNestedTooDeeply = fmt.Errorf("%w: nested too deeply: more than %d levels; the limit is %d", ErrTooLarge, maxDepth, maxDepth)

// decodeJSON reads one JSON value, keeping key order and number literals,
// and says how many values it holds: at most MaxValues, counted as they
// are read.
func decodeJSON(data []byte) (any, int, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	values := 0
	v, err := decodeValue(dec, 0, &values)
	if err != nil {
		return nil, 0, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, 0, errors.New("invalid JSON: data after the document")
	}
	return v, values, nil
}

func decodeValue(dec *json.Decoder, depth int, values *int) (any, error) {
	if depth > maxDepth {
		return nil, errNestedTooDeeply
	}
	if *values++; *values > MaxValues {
		return nil, tooManyValues("the document has")
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := newObject()
			for dec.More() {
				keyTok, err := dec.Token()
				if err != nil {
					return nil, fmt.Errorf("invalid JSON: %w", err)
				}
				key := keyTok.(string) // the decoder allows nothing else here
				if _, dup := o.vals[key]; dup {
					return nil, fmt.Errorf("invalid JSON: duplicate key %q", key)
				}
				v, err := decodeValue(dec, depth+1, values)
				if err != nil {
					return nil, err
				}
				o.set(key, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, fmt.Errorf("invalid JSON: %w", err)
			}
			return o, nil
		case '[':
			items := []any{}
			for dec.More() {
				v, err := decodeValue(dec, depth+1, values)
				if err != nil {
					return nil, err
				}
				items = append(items, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, fmt.Errorf("invalid JSON: %w", err)
			}
			return items, nil
		}
		return nil, fmt.Errorf("invalid JSON: unexpected %v", t)
	case json.Number:
		return number(t), nil
	default: // string, bool, nil
		return t, nil
	}
}

// encodeJSON writes v as protoc-gen-openapiv2 writes its documents
// (encoding/json's Encoder with a two-space indent): a document it wrote
// comes out byte for byte as it went in.
// A tree whose output would be over MaxOutputSize is refused before any of
// it is written (jsonSize).
func encodeJSON(v any) ([]byte, error) {
	size := jsonSize(v)
	if size > MaxOutputSize {
		return nil, outputTooLarge(size)
	}
	var buf bytes.Buffer
	buf.Grow(size)
	if err := writeJSON(&buf, v, ""); err != nil {
		return nil, err
	}
	if buf.Len() >= MaxOutputSize {
		return nil, errOutputTooLarge
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// writeJSON writes v at the given indentation, as encoding/json's indenting
// Encoder does, stopping once the output passes MaxOutputSize.
func writeJSON(buf *bytes.Buffer, v any, indent string) error {
	if buf.Len() > MaxOutputSize {
		return errOutputTooLarge
	}
	switch t := v.(type) {
	case *object:
		return writeJSONObject(buf, t, indent)
	case []any:
		return writeJSONArray(buf, t, indent)
	case string:
		writeJSONString(buf, t)
	case number:
		if !json.Valid([]byte(t)) {
			return fmt.Errorf("%q is not a JSON number", string(t))
		}
		buf.WriteString(string(t))
	case bool:
		if t {
			buf.WriteString("true")
		} else {
			buf.WriteString("false")
		}
	case nil:
		buf.WriteString("null")
	default:
		return fmt.Errorf("cannot write %T as JSON", v)
	}
	return nil
}

// writeJSONObject writes an object's members, one a line, in its order.
func writeJSONObject(buf *bytes.Buffer, t *object, indent string) error {
	if len(t.keys) == 0 {
		buf.WriteString("{}")
		return nil
	}
	inner := indent + "  "
	buf.WriteString("{\n")
	for i, k := range t.keys {
		buf.WriteString(inner)
		writeJSONString(buf, k)
		buf.WriteString(": ")
		if err := writeJSON(buf, t.vals[k], inner); err != nil {
			return err
		}
		if i < len(t.keys)-1 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
	}
	buf.WriteString(indent)
	buf.WriteByte('}')
	return nil
}

// writeJSONArray writes an array's items, one a line.
func writeJSONArray(buf *bytes.Buffer, t []any, indent string) error {
	if len(t) == 0 {
		buf.WriteString("[]")
		return nil
	}
	inner := indent + "  "
	buf.WriteString("[\n")
	for i, item := range t {
		buf.WriteString(inner)
		if err := writeJSON(buf, item, inner); err != nil {
			return err
		}
		if i < len(t)-1 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
	}
	buf.WriteString(indent)
	buf.WriteByte(']')
	return nil
}

// writeJSONString writes s as encoding/json does, HTML characters escaped.
func writeJSONString(buf *bytes.Buffer, s string) {
	b, _ := json.Marshal(s) // a string always marshals
	buf.Write(b)
}

// isJSON reports whether data looks like a JSON document rather than YAML:
// its first significant byte opens an object.
func isJSON(data []byte) bool {
	trimmed := strings.TrimLeft(strings.TrimPrefix(string(data), byteOrderMark), " \t\r\n")
	return strings.HasPrefix(trimmed, "{")
}
