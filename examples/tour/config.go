package main

import (
	"net/http"

	"github.com/statusmap/statusmap/gateway"
)

// gatewayOptions is the tour gateway's configuration, in a body format:
// the server's mux (startWith) and the OpenAPI document (openAPIDocument)
// are both built from it.
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

// openAPIDocument is the rewrite of a generated document by the gateway
// the tour serves (in the status format).
func openAPIDocument(generated []byte) ([]byte, error) {
	g, err := gateway.New(gatewayOptions(gateway.FormatStatus)...)
	if err != nil {
		return nil, err
	}
	return g.OpenAPI(generated, openAPIOptions()...)
}
