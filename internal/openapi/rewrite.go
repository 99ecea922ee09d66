package openapi

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/statusmap/statusmap/internal/httpwire"
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
	problemMediaType = httpwire.ProblemMediaType
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

// run rewrites the document in place: every operation's responses, then
// the schemas and shared responses they point at.
func (r *rewriter) run() error {
	if r.rewritten() {
		// Its generated 200s and default are gone, so what other options
		// would make of it cannot be known; the generated document can.
		return errors.New("already rewritten by statusmap-openapi; rewrite the generated document")
	}
	r.sortRPCs()
	schemas, err := r.schemas()
	if err != nil {
		return err
	}
	r.findStatus(schemas)
	if err := r.rewriteOperations(); err != nil {
		return err
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

// sortRPCs fills r.rpcs from the configuration, sorted, so that an
// operation two entries could claim always gets the same one (a map's
// order would change from run to run).
func (r *rewriter) sortRPCs() {
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
}

// rewriteOperations rewrites the operations of every path, in the
// document's order. OpenAPI 2.0 has no trace operation: a "trace" key
// there is not one.
func (r *rewriter) rewriteOperations() error {
	paths := r.root.object("paths")
	if paths == nil {
		return nil
	}
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
