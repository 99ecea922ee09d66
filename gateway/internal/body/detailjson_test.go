package body

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"
)

// TestDetailSchemas holds the renderer's tables to the descriptors of the
// linked google.rpc types: the same fields, in declaration order (the order
// protojson writes them in), with the same numbers, names, kinds and
// presence. A new field upstream fails here before it is silently left out.
func TestDetailSchemas(t *testing.T) {
	for _, m := range detailSchemas {
		mt, err := protoregistry.GlobalTypes.FindMessageByName(protoreflect.FullName(m.fullName))
		if err != nil {
			t.Fatalf("%s: %v", m.fullName, err)
		}
		checkDetailSchema(t, m, mt.Descriptor())
	}
}

func checkDetailSchema(t *testing.T, m *detailMessage, md protoreflect.MessageDescriptor) {
	t.Helper()
	if string(md.FullName()) != m.fullName {
		t.Errorf("schema %s describes %s", m.fullName, md.FullName())
	}
	fds := md.Fields()
	if fds.Len() != len(m.fields) || len(m.fields) > maxDetailFields {
		t.Errorf("%s: %d fields in the schema, %d in the descriptor (at most %d)", m.fullName, len(m.fields), fds.Len(), maxDetailFields)
		return
	}
	for i, f := range m.fields {
		fd := fds.Get(i)
		if fd.Number() != f.num || fd.JSONName() != f.jsonName || fd.TextName() != f.protoName {
			t.Errorf("%s field %d: schema %d %q %q; descriptor %d %q %q", m.fullName, i, f.num, f.jsonName, f.protoName, fd.Number(), fd.JSONName(), fd.TextName())
		}
		var want detailKind
		switch {
		case fd.IsMap():
			if fd.MapKey().Kind() != protoreflect.StringKind || fd.MapValue().Kind() != protoreflect.StringKind {
				t.Errorf("%s: a map not of strings", fd.FullName())
			}
			want = dkStringMap
		case fd.Kind() == protoreflect.StringKind && fd.IsList():
			want = dkStrings
		case fd.Kind() == protoreflect.StringKind:
			want = dkString
		case fd.Kind() == protoreflect.Int64Kind && fd.HasOptionalKeyword():
			want = dkOptionalInt64
		case fd.Kind() == protoreflect.Int64Kind && !fd.IsList():
			want = dkInt64
		case fd.Kind() == protoreflect.MessageKind && fd.Message().FullName() == "google.protobuf.Duration" && !fd.IsList():
			want = dkDuration
		case fd.Kind() == protoreflect.MessageKind && fd.IsList():
			want = dkMessages
		case fd.Kind() == protoreflect.MessageKind:
			want = dkMessage
		default:
			t.Errorf("%s: kind %v the renderer does not know", fd.FullName(), fd.Kind())
			continue
		}
		if f.kind != want {
			t.Errorf("%s: schema kind %d; want %d", fd.FullName(), f.kind, want)
		}
		if want == dkMessage || want == dkMessages {
			if f.message == nil {
				t.Errorf("%s: no schema for its message", fd.FullName())
				continue
			}
			checkDetailSchema(t, f.message, fd.Message())
		}
	}
}

// detailFuzzOptions are the option sets the per-type targets pick from:
// the body targets' seven and both emit options at once.
var detailFuzzOptions = []protojson.MarshalOptions{
	{EmitUnpopulated: true},
	{},
	{UseProtoNames: true, EmitUnpopulated: true},
	{UseProtoNames: true},
	{EmitDefaultValues: true},
	{UseEnumNumbers: true, EmitUnpopulated: true},
	{Multiline: true, Indent: "  ", EmitUnpopulated: true},
	{EmitUnpopulated: true, EmitDefaultValues: true, UseProtoNames: true, AllowPartial: true},
}

// detailFuzzPrefixes are type URL prefixes, protojson resolving a type by
// the name after the last slash: the usual one, none, a deep one, one to
// escape, and one that is not UTF-8.
var detailFuzzPrefixes = []string{"type.googleapis.com/", "", "example.com/a/b/", "q\"\\\n\x01<&>\u2028/", "\xff/"}

// stripRandomSpace removes the spaces protojson adds between tokens at
// random (after a comma, in single-line output), nothing inside strings.
func stripRandomSpace(b []byte) []byte {
	out := make([]byte, 0, len(b))
	inString, escaped := false, false
	for _, c := range b {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == ' ' || c == '\n' || c == '\t' || c == '\r':
			continue
		}
		out = append(out, c)
	}
	return out
}

// checkDetailFast is the differential check of every per-type target: the
// fast renderer either writes protojson's bytes (spaces aside) for the
// detail, or refuses and writes nothing. It may refuse only what protojson
// refuses, multi-line options, an unresolvable prefix, or bytes that are
// not a canonical encoding: the same message re-encoded by proto.Marshal
// (unknown fields dropped) must be rendered.
func checkDetailFast(t *testing.T, m proto.Message, value []byte, opt byte) {
	opts := detailFuzzOptions[int(opt)%len(detailFuzzOptions)]
	prefix := detailFuzzPrefixes[int(opt)/len(detailFuzzOptions)%len(detailFuzzPrefixes)]
	detail := &anypb.Any{TypeUrl: prefix + string(m.ProtoReflect().Descriptor().FullName()), Value: value}
	got, ok := appendDetailFast([]byte("[1,"), detail, opts)
	if !bytes.HasPrefix(got, []byte("[1,")) {
		t.Fatalf("the renderer overwrote what was in the buffer: %q", got)
	}
	got = got[3:]
	single := opts
	single.Multiline, single.Indent = false, ""
	want, err := single.Marshal(detail)
	if !ok {
		if len(got) != 0 {
			t.Fatalf("refused, but wrote %q", got)
		}
		if err != nil || opts.Multiline {
			return
		}
		canonical := m.ProtoReflect().New().Interface()
		if err := (proto.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(value, canonical); err != nil {
			t.Fatalf("protojson writes bytes proto.Unmarshal refuses (%v): %x", err, value)
		}
		reencoded, err := proto.MarshalOptions{Deterministic: true}.Marshal(canonical)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(reencoded, value) {
			t.Fatalf("refused %x (%+v), a canonical encoding protojson writes as %s", value, opts, want)
		}
		checkDetailFast(t, m, reencoded, opt)
		return
	}
	if opts.Multiline {
		t.Fatalf("rendered %s under multi-line options", got)
	}
	if err != nil {
		t.Fatalf("rendered %x as %s, which protojson refuses: %v", value, got, err)
	}
	if want = stripRandomSpace(want); !bytes.Equal(got, want) {
		t.Fatalf("value %x, options %+v:\n got %s\nwant %s", value, opts, got, want)
	}
}

// detailFuzz runs a per-type target, seeded with each seed message under
// each option set, and with a few encodings no proto.Marshal writes.
func detailFuzz(f *testing.F, m proto.Message, seeds ...proto.Message) {
	// Each seed under grpc-gateway's default options, proto names, no
	// emitted zeros, and one more set and prefix in turn: every option
	// set and prefix is seeded without multiplying the corpus, which CI
	// fuzzes for 10 s.
	turn := 0
	add := func(value []byte) {
		for _, opt := range []int{0, 1, 2, 3 + turn%(len(detailFuzzOptions)*len(detailFuzzPrefixes)-3)} {
			f.Add(value, byte(opt))
		}
		turn++
	}
	for _, s := range seeds {
		value, err := proto.MarshalOptions{Deterministic: true}.Marshal(s)
		if err != nil {
			f.Fatal(err)
		}
		add(value)
		// The same fields twice: the last string wins, lists grow,
		// messages merge.
		f.Add(append(append([]byte(nil), value...), value...), byte(0))
		// Each field of another wire type (an unknown field), and an
		// unknown field.
		f.Add(append(protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.VarintType), 7), value...), byte(2))
		f.Add(append(protowire.AppendString(protowire.AppendTag(nil, 99, protowire.BytesType), "x"), value...), byte(1))
		// A string that is not UTF-8 in field 1.
		f.Add(append(protowire.AppendString(protowire.AppendTag(nil, 1, protowire.BytesType), "\xff"), value...), byte(0))
		// A field number beyond protobuf's range, which protobuf refuses
		// though protowire reads it.
		f.Add(append(protowire.AppendVarint(protowire.AppendTag(nil, protowire.MaxValidNumber+1, protowire.VarintType), 1), value...), byte(0))
		// A group, and a truncated value.
		f.Add(append(protowire.AppendTag(protowire.AppendTag(nil, 5, protowire.StartGroupType), 5, protowire.EndGroupType), value...), byte(0))
		if len(value) > 1 {
			f.Add(value[:len(value)-1], byte(0))
		}
	}
	f.Add([]byte{}, byte(0))
	f.Add([]byte{}, byte(1))
	f.Fuzz(func(t *testing.T, value []byte, opt byte) {
		checkDetailFast(t, m, value, opt)
	})
}

// detailFuzzText are strings that exercise escaping: protojson escapes '"',
// '\\' and control characters only, \b \f \n \r \t by name.
var detailFuzzText = []string{
	"", "req-7", "quote \" backslash \\", "\b\f\n\r\t\x00\x01\x1f\x7f", "<html>&amp;'\u2028\u2029", "\U0001F600 é 中",
}

func FuzzErrorInfoJSON(f *testing.F) {
	seeds := []proto.Message{
		&errdetails.ErrorInfo{},
		&errdetails.ErrorInfo{Reason: "QUOTA", Domain: "bookshelf.example", Metadata: map[string]string{"request_id": "42", "b": "", "": "empty key", "a": "1"}},
	}
	for _, s := range detailFuzzText {
		seeds = append(seeds, &errdetails.ErrorInfo{Reason: s, Metadata: map[string]string{s: s, "k": s}})
	}
	many := map[string]string{}
	for i := range 20 {
		many[strings.Repeat("k", 20-i)] = strings.Repeat("v", i)
	}
	seeds = append(seeds, &errdetails.ErrorInfo{Metadata: many})
	detailFuzz(f, &errdetails.ErrorInfo{}, seeds...)
}

func FuzzRequestInfoJSON(f *testing.F) {
	seeds := []proto.Message{&errdetails.RequestInfo{}}
	for _, s := range detailFuzzText {
		seeds = append(seeds, &errdetails.RequestInfo{RequestId: s, ServingData: s + "x"})
	}
	detailFuzz(f, &errdetails.RequestInfo{}, seeds...)
}

// FuzzRetryInfoJSON holds RetryInfo, the one detail with a Duration, to
// protojson: its formatting (3, 6 or 9 digits, signs) and its range.
func FuzzRetryInfoJSON(f *testing.F) {
	seeds := []proto.Message{&errdetails.RetryInfo{}, &errdetails.RetryInfo{RetryDelay: &durationpb.Duration{}}}
	for _, d := range []time.Duration{time.Second, 1500 * time.Millisecond, -1500 * time.Millisecond, time.Nanosecond, 1234 * time.Microsecond, -time.Nanosecond, -999999999} {
		seeds = append(seeds, &errdetails.RetryInfo{RetryDelay: durationpb.New(d)})
	}
	for _, d := range []*durationpb.Duration{{Seconds: 315576000000, Nanos: 999999999}, {Seconds: 315576000001}, {Seconds: -315576000001}, {Seconds: 1, Nanos: -5}, {Nanos: 1e9}, {Seconds: -1, Nanos: 5}} {
		seeds = append(seeds, &errdetails.RetryInfo{RetryDelay: d})
	}
	detailFuzz(f, &errdetails.RetryInfo{}, seeds...)
}

func FuzzResourceInfoJSON(f *testing.F) {
	seeds := []proto.Message{&errdetails.ResourceInfo{}}
	for _, s := range detailFuzzText {
		seeds = append(seeds, &errdetails.ResourceInfo{ResourceType: "book", ResourceName: s, Owner: s, Description: s})
	}
	detailFuzz(f, &errdetails.ResourceInfo{}, seeds...)
}

func FuzzBadRequestJSON(f *testing.F) {
	seeds := []proto.Message{&errdetails.BadRequest{}, &errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{{}, {Field: "a"}}}}
	for _, s := range detailFuzzText {
		seeds = append(seeds, &errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{
			{Field: "book.title", Description: s, Reason: s, LocalizedMessage: &errdetails.LocalizedMessage{Locale: "en-US", Message: s}},
			{Field: s, LocalizedMessage: &errdetails.LocalizedMessage{}},
		}})
	}
	detailFuzz(f, &errdetails.BadRequest{}, seeds...)
}

func FuzzPreconditionFailureJSON(f *testing.F) {
	seeds := []proto.Message{&errdetails.PreconditionFailure{}}
	for _, s := range detailFuzzText {
		seeds = append(seeds, &errdetails.PreconditionFailure{Violations: []*errdetails.PreconditionFailure_Violation{{Type: "TOS", Subject: s, Description: s}, {}}})
	}
	detailFuzz(f, &errdetails.PreconditionFailure{}, seeds...)
}

func FuzzQuotaFailureJSON(f *testing.F) {
	zero, future := int64(0), int64(-7)
	seeds := []proto.Message{&errdetails.QuotaFailure{}, &errdetails.QuotaFailure{Violations: []*errdetails.QuotaFailure_Violation{{}, {FutureQuotaValue: &zero}}}}
	for _, s := range detailFuzzText {
		seeds = append(seeds, &errdetails.QuotaFailure{Violations: []*errdetails.QuotaFailure_Violation{{
			Subject: s, Description: s, ApiService: "books.example", QuotaMetric: s, QuotaId: s,
			QuotaDimensions: map[string]string{s: s, "region": "eu"}, QuotaValue: -1 << 63, FutureQuotaValue: &future,
		}}})
	}
	detailFuzz(f, &errdetails.QuotaFailure{}, seeds...)
}

func FuzzHelpJSON(f *testing.F) {
	seeds := []proto.Message{&errdetails.Help{}, &errdetails.Help{Links: []*errdetails.Help_Link{{}}}}
	for _, s := range detailFuzzText {
		seeds = append(seeds, &errdetails.Help{Links: []*errdetails.Help_Link{{Description: s, Url: "https://example.com/" + s}, {Url: s}}})
	}
	detailFuzz(f, &errdetails.Help{}, seeds...)
}

func FuzzLocalizedMessageJSON(f *testing.F) {
	seeds := []proto.Message{&errdetails.LocalizedMessage{}}
	for _, s := range detailFuzzText {
		seeds = append(seeds, &errdetails.LocalizedMessage{Locale: "fr-CH", Message: s})
	}
	detailFuzz(f, &errdetails.LocalizedMessage{}, seeds...)
}

func FuzzDebugInfoJSON(f *testing.F) {
	seeds := []proto.Message{&errdetails.DebugInfo{}, &errdetails.DebugInfo{StackEntries: []string{"", ""}}}
	for _, s := range detailFuzzText {
		seeds = append(seeds, &errdetails.DebugInfo{StackEntries: []string{"main.go:1", s}, Detail: s})
	}
	detailFuzz(f, &errdetails.DebugInfo{}, seeds...)
}

// TestDetailFastAllocs pins the renderer at no allocation for every type,
// under every option set, with maps of up to eight entries, so that an
// error's cost does not grow with its details.
func TestDetailFastAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes allocation counts")
	}
	future := int64(3)
	link := &errdetails.Help_Link{Description: "d", Url: "https://example.com/\"quoted\""}
	meta := map[string]string{"h": "1", "g": "2", "f": "3", "e": "4", "d": "5", "c": "6", "b": "7", "a": "\n"}
	messages := []proto.Message{
		&errdetails.ErrorInfo{Reason: "QUOTA", Domain: "example.com", Metadata: meta},
		&errdetails.RequestInfo{RequestId: "req-1", ServingData: "\x00"},
		&errdetails.RetryInfo{RetryDelay: durationpb.New(1500 * time.Millisecond)},
		&errdetails.ResourceInfo{ResourceType: "book", ResourceName: "b/1", Owner: "o", Description: "d"},
		&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{{Field: "f", LocalizedMessage: &errdetails.LocalizedMessage{Locale: "en", Message: "m"}}, {}}},
		&errdetails.PreconditionFailure{Violations: []*errdetails.PreconditionFailure_Violation{{Type: "TOS"}}},
		&errdetails.QuotaFailure{Violations: []*errdetails.QuotaFailure_Violation{{Subject: "s", QuotaDimensions: meta, QuotaValue: 5, FutureQuotaValue: &future}}},
		&errdetails.Help{Links: []*errdetails.Help_Link{link, link}},
		&errdetails.LocalizedMessage{Locale: "en", Message: "m"},
		&errdetails.DebugInfo{StackEntries: []string{"a", "b"}, Detail: "d"},
	}
	buf := make([]byte, 0, 4096)
	for _, m := range messages {
		detail, err := anypb.New(m)
		if err != nil {
			t.Fatal(err)
		}
		for _, opts := range detailFuzzOptions {
			if opts.Multiline {
				continue
			}
			allocs := testing.AllocsPerRun(100, func() {
				var ok bool
				if buf, ok = appendDetailFast(buf[:0], detail, opts); !ok {
					t.Fatalf("%T refused", m)
				}
			})
			if allocs != 0 {
				t.Errorf("%T with %+v: %v allocations", m, opts, allocs)
			}
		}
	}
}
