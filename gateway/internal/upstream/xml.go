package upstream

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
)

// XML error documents: the object stores' and AWS's <Error>, and SOAP
// faults. The document is read once with encoding/xml into the texts of
// its first elements by path ("Error/Code"), within bounds like JSON's:
// maxXMLTokens tokens, maxXMLDepth levels, maxXMLPaths paths, so that a
// deep or huge document costs O(its size) and no more. encoding/xml
// expands no entity but XML's five (no DTD is read, so no "billion
// laughs"), and a document in another charset than UTF-8 is not read.

const (
	// maxXMLAttrs bounds the attributes of a whole document: encoding/xml
	// decodes all of an element's attributes before it returns the
	// element, at some 30 bytes allocated per byte of attributes.
	maxXMLAttrs  = 1024
	maxXMLTokens = 4096
	maxXMLDepth  = 16
	maxXMLPaths  = 64
	// maxXMLPathDepth is the deepest path whose text is kept: a SOAP
	// 1.2 fault's subcode is Envelope/Body/Fault/Code/Subcode/Value.
	maxXMLPathDepth = 6
)

// xmlTexts are the texts of an XML document's first element at each path
// of local names, "Envelope/Body/Fault/faultstring" (namespace prefixes
// left out).
type xmlTexts struct {
	root  string // the root element's local name
	texts map[string][]byte
}

// parseXML reads an XML document within the bounds, or returns nil when
// it is not well-formed XML up to where it stops.
func parseXML(body []byte) *xmlTexts {
	if !xmlAttrsBounded(body) {
		return nil
	}
	dec := xml.NewDecoder(bytes.NewReader(body))
	doc := &xmlTexts{texts: make(map[string][]byte, 8)}
	type frame struct {
		pathLen int
		keep    bool // the first element at its path: its text is kept
	}
	var (
		path  string
		stack []frame
	)
	for tokens := 0; tokens < maxXMLTokens; tokens++ {
		tok, err := dec.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) >= maxXMLDepth {
				return doc // deeper than any error document: stop here
			}
			if doc.root == "" {
				doc.root = t.Name.Local
			}
			f := frame{pathLen: len(path)}
			if len(stack) < maxXMLPathDepth {
				if path != "" {
					path += "/"
				}
				path += t.Name.Local
				if _, seen := doc.texts[path]; !seen && len(doc.texts) < maxXMLPaths {
					doc.texts[path] = []byte{}
					f.keep = true
				}
			}
			stack = append(stack, f)
		case xml.EndElement:
			if len(stack) == 0 {
				return nil
			}
			path = path[:stack[len(stack)-1].pathLen]
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if n := len(stack); n > 0 && stack[n-1].keep {
				doc.texts[path] = append(doc.texts[path], t...)
			}
		}
	}
	if len(doc.texts) == 0 {
		return nil
	}
	return doc
}

// xmlAttrsBounded reports whether a document has at most maxXMLAttrs
// attributes in all: it counts the "=" outside quotes in its markup
// (comments and CDATA sections skipped), without allocating. A count too
// high is only ever a document left unread, then quoted.
func xmlAttrsBounded(b []byte) bool {
	n := 0
	for i := 0; i < len(b); {
		j := bytes.IndexByte(b[i:], '<')
		if j < 0 {
			break
		}
		i += j
		var end string
		switch {
		case bytes.HasPrefix(b[i:], []byte("<!--")):
			end = "-->"
		case bytes.HasPrefix(b[i:], []byte("<![CDATA[")):
			end = "]]>"
		}
		if end != "" {
			k := bytes.Index(b[i+4:], []byte(end))
			if k < 0 {
				break
			}
			i += 4 + k + len(end)
			continue
		}
		var quote byte
	tag:
		for i++; i < len(b); i++ {
			switch c := b[i]; {
			case quote != 0:
				if c == quote {
					quote = 0
				}
			case c == '"' || c == '\'':
				quote = c
			case c == '=':
				if n++; n > maxXMLAttrs {
					return false
				}
			case c == '>':
				break tag
			}
		}
	}
	return true
}

// has reports whether an element is at the path.
func (x *xmlTexts) has(path string) bool {
	_, ok := x.texts[path]
	return ok
}

// message is the text at the path, trimmed and made valid UTF-8.
func (x *xmlTexts) message(path string) string {
	return strings.ToValidUTF8(strings.TrimSpace(string(x.texts[path])), "\ufffd")
}

// text is the text at the path as an id or a code: bounded, without
// control characters.
func (x *xmlTexts) text(path string) string {
	return headerText(x.message(path))
}

// first is the first non-empty text among the paths, as an id.
func (x *xmlTexts) first(paths ...string) string {
	for _, p := range paths {
		if s := x.text(p); s != "" {
			return s
		}
	}
	return ""
}

// decodeStoreXML reads the XML error of object stores and of AWS's XML
// protocols: Amazon S3's <Error><Code>NoSuchKey</Code><Message/>
// <Resource/><RequestId/><HostId/></Error> (docs.aws.amazon.com,
// "Amazon S3 error responses"), Google Cloud Storage's XML API and Azure
// Storage's <Error><Code/><Message/></Error> (learn.microsoft.com,
// "Azure Storage error codes"), the AWS Query protocol's
// <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>
// </ErrorResponse> (IAM, STS, SNS, SQS) and EC2's <Response><Errors>
// <Error><Code/><Message/></Error></Errors><RequestID/></Response>. Code
// is the ErrorInfo reason.
func decodeStoreXML(r *reading) (decoded, bool) {
	if r.xml == nil {
		return decoded{}, false
	}
	for _, base := range []string{"Error", "ErrorResponse/Error", "Response/Errors/Error"} {
		if r.xml.root != base[:strings.IndexByte(base+"/", '/')] || !r.xml.has(base+"/Code") {
			continue
		}
		d := decoded{message: r.xml.message(base + "/Message"), reason: r.xml.text(base + "/Code")}
		d.requestID = r.xml.first(base+"/RequestId", "ErrorResponse/RequestId", "Response/RequestID")
		d.addMetadata("type", r.xml.text(base+"/Type"))
		for _, m := range [][2]string{{"Resource", "resource"}, {"BucketName", "bucketName"}, {"Key", "key"}, {"HostId", "hostId"}, {"Details", "details"}} {
			d.addMetadata(m[1], r.xml.text(base+"/"+m[0]))
		}
		if d.message == "" {
			// Azure Service Bus and older Microsoft services: <Detail>.
			d.message = r.xml.message(base + "/Detail")
		}
		if d.message == "" {
			d.message = d.reason
		}
		return d, true
	}
	return decoded{}, false
}

// decodeSOAP11 reads a SOAP 1.1 fault: <Envelope><Body><Fault>
// <faultcode>soap:Client</faultcode><faultstring/><faultactor/><detail/>
// </Fault></Body></Envelope> (w3.org/TR/2000/NOTE-SOAP-20000508, section
// 4.4). faultstring is the message, faultcode (as sent, with its prefix)
// the ErrorInfo reason.
func decodeSOAP11(r *reading) (decoded, bool) {
	const fault = "Envelope/Body/Fault/"
	if r.xml == nil || !r.xml.has(fault+"faultcode") && !r.xml.has(fault+"faultstring") {
		return decoded{}, false
	}
	d := decoded{message: r.xml.message(fault + "faultstring"), reason: r.xml.text(fault + "faultcode")}
	d.addMetadata("actor", r.xml.text(fault+"faultactor"))
	return d, true
}

// decodeSOAP12 reads a SOAP 1.2 fault: <Envelope><Body><Fault><Code>
// <Value>env:Sender</Value><Subcode><Value>m:MessageTimeout</Value>
// </Subcode></Code><Reason><Text xml:lang="en">...</Text></Reason><Node/>
// <Role/><Detail/></Fault></Body></Envelope> (w3.org/TR/soap12-part1,
// section 5.4). The first Reason/Text is the message; the subcode, else
// the code, the ErrorInfo reason.
func decodeSOAP12(r *reading) (decoded, bool) {
	const fault = "Envelope/Body/Fault/"
	if r.xml == nil || !r.xml.has(fault+"Code/Value") {
		return decoded{}, false
	}
	d := decoded{message: r.xml.message(fault + "Reason/Text"), reason: r.xml.text(fault + "Code/Value")}
	if sub := r.xml.text(fault + "Code/Subcode/Value"); sub != "" {
		d.addMetadata("code", d.reason)
		d.reason = sub
	}
	d.addMetadata("node", r.xml.text(fault+"Node"))
	d.addMetadata("role", r.xml.text(fault+"Role"))
	return d, true
}
