package upstream

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/statusmap/statusmap/internal/httpwire"
)

// reading is one response body being read.
type reading struct {
	httpStatus int
	header     http.Header
	// obj is the body's top-level JSON object, array a top-level JSON
	// array (valid JSON), xml an XML document's texts, html an HTML page:
	// at most one is set (newReading).
	obj   map[string]json.RawMessage
	array []byte
	xml   *xmlTexts
	html  []byte
	// raw is the JSON object's text, for the readers that keep the order
	// of its members.
	raw []byte
	// problem tells a Content-Type of application/problem+json, which says
	// what the body is even when its members do not.
	problem bool
	// objects holds the top-level members decoded as objects, which several
	// conventions look into ("error"): each is decoded once, so that the
	// cost of a body does not grow with the number of conventions.
	objects map[string]map[string]json.RawMessage
}

// object is the top-level member key as a JSON object, decoded once.
func (r *reading) object(key string) (map[string]json.RawMessage, bool) {
	if o, ok := r.objects[key]; ok {
		return o, o != nil
	}
	o, _ := object(r.obj, key)
	if r.objects == nil {
		r.objects = make(map[string]map[string]json.RawMessage, 2)
	}
	r.objects[key] = o
	return o, o != nil
}

// newReading parses a body once, by its syntax: an HTML page (by its
// Content-Type or its first tag, even cut short: its title comes first), a
// JSON object or array, or an XML document. A body cut short is otherwise
// not parsed.
func newReading(httpStatus int, header http.Header, body []byte, truncated bool) *reading {
	mediaType := httpwire.MediaType(header.Get("Content-Type"))
	r := &reading{httpStatus: httpStatus, header: header, problem: mediaType == httpwire.ProblemMediaType}
	trimmed := bytes.TrimSpace(bytes.TrimPrefix(body, []byte("\ufeff")))
	switch {
	case len(trimmed) == 0:
	case isHTML(mediaType, trimmed):
		r.html = trimmed
	case truncated:
	case trimmed[0] == '{':
		if json.Unmarshal(trimmed, &r.obj) != nil {
			r.obj = nil
		} else {
			r.raw = trimmed
		}
	case trimmed[0] == '[':
		if json.Valid(trimmed) {
			r.array = trimmed
		}
	case trimmed[0] == '<':
		r.xml = parseXML(trimmed)
	}
	return r
}
