package upstream

import (
	"net/http"
	"slices"
	"strings"
)

// What ErrorFromResponse reads of the headers beside the challenges, Allow
// (fold.go) and Retry-After (httpwire.ParseRetryAfter): request ids.

// Where APIs put the id of a request, for google.rpc.RequestInfo. A body's
// own id comes first (a convention's, then requestIDMembers), then the
// headers: requestIDHeaders in order, then any other header whose name
// ends in "-Request-Id", in the order of their names, then
// lastRequestIDHeaders. The README's table
// of request ids is this one.

// requestIDHeaders are the headers of a request id, in the order they are
// looked at, with who sends them.
var requestIDHeaders = [...]string{
	"X-Request-Id",        // nginx ($request_id), Heroku, Rails, many proxies
	"X-Amzn-Requestid",    // AWS JSON and REST protocols, API Gateway, Lambda URLs
	"X-Amz-Request-Id",    // Amazon S3
	"X-Ms-Request-Id",     // Azure Storage, Azure Resource Manager
	"Request-Id",          // Stripe, Microsoft Graph
	"X-Correlation-Id",    // Spring Cloud Sleuth, many REST APIs
	"Paypal-Debug-Id",     // PayPal REST APIs
	"X-Slack-Req-Id",      // Slack Web API
	"X-Arequestid",        // Atlassian Jira and Confluence
	"X-Github-Request-Id", // GitHub REST API (one of the "-Request-Id" headers)
}

// lastRequestIDHeaders are looked at after every "-Request-Id" header:
// they name the request at a CDN in front of the API, not at the API.
var lastRequestIDHeaders = [...]string{
	"Cf-Ray", // Cloudflare, on every response it serves
}

// requestIDMembers are the members of a JSON body that hold its request
// id, in the order they are looked at.
var requestIDMembers = [...]string{
	"request_id", // Huawei Cloud, DigitalOcean, OpenAI-style APIs
	"requestId",  // Spring Boot, many JSON APIs
	"debug_id",   // PayPal
	"traceId",    // ASP.NET Core problem details
}

// requestIDFromHeader is the first request id among the headers.
func requestIDFromHeader(h http.Header) string {
	for _, name := range requestIDHeaders {
		if id := headerText(h.Get(name)); id != "" {
			return id
		}
	}
	// Any other "-Request-Id" header, by name: a map has no order.
	var names []string
	for name := range h {
		if len(name) > len("-Request-Id") && strings.EqualFold(name[len(name)-len("-Request-Id"):], "-Request-Id") {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		if values := h[name]; len(values) > 0 {
			if id := headerText(values[0]); id != "" {
				return id
			}
		}
	}
	for _, name := range lastRequestIDHeaders {
		if id := headerText(h.Get(name)); id != "" {
			return id
		}
	}
	return ""
}

// bodyRequestID is a request id the body holds in a member of
// requestIDMembers (of a JSON object), or an XML error's RequestId.
func bodyRequestID(r *reading) string {
	if r.obj != nil {
		return firstText(r.obj, requestIDMembers[:]...)
	}
	if r.xml != nil {
		return r.xml.first("Error/RequestId", "ErrorResponse/RequestId", "Response/RequestID")
	}
	return ""
}
