package upstream

import (
	"bytes"
	"html"
	"strings"
)

// HTML error pages, written by proxies, load balancers and CDNs in front
// of an API rather than by the API: nginx's "<html><head><title>502 Bad
// Gateway</title></head>...", AWS Application Load Balancer's of the same
// shape, Cloudflare's "<title>example.com | 522: Connection timed
// out</title>" pages, Google's "Error 404 (Not Found)!!1" with its inline
// stylesheet. The message is the page's <title>, as text, or else the
// status; never markup, never an excerpt of a stylesheet or a script.

// isHTML tells an HTML page: by how it starts, or by its media type (the
// Content-Type's, httpwire.MediaType) and a first tag (text sent as
// text/html is quoted as text).
func isHTML(mediaType string, body []byte) bool {
	if (mediaType == "text/html" || mediaType == "application/xhtml+xml") && body[0] == '<' {
		return true
	}
	for _, prefix := range []string{"<!doctype html", "<html", "<head", "<body", "<title"} {
		if len(body) >= len(prefix) && bytes.EqualFold(body[:len(prefix)], []byte(prefix)) {
			return true
		}
	}
	// XHTML, or a page that opens with a comment: an <html> tag soon.
	if bytes.HasPrefix(body, []byte("<?xml")) || bytes.HasPrefix(body, []byte("<!--")) {
		return indexFold(body[:min(len(body), 1024)], "<html") >= 0
	}
	return false
}

// decodeHTML reads an HTML page (nginx's error_page default, documented in
// nginx.org's ngx_http_special_response module; AWS ALB's, in "Troubleshoot
// your Application Load Balancers"; Cloudflare's 5xx and 1xxx pages, in
// developers.cloudflare.com/support/troubleshooting/cloudflare-errors):
// its title, else "HTTP 502 Bad Gateway".
func decodeHTML(r *reading) (decoded, bool) {
	if r.html == nil {
		return decoded{}, false
	}
	msg := htmlTitle(r.html)
	if msg == "" {
		msg = statusText(r.httpStatus)
	}
	return decoded{message: msg}, true
}

// htmlTitle is the text of a page's first <title> element, with its
// character references decoded and its white space collapsed, or "". It
// looks at each byte of the page at most twice.
func htmlTitle(page []byte) string {
	start := indexFold(page, "<title")
	if start < 0 {
		return ""
	}
	rest := page[start+len("<title"):]
	if len(rest) == 0 || rest[0] != '>' && rest[0] != ' ' && rest[0] != '\t' && rest[0] != '\n' && rest[0] != '\r' {
		return "" // <titles> or the like
	}
	open := bytes.IndexByte(rest, '>')
	if open < 0 {
		return ""
	}
	rest = rest[open+1:]
	end := indexFold(rest, "</title")
	if end < 0 {
		return "" // cut short, or not a page
	}
	title := rest[:min(end, maxMessage+maxText)]
	// A title is quoted as an excerpt is: controls become spaces, white
	// space is folded.
	return excerptRule.clean(html.UnescapeString(strings.ToValidUTF8(string(title), "\ufffd")))
}

// indexFold is the index of the first ASCII-case-insensitive match of an
// ASCII lower-case needle in b, or -1.
func indexFold(b []byte, needle string) int {
	for i := 0; i+len(needle) <= len(b); i++ {
		j := bytes.IndexByte(b[i:], '<')
		if j < 0 {
			return -1
		}
		i += j
		if i+len(needle) <= len(b) && bytes.EqualFold(b[i:i+len(needle)], []byte(needle)) {
			return i
		}
	}
	return -1
}
