package upstream

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzEachElement holds the scanner to encoding/json: on any valid JSON
// array or object it finds the same elements and members.
func FuzzEachElement(f *testing.F) {
	for _, s := range []string{`[]`, `[1, "a\"]", {"b":[1,{}]}, true ,null]`, `{}`, `{"a" : 1, "b\\":[{"c":"}"}], "d":-1.5e3}`, ` [ [ ] ] `, `"x"`, `3`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if !json.Valid(raw) {
			return
		}
		var list []json.RawMessage
		if json.Unmarshal(raw, &list) == nil {
			var got []string
			n := eachElement(raw, len(list), func(e []byte) { got = append(got, string(e)) })
			if n != len(list) || len(got) != len(list) {
				t.Fatalf("%q: %d elements, want %d", raw, n, len(list))
			}
			for i := range list {
				if want := string(compact(t, list[i])); string(compact(t, []byte(got[i]))) != want {
					t.Fatalf("%q: element %d is %q, want %q", raw, i, got[i], want)
				}
			}
		} else if eachElement(raw, 1, nil) != 0 {
			t.Fatalf("%q is not an array but has elements", raw)
		}
		var members []json.RawMessage
		if json.Unmarshal(raw, new(map[string]json.RawMessage)) == nil {
			n := eachMember(raw, 1<<30, func(k, v []byte) {
				var key string
				if json.Unmarshal(k, &key) != nil || !json.Valid(v) {
					t.Fatalf("%q: member %q: %q", raw, k, v)
				}
				members = append(members, v)
			})
			if n != len(members) {
				t.Fatalf("%q: %d members counted, %d visited", raw, n, len(members))
			}
		}
	})
}

func compact(t *testing.T, b []byte) []byte {
	var out bytes.Buffer
	if err := json.Compact(&out, b); err != nil {
		t.Fatalf("%q: %v", b, err)
	}
	return out.Bytes()
}
