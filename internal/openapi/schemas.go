package openapi

import "github.com/statusmap/statusmap/internal/wire"

// addSchemas adds the schemas of the error bodies: the configured
// format's, the problem (a request can always ask for one), and
// google.rpc.Status and google.protobuf.Any when the generator did not
// define them.
func (r *rewriter) addSchemas(schemas *object) error {
	if r.anyRef == "" {
		r.anyRef = r.schemaRef(anySchema)
		setSorted(schemas, anySchema, anyJSONSchema())
	}
	// One details array serves every body that carries the status details,
	// so that they cannot describe them differently.
	details := obj(
		"type", "array",
		"items", obj("$ref", r.anyRef),
		"description", "The google.rpc.Status details, each a google.protobuf.Any in its JSON form.",
	)
	if r.statusRef == "" {
		r.statusRef = r.schemaRef(statusSchema)
		setSorted(schemas, statusSchema, statusBodySchema(details))
	}
	setSorted(schemas, problemSchema, problemBodySchema(details))
	if r.cfg.Format == wire.FormatGoogle {
		setSorted(schemas, googleBodySchema, obj(
			"type", "object",
			"description", "The error envelope of Google's API design guide, AIP-193 (statusmap.v1.GoogleErrorBody).",
			"properties", obj("error", obj("$ref", r.schemaRef(googleErrorSchema))),
			"required", []any{"error"},
		))
		setSorted(schemas, googleErrorSchema, googleErrorBodySchema(details))
	}
	if r.streamSet {
		setSorted(schemas, streamErrorSchema, obj(
			"type", "object",
			"description", "A server stream's error as grpc-gateway writes it, before the first message with the error's status and after it as the stream's last chunk.",
			"properties", obj("error", obj("$ref", r.statusRef)),
		))
	}
	return nil
}

// anyJSONSchema is google.protobuf.Any's schema, for a generator that did
// not define one.
func anyJSONSchema() *object {
	return obj(
		"type", "object",
		"description", "A google.protobuf.Any in its JSON form: the message's type URL as \"@type\", and its fields.",
		"properties", obj("@type", obj("type", "string")),
		"additionalProperties", true,
	)
}

// statusBodySchema is google.rpc.Status's schema, for a generator that did
// not define one.
func statusBodySchema(details *object) *object {
	return obj(
		"type", "object",
		"description", "google.rpc.Status: the gRPC status code, its message and its details.",
		"properties", obj(
			"code", obj("type", "integer", "format", "int32", "description", "The gRPC status code."),
			"message", obj("type", "string"),
			"details", details,
		),
	)
}

// problemBodySchema is statusmap.v1.Problem's schema.
func problemBodySchema(details *object) *object {
	return obj(
		"type", "object",
		"description", "An RFC 9457 problem (statusmap.v1.Problem), as application/problem+json: "+
			"the error body when the gateway's format is \"problem\", and whenever the request's Accept header prefers application/problem+json.",
		"properties", obj(
			"type", obj("type", "string", "description", "A URI reference that identifies the problem type; \"about:blank\" when the problem has no more meaning than its HTTP status."),
			"title", obj("type", "string", "description", "The HTTP status's reason phrase, such as \"Not Found\"."),
			"status", obj("type", "integer", "format", "int32", "description", "The HTTP status code of the response."),
			"detail", obj("type", "string", "description", "The error message."),
			"instance", obj("type", "string", "description", "A URI reference that identifies this occurrence of the problem."),
			"grpcCode", obj("type", "string", "description", "The gRPC status code's canonical name, such as \"NOT_FOUND\"."),
			"details", details,
		),
		"required", []any{"type", "title", "status", "detail", "grpcCode", "details"},
	)
}

// googleErrorBodySchema is statusmap.v1.GoogleError's schema, the error of
// an AIP-193 envelope.
func googleErrorBodySchema(details *object) *object {
	return obj(
		"type", "object",
		"description", "The error of an AIP-193 envelope (statusmap.v1.GoogleError).",
		"properties", obj(
			"code", obj("type", "integer", "format", "int32", "description", "The HTTP status code of the response."),
			"message", obj("type", "string", "description", "The error message."),
			"status", obj("type", "string", "description", "The gRPC status code's canonical name, such as \"NOT_FOUND\"."),
			"details", details,
		),
		"required", []any{"code", "message", "status", "details"},
	)
}

// bodyRef returns the schema of the configured format's error body.
func (r *rewriter) bodyRef(stream bool) string {
	switch {
	case r.cfg.Format == wire.FormatGoogle:
		return r.schemaRef(googleBodySchema)
	case r.cfg.Format == wire.FormatProblem:
		return r.schemaRef(problemSchema)
	case stream:
		return r.schemaRef(streamErrorSchema)
	default:
		return r.statusRef
	}
}

// addResponses adds the shared error responses the operations reference.
func (r *rewriter) addResponses() error {
	var responses *object
	var err error
	if r.v == 2 {
		responses, err = ensureAfter(r.root, "responses", "definitions")
	} else {
		var components *object
		components, err = ensureAfter(r.root, "components", "paths")
		if err == nil {
			responses, err = ensureAfter(components, "responses", "schemas")
		}
	}
	if err != nil {
		return err
	}
	sets := []struct {
		prefix string
		stream bool
	}{{responsePrefix, false}}
	if r.streamSet {
		sets = append(sets, struct {
			prefix string
			stream bool
		}{streamResponsePrefix, true})
	}
	for _, set := range sets {
		for _, e := range r.cfg.sortedErrors() {
			setSorted(responses, set.prefix+reasonName(e.Status), r.errorResponse(e.Description, e.Status, set.stream))
		}
		setSorted(responses, set.prefix+"Error", r.errorResponse(defaultDescription, 0, set.stream))
	}
	return nil
}

// defaultDescription is the default response's: the statuses a gateway may
// answer that no list of error statuses names.
const defaultDescription = "An error response with a status the operation does not list: 413 for a request too large for the gateway or the service, " +
	"a status an error pins or a custom mapping chooses, and any error status left out of the list, " +
	"such as 406, which a gateway that refuses unacceptable Accept headers answers."

// errorResponse is one shared error response; status 0 is the default
// response's.
func (r *rewriter) errorResponse(description string, status int, stream bool) *object {
	resp := obj("description", description)
	headers := r.headers(status)
	body := r.bodyRef(stream)
	if r.v == 2 {
		resp.set("schema", obj("$ref", body))
		if headers != nil {
			resp.set("headers", headers)
		}
		return resp
	}
	if headers != nil {
		resp.set("headers", headers)
	}
	content := newObject()
	if r.cfg.Format != wire.FormatProblem {
		content.set(jsonMediaType, obj("schema", obj("$ref", body)))
	}
	content.set(problemMediaType, obj("schema", obj("$ref", r.schemaRef(problemSchema))))
	resp.set("content", content)
	return resp
}

// headers returns the headers a response with the status carries (0 for
// the default response), or nil: those HTTP asks of the status, and
// Retry-After, which the gateway writes with any error status whose error
// carries a google.rpc.RetryInfo, declared where a client looks for it.
func (r *rewriter) headers(status int) *object {
	type header struct {
		name, description, typ string
		required               bool
	}
	var hs []header
	// Which status asks which header is wire.ChallengeHeader's rule, the
	// gateway's writer's too; how the document spells and describes each
	// header is this function's.
	switch wire.ChallengeHeader(status) {
	case "Www-Authenticate":
		hs = append(hs, header{"WWW-Authenticate", "The authentication challenges (RFC 9110, section 11.6.1): those the error names, else " + quote(r.cfg.WWWAuthenticate) + ".", "string", true})
	case "Allow":
		hs = append(hs, header{"Allow", "The methods the resource supports (RFC 9110, section 10.2.1): those the error names, else those the gateway routes for the path. " +
			"Sent with every 405, empty when the resource allows no method.", "string", true})
	case "Proxy-Authenticate":
		hs = append(hs, header{"Proxy-Authenticate", "The proxy's authentication challenges (RFC 9110, section 11.7.1): those the error names, else " + quote(r.cfg.ProxyAuthenticate) + ".", "string", true})
	}
	switch status {
	case 0, 429, 503:
		hs = append(hs, header{"Retry-After", "How many seconds to wait before retrying (RFC 9110, section 10.2.3): sent with any error status, listed or not, whose error carries a google.rpc.RetryInfo.", "integer", false})
	}
	if len(hs) == 0 {
		return nil
	}
	out := newObject()
	for _, h := range hs {
		if r.v == 2 {
			out.set(h.name, obj("type", h.typ, "description", h.description))
			continue
		}
		o := obj("description", h.description)
		if h.required {
			o.set("required", true)
		}
		o.set("schema", obj("type", h.typ))
		out.set(h.name, o)
	}
	return out
}

// quote sets a header value in a description as Markdown code.
func quote(s string) string {
	if s == "" {
		return "none"
	}
	return "`" + s + "`"
}

// addProduces lists application/problem+json among the media types a 2.0
// document's operations produce, beside what the generator listed: an
// error can be a problem whatever the format, when the request asks.
func (r *rewriter) addProduces() error {
	add := func(o *object) {
		v, ok := o.get("produces")
		if !ok {
			return
		}
		list, _ := v.([]any)
		for _, mt := range list {
			if mt == problemMediaType {
				return
			}
		}
		o.set("produces", append(list, problemMediaType))
	}
	if _, ok := r.root.get("produces"); !ok {
		insertAfter(r.root, "produces", []any{jsonMediaType}, "consumes")
	}
	add(r.root)
	if paths := r.root.object("paths"); paths != nil {
		for _, p := range paths.keys {
			item, _ := paths.vals[p].(*object)
			for _, m := range httpMethods {
				if op := item.object(m); op != nil {
					add(op)
				}
			}
		}
	}
	return nil
}
