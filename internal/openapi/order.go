package openapi

import (
	"sort"
	"strconv"
	"strings"
)

// Where the rewrite puts what it adds, so that the output differs from
// the input only where it must.

// sortResponses orders a responses object: statuses in numeric order
// (ranges such as 4XX after their statuses), then default, then the rest
// as they were.
func sortResponses(responses *object) {
	rank := func(k string) float64 {
		if n, err := strconv.Atoi(k); err == nil {
			return float64(n)
		}
		if len(k) == 3 && strings.HasSuffix(strings.ToUpper(k), "XX") && k[0] >= '1' && k[0] <= '5' {
			return float64(k[0]-'0')*100 + 99.5
		}
		if k == "default" {
			return 1000
		}
		return 1001
	}
	sort.SliceStable(responses.keys, func(i, j int) bool { return rank(responses.keys[i]) < rank(responses.keys[j]) })
}

// ensureAfter returns the object under key, adding an empty one right
// after the key after (or at the end) if there is none.
func ensureAfter(o *object, key, after string) (*object, error) {
	if _, ok := o.get(key); ok {
		return o.ensure(key)
	}
	m := newObject()
	insertAfter(o, key, m, after)
	return m, nil
}

// insertAfter adds key right after the key after, or at the end.
func insertAfter(o *object, key string, v any, after string) {
	o.set(key, v)
	o.keys = o.keys[:len(o.keys)-1]
	at := len(o.keys)
	for i, k := range o.keys {
		if k == after {
			at = i + 1
			break
		}
	}
	o.keys = append(o.keys[:at], append([]string{key}, o.keys[at:]...)...)
}

// setSorted replaces key's value, or adds key before the first key that
// sorts after it: in protoc-gen-openapiv2's sorted definitions, in order.
func setSorted(o *object, key string, v any) {
	if _, ok := o.get(key); ok {
		o.set(key, v)
		return
	}
	o.set(key, v)
	o.keys = o.keys[:len(o.keys)-1]
	at := sort.Search(len(o.keys), func(i int) bool { return o.keys[i] > key })
	if !sort.StringsAreSorted(o.keys) {
		at = len(o.keys)
	}
	o.keys = append(o.keys[:at], append([]string{key}, o.keys[at:]...)...)
}
