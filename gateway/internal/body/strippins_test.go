package body

import (
	"bytes"
	"encoding/json"
	"testing"

	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
)

const pinJSON = `{"@type":"type.googleapis.com/statusmap.v1.HttpStatus","code":418}`

// TestStripForeignPins: the bodies a foreign handler may write lose their
// pins and keep everything else; a body that cannot be read as a status,
// or names the pin elsewhere than in a detail, goes out as written.
func TestStripForeignPins(t *testing.T) {
	info := `{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"R"}`
	for _, tc := range []struct {
		name, in, want string
	}{
		{"status", `{"code":2, "message":"m", "details":[` + pinJSON + `,` + info + `]}`, `{"code":2,"message":"m","details":[` + info + `]}`},
		{"only the pin", `{"code":2,"details":[` + pinJSON + `]}`, `{"code":2,"details":[]}`},
		{"stream chunk keeps its delimiter", `{"error":{"code":5,"details":[` + pinJSON + `]}}` + "\n", `{"error":{"code":5,"details":[]}}` + "\n"},
		{"google envelope", `{"error":{"code":404,"status":"NOT_FOUND","details":[` + info + `,` + pinJSON + `]}}`, `{"error":{"code":404,"status":"NOT_FOUND","details":[` + info + `]}}`},
		{"type URL without a host", `{"details":[{"@type":"statusmap.v1.HttpStatus"}]}`, `{"details":[]}`},
		{"name in the message only", `{"code":2,  "message":"statusmap.v1.HttpStatus"}`, ""},
		{"a look-alike type", `{"details":[{"@type":"x/statusmap.v1.HttpStatusX"}]}`, ""},
		{"no pin name", `{"code":2}`, ""},
		{"not JSON", `{"details":[` + pinJSON, ""},
		{"two objects", `{"details":[` + pinJSON + `]}{}`, ""},
		{"details not an array", `{"details":"statusmap.v1.HttpStatus"}`, ""},
		{"nested deeper", `{"error":{"error":{"details":[` + pinJSON + `]}}}`, ""},
		{"empty", ``, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, stripped := StripPins([]byte(tc.in))
			if tc.want == "" {
				if stripped || string(out) != tc.in {
					t.Errorf("got %q (stripped %v); want the body as written", out, stripped)
				}
				return
			}
			if !stripped || string(out) != tc.want {
				t.Errorf("got %q (stripped %v); want %q", out, stripped, tc.want)
			}
		})
	}
}

// TestStripForeignPinsBinary: a binary google.rpc.Status loses its pin and
// keeps its code, message and other details.
func TestStripForeignPinsBinary(t *testing.T) {
	pin, _ := anypb.New(&statusmapv1.HttpStatus{Code: 418})
	info, _ := anypb.New(&errdetails.ErrorInfo{Reason: "R"})
	in, _ := proto.Marshal(&spb.Status{Code: 2, Message: "m", Details: []*anypb.Any{pin, info}})
	out, stripped := StripPins(in)
	var got spb.Status
	if !stripped || proto.Unmarshal(out, &got) != nil {
		t.Fatalf("stripped %v, %q", stripped, out)
	}
	if want := (&spb.Status{Code: 2, Message: "m", Details: []*anypb.Any{info}}); !proto.Equal(&got, want) {
		t.Errorf("got %v; want %v", &got, want)
	}
	// Bytes that are not a status, but name the pin, go out as written.
	junk := append([]byte{0xff, 0xff}, pinName...)
	if out, stripped := StripPins(junk); stripped || !bytes.Equal(out, junk) {
		t.Errorf("junk: %q, %v", out, stripped)
	}
}

// FuzzStripForeignPins: whatever a foreign handler writes, stripping never
// panics, keeps a body it does not change byte for byte, turns valid JSON
// into valid JSON, and leaves no pin among a JSON status's details.
func FuzzStripForeignPins(f *testing.F) {
	f.Add([]byte(`{"code":2,"details":[` + pinJSON + `]}`))
	f.Add([]byte(`{"error":{"code":5,"details":[` + pinJSON + `,{"@type":"x"}]}}` + "\n"))
	f.Add([]byte(`{"details":[{"@type":"statusmap.v1.HttpStatus"}],"details":[1]}`))
	f.Add([]byte("\x12\x01m\x1a\x1b\n\x19statusmap.v1.HttpStatus"))
	f.Fuzz(func(t *testing.T, body []byte) {
		in := append([]byte(nil), body...)
		out, stripped := StripPins(body)
		if !bytes.Equal(body, in) {
			t.Fatal("the input was modified")
		}
		if !stripped {
			if !bytes.Equal(out, body) {
				t.Fatalf("not stripped, yet changed: %q -> %q", body, out)
			}
			return
		}
		if json.Valid(bytes.TrimSpace(body)) {
			if !json.Valid(bytes.TrimSpace(out)) {
				t.Fatalf("valid JSON %q became %q", body, out)
			}
			var st struct {
				Details []struct {
					Type string `json:"@type"`
				} `json:"details"`
				Error *struct {
					Details []struct {
						Type string `json:"@type"`
					} `json:"details"`
				} `json:"error"`
			}
			if json.Unmarshal(out, &st) == nil {
				all := st.Details
				if st.Error != nil {
					all = append(all, st.Error.Details...)
				}
				for _, d := range all {
					if d.Type == pinJSONType || bytes.HasSuffix([]byte(d.Type), []byte("/"+string(pinName))) {
						t.Fatalf("a pin is left in %q", out)
					}
				}
			}
		}
	})
}

const pinJSONType = "statusmap.v1.HttpStatus"
