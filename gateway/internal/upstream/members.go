package upstream

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/statusmap/statusmap/internal/wire"
	"google.golang.org/grpc/codes"
)

// The readers of a JSON object's members, for every convention. A member
// of the wrong JSON type is absent; every string is bounded (maxText) and
// valid UTF-8, as decoded JSON is.

func str(obj map[string]json.RawMessage, key string) (string, bool) {
	raw, ok := obj[key]
	if !ok || len(raw) == 0 || raw[0] != '"' {
		return "", false
	}
	var s string
	return s, json.Unmarshal(raw, &s) == nil
}

// text is str bounded and trimmed, empty when absent.
func text(obj map[string]json.RawMessage, key string) string {
	s, _ := str(obj, key)
	return bounded(strings.TrimSpace(s))
}

// integer reads a JSON number that is an integer.
func integer(obj map[string]json.RawMessage, key string) (int64, bool) {
	raw, ok := obj[key]
	if !ok {
		return 0, false
	}
	var n int64
	return n, json.Unmarshal(raw, &n) == nil
}

func object(obj map[string]json.RawMessage, key string) (map[string]json.RawMessage, bool) {
	raw, ok := obj[key]
	if !ok || len(raw) == 0 || raw[0] != '{' {
		return nil, false
	}
	var o map[string]json.RawMessage
	return o, json.Unmarshal(raw, &o) == nil
}

// objects reads an array member, keeping its object elements among the
// first maxViolations; skipped counts the elements not read.
func objects(obj map[string]json.RawMessage, key string) (out []map[string]json.RawMessage, skipped int, ok bool) {
	raw, ok := obj[key]
	if !ok || len(raw) == 0 || raw[0] != '[' {
		return nil, 0, false
	}
	n := eachElement(raw, maxViolations, func(item []byte) {
		var o map[string]json.RawMessage
		if item[0] == '{' && json.Unmarshal(item, &o) == nil {
			out = append(out, o)
		}
	})
	return out, max(n-maxViolations, 0), true
}

// onlyKeys reports whether obj has no member outside keys: an RPC
// protocol's body has exactly its members, which tells it from a REST API
// body that happens to share one.
func onlyKeys(obj map[string]json.RawMessage, keys ...string) bool {
	for k := range obj {
		found := false
		for _, want := range keys {
			if k == want {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// scalarText reads a string, or a number as its text: an API's own error
// code is either.
func scalarText(obj map[string]json.RawMessage, key string) string {
	if s := text(obj, key); s != "" {
		return s
	}
	if n, ok := integer(obj, key); ok {
		return strconv.FormatInt(n, 10)
	}
	return ""
}

// jsonString reads a JSON string value.
func jsonString(raw []byte) (string, bool) {
	var s string
	return s, len(raw) > 0 && raw[0] == '"' && json.Unmarshal(raw, &s) == nil
}

// firstText is the first of the members that is a non-empty string.
func firstText(obj map[string]json.RawMessage, keys ...string) string {
	for _, key := range keys {
		if s := text(obj, key); s != "" {
			return s
		}
	}
	return ""
}

// bounded cuts s to maxText bytes at a rune boundary.
func bounded(s string) string {
	if len(s) <= maxText {
		return s
	}
	cut := maxText
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// codeByName reads a gRPC code's name (wire.ParseCode's spellings), never a
// number and never a code outside 0 to 16.
func codeByName(name string) (codes.Code, bool) {
	if name == "" || name[0] >= '0' && name[0] <= '9' {
		return 0, false
	}
	c, ok := wire.ParseCode(name)
	return c, ok && c <= codes.Unauthenticated
}

// The readers of members. A member of the wrong JSON type is absent.
