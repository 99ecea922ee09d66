package openapi

import (
	"fmt"
	"unicode/utf8"
)

// The size of the rewritten document is counted on the tree before it is
// written: indentation grows with nesting, so that a small deep document
// (65 arrays nested 990 deep, 129 kB) would be written as 128 MB, and the
// work of writing it spent before MaxOutputSize was reached. A document
// whose count is over MaxOutputSize is refused before any of it is
// written; the count then sizes the output buffer, which grows no more.

// outputTooLarge is the error of a document whose rewrite is counted at
// more than MaxOutputSize bytes before anything is written.
func outputTooLarge(counted int) error {
	return fmt.Errorf("%w (at least %d bytes, counted before writing, most of them indentation of deep nesting)", errOutputTooLarge, counted)
}

// jsonSize returns the length of encodeJSON's output for v, exactly, or a
// number over MaxOutputSize as soon as it passes it.
func jsonSize(v any) int {
	n := jsonValueSize(v, 0, 0)
	return n + 1 // the final newline
}

// jsonValueSize adds to n the bytes of v written at the given depth (its
// lines indented 2*depth spaces), stopping past MaxOutputSize.
func jsonValueSize(v any, depth, n int) int {
	if n > MaxOutputSize {
		return n
	}
	switch t := v.(type) {
	case *object:
		if len(t.keys) == 0 {
			return n + 2 // {}
		}
		inner := 2 * (depth + 1)
		n += 2 // {\n
		for _, k := range t.keys {
			// indentation, "key": , value, comma, newline
			n += inner + jsonStringSize(k) + 2 + 2
			n = jsonValueSize(t.vals[k], depth+1, n)
			if n > MaxOutputSize {
				return n
			}
		}
		return n - 1 + 2*depth + 1 // no comma after the last; indentation and }
	case []any:
		if len(t) == 0 {
			return n + 2 // []
		}
		inner := 2 * (depth + 1)
		n += 2 // [\n
		for _, item := range t {
			n += inner + 2 // indentation, item, comma, newline
			n = jsonValueSize(item, depth+1, n)
			if n > MaxOutputSize {
				return n
			}
		}
		return n - 1 + 2*depth + 1
	case string:
		return n + jsonStringSize(t)
	case number:
		return n + len(t)
	case bool:
		if t {
			return n + 4
		}
		return n + 5
	default: // nil; other types are an error of writeJSON's
		return n + 4
	}
}

// jsonStringSize is the length of s as writeJSONString writes it:
// encoding/json's escaping, HTML characters included.
func jsonStringSize(s string) int {
	n := 2 // quotes
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f':
				n += 2
			case c < 0x20 || c == '<' || c == '>' || c == '&':
				n += 6 // \u00XX
			default:
				n++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			n += 6 // \ufffd
		case r == '\u2028' || r == '\u2029':
			n += 6
		default:
			n += size
		}
		i += size
	}
	return n
}

// yamlSizeAtLeast returns a lower bound of the length of encodeYAML's
// output for v written with the given indentation, or a number over
// MaxOutputSize as soon as it passes it. It follows yaml.v3's emitter: a
// mapping's keys and a sequence's "- " start a line at the collection's
// column (but for the first entry of a collection that is a sequence's
// item, which shares the item's line); the column of a collection under a
// mapping's key is the next multiple of the indentation, under a sequence's
// item two more than the sequence's. Scalars are counted as their text,
// which quoting only lengthens, their line breaks unindented (a string may
// be written double-quoted): a lower bound, so that no document within
// MaxOutputSize is refused by it; the writer's own check stays.
func yamlSizeAtLeast(v any, indent int) int {
	return yamlValueSize(v, indent, 0, false, 0)
}

func yamlValueSize(v any, indent, col int, compact bool, n int) int {
	if n > MaxOutputSize {
		return n
	}
	switch t := v.(type) {
	case *object:
		next := indent * ((col + indent) / indent)
		for i, k := range t.keys {
			if i > 0 || !compact {
				n += col
			}
			n += len(k) + 1 // key:
			n = yamlEntrySize(t.vals[k], indent, next, false, n)
			if n > MaxOutputSize {
				return n
			}
		}
	case []any:
		for i, item := range t {
			if i > 0 || !compact {
				n += col
			}
			n += 1 // "-"; the space is counted with the item
			n = yamlEntrySize(item, indent, col+2, true, n)
			if n > MaxOutputSize {
				return n
			}
		}
	default:
		n += yamlScalarSize(v) + 1
	}
	return n
}

// yamlEntrySize adds the bytes of a mapping's value or a sequence's item:
// a non-empty collection on the lines below (a sequence's item on the
// same line), anything else after a space, up to its line's end.
func yamlEntrySize(v any, indent, col int, inSequence bool, n int) int {
	switch t := v.(type) {
	case *object:
		if len(t.keys) > 0 {
			if inSequence {
				return yamlValueSize(v, indent, col, true, n+1)
			}
			return yamlValueSize(v, indent, col, false, n+1)
		}
	case []any:
		if len(t) > 0 {
			if inSequence {
				return yamlValueSize(v, indent, col, true, n+1)
			}
			return yamlValueSize(v, indent, col, false, n+1)
		}
	}
	return n + 1 + yamlScalarSize(v) + 1
}

// yamlScalarSize is the fewest bytes yaml.v3 writes a scalar (or an empty
// collection, written {} or []) in.
func yamlScalarSize(v any) int {
	switch t := v.(type) {
	case *object, []any:
		return 2
	case string:
		return len(t)
	case number:
		return len(t)
	case bool:
		if t {
			return 4
		}
		return 5
	default:
		return 4 // null
	}
}
