package reqerr

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/protobuf/proto"
)

// parsePathError parses the generated code's path parameter errors
// (protoc-gen-grpc-gateway v2.33 template):
//
//	type mismatch, parameter: %s, error: %v
//	missing parameter %s
//
// detail is the converter's error ("" for a missing parameter).
func parsePathError(msg string) (param, detail string, ok bool) {
	if rest, found := strings.CutPrefix(msg, "type mismatch, parameter: "); found {
		param, detail, ok = strings.Cut(rest, ", error: ")
		return param, detail, ok && isFieldPath(param)
	}
	if rest, found := strings.CutPrefix(msg, "missing parameter "); found && isFieldPath(rest) {
		return rest, "", true
	}
	return "", "", false
}

// provePath reports whether r's own value of the path parameter param fails
// the conversion to its field's type: then the generated code returned
// before calling the service, and the error is the gateway's. Only simple
// templates are read ({name} or {name=*} variables, an optional verb);
// anything else proves nothing.
func provePath(ctx context.Context, r *http.Request, param string) bool {
	template, ok := runtime.HTTPPathPattern(ctx)
	if !ok || r == nil || r.URL == nil {
		return false
	}
	msg := newRequest(ctx)
	if msg == nil {
		return false
	}
	candidates := make([]string, 0, 2)
	if v, ok := pathValue(template, r.URL.Path, param); ok {
		candidates = append(candidates, v)
	}
	if v, ok := pathValue(template, r.URL.EscapedPath(), param); ok {
		if u, err := url.PathUnescape(v); err == nil {
			candidates = append(candidates, u)
		}
	}
	if len(candidates) == 0 {
		return false
	}
	// However the mux unescaped the path, the value it converted fails.
	for _, v := range candidates {
		if runtime.PopulateFieldFromPath(proto.Clone(msg), param, v) == nil {
			return false
		}
	}
	return true
}

// pathValue returns the segment of path that template binds to param.
func pathValue(template, path, param string) (string, bool) {
	template, tverb := splitVerb(template)
	path, pverb := splitVerb(path)
	if tverb != pverb {
		return "", false
	}
	tsegs := strings.Split(strings.TrimPrefix(template, "/"), "/")
	psegs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	if len(tsegs) != len(psegs) {
		return "", false
	}
	value, found := "", false
	for i, t := range tsegs {
		if !strings.HasPrefix(t, "{") {
			if t != "*" && t != psegs[i] {
				return "", false
			}
			continue
		}
		name, ok := strings.CutSuffix(t[1:], "}")
		if !ok {
			return "", false
		}
		if n, pattern, hasPattern := strings.Cut(name, "="); hasPattern {
			if pattern != "*" {
				return "", false
			}
			name = n
		}
		if name == param {
			value, found = psegs[i], true
		}
	}
	return value, found
}

// splitVerb splits a ":verb" off the last segment of a path or template.
func splitVerb(path string) (string, string) {
	last := path[strings.LastIndexByte(path, '/')+1:]
	if i := strings.LastIndexByte(last, ':'); i >= 0 && !strings.Contains(last[i:], "}") {
		return path[:len(path)-len(last)+i], last[i+1:]
	}
	return path, ""
}
