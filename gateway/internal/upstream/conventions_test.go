package upstream

import (
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/statusmap/statusmap/internal/wire"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// documentedBody is an error body as a convention's public documentation
// shows it, and what ErrorFromResponse must read from it.
type documentedBody struct {
	convention string // the row of conventions that claims it; "" for the message family
	source     string // where the body is documented
	httpStatus int
	header     []string // name, value, ...
	body       string

	code       codes.Code
	message    string
	reason     string   // ErrorInfo reason, if any
	fields     []string // BadRequest field violations, in order
	requestID  string
	help       string
	retryDelay time.Duration
}

var documentedBodies = []documentedBody{
	// statusmap's own formats and grpc-gateway's.
	{convention: "grpc-gateway status", source: "grpc-gateway runtime.DefaultHTTPErrorHandler", httpStatus: 404,
		body: `{"code":5,"message":"Not Found","details":[]}`, code: codes.NotFound, message: "Not Found"},
	{convention: "grpc-gateway status", source: "grpc-gateway, EmitUnpopulated false", httpStatus: 400,
		body: `{"code":3,"message":"bad","details":[{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"name","description":"required"}]}]}`,
		code: codes.InvalidArgument, message: "bad", fields: []string{"name"}},
	{convention: "AIP-193", source: "google.aip.dev/193", httpStatus: 429, body: `{
  "error": {
    "code": 429,
    "message": "The zone 'us-east1-a' does not have enough resources available to fulfill the request. Try a different zone, or try again later.",
    "status": "RESOURCE_EXHAUSTED",
    "details": [
      {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        "reason": "RESOURCE_AVAILABILITY",
        "domain": "compute.googleapis.com",
        "metadata": {
          "zone": "us-east1-a",
          "vmType": "e2-medium",
          "attachment": "local-ssd=3,nvidia-t4=2",
          "zonesWithCapacity": "us-central1-f,us-central1-c"
        }
      }
    ]
  }
}`, code: codes.ResourceExhausted, message: "The zone 'us-east1-a' does not have enough resources available to fulfill the request. Try a different zone, or try again later.", reason: "RESOURCE_AVAILABILITY"},
	{convention: "AIP-193", source: "developers.google.com, standard error responses (JSON API v1)", httpStatus: 400, body: `{
 "error": {
  "errors": [
   {
    "domain": "global",
    "reason": "invalidParameter",
    "message": "Invalid string value: 'asdf'. Allowed values: [mostpopular]",
    "locationType": "parameter",
    "location": "chart"
   }
  ],
  "code": 400,
  "message": "Invalid string value: 'asdf'. Allowed values: [mostpopular]"
 }
}`, code: codes.InvalidArgument, message: "Invalid string value: 'asdf'. Allowed values: [mostpopular]", reason: "invalidParameter", fields: []string{"chart"}},
	{convention: "grpc-gateway stream chunk", source: "grpc-gateway runtime.ForwardResponseStream", httpStatus: 503,
		body: `{"error":{"code":14,"message":"backend gone","details":[]}}`, code: codes.Unavailable, message: "backend gone"},
	{convention: "statusmap problem", source: "gateway.FormatProblem", httpStatus: 404, header: []string{"Content-Type", "application/problem+json"},
		body: `{"type":"about:blank","title":"Not Found","status":404,"detail":"no book 7","grpcCode":"NOT_FOUND","details":[]}`, code: codes.NotFound, message: "no book 7"},

	// RFC 9457 problems.
	{convention: "RFC 9457 problem", source: "RFC 9457, section 3", httpStatus: 403, header: []string{"Content-Type", "application/problem+json", "Content-Language", "en"}, body: `{
 "type": "https://example.com/probs/out-of-credit",
 "title": "You do not have enough credit.",
 "detail": "Your current balance is 30, but that costs 50.",
 "instance": "/account/12345/msgs/abc",
 "balance": 30,
 "accounts": ["/account/12345",
              "/account/67890"]
}`, code: codes.PermissionDenied, message: "Your current balance is 30, but that costs 50.", help: "https://example.com/probs/out-of-credit"},
	{convention: "RFC 9457 problem", source: "RFC 9457, section 3 (validation errors)", httpStatus: 422, header: []string{"Content-Type", "application/problem+json"}, body: `{
"type": "https://example.net/validation-error",
"title": "Your request is not valid.",
"errors": [
            {
              "detail": "must be a positive integer",
              "pointer": "#/age"
            },
            {
              "detail": "must be 'green', 'red' or 'blue'",
              "pointer": "#/profile/color"
            }
         ]
}`, code: codes.InvalidArgument, message: "Your request is not valid.", fields: []string{"age", "profile.color"}, help: "https://example.net/validation-error"},
	{convention: "RFC 9457 problem", source: "RFC 7807, section 3 (invalid-params)", httpStatus: 400, header: []string{"Content-Type", "application/problem+json"}, body: `{
"type": "https://example.net/validation-error",
"title": "Your request parameters didn't validate.",
"invalid-params": [ {
                      "name": "age",
                      "reason": "must be a positive integer"
                    },
                    {
                      "name": "color",
                      "reason": "must be 'green', 'red' or 'blue'"}
                  ]
}`, code: codes.InvalidArgument, message: "Your request parameters didn't validate.", fields: []string{"age", "color"}, help: "https://example.net/validation-error"},
	{convention: "RFC 9457 problem", source: "learn.microsoft.com, ASP.NET Core ValidationProblemDetails", httpStatus: 400, header: []string{"Content-Type", "application/problem+json; charset=utf-8"}, body: `{
  "type": "https://tools.ietf.org/html/rfc9110#section-15.5.1",
  "title": "One or more validation errors occurred.",
  "status": 400,
  "errors": {
    "Name": ["The Name field is required."],
    "Age": ["The field Age must be between 0 and 150.", "Age is odd."]
  },
  "traceId": "00-84c1fd4063c38d9f3900d06e56542d48-85d1d4-00"
}`, code: codes.InvalidArgument, message: "One or more validation errors occurred.", fields: []string{"Age", "Age", "Name"},
		requestID: "00-84c1fd4063c38d9f3900d06e56542d48-85d1d4-00", help: "https://tools.ietf.org/html/rfc9110#section-15.5.1"},
	{convention: "RFC 9457 problem", source: "docs.spring.io, ProblemDetail (Spring 6), sent as application/json", httpStatus: 404,
		body: `{"type":"about:blank","title":"Not Found","status":404,"detail":"Book 7 not found","instance":"/books/7"}`, code: codes.NotFound, message: "Book 7 not found"},

	// RPC protocols.
	{convention: "connect", source: "connectrpc.com/docs/protocol (unary error)", httpStatus: 503, body: `{
  "code": "unavailable",
  "message": "overloaded: back off and retry",
  "details": [
    {
      "type": "google.rpc.RetryInfo",
      "value": "CgIIHg",
      "debug": {"retryDelay": "30s"}
    }
  ]
}`, code: codes.Unavailable, message: "overloaded: back off and retry", retryDelay: 30 * time.Second},
	{convention: "connect", source: "an API's own code in connect's shape", httpStatus: 409,
		body: `{"code":"BOOK_LOCKED","message":"book is locked"}`, code: codes.Aborted, message: "book is locked", reason: "BOOK_LOCKED"},
	{convention: "twirp", source: "twitchtv.github.io/twirp/docs/spec_v7.html", httpStatus: 403,
		body: `{"code":"permission_denied","msg":"thou shall not pass","meta":{"target":"Balrog"}}`, code: codes.PermissionDenied, message: "thou shall not pass", reason: "PERMISSION_DENIED"},
	{convention: "twirp", source: "a code twirp does not define", httpStatus: 400,
		body: `{"code":"E_FORM","msg":"bad form"}`, code: codes.InvalidArgument, message: "bad form", reason: "E_FORM"},

	// REST APIs.
	{convention: "Huawei Cloud", source: "support.huaweicloud.com, API Gateway error codes", httpStatus: 403, header: []string{"X-Request-Id", "hdr-1"},
		body: `{"error_code":"APIGW.0302","error_msg":"The IAM user is not authorized to access the API","request_id":"2d6b8f7f0a1a4b43"}`,
		code: codes.PermissionDenied, message: "The IAM user is not authorized to access the API", reason: "APIGW.0302", requestID: "2d6b8f7f0a1a4b43"},
	{convention: "Huawei Cloud", source: "docs.databricks.com, REST API error codes (the same family, with message)", httpStatus: 404,
		body: `{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"Node abc does not exist."}`,
		code: codes.NotFound, message: "Node abc does not exist.", reason: "RESOURCE_DOES_NOT_EXIST"},
	{convention: "Kubernetes Status", source: "kubernetes.io, API concepts (Status kind)", httpStatus: 404, body: `{
  "kind": "Status",
  "apiVersion": "v1",
  "metadata": {},
  "status": "Failure",
  "message": "pods \"grafana\" not found",
  "reason": "NotFound",
  "details": {
    "name": "grafana",
    "kind": "pods"
  },
  "code": 404
}`, code: codes.NotFound, message: `pods "grafana" not found`, reason: "NotFound"},
	{convention: "Kubernetes Status", source: "kubernetes api-conventions (Invalid, causes)", httpStatus: 422,
		body: `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Pod \"x\" is invalid: spec.containers[0].image: Required value","reason":"Invalid","details":{"name":"x","kind":"Pod","causes":[{"reason":"FieldValueRequired","message":"Required value","field":"spec.containers[0].image"}]},"code":422}`,
		code: codes.InvalidArgument, message: `Pod "x" is invalid: spec.containers[0].image: Required value`, reason: "Invalid", fields: []string{"spec.containers[0].image"}},
	{convention: "Kubernetes Status", source: "kubernetes api-conventions (TooManyRequests, retryAfterSeconds)", httpStatus: 429,
		body: `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Too many requests, please try again later.","reason":"TooManyRequests","details":{"retryAfterSeconds":1},"code":429}`,
		code: codes.ResourceExhausted, message: "Too many requests, please try again later.", reason: "TooManyRequests", retryDelay: time.Second},
	{convention: "AWS JSON", source: "docs.aws.amazon.com, DynamoDB error handling", httpStatus: 400, header: []string{"X-Amzn-RequestId", "LDM6CJP8RMQ1FHKSC1RBVJFPNVV4KQNSO5AEMF66Q9ASUAAJG"},
		body: `{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Requested resource not found: Table: tablename not found"}`,
		code: codes.InvalidArgument, message: "Requested resource not found: Table: tablename not found", reason: "ResourceNotFoundException", requestID: "LDM6CJP8RMQ1FHKSC1RBVJFPNVV4KQNSO5AEMF66Q9ASUAAJG"},
	{convention: "error object", source: "docs.stripe.com/api/errors", httpStatus: 404, header: []string{"Request-Id", "req_8c2f1d"}, body: `{
  "error": {
    "code": "resource_missing",
    "doc_url": "https://stripe.com/docs/error-codes/resource-missing",
    "message": "No such customer: 'cus_12345'",
    "param": "customer",
    "request_log_url": "https://dashboard.stripe.com/test/logs/req_8c2f1d?t=1",
    "type": "invalid_request_error"
  }
}`, code: codes.NotFound, message: "No such customer: 'cus_12345'", reason: "resource_missing", fields: []string{"customer"}, requestID: "req_8c2f1d", help: "https://stripe.com/docs/error-codes/resource-missing"},
	{convention: "error object", source: "github.com/microsoft/api-guidelines (error response)", httpStatus: 400, body: `{
  "error": {
    "code": "BadArgument",
    "message": "Multiple errors in ContactInfo data",
    "target": "ContactInfo",
    "details": [
      {"code": "NullValue", "target": "PhoneNumber", "message": "Phone number must not be null"},
      {"code": "NullValue", "target": "LastName", "message": "Last name must not be null"},
      {"code": "MalformedValue", "target": "Address", "message": "Address is not valid"}
    ]
  }
}`, code: codes.InvalidArgument, message: "Multiple errors in ContactInfo data", reason: "BadArgument", fields: []string{"ContactInfo", "PhoneNumber", "LastName", "Address"}},
	{convention: "error object", source: "learn.microsoft.com, Microsoft Graph error responses", httpStatus: 416, body: `{
  "error": {
    "code": "badRequest",
    "message": "Uploaded fragment overlaps with existing data.",
    "innerError": {
      "code": "invalidRange",
      "request-id": "b7d4f8b1-6b53-4d1b-9e3a-5a4a1f2b6c7d",
      "date": "2024-01-01T00:00:00"
    }
  }
}`, code: codes.OutOfRange, message: "Uploaded fragment overlaps with existing data.", reason: "badRequest", requestID: "b7d4f8b1-6b53-4d1b-9e3a-5a4a1f2b6c7d"},
	{convention: "error object", source: "Huawei Cloud services that nest the error", httpStatus: 409,
		body: `{"error":{"code":"SVC.1001","message":"conflict"}}`, code: codes.Aborted, message: "conflict", reason: "SVC.1001"},
	{convention: "OAuth 2.0", source: "RFC 6749, section 5.2", httpStatus: 400,
		body: `{"error":"invalid_grant","error_description":"The provided authorization grant is invalid, expired, or revoked","error_uri":"https://example.com/docs/oauth#invalid_grant"}`,
		code: codes.InvalidArgument, message: "The provided authorization grant is invalid, expired, or revoked", reason: "invalid_grant", help: "https://example.com/docs/oauth#invalid_grant"},
	{convention: "FastAPI", source: "fastapi.tiangolo.com/tutorial/handling-errors", httpStatus: 422, body: `{
    "detail": [
        {
            "type": "int_parsing",
            "loc": [
                "path",
                "item_id"
            ],
            "msg": "Input should be a valid integer, unable to parse string as an integer",
            "input": "foo"
        }
    ]
}`, code: codes.InvalidArgument, message: "item_id: Input should be a valid integer, unable to parse string as an integer", fields: []string{"item_id"}},
	{convention: "FastAPI", source: "pydantic v1 errors, nested", httpStatus: 422,
		body: `{"detail":[{"loc":["body","items",0,"name"],"msg":"field required","type":"value_error.missing"},{"loc":["query","limit"],"msg":"value is not a valid integer","type":"type_error.integer"}]}`,
		code: codes.InvalidArgument, message: "items[0].name: field required (and 1 more)", fields: []string{"items[0].name", "limit"}},
	{convention: "Spring Boot", source: "docs.spring.io, Spring Boot error handling (BindingResult)", httpStatus: 400, body: `{
  "timestamp": "2023-01-09T10:20:30.123+00:00",
  "status": 400,
  "error": "Bad Request",
  "message": "Validation failed for object='user'. Error count: 1",
  "errors": [
    {
      "codes": ["NotBlank.user.name", "NotBlank.name", "NotBlank.java.lang.String", "NotBlank"],
      "arguments": [{"codes": ["user.name", "name"], "arguments": null, "defaultMessage": "name", "code": "name"}],
      "defaultMessage": "must not be blank",
      "objectName": "user",
      "field": "name",
      "rejectedValue": "",
      "bindingFailure": false,
      "code": "NotBlank"
    }
  ],
  "path": "/users"
}`, code: codes.InvalidArgument, message: "Validation failed for object='user'. Error count: 1", fields: []string{"name"}},
	{convention: "Spring Boot", source: "Spring Boot 2.3+ default (message hidden)", httpStatus: 404,
		body: `{"timestamp":"2023-01-09T10:20:30.123+00:00","status":404,"error":"Not Found","path":"/books/7"}`, code: codes.NotFound, message: "Not Found"},

	// The {"message"} family: no convention claims these.
	{source: "docs.github.com/rest (not found)", httpStatus: 404,
		body: `{"message":"Not Found","documentation_url":"https://docs.github.com/rest/repos/repos#get-a-repository","status":"404"}`,
		code: codes.NotFound, message: "Not Found", help: "https://docs.github.com/rest/repos/repos#get-a-repository"},
	{source: "docs.github.com/rest (client errors)", httpStatus: 422, header: []string{"X-GitHub-Request-Id", "CA5E:1F2B"}, body: `{
  "message": "Validation Failed",
  "errors": [
    {
      "resource": "Issue",
      "field": "title",
      "code": "missing_field"
    }
  ]
}`, code: codes.InvalidArgument, message: "Validation Failed", reason: "missing_field", fields: []string{"title"}, requestID: "CA5E:1F2B"},
	{source: "docs.aws.amazon.com, API Gateway gateway responses", httpStatus: 403,
		header: []string{"X-Amzn-ErrorType", "MissingAuthenticationTokenException", "X-Amzn-RequestId", "7f4d3f0e-1b2c-4d5e-8f9a-0b1c2d3e4f5a"},
		body:   `{"message":"Missing Authentication Token"}`, code: codes.PermissionDenied, message: "Missing Authentication Token",
		reason: "MissingAuthenticationTokenException", requestID: "7f4d3f0e-1b2c-4d5e-8f9a-0b1c2d3e4f5a"},
	{source: "jsonapi.org/examples (error objects)", httpStatus: 422, header: []string{"Content-Type", "application/vnd.api+json"}, body: `{
  "errors": [
    {
      "status": "422",
      "source": { "pointer": "/data/attributes/firstName" },
      "title":  "Invalid Attribute",
      "detail": "First name must contain at least two characters."
    }
  ]
}`, code: codes.InvalidArgument, message: "First name must contain at least two characters.", fields: []string{"firstName"}},
	{source: "spec.graphql.org, response errors (Apollo's extensions.code)", httpStatus: 401, body: `{
  "errors": [
    {
      "message": "Name for character with ID 1002 could not be fetched.",
      "locations": [{ "line": 6, "column": 7 }],
      "path": ["hero", "heroFriends", 1, "name"],
      "extensions": { "code": "UNAUTHENTICATED" }
    }
  ],
  "data": null
}`, code: codes.Unavailable, message: "upstream answered 401 Unauthorized: Name for character with ID 1002 could not be fetched.", reason: "UNAUTHENTICATED"},
	{source: "RFC 6749, section 5.2 (no description)", httpStatus: 400,
		body: `{"error":"invalid_request"}`, code: codes.InvalidArgument, message: "invalid_request", reason: "invalid_request"},
	{source: "fastapi.tiangolo.com (HTTPException)", httpStatus: 404,
		body: `{"detail":"Item not found"}`, code: codes.NotFound, message: "Item not found"},
	{source: "Rails/Express style", httpStatus: 500, header: []string{"X-Correlation-Id", "corr-9"},
		body: `{"status":500,"error":"Internal Server Error"}`, code: codes.Internal, message: "Internal Server Error", requestID: "corr-9"},
	{source: "an API's numeric code", httpStatus: 409,
		body: `{"code":1001,"message":"book locked"}`, code: codes.Aborted, message: "book locked", reason: "1001"},
	{source: "an HTTP status as code is never a gRPC code", httpStatus: 404,
		body: `{"code":404,"message":"Not Found"}`, code: codes.NotFound, message: "Not Found", reason: "404"},
}

func (b documentedBody) response() *http.Response {
	h := http.Header{"Content-Type": {"application/json"}}
	for i := 0; i+1 < len(b.header); i += 2 {
		h.Set(b.header[i], b.header[i+1])
	}
	return &http.Response{
		StatusCode: b.httpStatus,
		Header:     h,
		Body:       io.NopCloser(strings.NewReader(b.body)),
		Request:    &http.Request{URL: &url.URL{Scheme: "https", Host: "api.example.com:8443"}},
	}
}

// TestConventionsAreExclusive runs every convention on every documented
// body: exactly the one named claims it (none for the message family), so
// the order of the table does not matter.
func TestConventionsAreExclusive(t *testing.T) {
	named := map[string]bool{}
	for _, c := range conventions {
		named[c.name] = true
	}
	covered := map[string]bool{}
	for _, b := range allDocumentedBodies() {
		if b.convention != "" && !named[b.convention] {
			t.Fatalf("%s: no convention %q", b.source, b.convention)
		}
		r := newReading(b.httpStatus, b.response().Header, []byte(b.body), false)
		if r.obj == nil && r.array == nil && r.xml == nil && r.html == nil {
			t.Fatalf("%s: not parsed", b.source)
		}
		var claims []string
		for _, c := range conventions {
			if _, ok := c.decode(r); ok {
				claims = append(claims, c.name)
			}
		}
		want := []string{b.convention}
		if b.convention == "" {
			want = nil
		}
		if !slices.Equal(claims, want) {
			t.Errorf("%s: claimed by %q; want %q", b.source, claims, want)
		}
		covered[b.convention] = true
	}
	for name := range named {
		if !covered[name] {
			t.Errorf("convention %q has no documented body", name)
		}
	}
}

// TestDocumentedBodies reads every documented body as a client would.
func TestDocumentedBodies(t *testing.T) {
	for _, b := range allDocumentedBodies() {
		name := b.convention
		if name == "" {
			name = "message family"
		}
		t.Run(name+"/"+b.source, func(t *testing.T) {
			err := readDefault(b.response())
			st := status.Convert(err)
			if st.Code() != b.code || st.Message() != b.message {
				t.Errorf("%v %q; want %v %q", st.Code(), st.Message(), b.code, b.message)
			}
			var reasons, fields []string
			requestID, help := "", ""
			var retry time.Duration
			for _, d := range st.Details() {
				switch d := d.(type) {
				case *errdetails.ErrorInfo:
					if d.GetDomain() != wire.Domain {
						reasons = append(reasons, d.GetReason())
						if d.GetDomain() == "" {
							t.Errorf("ErrorInfo %q without a domain", d.GetReason())
						}
					}
				case *errdetails.BadRequest:
					for _, v := range d.GetFieldViolations() {
						fields = append(fields, v.GetField())
						if v.GetDescription() == "" {
							t.Errorf("violation of %q has no description", v.GetField())
						}
					}
				case *errdetails.RequestInfo:
					requestID = d.GetRequestId()
				case *errdetails.Help:
					help = d.GetLinks()[0].GetUrl()
				case *errdetails.RetryInfo:
					retry = d.GetRetryDelay().AsDuration()
				case error:
					t.Errorf("a detail does not decode: %v", d)
				}
			}
			wantReasons := []string{}
			if b.reason != "" {
				wantReasons = []string{b.reason}
			}
			if len(reasons) == 0 {
				reasons = []string{}
			}
			if !slices.Equal(reasons, wantReasons) {
				t.Errorf("reasons %q; want %q", reasons, wantReasons)
			}
			if !slices.Equal(fields, b.fields) {
				t.Errorf("fields %q; want %q", fields, b.fields)
			}
			if requestID != b.requestID || help != b.help || retry != b.retryDelay {
				t.Errorf("request id %q, help %q, retry %v; want %q, %q, %v", requestID, help, retry, b.requestID, b.help, b.retryDelay)
			}
		})
	}
}

// readDefault reads a response as gateway.ErrorFromResponse does: the
// default bound, no pass-through, no redaction, the default table.
func readDefault(resp *http.Response) error {
	return Read(resp, Config{MaxBody: 1 << 20}, nil)
}
