package validation

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	validate "buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"
)

// el builds a path element: a field, with an optional subscript.
func el(number int32, name string, subscript ...func(*validate.FieldPathElement)) *validate.FieldPathElement {
	e := &validate.FieldPathElement{}
	e.SetFieldNumber(number)
	if name != "" {
		e.SetFieldName(name)
	}
	for _, s := range subscript {
		s(e)
	}
	return e
}

func index(i uint64) func(*validate.FieldPathElement) {
	return func(e *validate.FieldPathElement) { e.SetIndex(i) }
}
func boolKey(k bool) func(*validate.FieldPathElement) {
	return func(e *validate.FieldPathElement) { e.SetBoolKey(k) }
}
func intKey(k int64) func(*validate.FieldPathElement) {
	return func(e *validate.FieldPathElement) { e.SetIntKey(k) }
}
func uintKey(k uint64) func(*validate.FieldPathElement) {
	return func(e *validate.FieldPathElement) { e.SetUintKey(k) }
}
func stringKey(k string) func(*validate.FieldPathElement) {
	return func(e *validate.FieldPathElement) { e.SetStringKey(k) }
}

func path(elements ...*validate.FieldPathElement) *validate.FieldPath {
	p := &validate.FieldPath{}
	p.SetElements(elements)
	return p
}

// testRequest is the descriptor of a request message shaped like the end
// to end example's (examples/validation), with a json_name option that only
// the descriptor knows:
//
//	message Order {
//	  repeated Item line_items = 1;
//	  map<string, Item> by_sku = 2;
//	  Contact contact = 3;
//	  oneof payment { Card card = 4; string voucher_code = 5; }
//	  string customer_ref = 6 [json_name = "customer"];
//	  map<int64, string> notes = 7;
//	}
//	message Item { string sku = 1; int32 unit_count = 2; }
//	message Contact { string email_address = 1; }
//	message Card { string card_number = 1; }
func testRequest(t testing.TB) protoreflect.MessageDescriptor {
	t.Helper()
	s := proto.String
	i := proto.Int32
	opt := descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum()
	rep := descriptorpb.FieldDescriptorProto_LABEL_REPEATED.Enum()
	str := descriptorpb.FieldDescriptorProto_TYPE_STRING.Enum()
	msg := descriptorpb.FieldDescriptorProto_TYPE_MESSAGE.Enum()
	i32 := descriptorpb.FieldDescriptorProto_TYPE_INT32.Enum()
	i64 := descriptorpb.FieldDescriptorProto_TYPE_INT64.Enum()
	field := func(name string, n int32, l *descriptorpb.FieldDescriptorProto_Label, ty *descriptorpb.FieldDescriptorProto_Type, typeName string) *descriptorpb.FieldDescriptorProto {
		f := &descriptorpb.FieldDescriptorProto{Name: s(name), Number: i(n), Label: l, Type: ty}
		if typeName != "" {
			f.TypeName = s(typeName)
		}
		return f
	}
	customer := field("customer_ref", 6, opt, str, "")
	customer.JsonName = s("customer")
	card := field("card", 4, opt, msg, ".test.v1.Card")
	card.OneofIndex = i(0)
	voucher := field("voucher_code", 5, opt, str, "")
	voucher.OneofIndex = i(0)
	mapEntry := func(name string, keyType *descriptorpb.FieldDescriptorProto_Type, valueType *descriptorpb.FieldDescriptorProto_Type, valueTypeName string) *descriptorpb.DescriptorProto {
		return &descriptorpb.DescriptorProto{
			Name:    s(name),
			Field:   []*descriptorpb.FieldDescriptorProto{field("key", 1, opt, keyType, ""), field("value", 2, opt, valueType, valueTypeName)},
			Options: &descriptorpb.MessageOptions{MapEntry: proto.Bool(true)},
		}
	}
	file := &descriptorpb.FileDescriptorProto{
		Name:    s("test/v1/order.proto"),
		Package: s("test.v1"),
		Syntax:  s("proto3"),
		MessageType: []*descriptorpb.DescriptorProto{
			{
				Name: s("Order"),
				Field: []*descriptorpb.FieldDescriptorProto{
					field("line_items", 1, rep, msg, ".test.v1.Item"),
					field("by_sku", 2, rep, msg, ".test.v1.Order.BySkuEntry"),
					field("contact", 3, opt, msg, ".test.v1.Contact"),
					card, voucher, customer,
					field("notes", 7, rep, msg, ".test.v1.Order.NotesEntry"),
				},
				NestedType: []*descriptorpb.DescriptorProto{
					mapEntry("BySkuEntry", str, msg, ".test.v1.Item"),
					mapEntry("NotesEntry", i64, str, ""),
				},
				OneofDecl: []*descriptorpb.OneofDescriptorProto{{Name: s("payment")}},
			},
			{Name: s("Item"), Field: []*descriptorpb.FieldDescriptorProto{field("sku", 1, opt, str, ""), field("unit_count", 2, opt, i32, "")}},
			{Name: s("Contact"), Field: []*descriptorpb.FieldDescriptorProto{field("email_address", 1, opt, str, "")}},
			{Name: s("Card"), Field: []*descriptorpb.FieldDescriptorProto{field("card_number", 1, opt, str, "")}},
		},
	}
	fd, err := protodesc.NewFile(file, nil)
	if err != nil {
		t.Fatal(err)
	}
	return fd.Messages().ByName("Order")
}

func TestFieldPath(t *testing.T) {
	root := testRequest(t)
	tests := []struct {
		name string
		path *validate.FieldPath
		// json without a descriptor, withRoot with one, proto with proto
		// names.
		json, withRoot, proto string
	}{
		{"empty (a message-level rule)", path(), "", "", ""},
		{"top-level", path(el(6, "customer_ref")), "customerRef", "customer", "customer_ref"},
		{"list index, nested", path(el(1, "line_items", index(2)), el(1, "sku")),
			"lineItems[2].sku", "lineItems[2].sku", "line_items[2].sku"},
		{"nested message", path(el(3, "contact"), el(1, "email_address")),
			"contact.emailAddress", "contact.emailAddress", "contact.email_address"},
		{"oneof member, nested", path(el(4, "card"), el(1, "card_number")),
			"card.cardNumber", "card.cardNumber", "card.card_number"},
		{"oneof scalar member", path(el(5, "voucher_code")), "voucherCode", "voucherCode", "voucher_code"},
		{"string map key, then a field of the value", path(el(2, "by_sku", stringKey("env")), el(2, "unit_count")),
			`bySku["env"].unitCount`, `bySku["env"].unitCount`, `by_sku["env"].unit_count`},
		{"int map key", path(el(7, "notes", intKey(-42))), "notes[-42]", "notes[-42]", "notes[-42]"},
		{"uint map key", path(el(7, "notes", uintKey(18446744073709551615))), "notes[18446744073709551615]", "notes[18446744073709551615]", "notes[18446744073709551615]"},
		{"bool map key", path(el(7, "notes", boolKey(true))), "notes[true]", "notes[true]", "notes[true]"},
		{"false map key", path(el(7, "notes", boolKey(false))), "notes[false]", "notes[false]", "notes[false]"},
		{"string key with quotes and backslash", path(el(2, "by_sku", stringKey(`a"b\c`))),
			`bySku["a\"b\\c"]`, `bySku["a\"b\\c"]`, `by_sku["a\"b\\c"]`},
		{"string key with control characters", path(el(2, "by_sku", stringKey("l1\nl2\t\r\x00\x1f\x7f"))),
			`bySku["l1\nl2\t\r\u0000\u001f\u007f"]`, `bySku["l1\nl2\t\r\u0000\u001f\u007f"]`, `by_sku["l1\nl2\t\r\u0000\u001f\u007f"]`},
		{"string key with non-ASCII and invalid UTF-8", path(el(2, "by_sku", stringKey("é\xff]."))),
			"bySku[\"é\ufffd].\"]", "bySku[\"é\ufffd].\"]", "by_sku[\"é\ufffd].\"]"},
		{"empty string key", path(el(2, "by_sku", stringKey(""))), `bySku[""]`, `bySku[""]`, `by_sku[""]`},
		{"index 0", path(el(1, "line_items", index(0))), "lineItems[0]", "lineItems[0]", "line_items[0]"},
		{"extension", path(el(100, "[test.v1.ext_field]")), "[test.v1.ext_field]", "[test.v1.ext_field]", "[test.v1.ext_field]"},
		{"no name, known number", path(el(6, "")), "6", "customer", "customer_ref"},
		{"name mismatching the descriptor's number", path(el(6, "other_name")), "otherName", "otherName", "other_name"},
		{"past an unknown element, names are derived", path(el(9, "lost_field"), el(6, "customer_ref")),
			"lostField.customerRef", "lostField.customerRef", "lost_field.customer_ref"},
		{"through a scalar", path(el(5, "voucher_code"), el(1, "deep_er")), "voucherCode.deepEr", "voucherCode.deepEr", "voucher_code.deep_er"},
		{"invalid UTF-8 in a name", path(el(50, "bad\xffname")), "bad\ufffdname", "bad\ufffdname", "bad\ufffdname"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FieldPath(tt.path, Names{}); got != tt.json {
				t.Errorf("JSON names, no descriptor: %q, want %q", got, tt.json)
			}
			if got := FieldPath(tt.path, Names{Root: root}); got != tt.withRoot {
				t.Errorf("JSON names, descriptor: %q, want %q", got, tt.withRoot)
			}
			if got := FieldPath(tt.path, Names{Root: root, ProtoNames: true}); got != tt.proto {
				t.Errorf("proto names: %q, want %q", got, tt.proto)
			}
		})
	}
}

// TestStringKeyIsJSON: a string key's subscript is a JSON string that
// decodes back to the key (made valid UTF-8).
func TestStringKeyIsJSON(t *testing.T) {
	for _, key := range []string{"", "env", `"`, `\`, "\u2028", "\x00\x01\x7f", "日本", "a\xc0b", "]}[{"} {
		got := FieldPath(path(el(1, "m", stringKey(key))), Names{})
		quoted := strings.TrimSuffix(strings.TrimPrefix(got, "m["), "]")
		var back string
		if err := json.Unmarshal([]byte(quoted), &back); err != nil {
			t.Errorf("key %q: subscript %s is not a JSON string: %v", key, quoted, err)
			continue
		}
		if want := string([]rune(key)); back != want {
			t.Errorf("key %q: decodes to %q, want %q", key, back, want)
		}
	}
}

func TestJSONCamelCase(t *testing.T) {
	// What protoc and protodesc give as the JSON name.
	for in, want := range map[string]string{
		"sku": "sku", "unit_count": "unitCount", "a__b": "aB", "x_1": "x1", "_lead": "Lead",
		"trail_": "trail", "already_Upper": "alreadyUpper", "camelCase": "camelCase", "a_b_c": "aBC", "": "",
	} {
		if got := JSONCamelCase(in); got != want {
			t.Errorf("JSONCamelCase(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestJSONCamelCaseMatchesProtodesc: the derived name is the one protodesc
// computes for a field without json_name.
func TestJSONCamelCaseMatchesProtodesc(t *testing.T) {
	root := testRequest(t)
	fields := root.Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		if fd.HasJSONName() {
			continue
		}
		if got := JSONCamelCase(string(fd.Name())); got != fd.JSONName() {
			t.Errorf("%s: %q, protodesc says %q", fd.Name(), got, fd.JSONName())
		}
	}
}

func violation(field *validate.FieldPath, ruleID, message string) *validate.Violation {
	v := &validate.Violation{}
	if field != nil {
		v.SetField(field)
	}
	if ruleID != "" {
		v.SetRuleId(ruleID)
	}
	v.SetMessage(message)
	return v
}

func violations(vs ...*validate.Violation) *validate.Violations {
	out := &validate.Violations{}
	out.SetViolations(vs)
	return out
}

func mustAny(t testing.TB, m proto.Message) *anypb.Any {
	t.Helper()
	a, err := anypb.New(m)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestBadRequest(t *testing.T) {
	rule := path(el(14, "string"), el(2, "min_len"))
	v := violations(
		violation(path(el(1, "line_items", index(2)), el(1, "sku")), "string.min_len", "value length must be at least 1 characters"),
		violation(path(el(2, "by_sku", stringKey("env"))), "", "no rule id"),
		violation(nil, "order.total", "a message-level CEL rule"),
	)
	v.GetViolations()[1].SetRule(rule)
	got := BadRequest(v, Names{})
	want := &errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{
		{Field: "lineItems[2].sku", Description: "value length must be at least 1 characters", Reason: "string.min_len"},
		{Field: `bySku["env"]`, Description: "no rule id", Reason: "string.min_len"},
		{Field: "", Description: "a message-level CEL rule", Reason: "order.total"},
	}}
	if !proto.Equal(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
}

func TestBadRequestInvalidUTF8(t *testing.T) {
	got := BadRequest(violations(violation(path(el(1, "a\xff")), "r\xfe", "m\xc0")), Names{})
	fv := got.GetFieldViolations()[0]
	for _, s := range []string{fv.GetField(), fv.GetDescription(), fv.GetReason()} {
		if !utf8.ValidString(s) {
			t.Errorf("%q is not valid UTF-8", s)
		}
	}
	if _, err := proto.Marshal(got); err != nil {
		t.Errorf("marshal: %v", err)
	}
}

func TestRewrite(t *testing.T) {
	v := violations(violation(path(el(1, "line_items", index(0)), el(1, "sku")), "string.min_len", "too short"))
	va := mustAny(t, v)
	other := mustAny(t, durationpb.New(5))
	br := mustAny(t, BadRequest(v, Names{}))
	broken := &anypb.Any{TypeUrl: "type.googleapis.com/buf.validate.Violations", Value: []byte{0xff}}
	ownBR := mustAny(t, &errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{{Field: "own"}}})

	tests := []struct {
		name    string
		in      []*anypb.Any
		mode    Mode
		want    []*anypb.Any
		changed bool
	}{
		{"off", []*anypb.Any{other, va}, Off, []*anypb.Any{other, va}, false},
		{"no violations", []*anypb.Any{other}, Keep, []*anypb.Any{other}, false},
		{"keep: after the violations", []*anypb.Any{other, va, other}, Keep, []*anypb.Any{other, va, br, other}, true},
		{"replace: in their place", []*anypb.Any{other, va, other}, Replace, []*anypb.Any{other, br, other}, true},
		{"two Violations become one BadRequest", []*anypb.Any{va, va}, Replace,
			[]*anypb.Any{mustAny(t, BadRequest(violations(v.GetViolations()[0], v.GetViolations()[0]), Names{}))}, true},
		{"undecodable Violations are kept, even under Replace", []*anypb.Any{broken}, Replace, []*anypb.Any{broken}, false},
		{"undecodable next to decodable", []*anypb.Any{broken, va}, Replace, []*anypb.Any{broken, br}, true},
		{"a BadRequest already there: keep adds none", []*anypb.Any{ownBR, va}, Keep, []*anypb.Any{ownBR, va}, false},
		{"a BadRequest already there: replace drops the Violations", []*anypb.Any{va, ownBR}, Replace, []*anypb.Any{ownBR}, true},
		{"any type URL prefix", []*anypb.Any{{TypeUrl: "example.com/x/buf.validate.Violations", Value: va.GetValue()}}, Replace, []*anypb.Any{br}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append([]*anypb.Any(nil), tt.in...)
			got, changed := Rewrite(in, tt.mode, Names{})
			if changed != tt.changed {
				t.Errorf("changed = %v, want %v", changed, tt.changed)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d details %v, want %d %v", len(got), got, len(tt.want), tt.want)
			}
			for i := range got {
				if !proto.Equal(got[i], tt.want[i]) {
					t.Errorf("detail %d: %v, want %v", i, got[i], tt.want[i])
				}
			}
			for i := range in {
				if in[i] != tt.in[i] {
					t.Errorf("the input was modified at %d", i)
				}
			}
		})
	}
}

// TestLibraryDoesNotRequireTheValidator: the library reads the violations
// with protovalidate's generated types only; the validator (and CEL) and
// go-grpc-middleware belong to examples/validation's own go.mod.
func TestLibraryDoesNotRequireTheValidator(t *testing.T) {
	b, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		for _, banned := range []string{"buf.build/go/protovalidate ", "go-grpc-middleware", "cel-go", "cel.dev/"} {
			if strings.Contains(line, banned) {
				t.Errorf("go.mod requires %q: %s", banned, line)
			}
		}
	}
}
