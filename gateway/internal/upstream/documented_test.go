package upstream

import (
	"time"

	"google.golang.org/grpc/codes"
)

// allDocumentedBodies are the documented bodies of every convention, the
// table of conventions_test.go and the ones below.
func allDocumentedBodies() []documentedBody {
	all := append([]documentedBody(nil), documentedBodies...)
	return append(append(all, moreDocumentedBodies...), markupDocumentedBodies...)
}

const (
	jsonType = "application/json"
	xmlType  = "application/xml"
	htmlType = "text/html"
)

// moreDocumentedBodies are the bodies of the conventions whose message is
// not a top-level "message" string, of XML error documents and of HTML
// error pages, as their documentation shows them (several per convention),
// and the message family's bodies whose code or request id has a name of
// its own.
var moreDocumentedBodies = []documentedBody{
	// Search engines.
	{convention: "Elasticsearch", source: "elastic.co, Elasticsearch API conventions (index_not_found_exception)", httpStatus: 404, body: `{
  "error": {
    "root_cause": [
      {
        "type": "index_not_found_exception",
        "reason": "no such index [my-index-000001]",
        "resource.type": "index_or_alias",
        "resource.id": "my-index-000001",
        "index_uuid": "_na_",
        "index": "my-index-000001"
      }
    ],
    "type": "index_not_found_exception",
    "reason": "no such index [my-index-000001]",
    "resource.type": "index_or_alias",
    "resource.id": "my-index-000001",
    "index_uuid": "_na_",
    "index": "my-index-000001"
  },
  "status": 404
}`, code: codes.NotFound, message: "no such index [my-index-000001]", reason: "index_not_found_exception"},
	{convention: "Elasticsearch", source: "elastic.co, Query DSL (parsing_exception with caused_by)", httpStatus: 400,
		body: `{"error":{"root_cause":[{"type":"parsing_exception","reason":"unknown query [matchh]","line":1,"col":22}],"type":"parsing_exception","reason":"unknown query [matchh]","line":1,"col":22,"caused_by":{"type":"named_object_not_found_exception","reason":"[1:22] unknown field [matchh]"}},"status":400}`,
		code: codes.InvalidArgument, message: "unknown query [matchh]", reason: "parsing_exception"},
	{convention: "Elasticsearch", source: "elastic.co, search API (search_phase_execution_exception)", httpStatus: 400,
		body: `{"error":{"root_cause":[{"type":"query_shard_exception","reason":"failed to create query: For input string: \"abc\"","index_uuid":"aHcD1jfqQ3-VPE2JY2pRaw","index":"my-index"}],"type":"search_phase_execution_exception","reason":"all shards failed","phase":"query","grouped":true,"failed_shards":[{"shard":0,"index":"my-index","node":"n1","reason":{"type":"query_shard_exception","reason":"failed to create query: For input string: \"abc\""}}]},"status":400}`,
		code: codes.InvalidArgument, message: `all shards failed: failed to create query: For input string: "abc"`, reason: "search_phase_execution_exception"},
	{convention: "Elasticsearch", source: "elastic.co, index API (version_conflict_engine_exception, op_type=create)", httpStatus: 409,
		body: `{"error":{"root_cause":[{"type":"version_conflict_engine_exception","reason":"[1]: version conflict, document already exists (current version [1])","index_uuid":"WZ8Cv9xnRo2n9I4BqB6BTA","shard":"0","index":"my-index"}],"type":"version_conflict_engine_exception","reason":"[1]: version conflict, document already exists (current version [1])","index_uuid":"WZ8Cv9xnRo2n9I4BqB6BTA","shard":"0","index":"my-index"},"status":409}`,
		code: codes.Aborted, message: "[1]: version conflict, document already exists (current version [1])", reason: "version_conflict_engine_exception"},
	{convention: "Elasticsearch", source: "opensearch.org, REST API (illegal_argument_exception without root_cause)", httpStatus: 400,
		body: `{"error":{"type":"illegal_argument_exception","reason":"request [/_search] contains unrecognized parameter: [sizee]"},"status":400}`,
		code: codes.InvalidArgument, message: "request [/_search] contains unrecognized parameter: [sizee]", reason: "illegal_argument_exception"},

	// Payment APIs: Stripe's nested error object.
	{convention: "error object", source: "docs.stripe.com/error-codes (card_declined)", httpStatus: 402, header: []string{"Request-Id", "req_b0QoQv2Pm7Hq3F"}, body: `{
  "error": {
    "charge": "ch_3LmzzQ2eZvKYlo2C0XjzUzJV",
    "code": "card_declined",
    "decline_code": "insufficient_funds",
    "doc_url": "https://stripe.com/docs/error-codes/card-declined",
    "message": "Your card has insufficient funds.",
    "request_log_url": "https://dashboard.stripe.com/test/logs/req_b0QoQv2Pm7Hq3F?t=1664396587",
    "type": "card_error"
  }
}`, code: codes.Unknown, message: "Your card has insufficient funds.", reason: "card_declined", requestID: "req_b0QoQv2Pm7Hq3F", help: "https://stripe.com/docs/error-codes/card-declined"},
	{convention: "error object", source: "docs.stripe.com/api/errors (api_error, no code)", httpStatus: 500,
		body: `{"error":{"message":"An unknown error occurred","type":"api_error"}}`, code: codes.Internal, message: "An unknown error occurred", reason: "api_error"},
	{convention: "error object", source: "docs.stripe.com/api/errors (parameter_missing)", httpStatus: 400, header: []string{"Request-Id", "req_7f2bq1"},
		body: `{"error":{"code":"parameter_missing","doc_url":"https://stripe.com/docs/error-codes/parameter-missing","message":"Missing required param: amount.","param":"amount","type":"invalid_request_error"}}`,
		code: codes.InvalidArgument, message: "Missing required param: amount.", reason: "parameter_missing", fields: []string{"amount"}, requestID: "req_7f2bq1", help: "https://stripe.com/docs/error-codes/parameter-missing"},

	// Payment APIs: PayPal.
	{convention: "PayPal", source: "developer.paypal.com/api/rest/responses (UNPROCESSABLE_ENTITY)", httpStatus: 422, header: []string{"Paypal-Debug-Id", "90957fca61718"}, body: `{
  "name": "UNPROCESSABLE_ENTITY",
  "details": [
    {
      "field": "/purchase_units/@reference_id=='default'/amount/value",
      "value": "10.001",
      "location": "body",
      "issue": "DECIMAL_PRECISION",
      "description": "If the currency supports decimals, only two decimal place precision is supported."
    }
  ],
  "message": "The requested action could not be performed, semantically incorrect, or failed business validation.",
  "debug_id": "90957fca61718",
  "links": [
    {
      "href": "https://developer.paypal.com/api/orders/v2/#error-DECIMAL_PRECISION",
      "rel": "information_link",
      "method": "GET"
    }
  ]
}`, code: codes.InvalidArgument, message: "The requested action could not be performed, semantically incorrect, or failed business validation.", reason: "UNPROCESSABLE_ENTITY",
		fields: []string{"purchase_units.@reference_id=='default'.amount.value"}, requestID: "90957fca61718", help: "https://developer.paypal.com/api/orders/v2/#error-DECIMAL_PRECISION"},
	{convention: "PayPal", source: "developer.paypal.com/api/rest/responses (INVALID_REQUEST)", httpStatus: 400,
		body: `{"name":"INVALID_REQUEST","message":"Request is not well-formed, syntactically incorrect, or violates schema.","debug_id":"b1d1f06c7246c","details":[{"field":"/intent","value":"CAPTURED","location":"body","issue":"INVALID_PARAMETER_VALUE","description":"The value of a field is invalid."},{"field":"/purchase_units/0/amount/currency_code","location":"body","issue":"MISSING_REQUIRED_PARAMETER","description":"A required field / parameter is missing."}],"links":[{"href":"https://developer.paypal.com/docs/api/orders/v2/#error-INVALID_PARAMETER_VALUE","rel":"information_link","encType":"application/json"}]}`,
		code: codes.InvalidArgument, message: "Request is not well-formed, syntactically incorrect, or violates schema.", reason: "INVALID_REQUEST",
		fields: []string{"intent", "purchase_units.0.amount.currency_code"}, requestID: "b1d1f06c7246c", help: "https://developer.paypal.com/docs/api/orders/v2/#error-INVALID_PARAMETER_VALUE"},
	{convention: "PayPal", source: "developer.paypal.com/api/rest/responses (RESOURCE_NOT_FOUND, no field)", httpStatus: 404,
		body: `{"name":"RESOURCE_NOT_FOUND","details":[{"issue":"INVALID_RESOURCE_ID","description":"Specified resource ID does not exist. Please check the resource ID and try again."}],"message":"The specified resource does not exist.","debug_id":"f3e5d7c9a1b2","links":[{"href":"https://developer.paypal.com/docs/api/orders/v2/#error-INVALID_RESOURCE_ID","rel":"information_link","method":"GET"}]}`,
		code: codes.NotFound, message: "The specified resource does not exist.", reason: "RESOURCE_NOT_FOUND", requestID: "f3e5d7c9a1b2", help: "https://developer.paypal.com/docs/api/orders/v2/#error-INVALID_RESOURCE_ID"},
	{convention: "PayPal", source: "developer.paypal.com, Payments v1 (VALIDATION_ERROR, information_link)", httpStatus: 400,
		body: `{"name":"VALIDATION_ERROR","details":[{"field":"payer.funding_instruments[0].credit_card.number","issue":"Value is invalid"}],"message":"Invalid request - see details","information_link":"https://developer.paypal.com/docs/api/payments/#errors","debug_id":"5d2b3a1c1b0f4"}`,
		code: codes.InvalidArgument, message: "Invalid request - see details", reason: "VALIDATION_ERROR",
		fields: []string{"payer.funding_instruments[0].credit_card.number"}, requestID: "5d2b3a1c1b0f4", help: "https://developer.paypal.com/docs/api/payments/#errors"},

	// A top-level array of errors.
	{convention: "error array", source: "developer.salesforce.com, REST API status codes (INVALID_SESSION_ID)", httpStatus: 403,
		body: `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`, code: codes.PermissionDenied, message: "Session expired or invalid", reason: "INVALID_SESSION_ID"},
	{convention: "error array", source: "developer.salesforce.com, REST API (REQUIRED_FIELD_MISSING)", httpStatus: 400, body: `[ {
  "message" : "Required fields are missing: [Name, StageName]",
  "errorCode" : "REQUIRED_FIELD_MISSING",
  "fields" : [ "Name", "StageName" ]
} ]`, code: codes.InvalidArgument, message: "Required fields are missing: [Name, StageName]", reason: "REQUIRED_FIELD_MISSING", fields: []string{"Name", "StageName"}},
	{convention: "error array", source: "developer.salesforce.com, REST API (two errors)", httpStatus: 400,
		body: `[{"message":"Email: invalid email address: x","errorCode":"INVALID_EMAIL_ADDRESS","fields":["Email"]},{"message":"No such column 'Foo' on sobject of type Contact","errorCode":"INVALID_FIELD"}]`,
		code: codes.InvalidArgument, message: "Email: invalid email address: x (and 1 more)", reason: "INVALID_EMAIL_ADDRESS", fields: []string{"Email"}},
	{convention: "error array", source: "yiiframework.com, RESTful Web Services (422 data validation failed)", httpStatus: 422,
		body: `[{"field":"email","message":"Email cannot be blank."},{"field":"password","message":"Password cannot be blank."}]`,
		code: codes.InvalidArgument, message: "email: Email cannot be blank. (and 1 more)", fields: []string{"email", "password"}},

	// CDNs: success false with errors.
	{convention: "Cloudflare", source: "developers.cloudflare.com/fundamentals/api (7003 route error)", httpStatus: 400, header: []string{"CF-Ray", "8a1b2c3d4e5f6a7b-IAD"},
		body: `{"success":false,"errors":[{"code":7003,"message":"Could not route to /zones/abc/dns_records, perhaps your object identifier is invalid?"},{"code":7000,"message":"No route for that URI"}],"messages":[],"result":null}`,
		code: codes.InvalidArgument, message: "Could not route to /zones/abc/dns_records, perhaps your object identifier is invalid? (and 1 more)", reason: "7003", requestID: "8a1b2c3d4e5f6a7b-IAD"},
	{convention: "Cloudflare", source: "developers.cloudflare.com/fundamentals/api (invalid token)", httpStatus: 403,
		body: `{"result":null,"success":false,"errors":[{"code":9109,"message":"Invalid access token"}],"messages":[]}`,
		code: codes.PermissionDenied, message: "Invalid access token", reason: "9109"},
	{convention: "Cloudflare", source: "developers.cloudflare.com, DNS records API (error_chain)", httpStatus: 400,
		body: `{"result":null,"success":false,"errors":[{"code":1004,"message":"DNS Validation Error","error_chain":[{"code":9005,"message":"Content for A record is invalid. Must be a valid IPv4 address"}]}],"messages":[]}`,
		code: codes.InvalidArgument, message: "DNS Validation Error: Content for A record is invalid. Must be a valid IPv4 address", reason: "1004"},

	// OData v2/v3 errors.
	{convention: "OData", source: "learn.microsoft.com, Azure Table storage error codes (JSON)", httpStatus: 404, header: []string{"x-ms-request-id", "102a2b7d-0002-0050-7a5b-8a3f2b000000"},
		body: `{"odata.error":{"code":"ResourceNotFound","message":{"lang":"en-US","value":"The specified resource does not exist.\nRequestId:102a2b7d-0002-0050-7a5b-8a3f2b000000\nTime:2024-05-01T10:00:00.0000000Z"}}}`,
		code: codes.NotFound, message: "The specified resource does not exist.\nRequestId:102a2b7d-0002-0050-7a5b-8a3f2b000000\nTime:2024-05-01T10:00:00.0000000Z", reason: "ResourceNotFound", requestID: "102a2b7d-0002-0050-7a5b-8a3f2b000000"},
	{convention: "OData", source: "learn.microsoft.com, SharePoint REST (odata=minimalmetadata)", httpStatus: 404,
		body: `{"odata.error":{"code":"-2147024894, System.IO.FileNotFoundException","message":{"lang":"en-US","value":"File Not Found."}}}`,
		code: codes.NotFound, message: "File Not Found.", reason: "-2147024894, System.IO.FileNotFoundException"},
	{convention: "error object", source: "learn.microsoft.com, SharePoint REST (odata=verbose)", httpStatus: 400,
		body: `{"error":{"code":"-1, Microsoft.SharePoint.Client.InvalidClientQueryException","message":{"lang":"en-US","value":"The expression \"web/lists/foo\" is not valid."}}}`,
		code: codes.InvalidArgument, message: `The expression "web/lists/foo" is not valid.`, reason: "-1, Microsoft.SharePoint.Client.InvalidClientQueryException"},
	{convention: "object-store XML", source: "learn.microsoft.com, Service Bus REST (Detail instead of Message)", httpStatus: 401, header: []string{"Content-Type", "application/xml; charset=utf-8"},
		body: `<Error><Code>401</Code><Detail>MalformedToken: The credentials contained in the authorization header are not in the WRAP format.</Detail></Error>`,
		code: codes.Unavailable, message: "upstream answered 401 Unauthorized: MalformedToken: The credentials contained in the authorization header are not in the WRAP format.", reason: "401"},

	// Field errors and message lists.
	{convention: "Jira", source: "developer.atlassian.com, Jira REST API (issue not found)", httpStatus: 404, header: []string{"X-AREQUESTID", "1263x1234x1"},
		body: `{"errorMessages":["Issue does not exist or you do not have permission to see it."],"errors":{}}`,
		code: codes.NotFound, message: "Issue does not exist or you do not have permission to see it.", requestID: "1263x1234x1"},
	{convention: "Jira", source: "developer.atlassian.com, Jira REST API (create issue, field errors)", httpStatus: 400,
		body: `{"errorMessages":[],"errors":{"summary":"You must specify a summary of the issue.","issuetype":"Specify an issue type"}}`,
		code: codes.InvalidArgument, message: "summary: You must specify a summary of the issue. (and 1 more)", fields: []string{"summary", "issuetype"}},
	{convention: "Jira", source: "developer.atlassian.com, Jira REST API (JQL errors)", httpStatus: 400,
		body: `{"errorMessages":["Field 'foo' does not exist or you do not have permission to view it.","The value 'X' does not exist for the field 'project'."],"warningMessages":[]}`,
		code: codes.InvalidArgument, message: "Field 'foo' does not exist or you do not have permission to view it. (and 1 more)"},
	{convention: "errors without message", source: "guides.rubyonrails.org, Active Record Validations (render json: record.errors)", httpStatus: 422,
		body: `{"errors":{"title":["can't be blank"],"body":["can't be blank","is too short (minimum is 10 characters)"]}}`,
		code: codes.InvalidArgument, message: "title: can't be blank (and 2 more)", fields: []string{"title", "body", "body"}},
	{convention: "errors without message", source: "guides.rubyonrails.org, Active Record Validations (errors.full_messages)", httpStatus: 422,
		body: `{"errors":["Title can't be blank","Body is too short (minimum is 10 characters)"]}`,
		code: codes.InvalidArgument, message: "Title can't be blank (and 1 more)"},
	{convention: "errors without message", source: "docs.discourse.org (invalid_access)", httpStatus: 403,
		body: `{"errors":["You are not permitted to view the requested resource."],"error_type":"invalid_access"}`,
		code: codes.PermissionDenied, message: "You are not permitted to view the requested resource.", reason: "invalid_access"},
	{convention: "errors without message", source: "Rails render json: { errors: exception.message }", httpStatus: 404,
		body: `{"errors":"Couldn't find Article with 'id'=7"}`, code: codes.NotFound, message: "Couldn't find Article with 'id'=7"},
	{convention: "errors without message", source: "Rails errors.to_hash with a base error and a field map of strings", httpStatus: 422,
		body: `{"errors":{"base":["This order is closed"],"email":"is invalid"}}`, code: codes.InvalidArgument, message: "This order is closed (and 1 more)", fields: []string{"email"}},
	{convention: "message list or map", source: "docs.nestjs.com/techniques/validation (ValidationPipe)", httpStatus: 400,
		body: `{"statusCode":400,"message":["email must be an email"],"error":"Bad Request"}`, code: codes.InvalidArgument, message: "email must be an email"},
	{convention: "message list or map", source: "docs.nestjs.com/techniques/validation (two constraints)", httpStatus: 400,
		body: `{"statusCode":400,"message":["name should not be empty","age must be a positive number"],"error":"Bad Request"}`, code: codes.InvalidArgument, message: "name should not be empty (and 1 more)"},
	{convention: "message list or map", source: "docs.gitlab.com/api/rest (data validation and error reporting)", httpStatus: 400,
		body: `{"message":{"name":["has already been taken"],"path":["has already been taken","is too short"]}}`,
		code: codes.InvalidArgument, message: "name: has already been taken (and 2 more)", fields: []string{"name", "path", "path"}},
	{convention: "message list or map", source: "a message map of field errors with a code", httpStatus: 422,
		body: `{"message":{"email":["The email has already been taken."],"name":["The name may not be greater than 255 characters."]},"code":"validation_failed"}`,
		code: codes.InvalidArgument, message: "email: The email has already been taken. (and 1 more)", reason: "validation_failed", fields: []string{"email", "name"}},
	{convention: "Django REST framework", source: "django-rest-framework.org, Serializers (validation errors)", httpStatus: 400,
		body: `{"email": ["Enter a valid email address."], "created": ["This field is required."]}`,
		code: codes.InvalidArgument, message: "email: Enter a valid email address. (and 1 more)", fields: []string{"email", "created"}},
	{convention: "Django REST framework", source: "django-rest-framework.org, Serializers (non_field_errors)", httpStatus: 400,
		body: `{"non_field_errors": ["The fields room_number, date must make a unique set."]}`,
		code: codes.InvalidArgument, message: "The fields room_number, date must make a unique set."},
	{convention: "Django REST framework", source: "django-rest-framework.org, nested serializers", httpStatus: 400,
		body: `{"user": {"email": ["Enter a valid email address."]}, "content": ["This field may not be blank."]}`,
		code: codes.InvalidArgument, message: "user.email: Enter a valid email address. (and 1 more)", fields: []string{"user.email", "content"}},

	{convention: "error array", source: "django-rest-framework.org, Exceptions (ValidationError raised in a view)", httpStatus: 400,
		body: `["This field must be an even number."]`, code: codes.InvalidArgument, message: "This field must be an even number."},
	{convention: "error array", source: "django-rest-framework.org, Serializers (ListSerializer, many=True)", httpStatus: 400,
		body: `[{}, {"title": ["This field is required."]}, {"title": ["Ensure this field has no more than 100 characters."]}]`,
		code: codes.InvalidArgument, message: "[1].title: This field is required. (and 1 more)", fields: []string{"[1].title", "[2].title"}},
	{convention: "errors without message", source: "Rails errors.details (render json: { errors: record.errors.details })", httpStatus: 422,
		body: `{"errors":{"title":[{"error":"blank"}],"age":[{"error":"greater_than","count":17}]}}`,
		code: codes.InvalidArgument, message: "title: blank (and 1 more)", fields: []string{"title", "age"}},
	{convention: "errors without message", source: "a field map of error objects, {field: [{message, code}]}", httpStatus: 422,
		body: `{"errors":{"email":[{"message":"is invalid","code":"invalid"}],"name":[{"message":"can't be blank","code":"blank"}]}}`,
		code: codes.InvalidArgument, message: "email: is invalid (and 1 more)", fields: []string{"email", "name"}},
	{source: "jsonapi.org/examples (error codes)", httpStatus: 422, header: []string{"Content-Type", "application/vnd.api+json"}, body: `{
  "jsonapi": { "version": "1.1" },
  "errors": [
    {
      "code":   "123",
      "source": { "pointer": "/data/attributes/firstName" },
      "title":  "Value is too short",
      "detail": "First name must contain at least two characters."
    },
    {
      "code":   "225",
      "source": { "pointer": "/data/attributes/password" },
      "title": "Passwords must contain a letter, number, and punctuation character.",
      "detail": "The password provided is missing a punctuation character."
    }
  ]
}`, code: codes.InvalidArgument, message: "First name must contain at least two characters.", reason: "123", fields: []string{"firstName", "password"}},

	// The message family: a code or request id of a name of its own.
	{source: "developer.okta.com/docs/reference/error-codes", httpStatus: 401,
		body: `{"errorCode":"E0000011","errorSummary":"Invalid token provided","errorLink":"E0000011","errorId":"oaeBlHVyBr5Q2O1u0KtZuDQxg","errorCauses":[]}`,
		code: codes.Unavailable, message: "upstream answered 401 Unauthorized: Invalid token provided", reason: "E0000011"},
	{source: "docs.aws.amazon.com, Lambda Invoke (function error)", httpStatus: 502,
		body: `{"errorMessage":"RequestId: 7f1c Error: Runtime exited with error: exit status 1","errorType":"Runtime.ExitError"}`,
		code: codes.Unavailable, message: "RequestId: 7f1c Error: Runtime exited with error: exit status 1", reason: "Runtime.ExitError"},
	{source: "core.telegram.org/bots/api (making requests)", httpStatus: 400,
		body: `{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}`,
		code: codes.InvalidArgument, message: "Bad Request: chat not found", reason: "400"},
	{source: "developers.google.com/maps (Geocoding API status)", httpStatus: 403,
		body: `{"error_message":"The provided API key is invalid.","results":[],"status":"REQUEST_DENIED"}`,
		code: codes.PermissionDenied, message: "The provided API key is invalid."},
	{source: "twilio.com/docs/usage/twilios-response (error)", httpStatus: 404,
		body: `{"code":20404,"message":"The requested resource /2010-04-01/Accounts/AC123/Calls/CA123.json was not found","more_info":"https://www.twilio.com/docs/errors/20404","status":404}`,
		code: codes.NotFound, message: "The requested resource /2010-04-01/Accounts/AC123/Calls/CA123.json was not found", reason: "20404", help: "https://www.twilio.com/docs/errors/20404"},
	{source: "shopify.dev/docs/api/admin-rest (errors as a string)", httpStatus: 401,
		body: `{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"}`,
		code: codes.Unavailable, message: "upstream answered 401 Unauthorized: [API] Invalid API key or access token (unrecognized login or wrong password)", convention: "errors without message"},
	{source: "laravel.com/docs/validation (JSON validation error)", httpStatus: 422, body: `{
    "message": "The team name must be a string. (and 4 more errors)",
    "errors": {
        "team_name": [
            "The team name must be a string.",
            "The team name must be at least 1 characters."
        ],
        "authorization.role": [
            "The selected authorization.role is invalid."
        ]
    }
}`, code: codes.InvalidArgument, message: "The team name must be a string. (and 4 more errors)", fields: []string{"authorization.role", "team_name", "team_name"}},
	{source: "django-rest-framework.org, Exceptions (detail)", httpStatus: 404, body: `{"detail": "Not found."}`, code: codes.NotFound, message: "Not found."},
	{source: "devcenter.heroku.com, Platform API errors", httpStatus: 404, header: []string{"Request-Id", "01234567-89ab-cdef-0123-456789abcdef"},
		body: `{"id":"not_found","message":"Couldn't find that app.","url":"https://devcenter.heroku.com/articles/platform-api-reference#clients"}`,
		code: codes.NotFound, message: "Couldn't find that app.", reason: "not_found", requestID: "01234567-89ab-cdef-0123-456789abcdef"},
	{source: "docs.digitalocean.com/reference/api (errors)", httpStatus: 404,
		body: `{"id":"not_found","message":"The resource you were accessing could not be found.","request_id":"4d9d8375-3c56-4925-a3e7-eb137fed17e9"}`,
		code: codes.NotFound, message: "The resource you were accessing could not be found.", reason: "not_found", requestID: "4d9d8375-3c56-4925-a3e7-eb137fed17e9"},
	{source: "feathersjs.com/api/errors", httpStatus: 404,
		body: `{"name":"NotFound","message":"No record found for id '7'","code":404,"className":"not-found","errors":{}}`,
		code: codes.NotFound, message: "No record found for id '7'", reason: "NotFound"},
	{source: "api.slack.com/web (rate limited)", httpStatus: 429, header: []string{"X-Slack-Req-Id", "8c1a1f2b3c4d", "Retry-After", "30"},
		body: `{"ok":false,"error":"ratelimited"}`, code: codes.ResourceExhausted, message: "ratelimited", reason: "ratelimited", requestID: "8c1a1f2b3c4d", retryDelay: 30 * time.Second},
	{convention: "error object", source: "learn.microsoft.com, Azure Resource Manager (ResourceGroupNotFound, x-ms-request-id)", httpStatus: 404, header: []string{"x-ms-request-id", "f2c1d0a4-0001-0024-2ab3-5e7f1a000000"},
		body: `{"error":{"code":"ResourceGroupNotFound","message":"Resource group 'rg1' could not be found."}}`,
		code: codes.NotFound, message: "Resource group 'rg1' could not be found.", reason: "ResourceGroupNotFound", requestID: "f2c1d0a4-0001-0024-2ab3-5e7f1a000000"},
}
