package main

import (
	"fmt"
	"io"
	"net/http"
	"os"

	"github.com/statusmap/statusmap/gateway"
)

// The tour's OpenAPI document is written by the tour itself, from the
// configuration its server runs with, so that the two cannot drift:
//
//go:generate go run . -openapi ../proto/bookshelf/v1/bookshelf.swagger.json -o ../openapi/bookshelf.statusmap.swagger.json

// gatewayOptions is the tour gateway's configuration, in a body format:
// the server's mux (startWith) and the OpenAPI document (writeOpenAPI) are
// both built from it.
func gatewayOptions(format gateway.Format) []gateway.Option {
	return []gateway.Option{gateway.WithFormat(format)}
}

// openAPIOptions is what the document needs beyond the gateway's options:
// the statuses the shelf pins, which no option of the gateway names (406
// for XML, its own proxy's 407, an upstream's 502). The others are those
// the gateway's configuration can answer.
func openAPIOptions() []gateway.OpenAPIOption {
	return []gateway.OpenAPIOption{
		gateway.WithPinnedStatuses(http.StatusNotAcceptable, http.StatusProxyAuthRequired, http.StatusBadGateway),
	}
}

// writeOpenAPI rewrites the document protoc-gen-openapiv2 generated (in)
// to say what the tour's gateway answers, into out, or stdout if out is "".
func writeOpenAPI(in, out string, stdout io.Writer) error {
	generated, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	doc, err := openAPIDocument(generated)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	if out == "" {
		_, err = stdout.Write(doc)
		return err
	}
	return os.WriteFile(out, doc, 0o644)
}

// openAPIDocument is the rewrite of a generated document by the gateway
// the tour serves (in the status format).
func openAPIDocument(generated []byte) ([]byte, error) {
	g, err := gateway.New(gatewayOptions(gateway.FormatStatus)...)
	if err != nil {
		return nil, err
	}
	return g.OpenAPI(generated, openAPIOptions()...)
}
