package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"buf.build/go/protovalidate"
	protovalidate_middleware "github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/protovalidate"
	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	ordersv1 "github.com/statusmap/statusmap/examples/validation/gen/orders/v1"
	"github.com/statusmap/statusmap/gateway"
	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// orderService places every valid order it is given: the validator, in
// front of it, answers the invalid ones.
type orderService struct {
	ordersv1.UnimplementedOrderServiceServer
}

func (orderService) CreateOrder(_ context.Context, req *ordersv1.CreateOrderRequest) (*ordersv1.Order, error) {
	return &ordersv1.Order{Id: "order-1", Request: req}, nil
}

// servers is a gRPC server with the real protovalidate validator behind
// go-grpc-middleware's interceptor, and a grpc-gateway mux with statusmap's
// gateway in front of it, both on loopback.
type servers struct {
	grpcAddr   string
	gatewayURL string
	stop       func()
}

// config is how start sets the servers up.
type config struct {
	// gateway are the gateway's options (WithFormat, WithValidationDetails).
	gateway []gateway.Option
	// interceptors, if not nil, are statusmap's interceptor options; the
	// interceptors are then installed outside the validator's.
	interceptors []statusmap.Option
	// dial are extra dial options of the gateway's connection (the bodies
	// writer records what the server answered with one).
	dial []grpc.DialOption
}

// start runs the servers as cfg says.
func start(cfg config) (*servers, error) {
	validator, err := protovalidate.New()
	if err != nil {
		return nil, err
	}
	var unary []grpc.UnaryServerInterceptor
	if cfg.interceptors != nil {
		unary = append(unary, statusmap.UnaryServerInterceptor(cfg.interceptors...))
	}
	unary = append(unary, protovalidate_middleware.UnaryServerInterceptor(validator))
	srv := grpc.NewServer(grpc.ChainUnaryInterceptor(unary...))
	ordersv1.RegisterOrderServiceServer(srv, orderService{})
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	go func() { _ = srv.Serve(lis) }()

	ctx, cancel := context.WithCancel(context.Background())
	mux := runtime.NewServeMux(gateway.ServeMuxOptions(cfg.gateway...)...)
	dial := append([]grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}, cfg.dial...)
	if err := ordersv1.RegisterOrderServiceHandlerFromEndpoint(ctx, mux, lis.Addr().String(), dial); err != nil {
		cancel()
		srv.Stop()
		return nil, err
	}
	hlis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cancel()
		srv.Stop()
		return nil, err
	}
	hsrv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = hsrv.Serve(hlis) }()
	return &servers{
		grpcAddr:   lis.Addr().String(),
		gatewayURL: "http://" + hlis.Addr().String(),
		stop: func() {
			_ = hsrv.Close()
			cancel()
			srv.Stop()
		},
	}, nil
}

// request is one request the example sends, and the fields the BadRequest
// must name, by protovalidate's own path (proto names, as
// protovalidate.FieldPathString writes it) mapped to the path in the
// request's JSON names that the gateway must write. Written by hand: the
// expectation must not come from the code under test.
type request struct {
	what   string
	body   string
	fields map[string]string // protovalidate's path -> the JSON path
}

var requests = []request{
	{
		what: "every kind of path",
		body: `{"customerId":"","items":[{"sku":"SKU-1","quantity":1},{"sku":"SKU-2","quantity":2},{"sku":"bad","quantity":0}],` +
			`"labels":{"env":"production","Bad \"key\"":"x"},"shippingAddress":{"postalCode":"1"},"card":{"cardNumber":"12"},"quantityLimit":3}`,
		fields: map[string]string{
			"customer_id":                  "customerId",
			"items[2].sku":                 "items[2].sku",
			"items[2].quantity":            "items[2].quantity",
			`labels["env"]`:                `labels["env"]`,
			`labels["Bad \"key\""]`:        `labels["Bad \"key\""]`,
			"shipping_address.postal_code": "shippingAddress.postalCode",
			"card.card_number":             "card.cardNumber",
			"quantity_limit":               "quantityLimit",
		},
	},
	{
		what: "a oneof left unset, a message-level CEL rule",
		body: `{"customerId":"c-1","items":[{"sku":"SKU-1","quantity":1}],"gift":true}`,
		fields: map[string]string{
			"payment": "payment",
			"":        "",
		},
	},
	{
		what: "the oneof's other member, no items",
		body: `{"customerId":"c-1","voucherCode":"short","quantityLimit":4}`,
		fields: map[string]string{
			"items":        "items",
			"voucher_code": "voucherCode",
		},
	},
}

// validRequest is an order the validator lets through.
const validRequest = `{"customerId":"c-1","items":[{"sku":"SKU-1","quantity":1}],"labels":{"env":"prod"},"voucherCode":"ABCDEFGH","quantityLimit":2}`

func (r request) String() string { return fmt.Sprintf("POST /v1/orders (%s)", r.what) }
