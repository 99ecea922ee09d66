package reqerr

import (
	"context"
	"strconv"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/statusmap/statusmap/internal/validation"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"
)

// isFieldPath reports whether s is a protobuf field path (a.b_c), as the
// generated code names parameters.
func isFieldPath(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// quotedThen parses a Go-quoted field path at the start of s, followed by
// sep, and returns the path and what follows sep.
func quotedThen(s, sep string) (field, rest string, ok bool) {
	q, err := strconv.QuotedPrefix(s)
	if err != nil {
		return "", "", false
	}
	field, err = strconv.Unquote(q)
	if err != nil || !isFieldPath(field) {
		return "", "", false
	}
	rest, ok = strings.CutPrefix(s[len(q):], sep)
	return field, rest, ok
}

// requestDescriptor returns the request message descriptor of the method
// the generated handler annotated ctx with, or nil: the lookup
// internal/validation makes for the interceptors' violations.
func requestDescriptor(ctx context.Context) protoreflect.MessageDescriptor {
	method, ok := runtime.RPCMethod(ctx) // "/pkg.Service/Method"
	if !ok {
		return nil
	}
	return validation.RequestDescriptor(method)
}

// newRequest returns an empty request message of the method ctx names, of
// its generated type when it is linked in, or nil.
func newRequest(ctx context.Context) proto.Message {
	in := requestDescriptor(ctx)
	if in == nil {
		return nil
	}
	if mt, err := protoregistry.GlobalTypes.FindMessageByName(in.FullName()); err == nil {
		return mt.New().Interface()
	}
	return dynamicpb.NewMessage(in)
}

// fieldByPath walks a dotted field path from md.
func fieldByPath(md protoreflect.MessageDescriptor, path string) protoreflect.FieldDescriptor {
	var fd protoreflect.FieldDescriptor
	for name := range strings.SplitSeq(path, ".") {
		if md == nil {
			return nil
		}
		fd = md.Fields().ByName(protoreflect.Name(name))
		if fd == nil {
			fd = md.Fields().ByJSONName(name)
		}
		if fd == nil {
			return nil
		}
		md = fd.Message()
	}
	return fd
}

// fieldByName finds the first field named name (its own or its JSON name)
// in md and the messages it holds, breadth first and a few levels deep.
func fieldByName(md protoreflect.MessageDescriptor, name string) protoreflect.FieldDescriptor {
	const maxDepth = 4
	level := []protoreflect.MessageDescriptor{md}
	seen := map[protoreflect.FullName]bool{md.FullName(): true}
	for depth := 0; depth < maxDepth && len(level) > 0; depth++ {
		var next []protoreflect.MessageDescriptor
		for _, m := range level {
			fields := m.Fields()
			if fd := fields.ByName(protoreflect.Name(name)); fd != nil {
				return fd
			}
			if fd := fields.ByJSONName(name); fd != nil {
				return fd
			}
			for i := range fields.Len() {
				if sub := fields.Get(i).Message(); sub != nil && !seen[sub.FullName()] {
					seen[sub.FullName()] = true
					next = append(next, sub)
				}
			}
		}
		level = next
	}
	return nil
}
