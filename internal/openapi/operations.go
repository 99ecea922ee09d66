package openapi

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/statusmap/statusmap/internal/wire"
)

// The rewrite of an operation's responses: its success as the gateway
// answers it, an empty message's 204.

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
	if stream && r.cfg.Format == wire.FormatStatus {
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
