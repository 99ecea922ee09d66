package statusmap_test

import (
	"testing"

	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
	"github.com/statusmap/statusmap/statusmap"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
)

// FuzzMapping checks that both directions are total: every input maps to a
// defined output, a success only from a success.
func FuzzMapping(f *testing.F) {
	f.Add(uint32(0), 200)
	f.Add(uint32(5), 404)
	f.Add(uint32(17), 302)
	f.Add(uint32(1<<31), -1)
	f.Fuzz(func(t *testing.T, code uint32, httpStatus int) {
		s := statusmap.HTTPStatus(codes.Code(code))
		if !isDocumented(s) {
			t.Fatalf("HTTPStatus(%d) = %d, not documented", code, s)
		}
		if (s == 200) != (code == 0) {
			t.Fatalf("HTTPStatus(%d) = %d", code, s)
		}
		c := statusmap.Code(httpStatus)
		if c > codes.Unauthenticated {
			t.Fatalf("Code(%d) = %d", httpStatus, uint32(c))
		}
		if (c == codes.OK) != (httpStatus >= 200 && httpStatus <= 299) {
			t.Fatalf("Code(%d) = %v", httpStatus, c)
		}
	})
}

// FuzzHTTPStatusOf builds statuses from arbitrary codes, messages and
// detail bytes, some under the pin's type URL, and checks HTTPStatusOf never
// panics and answers 200 only for nil and otherwise 400 to 599.
func FuzzHTTPStatusOf(f *testing.F) {
	pin, _ := proto.Marshal(&statusmapv1.HttpStatus{Code: 405, AllowedMethods: []string{"GET"}})
	f.Add(int32(5), "not found", "type.googleapis.com/statusmap.v1.HttpStatus", pin, true)
	f.Add(int32(0), "", "type.googleapis.com/statusmap.v1.HttpStatus", pin, false)
	f.Add(int32(99), "\xff\xfe", "x/statusmap.v1.HttpStatus", []byte{0x08, 0xc8, 0x01}, true)
	f.Add(int32(-3), "m", "", []byte{0xff}, true)
	f.Fuzz(func(t *testing.T, code int32, msg, typeURL string, value []byte, twice bool) {
		details := []*anypb.Any{{TypeUrl: typeURL, Value: value}}
		if twice {
			details = append(details, &anypb.Any{TypeUrl: "type.googleapis.com/statusmap.v1.HttpStatus", Value: value})
		}
		err := status.FromProto(&spb.Status{Code: code, Message: msg, Details: details}).Err()
		got := statusmap.HTTPStatusOf(err)
		switch {
		case err == nil && got != 200:
			t.Fatalf("HTTPStatusOf(nil) = %d", got)
		case err != nil && (got < 400 || got > 599):
			t.Fatalf("HTTPStatusOf(code %d) = %d", code, got)
		}
		if err == nil {
			return
		}
		if p := statusmap.PinOf(err); p != nil {
			if got != int(p.GetCode()) {
				t.Fatalf("pinned %d but HTTPStatusOf = %d", p.GetCode(), got)
			}
		} else if want := statusmap.HTTPStatus(codes.Code(code)); code != 0 && got != want {
			t.Fatalf("unpinned code %d: HTTPStatusOf = %d; want %d", code, got, want)
		}
	})
}
