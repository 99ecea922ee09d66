package upstream

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/statusmap/statusmap/internal/httpwire"
)

// Text an upstream wrote in a header, an excerpt of a body, an HTML page's
// title and an XML document's ids and codes reach a status through one
// rule, clean, whose parameters are the differences between the places it
// goes (below). Two kinds of upstream text do not pass through clean:
//
//   - strings of a JSON body (messages, reasons, field paths; members.go):
//     encoding/json has made them valid UTF-8, one U+FFFD per bad byte,
//     and they keep the control characters the upstream escaped (a "\n"
//     in a message stays a newline); they are only trimmed and bounded.
//   - an XML element's text used as a message (xmlTexts.message): trimmed
//     and made valid with strings.ToValidUTF8, a guard only, since
//     encoding/xml refuses a document with invalid UTF-8 or a control
//     character.
//
// Where the reader makes text valid itself (clean's headerRule and
// excerptRule, html.go, xml.go, details.go's kept JSON), a run of bad bytes becomes one U+FFFD
// (strings.ToValidUTF8), not one per byte as internal/validutf8 does for
// text statusmap writes. The writer's rule exists so that a message it
// writes reads the same in every body it writes (encoding/json and
// internal/jsontext replace per byte); text read back is not written in
// those bodies beside a copy of itself, and a run of garbage (binary, a
// text in another charset) is one unreadable spot, which one U+FFFD (3
// bytes) says, where one per bad byte would make n bytes 3n within the
// same bound.
// The rules:
//
//   - headerRule: one header value into an ErrorInfo field or a
//     RequestInfo (the host, a request id, an AWS error type), then cut
//     to maxText: no tab, a run of invalid bytes one U+FFFD.
//   - valueRule: a header's values joined into the fold's metadata
//     ("wwwAuthenticate", "allow"), cut first to the header bound: the tab
//     a field value may hold is kept, and each invalid byte (a character
//     cut by the bound included) is one U+FFFD, as strings.Map makes it.
//   - excerptRule: an excerpt of a body quoted in a message, or an HTML
//     page's title: controls become spaces, then white space is folded.
//
// The gateway's writer has a rule of its own for the other way, a status's
// metadata into a header (httpwire's field-value rule): it does not share
// this one on purpose. A header must keep every byte it is given (binary
// metadata, a value that is not a field value) and so writes such a value
// in base64 whole; here the text becomes a proto string, which must be
// valid UTF-8 and is read by people, so controls are dropped or replaced
// and the rest kept as it is.

// maxExcerpt is how much of an unrecognised body a message quotes.
const maxExcerpt = 200

// textRule is how one kind of upstream text is made fit for a status.
type textRule struct {
	// eachByte makes each invalid byte one U+FFFD; otherwise each run of
	// them is one.
	eachByte bool
	// keepTab keeps a tab, which a header field value may hold.
	keepTab bool
	// control is what each other C0 control character and DEL becomes:
	// dropped when negative.
	control rune
	// fold makes each run of white space one space; otherwise the text is
	// only trimmed.
	fold bool
}

var (
	headerRule  = textRule{control: -1}
	valueRule   = textRule{eachByte: true, keepTab: true, control: -1}
	excerptRule = textRule{control: ' ', fold: true}
)

// clean applies the rule: valid UTF-8, no control characters but a kept
// tab, trimmed or folded.
func (r textRule) clean(s string) string {
	if !r.eachByte {
		s = strings.ToValidUTF8(s, "\ufffd")
	}
	s = mapControls(s, r.keepTab, r.control) // each invalid byte left becomes U+FFFD
	if r.fold {
		return strings.Join(strings.Fields(s), " ")
	}
	return strings.TrimSpace(s)
}

// mapControls drops each C0 control character and DEL (repl < 0) or makes
// it repl, a tab kept when keepTab. Like strings.Map, it makes each invalid
// byte one U+FFFD.
func mapControls(s string, keepTab bool, repl rune) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 && !(keepTab && r == '\t') || r == 0x7f {
			return repl
		}
		return r
	}, s)
}

// headerText makes a header value fit for a proto string: valid UTF-8, no
// control characters, bounded.
func headerText(v string) string {
	return bounded(headerRule.clean(v))
}

// headerValue joins a header's values as one, made fit for a proto string
// and bounded as the gateway bounds the headers it writes.
func headerValue(values []string) string {
	v := strings.Join(values, ", ")
	if len(v) > httpwire.MaxHeaderValue {
		v = v[:httpwire.MaxHeaderValue]
	}
	return valueRule.clean(v)
}

// fallbackMessage names the status and quotes a short excerpt of the body,
// made safe: valid UTF-8, no control characters. A body that is not text
// (binary bytes: a NUL, a control character other than whitespace, or
// bytes that are not UTF-8) is not quoted.
func fallbackMessage(httpStatus int, body []byte, truncated bool) string {
	msg := statusText(httpStatus)
	excerpt := body
	if len(excerpt) > maxExcerpt {
		excerpt = excerpt[:maxExcerpt]
		truncated = true
	}
	if !isText(excerpt) {
		return msg
	}
	clean := excerptRule.clean(string(excerpt))
	if clean != "" {
		msg += ": " + clean
		if truncated {
			msg += " …"
		}
	}
	return msg
}

// statusText names an HTTP status: "HTTP 502 Bad Gateway".
func statusText(httpStatus int) string {
	msg := "HTTP " + strconv.Itoa(httpStatus)
	if text := http.StatusText(httpStatus); text != "" {
		msg += " " + text
	}
	return msg
}

// isText reports whether an excerpt of a body is text: UTF-8 (but for a
// character cut at its end) without control characters other than
// whitespace.
func isText(b []byte) bool {
	for i := 0; i < len(b); {
		c, size := utf8.DecodeRune(b[i:])
		switch {
		case c == utf8.RuneError && size <= 1:
			if len(b)-i >= utf8.UTFMax || utf8.FullRune(b[i:]) {
				return false
			}
			return true // a character cut at the end
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r', c == 0x7f:
			return false
		}
		i += size
	}
	return true
}
