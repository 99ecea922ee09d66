package openapi

import (
	"errors"
	"fmt"
	"io"
)

// The bounds of a rewrite. A document is read into memory whole, and a
// YAML alias stands for a copy of the node it names, so that a few hundred
// bytes of aliases to aliases (a "billion laughs") would otherwise stand for
// billions of values: every bound is checked before the work it bounds, and
// a document past one is refused with ErrTooLarge.
const (
	// MaxDocumentSize is the largest document read: 32 MiB. Generated
	// documents of large APIs are a few MB.
	MaxDocumentSize = 32 << 20
	// MaxValues bounds the values (objects, arrays, strings, numbers,
	// booleans, nulls) of a document, each YAML alias counted as the
	// values it stands for, and of the rewritten document: 524,288, about
	// 10 MB of indented JSON as protoc-gen-openapiv2 writes it. yaml.v3's
	// encoder keeps an event of a few hundred bytes per value until the
	// document ends: a YAML document at this bound costs about 550 MB of
	// allocation in all, a JSON one 120 MB, or 250 MB nested at maxDepth
	// with an output of 134 MB (BenchmarkDocumentsAtTheBounds).
	MaxValues = 1 << 19
	// MaxText bounds the bytes of a document's keys and strings, each YAML
	// alias counted as the text it stands for: as much as the largest
	// document holds.
	MaxText = MaxDocumentSize
	// MaxOutputSize is the largest rewritten document written: 128 MiB.
	// A document's indentation grows with its nesting, which MaxValues
	// does not bound: the output's size is counted on the tree before it
	// is written (jsonSize, yamlSizeAtLeast).
	MaxOutputSize = 4 * MaxDocumentSize
	// maxAliasValues bounds what YAML aliases add: a document's values,
	// its aliases expanded, are at most twice the nodes it writes plus
	// maxAliasValues. The generators write no aliases, and a hand-written
	// document uses them sparingly; without this, 300 bytes of aliases
	// could stand for MaxValues, seconds of work and most of a GB.
	maxAliasValues = 10000
	// maxYAMLIndicators bounds the characters of a YAML document that may
	// begin a value, checked before the YAML parser builds a node per
	// value; see yamlIndicators.
	maxYAMLIndicators = MaxValues / 2
)

// ErrTooLarge is the error, wrapped with the bound it passes, of a document
// past one of the bounds above.
var ErrTooLarge = errors.New("document too large")

// checkSize refuses a document larger than MaxDocumentSize.
func checkSize(n int) error {
	if n > MaxDocumentSize {
		return fmt.Errorf("%w: %d bytes; the limit is %d (32 MiB)", ErrTooLarge, n, MaxDocumentSize)
	}
	return nil
}

// tooManyValues is the error of a document past MaxValues.
func tooManyValues(what string) error {
	return fmt.Errorf("%w: %s more than %d values; the limit is %d", ErrTooLarge, what, MaxValues, MaxValues)
}

// ReadDocument reads all of r, up to MaxDocumentSize: a longer input is an
// error wrapping ErrTooLarge, found after reading one byte more than the
// bound.
func ReadDocument(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxDocumentSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxDocumentSize {
		return nil, fmt.Errorf("%w: more than %d bytes; the limit is %d (32 MiB)", ErrTooLarge, MaxDocumentSize, MaxDocumentSize)
	}
	return data, nil
}

// limitedWriter fails a write that would take it past MaxOutputSize.
type limitedWriter struct {
	w io.Writer
	n int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if l.n+len(p) > MaxOutputSize {
		return 0, errOutputTooLarge
	}
	l.n += len(p)
	return l.w.Write(p)
}

var errOutputTooLarge = fmt.Errorf("%w: the rewritten document would be over %d bytes (128 MiB)", ErrTooLarge, MaxOutputSize)
