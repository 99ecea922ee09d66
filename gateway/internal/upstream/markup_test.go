package upstream

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
)

// markupDocumentedBodies are the XML error documents and HTML error pages,
// as their documentation shows them.
var markupDocumentedBodies = []documentedBody{
	// XML error documents.
	{convention: "object-store XML", source: "docs.aws.amazon.com, Amazon S3 error responses (REST error response)", httpStatus: 404, header: []string{"Content-Type", xmlType}, body: `<?xml version="1.0" encoding="UTF-8"?>
<Error>
  <Code>NoSuchKey</Code>
  <Message>The resource you requested does not exist</Message>
  <Resource>/mybucket/myfoto.jpg</Resource>
  <RequestId>4442587FB7D0A2F9</RequestId>
</Error>`, code: codes.NotFound, message: "The resource you requested does not exist", reason: "NoSuchKey", requestID: "4442587FB7D0A2F9"},
	{convention: "object-store XML", source: "docs.aws.amazon.com, Amazon S3 (AccessDenied, x-amz-request-id)", httpStatus: 403, header: []string{"Content-Type", xmlType, "x-amz-request-id", "656c76696e6727732072657175657374"},
		body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message><HostId>Uuag1LuByRx9e6j5Onimru9pO4ZVKnJ2Qz7/C1NPcfTWAtRPfTaOFg==</HostId></Error>`,
		code: codes.PermissionDenied, message: "Access Denied", reason: "AccessDenied", requestID: "656c76696e6727732072657175657374"},
	{convention: "object-store XML", source: "learn.microsoft.com, Azure Storage error codes (BlobNotFound)", httpStatus: 404, header: []string{"Content-Type", "application/xml", "x-ms-request-id", "7e1b8c3e-a01e-0047-5d1c-000000000000"},
		body: "\ufeff<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>BlobNotFound</Code><Message>The specified blob does not exist.\nRequestId:7e1b8c3e-a01e-0047-5d1c-000000000000\nTime:2024-05-01T10:00:00.0000000Z</Message></Error>",
		code: codes.NotFound, message: "The specified blob does not exist.\nRequestId:7e1b8c3e-a01e-0047-5d1c-000000000000\nTime:2024-05-01T10:00:00.0000000Z", reason: "BlobNotFound", requestID: "7e1b8c3e-a01e-0047-5d1c-000000000000"},
	{convention: "object-store XML", source: "cloud.google.com/storage/docs/xml-api (NoSuchBucket)", httpStatus: 404, header: []string{"Content-Type", xmlType},
		body: `<?xml version='1.0' encoding='UTF-8'?><Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist.</Message></Error>`,
		code: codes.NotFound, message: "The specified bucket does not exist.", reason: "NoSuchBucket"},
	{convention: "object-store XML", source: "docs.aws.amazon.com, IAM API (Query protocol ErrorResponse)", httpStatus: 404, header: []string{"Content-Type", "text/xml"}, body: `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <Error>
    <Type>Sender</Type>
    <Code>NoSuchEntity</Code>
    <Message>The user with name nobody cannot be found.</Message>
  </Error>
  <RequestId>4b8a3e7c-2f0d-11e4-8f5d-0d9e8f1c0d2e</RequestId>
</ErrorResponse>`, code: codes.NotFound, message: "The user with name nobody cannot be found.", reason: "NoSuchEntity", requestID: "4b8a3e7c-2f0d-11e4-8f5d-0d9e8f1c0d2e"},
	{convention: "object-store XML", source: "docs.aws.amazon.com, Amazon EC2 API error response", httpStatus: 400, header: []string{"Content-Type", "text/xml;charset=UTF-8"},
		body: `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>InvalidInstanceID.NotFound</Code><Message>The instance ID 'i-1a2b3c4d' does not exist</Message></Error></Errors><RequestID>ea966190-f9aa-478e-9ede-example</RequestID></Response>`,
		code: codes.InvalidArgument, message: "The instance ID 'i-1a2b3c4d' does not exist", reason: "InvalidInstanceID.NotFound", requestID: "ea966190-f9aa-478e-9ede-example"},
	{convention: "SOAP 1.1 fault", source: "w3.org/TR/2000/NOTE-SOAP-20000508, section 4.4 (Server fault with detail)", httpStatus: 500, header: []string{"Content-Type", "text/xml; charset=utf-8"}, body: `<SOAP-ENV:Envelope
  xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/">
   <SOAP-ENV:Body>
       <SOAP-ENV:Fault>
           <faultcode>SOAP-ENV:Server</faultcode>
           <faultstring>Server Error</faultstring>
           <detail>
               <e:myfaultdetails xmlns:e="Some-URI">
                 <message>
                   My application didn't work
                 </message>
                 <errorcode>
                   1001
                 </errorcode>
               </e:myfaultdetails>
           </detail>
       </SOAP-ENV:Fault>
   </SOAP-ENV:Body>
</SOAP-ENV:Envelope>`, code: codes.Internal, message: "Server Error", reason: "SOAP-ENV:Server"},
	{convention: "SOAP 1.1 fault", source: "w3.org/TR/2000/NOTE-SOAP-20000508, section 4.2.3 (MustUnderstand)", httpStatus: 500, header: []string{"Content-Type", "text/xml"}, body: `<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/">
  <SOAP-ENV:Body>
    <SOAP-ENV:Fault>
      <faultcode>SOAP-ENV:MustUnderstand</faultcode>
      <faultstring>SOAP Must Understand Error</faultstring>
    </SOAP-ENV:Fault>
  </SOAP-ENV:Body>
</SOAP-ENV:Envelope>`, code: codes.Internal, message: "SOAP Must Understand Error", reason: "SOAP-ENV:MustUnderstand"},
	{convention: "SOAP 1.1 fault", source: "a .NET ASMX client fault (soap prefix, faultactor)", httpStatus: 500, header: []string{"Content-Type", "text/xml; charset=utf-8"},
		body: `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soap:Body><soap:Fault><faultcode>soap:Client</faultcode><faultstring>Server was unable to read request. ---&gt; There is an error in XML document (1, 2).</faultstring><faultactor>http://example.com/Service.asmx</faultactor><detail /></soap:Fault></soap:Body></soap:Envelope>`,
		code: codes.Internal, message: "Server was unable to read request. ---> There is an error in XML document (1, 2).", reason: "soap:Client"},
	{convention: "SOAP 1.2 fault", source: "w3.org/TR/soap12-part1, section 5.4 (Example 4, MessageTimeout)", httpStatus: 400, header: []string{"Content-Type", "application/soap+xml"}, body: `<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"
              xmlns:m="http://www.example.org/timeouts"
              xmlns:xml="http://www.w3.org/XML/1998/namespace">
 <env:Body>
  <env:Fault>
   <env:Code>
     <env:Value>env:Sender</env:Value>
     <env:Subcode>
      <env:Value>m:MessageTimeout</env:Value>
     </env:Subcode>
   </env:Code>
   <env:Reason>
     <env:Text xml:lang="en">Sender Timeout</env:Text>
   </env:Reason>
   <env:Detail>
     <m:MaxTime>P5M</m:MaxTime>
   </env:Detail>
  </env:Fault>
 </env:Body>
</env:Envelope>`, code: codes.InvalidArgument, message: "Sender Timeout", reason: "m:MessageTimeout"},
	{convention: "SOAP 1.2 fault", source: "w3.org/TR/soap12-part0, section 4 (Example 10, two Reason texts)", httpStatus: 400, header: []string{"Content-Type", "application/soap+xml; charset=utf-8"}, body: `<?xml version='1.0' ?>
<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"
            xmlns:rpc='http://www.w3.org/2003/05/soap-rpc'>
  <env:Body>
   <env:Fault>
     <env:Code>
       <env:Value>env:Sender</env:Value>
       <env:Subcode>
        <env:Value>rpc:BadArguments</env:Value>
       </env:Subcode>
     </env:Code>
     <env:Reason>
       <env:Text xml:lang="en-US">Processing error</env:Text>
       <env:Text xml:lang="cs">Chyba zpracování</env:Text>
     </env:Reason>
   </env:Fault>
 </env:Body>
</env:Envelope>`, code: codes.InvalidArgument, message: "Processing error", reason: "rpc:BadArguments"},
	{convention: "SOAP 1.2 fault", source: "w3.org/TR/soap12-part0, section 5.3 (VersionMismatch)", httpStatus: 500, header: []string{"Content-Type", "application/soap+xml"},
		body: `<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><env:Fault><env:Code><env:Value>env:VersionMismatch</env:Value></env:Code><env:Reason><env:Text xml:lang="en">Version Mismatch</env:Text></env:Reason></env:Fault></env:Body></env:Envelope>`,
		code: codes.Internal, message: "Version Mismatch", reason: "env:VersionMismatch"},

	// HTML error pages of proxies, load balancers and CDNs.
	{convention: "HTML page", source: "nginx.org, ngx_http_special_response (default 502 page)", httpStatus: 502, header: []string{"Content-Type", htmlType},
		body: "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>\r\n",
		code: codes.Unavailable, message: "502 Bad Gateway"},
	{convention: "HTML page", source: "docs.aws.amazon.com, Troubleshoot your Application Load Balancers (HTTP 503)", httpStatus: 503, header: []string{"Content-Type", "text/html"},
		body: "<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n</body>\r\n</html>\r\n",
		code: codes.Unavailable, message: "503 Service Temporarily Unavailable"},
	{convention: "HTML page", source: "developers.cloudflare.com, Cloudflare 5xx errors (522)", httpStatus: 522, header: []string{"Content-Type", "text/html; charset=UTF-8", "CF-RAY", "8a1b2c3d4e5f6a7b-AMS"}, body: `<!DOCTYPE html>
<!--[if lt IE 7]> <html class="no-js ie6 oldie" lang="en-US"> <![endif]-->
<!--[if gt IE 8]><!--> <html class="no-js" lang="en-US"> <!--<![endif]-->
<head>
<title>example.com | 522: Connection timed out</title>
<meta charset="UTF-8" />
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
<link rel="stylesheet" id="cf_styles-css" href="/cdn-cgi/styles/main.css" />
<style>body{margin:0;padding:0}.cf-error-overview{font:400 13px/1.5 sans-serif}</style>
</head>
<body><div id="cf-wrapper"><h1>Connection timed out</h1><span>Error code 522</span></div></body></html>`,
		code: codes.Unknown, message: "example.com | 522: Connection timed out", requestID: "8a1b2c3d4e5f6a7b-AMS"},
	{convention: "HTML page", source: "Google front end 404 (stylesheet after the title)", httpStatus: 404, header: []string{"Content-Type", "text/html; charset=UTF-8"}, body: `<!DOCTYPE html>
<html lang=en>
  <meta charset=utf-8>
  <meta name=viewport content="initial-scale=1, minimum-scale=1, width=device-width">
  <title>Error 404 (Not Found)!!1</title>
  <style>
    *{margin:0;padding:0}html,code{font:15px/22px arial,sans-serif}html{background:#fff;color:#222;padding:15px}body{margin:7% auto 0;max-width:390px;min-height:180px;padding:30px 0 15px}
  </style>
  <a href=//www.google.com/><span id=logo aria-label=Google></span></a>
  <p><b>404.</b> <ins>That’s an error.</ins>
  <p>The requested URL <code>/x</code> was not found on this server.  <ins>That’s all we know.</ins>`,
		code: codes.NotFound, message: "Error 404 (Not Found)!!1"},
	{convention: "HTML page", source: "a stylesheet before any title, sent as text/html", httpStatus: 504, header: []string{"Content-Type", "text/html"},
		body: `<html><head><style>body { font-family: Tahoma, Verdana, Arial, sans-serif; }</style></head><body><h1>504 Gateway Time-out</h1><p>The server didn't respond in time.</p></body></html>`,
		code: codes.DeadlineExceeded, message: "HTTP 504 Gateway Timeout"},
	{convention: "HTML page", source: "developers.cloudflare.com, Cloudflare 1xxx errors (1020, entities)", httpStatus: 403, header: []string{"Content-Type", "text/html; charset=UTF-8"},
		body: `<!DOCTYPE html><html lang="en-US"><head><title>Access denied | example.com used Cloudflare to restrict access &amp; more</title></head><body></body></html>`,
		code: codes.PermissionDenied, message: "Access denied | example.com used Cloudflare to restrict access & more"},
}

// TestREADMETablesListTheReaders: the README's convention table has a row
// for every row of conventions, and its request-id table every header and
// member the reader looks at, so that the documentation is the table.
func TestREADMETablesListTheReaders(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ToLower(string(readme))
	for _, c := range conventions {
		if !strings.Contains(text, "\n| "+strings.ToLower(c.name)+" |") {
			t.Errorf("README: no row for the convention %q", c.name)
		}
	}
	var names []string
	for _, h := range requestIDHeaders {
		names = append(names, h)
	}
	for _, h := range lastRequestIDHeaders {
		names = append(names, h)
	}
	for _, m := range requestIDMembers {
		names = append(names, m)
	}
	for _, name := range names {
		if !strings.Contains(text, "`"+strings.ToLower(name)+"`") {
			t.Errorf("README: the request-id table lacks %q", name)
		}
	}
}
