package body

import (
	"strings"

	"google.golang.org/protobuf/encoding/protowire"
)

// The schemas of the google.rpc error details that the wire-bytes
// renderer (detailjson.go) writes. TestDetailSchemas holds them to the
// generated descriptors.

// detailKind is how a field of an error detail is read and written.
type detailKind uint8

const (
	dkString        detailKind = iota // string
	dkStrings                         // repeated string
	dkStringMap                       // map<string, string>
	dkInt64                           // int64
	dkOptionalInt64                   // proto3 optional int64: written only when present
	dkMessage                         // a message, which has presence
	dkMessages                        // repeated message
	dkDuration                        // google.protobuf.Duration, which has presence
)

// detailField is one field of a detail message, in declaration order,
// which is the order protojson writes fields in.
type detailField struct {
	num       protowire.Number
	jsonName  string
	protoName string
	kind      detailKind
	message   *detailMessage // for dkMessage and dkMessages
}

// detailMessage is the schema of one message.
type detailMessage struct {
	fullName string
	fields   []detailField
}

// maxDetailFields is the most fields any schema has.
const maxDetailFields = 8

var (
	localizedMessageSchema = &detailMessage{"google.rpc.LocalizedMessage", []detailField{
		{1, "locale", "locale", dkString, nil},
		{2, "message", "message", dkString, nil},
	}}
	errorInfoSchema = &detailMessage{"google.rpc.ErrorInfo", []detailField{
		{1, "reason", "reason", dkString, nil},
		{2, "domain", "domain", dkString, nil},
		{3, "metadata", "metadata", dkStringMap, nil},
	}}
	retryInfoSchema = &detailMessage{"google.rpc.RetryInfo", []detailField{
		{1, "retryDelay", "retry_delay", dkDuration, nil},
	}}
	debugInfoSchema = &detailMessage{"google.rpc.DebugInfo", []detailField{
		{1, "stackEntries", "stack_entries", dkStrings, nil},
		{2, "detail", "detail", dkString, nil},
	}}
	quotaViolationSchema = &detailMessage{"google.rpc.QuotaFailure.Violation", []detailField{
		{1, "subject", "subject", dkString, nil},
		{2, "description", "description", dkString, nil},
		{3, "apiService", "api_service", dkString, nil},
		{4, "quotaMetric", "quota_metric", dkString, nil},
		{5, "quotaId", "quota_id", dkString, nil},
		{6, "quotaDimensions", "quota_dimensions", dkStringMap, nil},
		{7, "quotaValue", "quota_value", dkInt64, nil},
		{8, "futureQuotaValue", "future_quota_value", dkOptionalInt64, nil},
	}}
	quotaFailureSchema = &detailMessage{"google.rpc.QuotaFailure", []detailField{
		{1, "violations", "violations", dkMessages, quotaViolationSchema},
	}}
	preconditionViolationSchema = &detailMessage{"google.rpc.PreconditionFailure.Violation", []detailField{
		{1, "type", "type", dkString, nil},
		{2, "subject", "subject", dkString, nil},
		{3, "description", "description", dkString, nil},
	}}
	preconditionFailureSchema = &detailMessage{"google.rpc.PreconditionFailure", []detailField{
		{1, "violations", "violations", dkMessages, preconditionViolationSchema},
	}}
	fieldViolationSchema = &detailMessage{"google.rpc.BadRequest.FieldViolation", []detailField{
		{1, "field", "field", dkString, nil},
		{2, "description", "description", dkString, nil},
		{3, "reason", "reason", dkString, nil},
		{4, "localizedMessage", "localized_message", dkMessage, localizedMessageSchema},
	}}
	badRequestSchema = &detailMessage{"google.rpc.BadRequest", []detailField{
		{1, "fieldViolations", "field_violations", dkMessages, fieldViolationSchema},
	}}
	requestInfoSchema = &detailMessage{"google.rpc.RequestInfo", []detailField{
		{1, "requestId", "request_id", dkString, nil},
		{2, "servingData", "serving_data", dkString, nil},
	}}
	resourceInfoSchema = &detailMessage{"google.rpc.ResourceInfo", []detailField{
		{1, "resourceType", "resource_type", dkString, nil},
		{2, "resourceName", "resource_name", dkString, nil},
		{3, "owner", "owner", dkString, nil},
		{4, "description", "description", dkString, nil},
	}}
	helpLinkSchema = &detailMessage{"google.rpc.Help.Link", []detailField{
		{1, "description", "description", dkString, nil},
		{2, "url", "url", dkString, nil},
	}}
	helpSchema = &detailMessage{"google.rpc.Help", []detailField{
		{1, "links", "links", dkMessages, helpLinkSchema},
	}}

	// detailSchemas are the details rendered from the wire.
	detailSchemas = [...]*detailMessage{
		errorInfoSchema, requestInfoSchema, retryInfoSchema, resourceInfoSchema, badRequestSchema,
		preconditionFailureSchema, quotaFailureSchema, helpSchema, localizedMessageSchema, debugInfoSchema,
	}
)

// detailSchema returns the schema of the detail type a type URL names, as
// protojson's resolver finds it (by the name after the last slash), or nil.
func detailSchema(typeURL string) *detailMessage {
	name := typeURL[strings.LastIndexByte(typeURL, '/')+1:]
	if !strings.HasPrefix(name, "google.rpc.") {
		return nil
	}
	for _, m := range detailSchemas {
		if m.fullName == name {
			return m
		}
	}
	return nil
}

// index returns the index of field num in m, or -1.
func (m *detailMessage) index(num protowire.Number) int {
	for i := range m.fields {
		if m.fields[i].num == num {
			return i
		}
	}
	return -1
}

// wireType is the wire type a field is read from.
func (f *detailField) wireType() protowire.Type {
	if f.kind == dkInt64 || f.kind == dkOptionalInt64 {
		return protowire.VarintType
	}
	return protowire.BytesType
}
