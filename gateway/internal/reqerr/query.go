package reqerr

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/grpc-ecosystem/grpc-gateway/v2/utilities"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// parseQueryError parses runtime.PopulateQueryParameters's errors (runtime/
// query.go v2.33) and req.ParseForm's:
//
//	parsing field %q: %w
//	parsing list %q: %w
//	too many values for field %q: %s
//	duplicate field %q
//	field already set for oneof %q
//	invalid URL escape %q            (net/url)
//	invalid semicolon separator in query
func parseQueryError(ctx context.Context, msg string) (field, sentence string, ok bool) {
	switch {
	case strings.HasPrefix(msg, "parsing field "):
		if f, detail, ok := quotedThen(msg[len("parsing field "):], ": "); ok {
			return f, describe(ctx, f, detail, byQuery), true
		}
	case strings.HasPrefix(msg, "parsing list "):
		if f, detail, ok := quotedThen(msg[len("parsing list "):], ": "); ok {
			return f, describe(ctx, f, detail, byQueryList), true
		}
	case strings.HasPrefix(msg, "too many values for field "):
		if f, _, ok := quotedThen(msg[len("too many values for field "):], ": "); ok {
			return f, f + " must be given once", true
		}
	case strings.HasPrefix(msg, "duplicate field \""):
		if f, rest, ok := quotedThen(msg[len("duplicate field "):], ""); ok && rest == "" {
			return f, f + " must be given once", true
		}
	case strings.HasPrefix(msg, "field already set for oneof "):
		if f, rest, ok := quotedThen(msg[len("field already set for oneof "):], ""); ok && rest == "" {
			return f, "only one field of " + f + " may be given", true
		}
	case strings.HasPrefix(msg, "invalid URL escape \""), msg == "invalid semicolon separator in query":
		return "", "the query string is not valid", true
	}
	return "", "", false
}

// proveQuery reports whether the gateway's parse of r's query fails with
// exactly msg, so that it failed before calling the service: one of r's
// query parameters, parsed alone as the gateway parses the query, fails
// with msg; or msg is a duplicate field and two parameters name that field;
// or msg is a oneof already set and two parameters set different fields of
// that oneof (either pair makes the gateway refuse the query whatever the
// order it reads them in). A parameter the template binds from the path is
// skipped: the gateway filters it out of the query.
func proveQuery(ctx context.Context, r *http.Request, msg string) bool {
	if r == nil || r.URL == nil {
		return false
	}
	if strings.HasPrefix(msg, "invalid URL escape \"") || msg == "invalid semicolon separator in query" {
		_, err := url.ParseQuery(r.URL.RawQuery)
		return err != nil && err.Error() == msg
	}
	req := newRequest(ctx)
	if req == nil {
		return false
	}
	in := req.ProtoReflect().Descriptor()
	template, _ := runtime.HTTPPathPattern(ctx)
	values := r.Form
	if values == nil {
		values = r.URL.Query()
	}
	var duplicate, oneof string
	if rest, found := strings.CutPrefix(msg, "duplicate field "); found {
		duplicate, _, _ = quotedThen(rest, "")
	} else if rest, found := strings.CutPrefix(msg, "field already set for oneof "); found {
		oneof, _, _ = quotedThen(rest, "")
	}
	var named map[string]bool    // the fields named so far
	var oneofs map[string]string // a oneof (by its parent's path) → the field set
	if duplicate != "" {
		named = make(map[string]bool)
	}
	if oneof != "" {
		oneofs = make(map[string]string)
	}
	noFilter := utilities.NewDoubleArray(nil)
	for key, vals := range values {
		path, field := queryFieldPath(in, key)
		if strings.Contains(template, "{"+path[0]+"}") || strings.Contains(template, "{"+path[0]+"=") || strings.Contains(template, "{"+path[0]+".") {
			continue
		}
		if named != nil {
			if named[field] && field == duplicate {
				return true
			}
			named[field] = true
		}
		if oneofs != nil && setsOtherOneofField(in, path, oneofs, oneof) {
			return true
		}
		err := runtime.PopulateQueryParameters(proto.Clone(req), url.Values{key: vals}, noFilter)
		if err != nil && err.Error() == msg {
			return true
		}
	}
	return false
}

// queryFieldPath returns the field path PopulateQueryParameters reads key
// as, and the name it gives the field in a "duplicate field" error
// (runtime/query.go v2.33, Parse and normalizeFieldPath): a map key in
// brackets is split off, and each name, its own or its JSON name, is the
// field's own name, as far as the names are singular fields of md;
// otherwise the key's own path.
func queryFieldPath(md protoreflect.MessageDescriptor, key string) (path []string, field string) {
	fieldKey, mapKey := key, ""
	// query.go's regexp ^(.*)\[(.*)\]$, whose "." matches no newline.
	if i := strings.LastIndexByte(key, '['); i >= 0 && strings.HasSuffix(key, "]") && i < len(key)-1 && !strings.Contains(key, "\n") {
		fieldKey, mapKey = key[:i], key[i:]
	}
	raw := strings.Split(fieldKey, ".")
	path = make([]string, 0, len(raw))
	for i, name := range raw {
		fd := md.Fields().ByTextName(name)
		if fd == nil {
			fd = md.Fields().ByJSONName(name)
		}
		if fd == nil {
			return raw, fieldKey + mapKey
		}
		path = append(path, string(fd.Name()))
		if i == len(raw)-1 {
			break
		}
		if fd.Message() == nil || fd.Cardinality() == protoreflect.Repeated {
			return raw, fieldKey + mapKey
		}
		md = fd.Message()
	}
	return path, strings.Join(path, ".") + mapKey
}

// setsOtherOneofField reports whether path goes through a field of a oneof
// named name that oneofs records as set to another field in the same
// message, and records the oneof fields path goes through.
func setsOtherOneofField(md protoreflect.MessageDescriptor, path []string, oneofs map[string]string, name string) bool {
	for i, segment := range path {
		if md == nil {
			return false
		}
		fd := md.Fields().ByName(protoreflect.Name(segment))
		if fd == nil {
			return false
		}
		if of := fd.ContainingOneof(); of != nil && !of.IsSynthetic() {
			where := strings.Join(path[:i], ".") + "#" + string(of.Name())
			set, found := oneofs[where]
			if !found {
				oneofs[where] = segment
			} else if set != segment && string(of.Name()) == name {
				return true
			}
		}
		md = fd.Message()
	}
	return false
}
