package reqerr

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/grpc-ecosystem/grpc-gateway/v2/utilities"
	bookshelfv1 "github.com/statusmap/statusmap/examples/proto/bookshelf/v1"
	binlogpb "google.golang.org/grpc/binarylog/grpc_binarylog_v1"
	channelzpb "google.golang.org/grpc/channelz/grpc_channelz_v1"
	"google.golang.org/grpc/codes"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/known/structpb"
)

// TestParseQueryErrorRefusesLookalikes: texts near grpc-gateway's query
// formats are not taken for them.
func TestParseQueryErrorRefusesLookalikes(t *testing.T) {
	for _, msg := range []string{
		`parsing field page_size: x`,
		`parsing field "page size": x`,
		`duplicate field "a" and more`,
		`too many values for field "a"`,
	} {
		if _, _, ok := parseQueryError(context.Background(), msg); ok {
			t.Errorf("%q recognised as a query error", msg)
		}
	}
}

// queryError is the generated code's error for a request's query string:
// req.ParseForm's, else PopulateQueryParameters's (both with the
// template's "%v", so the text is the error's).
func queryError(t *testing.T, msg proto.Message, rawQuery string) string {
	t.Helper()
	r := httptest.NewRequest("GET", "/?"+rawQuery, nil)
	if err := r.ParseForm(); err != nil {
		return fmt.Sprintf("%v", err)
	}
	err := runtime.PopulateQueryParameters(msg, r.Form, utilities.NewDoubleArray(nil))
	if err == nil {
		t.Fatalf("%q accepted", rawQuery)
	}
	return fmt.Sprintf("%v", err)
}

// TestRequestErrorQueryTexts: each error of req.ParseForm (net/url) and
// runtime.PopulateQueryParameters (runtime/query.go) the recogniser knows,
// made by the real functions on generated messages with the field kinds
// they convert.
func TestRequestErrorQueryTexts(t *testing.T) {
	ctx := handlerContext(t, listShelfBooks)
	list := func() proto.Message { return &bookshelfv1.ListShelfBooksRequest{} }
	logEntry := func() proto.Message { return &binlogpb.GrpcLogEntry{} }
	option := func() proto.Message { return &descriptorpb.UninterpretedOption{} }
	socket := func() proto.Message { return &channelzpb.SocketData{} }
	for _, c := range []struct {
		name            string
		msg             func() proto.Message
		query           string
		field, sentence string
	}{
		{"int", list, "page_size=ten", "page_size", "page_size must be an integer"},
		{"int by JSON name", list, "pageSize=ten", "page_size", "page_size must be an integer"},
		{"int out of range", list, "page_size=3000000000", "page_size", "page_size is out of range"},
		{"enum", list, "format=SCROLL", "format", "format must be one of BOOK_FORMAT_HARDCOVER, BOOK_FORMAT_PAPERBACK, BOOK_FORMAT_EBOOK"},
		{"bool", list, "include_archived=maybe", "include_archived", "include_archived must be true or false"},
		{"uint64", logEntry, "call_id=-1", "call_id", "call_id must be a non-negative integer"},
		{"uint64 out of range", logEntry, "call_id=99999999999999999999999", "call_id", "call_id is out of range"},
		{"uint32 nested", logEntry, "message.length=x", "length", "length must be a non-negative integer"},
		{"double", option, "double_value=abc", "double_value", "double_value must be a number"},
		{"double hexadecimal", option, "double_value=0x10", "double_value", "double_value must be a number"},
		{"double out of range", option, "double_value=1e999", "double_value", "double_value is out of range"},
		{"bytes", option, "string_value=!!", "string_value", "string_value must be base64"},
		{"timestamp", logEntry, "timestamp=yesterday", "timestamp", "timestamp must be an RFC 3339 timestamp"},
		{"duration", logEntry, "client_header.timeout=soon", "timeout", "timeout must be a duration"},
		// query.go's parseMessage reads the wrappers with strconv.
		{"Int64Value", socket, "local_flow_control_window=x", "local_flow_control_window", "local_flow_control_window must be an integer"},
		{"UInt32Value", socket, "received_goaway_error=-1", "received_goaway_error", "received_goaway_error must be a non-negative integer"},
		// query.go's own "%s before 0001-01-01" is a converter error the
		// recogniser does not know: the known format around it is answered
		// with the field and the generic sentence.
		{"timestamp before year 1", logEntry, "timestamp=0000-06-01T00:00:00Z", "timestamp", "timestamp is not valid"},
		{"parsing list", func() proto.Message { return &descriptorpb.SourceCodeInfo_Location{} }, "path=1&path=x", "path", "each path must be an integer"},
		{"too many values", list, "page_size=1&page_size=2", "page_size", "page_size must be given once"},
		{"duplicate field", list, "page_size=1&pageSize=2", "page_size", "page_size must be given once"},
		{"field already set for oneof", logEntry, "message.length=1&trailer.status_code=2", "payload", "only one field of payload may be given"},
		{"field already set for oneof, scalars", func() proto.Message { return &structpb.Value{} }, "number_value=1&string_value=x", "kind", "only one field of kind may be given"},
		{"invalid URL escape", list, "page_size=%zz", "", "the query string is not valid"},
		{"semicolon separator", list, "page_size=1;format=X", "", "the query string is not valid"},
	} {
		t.Run(c.name, func(t *testing.T) {
			checkClean(t, ctx, nil, queryError(t, c.msg(), c.query), http.StatusBadRequest, c.field, c.sentence)
		})
	}
}

// TestInProcessQueryProofSkipsPathParametersByJSONName: the gateway filters
// a path parameter out of the query by its field name, however the query
// spells it; so does the proof. A service that answers ?shelfId=x with the
// text the parser would make of it keeps its answer.
func TestInProcessQueryProofSkipsPathParametersByJSONName(t *testing.T) {
	ctx := inProcessHandlerContext(t, listShelfBooks, "/v1/shelves/{shelf_id}/genres/{genre}/books")
	for _, query := range []string{"shelfId=x", "shelf_id=x"} {
		text := queryError(t, &bookshelfv1.ListShelfBooksRequest{}, query)
		r := httptest.NewRequest("GET", "/v1/shelves/7/genres/GENRE_FICTION/books?"+query, nil)
		if err := r.ParseForm(); err != nil {
			t.Fatal(err)
		}
		if clean, _, ok := Recognize(ctx, r, status.New(codes.InvalidArgument, text).Proto()); ok {
			t.Errorf("%q with ?%s rewritten: %v", text, query, clean)
		}
	}
}

// TestRequestErrorInProcessQueryProof: in process (RegisterXHandlerServer)
// the metadata proves nothing, and a query error is rewritten only when r's
// own query makes the gateway fail with it: for a duplicate field, two
// parameters naming the field; for a oneof, two parameters setting
// different fields of it. The texts are PopulateQueryParameters's on the
// request message of a real method (grpc-go's reflection service, whose
// request has a oneof).
func TestRequestErrorInProcessQueryProof(t *testing.T) {
	const method = "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"
	inProcessContext := func() context.Context {
		return inProcessHandlerContext(t, method, "/v1/reflect/{host}")
	}
	request := func(rawQuery string) *http.Request {
		r := httptest.NewRequest("GET", "/v1/reflect/h?"+rawQuery, nil)
		if err := r.ParseForm(); err != nil {
			t.Fatal(err)
		}
		return r
	}
	text := func(rawQuery string) string {
		return queryError(t, &reflectionpb.ServerReflectionRequest{}, rawQuery)
	}
	oneof := text("file_by_filename=a&list_services=b")
	duplicate := text("list_services=a&listServices=b")
	for _, c := range []struct {
		name, query, text string
		proven            bool
		field, sentence   string
	}{
		{"oneof", "file_by_filename=a&list_services=b", oneof, true, "message_request", "only one field of message_request may be given"},
		{"oneof, nested", "file_containing_extension.extension_number=1&listServices=b", text("file_containing_extension.extension_number=1&listServices=b"), true, "message_request", "only one field of message_request may be given"},
		{"duplicate", "list_services=a&listServices=b", duplicate, true, "list_services", "list_services must be given once"},
		// The same texts from a service whose request did not cause them.
		{"oneof, one field", "host=h&list_services=b", oneof, false, "", ""},
		{"oneof, one message field twice", "file_containing_extension.containing_type=a&file_containing_extension.extension_number=1", oneof, false, "", ""},
		{"duplicate, once", "list_services=a", duplicate, false, "", ""},
		{"duplicate, other fields", "list_services=a&fileByFilename=b", duplicate, false, "", ""},
		// A parameter bound from the path is the gateway's to filter.
		{"path parameter given twice", "host=a&host=b", text("host=a&host=b"), false, "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := request(c.query)
			if !c.proven {
				sp := status.New(codes.InvalidArgument, c.text).Proto()
				if clean, _, ok := Recognize(inProcessContext(), r, sp); ok {
					t.Fatalf("%q with %q rewritten: %v", c.text, c.query, clean)
				}
				return
			}
			checkClean(t, inProcessContext(), r, c.text, http.StatusBadRequest, c.field, c.sentence)
		})
	}
}

// TestQueryFieldPathNamesAsTheRuntime: the field queryFieldPath reads a
// query key as is the one PopulateQueryParameters names in its duplicate
// field error, for keys spelt by field names and JSON names.
func TestQueryFieldPathNamesAsTheRuntime(t *testing.T) {
	in := (&reflectionpb.ServerReflectionRequest{}).ProtoReflect().Descriptor()
	for _, pair := range [][2]string{
		{"list_services", "listServices"},
		{"file_containing_extension.extension_number", "fileContainingExtension.extensionNumber"},
		{"file_containing_extension.extensionNumber", "fileContainingExtension.extension_number"},
	} {
		err := runtime.PopulateQueryParameters(&reflectionpb.ServerReflectionRequest{},
			map[string][]string{pair[0]: {"1"}, pair[1]: {"1"}}, utilities.NewDoubleArray(nil))
		for _, key := range pair {
			if _, field := queryFieldPath(in, key); err == nil || err.Error() != fmt.Sprintf("duplicate field %q", field) {
				t.Errorf("%s: %q, runtime's error %v", key, field, err)
			}
		}
	}
	for key, want := range map[string]string{
		"nope.x":                         "nope.x",
		"list_services.x":                "list_services.x",
		"fields[a]":                      "fields[a]",
		"fileContainingExtension[k]":     "file_containing_extension[k]",
		"host\n[k]":                      "host\n[k]",
		"file_containing_extension.nope": "file_containing_extension.nope",
	} {
		if _, got := queryFieldPath(in, key); got != want {
			t.Errorf("%q: %q, want %q", key, got, want)
		}
	}
}

// FuzzInProcessQueryProof: whatever the query, a query error proven in
// process is one the gateway's own parse of that query makes it refuse:
// PopulateQueryParameters, with the filter the generated code gives it
// for the path parameter, fails on it.
func FuzzInProcessQueryProof(f *testing.F) {
	f.Add("file_by_filename=a&list_services=b", `field already set for oneof "message_request"`)
	f.Add("file_containing_extension.extension_number=1&listServices=b", `field already set for oneof "message_request"`)
	f.Add("list_services=a&listServices=b", `duplicate field "list_services"`)
	f.Add("host=a&host=b", `too many values for field "host": a, b`)
	f.Add("fileContainingExtension.extensionNumber=x", `parsing field "extension_number": strconv.ParseInt: parsing "x": invalid syntax`)
	f.Add("a[b]=1&a[b]]=2&[x]=3", `duplicate field "a"`)
	const method = "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"
	ctx := inProcessHandlerContext(f, method, "/v1/reflect/{host}")
	filter := utilities.NewDoubleArray([][]string{{"host"}})
	f.Fuzz(func(t *testing.T, rawQuery, text string) {
		r := &http.Request{Method: "GET", URL: &url.URL{Path: "/v1/reflect/h", RawQuery: rawQuery}}
		if r.ParseForm() != nil {
			return
		}
		if _, _, ok := Recognize(ctx, r, status.New(codes.InvalidArgument, text).Proto()); !ok {
			return
		}
		if err := runtime.PopulateQueryParameters(&reflectionpb.ServerReflectionRequest{}, r.Form, filter); err == nil {
			t.Fatalf("%q proven for ?%s, which the gateway accepts", text, rawQuery)
		}
	})
}
