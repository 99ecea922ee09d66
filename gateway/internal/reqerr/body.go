package reqerr

import (
	"context"
	"strings"
)

// parseBodyError parses the body decoder's errors: marshaler.NewDecoder(
// req.Body).Decode wraps an encoding/json decoder (syntax errors, a body cut
// short) and then protojson (v1.36: "proto: (line L:C): ..." and
// "proto: syntax error (line L:C): ...", whose space after "proto:" is
// U+0020 or U+00A0 at random, by design).
func parseBodyError(ctx context.Context, msg string) (field, sentence string, ok bool) {
	const notJSON = "request body is not valid JSON"
	if msg == "unexpected EOF" || strings.HasPrefix(msg, "invalid character ") {
		return "", notJSON, true
	}
	rest, ok := strings.CutPrefix(msg, "proto:")
	if !ok {
		return "", "", false
	}
	if r, found := strings.CutPrefix(rest, " "); found {
		rest = r
	} else if r, found := strings.CutPrefix(rest, "\u00a0"); found {
		rest = r
	} else {
		return "", "", false
	}
	if strings.HasPrefix(rest, "syntax error (line ") {
		return "", notJSON, true
	}
	if !strings.HasPrefix(rest, "(line ") {
		return "", "", false
	}
	_, what, found := strings.Cut(rest, "): ")
	if !found {
		return "", "", false
	}
	switch {
	case strings.HasPrefix(what, "invalid value for "):
		// "invalid value for %v field %v: %v": kind, JSON name, token.
		kind, after, found := strings.Cut(what[len("invalid value for "):], " field ")
		if !found {
			break
		}
		name, _, found := strings.Cut(after, ": ")
		if !found || !isFieldPath(name) {
			break
		}
		return name, name + kindSentence(ctx, kind, name), true
	case strings.HasPrefix(what, "unknown field \""):
		if name, tail, ok := quotedThen(what[len("unknown field "):], ""); ok && tail == "" {
			return name, name + " is not a field of this request", true
		}
	case strings.HasPrefix(what, "duplicate field \""):
		if name, tail, ok := quotedThen(what[len("duplicate field "):], ""); ok && tail == "" {
			return name, name + " must be given once", true
		}
	}
	return "", "request body is not valid", true
}
