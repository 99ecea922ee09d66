package openapi

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/statusmap/statusmap/internal/wire"
)

// The names the rewrite gives what it adds. They live in statusmap's own
// namespace, so that they cannot take the name of something the generator
// wrote, and so that a document already rewritten is known by them.
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
	// values counts the values of the tree: the document's, then those
	// each operation gains, bounded by MaxValues.
	values int
}

type rpcStatus struct {
	rpc         string // "/pkg.Service/Method"
	service     string
	operationID string // "Service_Method"
	status      int
	matched     bool // an operation is the RPC's
}

// httpMethods are the operations of a path item.
var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

func (r *rewriter) run() error {
	if r.rewritten() {
		// Its generated 200s and default are gone, so what other options
		// would make of it cannot be known; the generated document can.
		return errors.New("already rewritten by statusmap-openapi; rewrite the generated document")
	}
	for rpc, s := range r.cfg.SuccessByRPC {
		svc, m, _ := splitRPC(rpc)
		r.rpcs = append(r.rpcs, rpcStatus{rpc: rpc, service: svc, operationID: svc + "_" + m, status: s})
	}
	sort.Slice(r.rpcs, func(i, j int) bool {
		if r.rpcs[i].operationID != r.rpcs[j].operationID {
			return r.rpcs[i].operationID < r.rpcs[j].operationID
		}
		if r.rpcs[i].status != r.rpcs[j].status {
			return r.rpcs[i].status < r.rpcs[j].status
		}
		return r.rpcs[i].rpc < r.rpcs[j].rpc
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
					return fmt.Errorf("paths[%q].%s: %w", p, method, err)
				}
			}
		}
	}
	if err := r.checkRPCs(); err != nil {
		return err
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

// rewritten reports whether the document has the shared responses the
// rewrite adds.
func (r *rewriter) rewritten() bool {
	shared := r.root.object("responses")
	if r.v == 3 {
		shared = r.root.object("components").object("responses")
	}
	if shared == nil {
		return false
	}
	for _, k := range shared.keys {
		if strings.HasPrefix(k, responsePrefix) {
			return true
		}
	}
	return false
}

// checkRPCs refuses a per-RPC status of a service the document describes
// that no operation is: a misspelt method, or one without an HTTP binding,
// whose status would silently do nothing. An RPC of a service the document
// does not describe is another document's (protoc-gen-openapiv2 writes one
// per proto file, and one gateway may front them all).
func (r *rewriter) checkRPCs() error {
	ids := operationIDs(r.root, r.v)
	var missing []string
	for _, rpc := range r.rpcs {
		if !rpc.matched && describesService(ids, rpc.service) {
			missing = append(missing, rpc.rpc+" (operationId "+rpc.operationID+")")
		}
	}
	if len(missing) == 0 {
		return nil
	}
	sort.Strings(missing)
	return fmt.Errorf("a success status is given for RPC %s, but no operation of the document is that RPC", strings.Join(missing, ", "))
}

// operationIDs returns the operationIds of a document's operations.
func operationIDs(root *object, v version) []string {
	var ids []string
	paths := root.object("paths")
	if paths == nil {
		return nil
	}
	for _, p := range paths.keys {
		item := paths.object(p)
		for _, method := range httpMethods {
			if method == "trace" && v == 2 {
				continue
			}
			if id := item.object(method).str("operationId"); id != "" {
				ids = append(ids, id)
			}
		}
	}
	return ids
}

// describesService reports whether one of the operationIds is an RPC of
// the service: Service_Method, as both generators write it.
func describesService(ids []string, service string) bool {
	for _, id := range ids {
		if strings.HasPrefix(id, service+"_") {
			return true
		}
	}
	return false
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
	rpc := r.rpcOf(op)
	stream := false
	if v, ok := responses.get("200"); ok {
		resp, _ := r.resolveAll(asObject(v))
		stream = r.isStream(resp)
		if !stream {
			r.success(rpc, method, responses, v, resp)
		}
	}
	prefix := responsePrefix
	if stream && r.cfg.Format == FormatStatus {
		// Before its first message, a failing stream is answered with
		// grpc-gateway's error chunk, {"error": {...}}.
		prefix = streamResponsePrefix
		r.streamSet = true
	}
	// Each operation gains a reference per error status and its default,
	// two values each: a document of many small operations grows many
	// times over.
	if r.values += 2 * (len(r.cfg.Errors) + 1); r.values > MaxValues {
		return tooManyValues("rewritten, the document would have")
	}
	for _, e := range r.cfg.Errors {
		key := strconv.Itoa(e.Status)
		if _, ok := responses.get(key); ok {
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
func (r *rewriter) success(rpc *rpcStatus, method string, responses *object, raw any, resp *object) {
	status := r.successStatus(rpc, method)
	if status == http.StatusOK {
		return
	}
	key := strconv.Itoa(status)
	_, taken := responses.get(key)
	if !wire.BodyAllowed(status) {
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

// rpcOf returns the per-RPC status the operation is (nil if none), and
// records that its RPC has an operation. The exact operationId comes first,
// so that the RPC Get2 is not taken for Get's second binding, which the
// generator names Svc_Get2 too; only then the additional bindings (Svc_Get2,
// Svc_Get3, ...) of the longest name that fits.
func (r *rewriter) rpcOf(op *object) *rpcStatus {
	id := op.str("operationId")
	if id == "" {
		return nil
	}
	found := -1
	for i, rpc := range r.rpcs {
		if rpc.operationID == id {
			found = i
			break
		}
		rest, ok := strings.CutPrefix(id, rpc.operationID)
		if ok && allDigits(rest) && (found < 0 || len(rpc.operationID) > len(r.rpcs[found].operationID)) {
			found = i
		}
	}
	if found < 0 {
		return nil
	}
	// RPCs of two packages' services of one name share their operationId:
	// the operation is each one's.
	for i := range r.rpcs {
		if r.rpcs[i].operationID == r.rpcs[found].operationID {
			r.rpcs[i].matched = true
		}
	}
	return &r.rpcs[found]
}

// successStatus is the gateway's choice for the operation of rpc (nil if
// it has no per-RPC status), as gateway.successStatus makes it for a call.
func (r *rewriter) successStatus(rpc *rpcStatus, method string) int {
	if r.cfg.SuccessDisabled {
		return http.StatusOK
	}
	if rpc != nil {
		return rpc.status
	}
	if s, ok := r.cfg.SuccessByMethod[strings.ToUpper(method)]; ok {
		return s
	}
	return http.StatusOK
}

// allDigits reports whether s is a non-empty run of digits.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
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
