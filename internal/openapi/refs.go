package openapi

import (
	"strings"
)

// What the rewrite finds in a document: where it keeps its schemas, the
// generator's google.rpc.Status, and local references.

// schemas returns where the document keeps its schemas, adding it if
// needed.
func (r *rewriter) schemas() (*object, error) {
	if r.v == 2 {
		return ensureAfter(r.root, "definitions", "paths")
	}
	components, err := ensureAfter(r.root, "components", "paths")
	if err != nil {
		return nil, err
	}
	return components.ensure("schemas")
}

// schemaRef and responseRef return references to the named schema and
// shared response.
func (r *rewriter) schemaRef(name string) string {
	if r.v == 2 {
		return "#/definitions/" + escapePointer(name)
	}
	return "#/components/schemas/" + escapePointer(name)
}

func (r *rewriter) responseRef(name string) string {
	if r.v == 2 {
		return "#/responses/" + escapePointer(name)
	}
	return "#/components/responses/" + escapePointer(name)
}

// findStatus finds google.rpc.Status and google.protobuf.Any as the
// generator defined them: the schema of the generator's default
// responses, else a schema of the generator's name for it.
func (r *rewriter) findStatus(schemas *object) {
	if paths := r.root.object("paths"); paths != nil {
	search:
		for _, p := range paths.keys {
			item, _ := paths.vals[p].(*object)
			for _, method := range httpMethods {
				op := item.object(method)
				def := op.object("responses").object("default")
				if ref := r.schemaOf(def).str("$ref"); ref != "" && r.resolve(ref) != nil {
					r.statusRef = ref
					break search
				}
			}
		}
	}
	if r.statusRef == "" {
		for _, name := range []string{"rpcStatus", "googlerpcStatus", "google.rpc.Status", "rpc.Status", "GoogleRpcStatus", "Status"} {
			s := schemas.object(name)
			props := s.object("properties")
			if props.object("code") != nil && props.object("message") != nil && props.object("details") != nil {
				r.statusRef = r.schemaRef(name)
				break
			}
		}
	}
	if r.statusRef != "" {
		items := r.resolve(r.statusRef).object("properties").object("details").object("items")
		if ref := items.str("$ref"); ref != "" && r.resolve(ref) != nil {
			r.anyRef = ref
		}
	}
	if r.anyRef == "" {
		for _, name := range []string{"protobufAny", "googleprotobufAny", "google.protobuf.Any", "protobuf.Any", "GoogleProtobufAny"} {
			if schemas.object(name).object("properties").object("@type") != nil {
				r.anyRef = r.schemaRef(name)
				break
			}
		}
	}
}

// schemaOf returns the schema of a response: 2.0's schema, or 3.x's
// application/json one.
func (r *rewriter) schemaOf(resp *object) *object {
	if r.v == 2 {
		return resp.object("schema")
	}
	return resp.object("content").object(jsonMediaType).object("schema")
}

// resolve follows a local reference ("#/definitions/x"), or returns nil.
func (r *rewriter) resolve(ref string) *object {
	rest, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil
	}
	cur := r.root
	for _, part := range strings.Split(rest, "/") {
		cur = cur.object(unescapePointer(part))
		if cur == nil {
			return nil
		}
	}
	return cur
}

// resolveAll follows a chain of references, at most a few deep.
func (r *rewriter) resolveAll(o *object) (*object, bool) {
	viaRef := false
	for i := 0; i < 8 && o != nil; i++ {
		ref := o.str("$ref")
		if ref == "" {
			return o, viaRef
		}
		o, viaRef = r.resolve(ref), true
	}
	return nil, viaRef
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

func unescapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
}
