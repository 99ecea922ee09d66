package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
	"google.golang.org/genproto/googleapis/rpc/code"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"
)

// readBodies runs writeBodies into a fresh directory and reads its index.
func readBodies(t *testing.T) (string, []bodyCase) {
	t.Helper()
	dir := t.TempDir()
	var out bytes.Buffer
	if err := writeBodies(context.Background(), dir, steps, &out); err != nil {
		t.Fatalf("writeBodies: %v", err)
	}
	b, err := os.ReadFile(filepath.Join(dir, bodiesIndex))
	if err != nil {
		t.Fatal(err)
	}
	var cases []bodyCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatalf("%s: %v", bodiesIndex, err)
	}
	if want := fmt.Sprintf("wrote %d error bodies", len(cases)); !strings.Contains(out.String(), want) {
		t.Errorf("output %q; want it to contain %q", out.String(), want)
	}
	return dir, cases
}

// TestWriteBodies: one case per error response and per failed stream, in
// each format, shaped as the format says, with the expectation the gRPC
// server's status gives.
func TestWriteBodies(t *testing.T) {
	dir, cases := readBodies(t)

	// The tour's error responses: every step answering 4xx or 5xx, and the
	// stream that fails after its first message.
	var wantPerFormat int
	for _, s := range steps {
		if s.want >= 400 || strings.Contains(s.path, "fail_with=") {
			wantPerFormat++
		}
	}
	byFormat := map[string][]bodyCase{}
	for _, c := range cases {
		byFormat[c.Format] = append(byFormat[c.Format], c)
	}
	for _, f := range bodyFormats {
		if got := len(byFormat[f.String()]); got != wantPerFormat {
			t.Errorf("%d %s cases; want %d", got, f, wantPerFormat)
		}
	}

	for _, c := range cases {
		name := c.Format + " " + c.Request
		wantKind := c.Format
		switch {
		case strings.Contains(c.Request, "count=2"), strings.HasPrefix(c.Request, "GET /v1/stream/") && c.Format == "status":
			// After its first message a stream's error is a chunk; before
			// it, FormatStatus writes grpc-gateway's chunk too.
			wantKind = "stream"
		case strings.Contains(c.What, "problem+json"):
			wantKind = "problem"
		}
		if c.Kind != wantKind {
			t.Errorf("%s: kind %q; want %q", name, c.Kind, wantKind)
		}
		if c.CodeName != code.Code(c.Code).String() || c.Code == 0 {
			t.Errorf("%s: code %d, name %q", name, c.Code, c.CodeName)
		}
		if wantSource := "grpc"; c.Request == "POST /v1/books/1" {
			if c.Source != "grpc-gateway" {
				t.Errorf("%s: source %q; want grpc-gateway (a routing error reaches no server)", name, c.Source)
			}
		} else if c.Source != wantSource {
			t.Errorf("%s: source %q; want %q", name, c.Source, wantSource)
		}
		for _, typ := range c.DetailTypes {
			if typ == pinType {
				t.Errorf("%s: expects the pin %s, which no body should carry", name, typ)
			}
		}
		body, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(c.Body)))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		checkBody(t, name, c, body)
	}

	// The rate-limited read, whose details the server chose, in every format.
	retry, _ := anypb.New(&errdetails.RetryInfo{RetryDelay: durationpb.New(30 * time.Second)})
	info, _ := anypb.New(&errdetails.ErrorInfo{Reason: "RATE_LIMITED", Domain: "bookshelf.example"})
	want := &spb.Status{Code: int32(code.Code_RESOURCE_EXHAUSTED), Message: "book is being read too often", Details: []*anypb.Any{retry, info}}
	for _, f := range bodyFormats {
		c := findCase(t, cases, f.String(), "GET /v1/books/hot")
		if c.HTTP != 503 || c.Kind != f.String() || !proto.Equal(expectedStatus(t, c), want) {
			t.Errorf("%s rate limited: %+v; want 503, %s, %v", f, c, f, want)
		}
	}
}

// checkBody reads a body with protojson, knowing every type this binary
// links, and holds it to the case's expectation. A pin in the body is
// skipped here: that no body carries one is for the clients' strict
// decoders to show (examples/clients).
func checkBody(t *testing.T, name string, c bodyCase, body []byte) {
	t.Helper()
	var got *spb.Status
	switch c.Kind {
	case "status":
		got = &spb.Status{}
		if err := protojson.Unmarshal(body, got); err != nil {
			t.Errorf("%s: %v\n%s", name, err, body)
			return
		}
	case "stream":
		var chunk struct{ Error json.RawMessage }
		got = &spb.Status{}
		if err := json.Unmarshal(body, &chunk); err != nil || protojson.Unmarshal(chunk.Error, got) != nil {
			t.Errorf("%s: not a stream error chunk: %s", name, body)
			return
		}
	case "google":
		var g statusmapv1.GoogleErrorBody
		if err := protojson.Unmarshal(body, &g); err != nil {
			t.Errorf("%s: %v\n%s", name, err, body)
			return
		}
		got = &spb.Status{Code: codeValue(g.GetError().GetStatus()), Message: g.GetError().GetMessage(), Details: g.GetError().GetDetails()}
		if int(g.GetError().GetCode()) != c.HTTP {
			t.Errorf("%s: error.code %d; want the HTTP status %d", name, g.GetError().GetCode(), c.HTTP)
		}
	case "problem":
		var p statusmapv1.Problem
		if err := protojson.Unmarshal(body, &p); err != nil {
			t.Errorf("%s: %v\n%s", name, err, body)
			return
		}
		got = &spb.Status{Code: codeValue(p.GetGrpcCode()), Message: p.GetDetail(), Details: p.GetDetails()}
		if int(p.GetStatus()) != c.HTTP {
			t.Errorf("%s: status %d; want the HTTP status %d", name, p.GetStatus(), c.HTTP)
		}
	default:
		t.Errorf("%s: unknown kind %q", name, c.Kind)
		return
	}
	var kept []*anypb.Any
	for _, d := range got.GetDetails() {
		if d.GetTypeUrl() != pinType {
			kept = append(kept, d)
		}
	}
	got.Details = kept
	if want := expectedStatus(t, c); !proto.Equal(got, want) {
		t.Errorf("%s: body reads as %v; the case expects %v", name, got, want)
	}
}

func codeValue(name string) int32 {
	return code.Code_value[name]
}

// expectedStatus is the case's expectation as a status.
func expectedStatus(t *testing.T, c bodyCase) *spb.Status {
	t.Helper()
	st := &spb.Status{Code: c.Code, Message: c.Message}
	for i, d := range c.Details {
		var a anypb.Any
		if err := protojson.Unmarshal(d, &a); err != nil {
			t.Fatalf("%s %s: detail %d: %v", c.Format, c.Request, i, err)
		}
		if a.GetTypeUrl() != c.DetailTypes[i] {
			t.Errorf("%s %s: detail %d is %s; detailTypes says %s", c.Format, c.Request, i, a.GetTypeUrl(), c.DetailTypes[i])
		}
		st.Details = append(st.Details, &a)
	}
	return st
}

func findCase(t *testing.T, cases []bodyCase, format, request string) bodyCase {
	t.Helper()
	for _, c := range cases {
		if c.Format == format && c.Request == request {
			return c
		}
	}
	t.Fatalf("no %s case for %s", format, request)
	return bodyCase{}
}

// TestWriteBodiesFailsOnAnUnwritableDir: an error is reported, not a
// partial directory passed off as complete.
func TestWriteBodiesFailsOnAnUnwritableDir(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := writeBodies(context.Background(), file, steps[:4], io.Discard); err == nil {
		t.Error("writeBodies into a file: no error")
	}
}
