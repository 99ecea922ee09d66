package openapi

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// The names the rewrite gives what it adds. They live in statusmap's own
// namespace, so that they cannot take the name of something the generator
// wrote, and running the rewrite again replaces them rather than adding
// copies.
const (
	responsePrefix       = "statusmap."
	defaultResponse      = responsePrefix + "Error"
	streamResponsePrefix = responsePrefix + "Stream"

	googleBodySchema  = "statusmap.v1.GoogleErrorBody"
	googleErrorSchema = "statusmap.v1.GoogleError"
	problemSchema     = "statusmap.v1.Problem"
	streamErrorSchema = "statusmap.StreamErrorChunk"
	// statusSchema and anySchema are added only when the document has no
	// google.rpc.Status (protoc-gen-openapiv2's disable_default_errors).
	statusSchema = "google.rpc.Status"
	anySchema    = "google.protobuf.Any"

	jsonMediaType    = "application/json"
	problemMediaType = "application/problem+json"
)

// rewriter rewrites one document.
type rewriter struct {
	cfg  Config
	v    version
	root *object

	// rpcs are the SuccessByRPC entries, sorted, so that an operation two
	// entries could claim always gets the same one.
	rpcs []rpcStatus
	// statusRef and anyRef point at google.rpc.Status and
	// google.protobuf.Any, as the generator defined them if it did.
	statusRef, anyRef string
	// streamSet records that a server stream needs the error responses of
	// grpc-gateway's stream error chunk.
	streamSet bool
}

type rpcStatus struct {
	operationID string
	status      int
}

// httpMethods are the operations of a path item.
var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

func (r *rewriter) run() error {
	for rpc, s := range r.cfg.SuccessByRPC {
		svc, m, _ := splitRPC(rpc)
		r.rpcs = append(r.rpcs, rpcStatus{svc + "_" + m, s})
	}
	sort.Slice(r.rpcs, func(i, j int) bool {
		if r.rpcs[i].operationID != r.rpcs[j].operationID {
			return r.rpcs[i].operationID < r.rpcs[j].operationID
		}
		return r.rpcs[i].status < r.rpcs[j].status
	})

	schemas, err := r.schemas()
	if err != nil {
		return err
	}
	r.findStatus(schemas)

	paths := r.root.object("paths")
	if paths != nil {
		for _, p := range paths.keys {
			item, ok := paths.vals[p].(*object)
			if !ok {
				continue
			}
			for _, method := range httpMethods {
				if method == "trace" && r.v == 2 {
					continue
				}
				op, ok := item.vals[method].(*object)
				if !ok {
					continue
				}
				if err := r.operation(op, method); err != nil {
					return fmt.Errorf("paths[%q].%s: %v", p, method, err)
				}
			}
		}
	}
	if err := r.addSchemas(schemas); err != nil {
		return err
	}
	if err := r.addResponses(); err != nil {
		return err
	}
	if r.v == 2 {
		return r.addProduces()
	}
	return nil
}

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

// operation rewrites one operation's responses.
func (r *rewriter) operation(op *object, method string) error {
	responses, err := op.ensure("responses")
	if err != nil {
		return err
	}
	stream := false
	if v, ok := responses.get("200"); ok {
		resp, _ := r.resolveAll(asObject(v))
		stream = r.isStream(resp)
		if !stream {
			r.success(op, method, responses, v, resp)
		}
	}
	prefix := responsePrefix
	if stream && r.cfg.Format == FormatStatus {
		// Before its first message, a failing stream is answered with
		// grpc-gateway's error chunk, {"error": {...}}.
		prefix = streamResponsePrefix
		r.streamSet = true
	}
	for _, e := range r.cfg.Errors {
		key := strconv.Itoa(e.Status)
		if v, ok := responses.get(key); ok && !r.isOurs(v) {
			continue // the document's own description of the status
		}
		responses.set(key, obj("$ref", r.responseRef(prefix+reasonName(e.Status))))
	}
	name := defaultResponse
	if prefix == streamResponsePrefix {
		name = streamResponsePrefix + "Error"
	}
	responses.set("default", obj("$ref", r.responseRef(name)))
	sortResponses(responses)
	return nil
}

func asObject(v any) *object {
	o, _ := v.(*object)
	return o
}

// isOurs reports whether a response is a reference to one the rewrite
// adds.
func (r *rewriter) isOurs(v any) bool {
	ref := asObject(v).str("$ref")
	return strings.HasPrefix(ref, r.responseRef(responsePrefix))
}

// isStream reports whether a success response is protoc-gen-openapiv2's
// description of a server stream.
func (r *rewriter) isStream(resp *object) bool {
	if strings.HasSuffix(resp.str("description"), "(streaming responses)") {
		return true
	}
	schema, _ := r.resolveAll(r.schemaOf(resp))
	return strings.HasPrefix(schema.str("title"), "Stream result of ")
}

// success puts the generator's 200 response (raw, and resp resolved) where
// the gateway answers.
func (r *rewriter) success(op *object, method string, responses *object, raw any, resp *object) {
	status := r.successStatus(op, method)
	if status == http.StatusOK {
		return
	}
	key := strconv.Itoa(status)
	_, taken := responses.get(key)
	if !bodyAllowed(status) {
		if r.isEmpty(resp) {
			// The gateway answers every success with status and no body.
			responses.delete("200")
			if !taken {
				responses.set(key, withoutContent(resp, status))
			}
			return
		}
		// A message with content keeps it, with 200; an empty one (every
		// field at its default) goes out with status and no body.
		if !taken {
			responses.set(key, obj("description", "No content: the response message was empty, every field at its default."))
		}
		return
	}
	responses.delete("200")
	if !taken {
		responses.set(key, renamed(raw, status))
	}
}

// renamed returns a moved success response, its description changed from
// "OK" (protoc-gen-openapi's) to the new status's reason phrase.
func renamed(raw any, status int) any {
	resp := asObject(raw)
	if resp == nil || resp.str("description") != http.StatusText(http.StatusOK) {
		return raw
	}
	out := newObject()
	for _, k := range resp.keys {
		out.set(k, resp.vals[k])
	}
	out.set("description", http.StatusText(status))
	return out
}

// successStatus is the gateway's choice for the operation, as
// gateway.successStatus makes it for a call.
func (r *rewriter) successStatus(op *object, method string) int {
	if r.cfg.SuccessDisabled {
		return http.StatusOK
	}
	id := op.str("operationId")
	for _, rpc := range r.rpcs {
		if rest, ok := strings.CutPrefix(id, rpc.operationID); ok && allDigits(rest) {
			return rpc.status
		}
	}
	if s, ok := r.cfg.SuccessByMethod[strings.ToUpper(method)]; ok {
		return s
	}
	return http.StatusOK
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// bodyAllowed reports whether a response with the status may have content.
func bodyAllowed(status int) bool {
	return status != http.StatusNoContent && status != http.StatusResetContent
}

// isEmpty reports whether a success response describes a message without
// fields (google.protobuf.Empty, or a message that declares none), the
// only kind the gateway always answers without a body.
func (r *rewriter) isEmpty(resp *object) bool {
	if resp == nil {
		return false
	}
	if r.v == 2 {
		schema, ok := resp.get("schema")
		return !ok || r.isEmptySchema(asObject(schema))
	}
	content := resp.object("content")
	if content == nil || len(content.keys) == 0 {
		return true // protoc-gen-openapi's description of google.protobuf.Empty
	}
	for _, mt := range content.keys {
		schema, ok := asObject(content.vals[mt]).get("schema")
		if ok && !r.isEmptySchema(asObject(schema)) {
			return false
		}
	}
	return true
}

func (r *rewriter) isEmptySchema(schema *object) bool {
	s, viaRef := r.resolveAll(schema)
	if s == nil {
		return false
	}
	for _, k := range []string{"allOf", "oneOf", "anyOf", "not", "items", "additionalProperties", "patternProperties"} {
		if _, ok := s.get(k); ok {
			return false
		}
	}
	if t, ok := s.get("type"); ok && t != "object" {
		return false
	}
	if props, ok := s.get("properties"); ok {
		p := asObject(props)
		return p != nil && len(p.keys) == 0
	}
	// A definition without properties is a message that declares no
	// field; written in place, {"type": "object"} is google.protobuf.Struct,
	// which has content.
	return viaRef
}

// withoutContent returns a copy of a response without its body.
func withoutContent(resp *object, status int) *object {
	out := newObject()
	for _, k := range resp.keys {
		switch k {
		case "schema", "content", "examples":
			continue
		}
		out.set(k, resp.vals[k])
	}
	if d := out.str("description"); d == "" || d == http.StatusText(http.StatusOK) {
		out.set("description", http.StatusText(status))
	}
	return out
}

// sortResponses orders a responses object: statuses in numeric order
// (ranges such as 4XX after their statuses), then default, then the rest
// as they were.
func sortResponses(responses *object) {
	rank := func(k string) float64 {
		if n, err := strconv.Atoi(k); err == nil {
			return float64(n)
		}
		if len(k) == 3 && strings.HasSuffix(strings.ToUpper(k), "XX") && k[0] >= '1' && k[0] <= '5' {
			return float64(k[0]-'0')*100 + 99.5
		}
		if k == "default" {
			return 1000
		}
		return 1001
	}
	sort.SliceStable(responses.keys, func(i, j int) bool { return rank(responses.keys[i]) < rank(responses.keys[j]) })
}

// ensureAfter returns the object under key, adding an empty one right
// after the key after (or at the end) if there is none.
func ensureAfter(o *object, key, after string) (*object, error) {
	if _, ok := o.get(key); ok {
		return o.ensure(key)
	}
	m := newObject()
	insertAfter(o, key, m, after)
	return m, nil
}

// insertAfter adds key right after the key after, or at the end.
func insertAfter(o *object, key string, v any, after string) {
	o.set(key, v)
	o.keys = o.keys[:len(o.keys)-1]
	at := len(o.keys)
	for i, k := range o.keys {
		if k == after {
			at = i + 1
			break
		}
	}
	o.keys = append(o.keys[:at], append([]string{key}, o.keys[at:]...)...)
}

// setSorted replaces key's value, or adds key before the first key that
// sorts after it: in protoc-gen-openapiv2's sorted definitions, in order.
func setSorted(o *object, key string, v any) {
	if _, ok := o.get(key); ok {
		o.set(key, v)
		return
	}
	o.set(key, v)
	o.keys = o.keys[:len(o.keys)-1]
	at := sort.Search(len(o.keys), func(i int) bool { return o.keys[i] > key })
	if !sort.StringsAreSorted(o.keys) {
		at = len(o.keys)
	}
	o.keys = append(o.keys[:at], append([]string{key}, o.keys[at:]...)...)
}
