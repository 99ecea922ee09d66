package validation

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	validate "buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
	"github.com/statusmap/statusmap/internal/wire"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
)

// FuzzRewrite feeds arbitrary bytes as a buf.validate.Violations detail
// (what a server sends is not ours to trust) and a string as a map key and
// a field name. Whatever comes in: no panic; one field violation per
// violation the generated type decodes; every text valid UTF-8, so that the
// BadRequest marshals; a string key's subscript a JSON string that decodes
// back to the key; Replace leaves no Violations it could read; the input
// is never modified.
func FuzzRewrite(f *testing.F) {
	seed := violations(
		violation(path(el(1, "line_items", index(2)), el(1, "sku")), "string.min_len", "too short"),
		violation(path(el(2, "by_sku", stringKey("env"))), "map.keys", "bad key"),
		violation(path(el(7, "notes", intKey(-1))), "", "x"),
	)
	b, err := proto.Marshal(seed)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b, "env", "unit_count")
	f.Add([]byte{0x0a, 0x02, 0x2a, 0x00}, "\xff\"\\\n", "_a__b_")
	f.Add([]byte{0xff}, "", "")
	root := testRequest(f)

	f.Fuzz(func(t *testing.T, raw []byte, key, name string) {
		v := &validate.Violations{}
		decodes := proto.Unmarshal(raw, v) == nil

		in := []*anypb.Any{{TypeUrl: "type.googleapis.com/" + ViolationsFullName, Value: raw}}
		for _, mode := range []Mode{Keep, Replace} {
			for _, names := range []Names{{}, {Root: root}, {Root: root, ProtoNames: true}} {
				got, changed := Rewrite(in, mode, names)
				if in[0].GetValue() == nil && raw != nil || len(in) != 1 {
					t.Fatal("the input was modified")
				}
				if changed != decodes {
					t.Fatalf("changed = %v, but the generated type decodes: %v", changed, decodes)
				}
				if !decodes {
					continue
				}
				var br *anypb.Any
				for _, d := range got {
					if wire.HasFullName(d.GetTypeUrl(), BadRequestFullName) {
						br = d
					} else if mode == Replace {
						t.Fatalf("Replace kept %s", d.GetTypeUrl())
					}
				}
				out := &errdetails.BadRequest{}
				if br == nil || proto.Unmarshal(br.GetValue(), out) != nil {
					t.Fatalf("no readable BadRequest in %v", got)
				}
				if len(out.GetFieldViolations()) != len(v.GetViolations()) {
					t.Fatalf("%d field violations for %d violations", len(out.GetFieldViolations()), len(v.GetViolations()))
				}
				for _, fv := range out.GetFieldViolations() {
					for _, s := range []string{fv.GetField(), fv.GetDescription(), fv.GetReason()} {
						if !utf8.ValidString(s) {
							t.Fatalf("%q is not valid UTF-8", s)
						}
					}
				}
			}
		}

		// A string key, after a field whose name is anything.
		p := path(el(1, name, stringKey(key)))
		got := FieldPath(p, Names{})
		if !utf8.ValidString(got) {
			t.Fatalf("%q is not valid UTF-8", got)
		}
		open := strings.LastIndex(got, `["`)
		if open < 0 || !strings.HasSuffix(got, "]") {
			t.Fatalf("%q has no subscript", got)
		}
		// The name may itself hold `["`: find the subscript that decodes.
		var back string
		ok := false
		for i := open; i >= 0 && !ok; i = strings.LastIndex(got[:i], `["`) {
			ok = json.Unmarshal([]byte(got[i+1:len(got)-1]), &back) == nil
		}
		if !ok {
			t.Fatalf("%q: no JSON string subscript", got)
		}
		if want := string([]rune(key)); back != want {
			t.Fatalf("%q: key decodes to %q, want %q", got, back, want)
		}
		if got := JSONCamelCase(name); strings.Contains(got, "_") {
			t.Fatalf("JSONCamelCase(%q) = %q keeps an underscore", name, got)
		}
		RequestDescriptor(name)
		RequestDescriptor("/" + name + "/" + key)
	})
}
