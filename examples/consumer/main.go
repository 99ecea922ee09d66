// Command shop is a project that uses statusmap from outside its repository:
// it serves OrderService over gRPC and, through a grpc-gateway mux built with
// statusmap's options, over HTTP. Its Go code is generated from its own
// protos (proto/shop/v1) by buf.gen.yaml. statusmap's CI (.ci/consumer)
// copies this directory out of statusmap's checkout and runs it.
package main

import (
	"context"
	"errors"
	"log"
	"net"
	"net/http"
	"strconv"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/statusmap/statusmap/gateway"
	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	shopv1 "example.com/shop/gen/shop/v1"
)

// orders is OrderService: order 42 exists (and cannot be created again), an
// id that is not a number is invalid, any other id is not found, each error
// from the generated catalog.
type orders struct {
	shopv1.UnimplementedOrderServiceServer
}

func (orders) GetOrder(_ context.Context, req *shopv1.GetOrderRequest) (*shopv1.GetOrderResponse, error) {
	id := req.GetId()
	if _, err := strconv.ParseUint(id, 10, 64); err != nil {
		return nil, shopv1.ErrorInvalidOrderId("order id %q is not a number", id)
	}
	if id != "42" {
		return nil, shopv1.ErrorOrderNotFound("no order %s", id)
	}
	return &shopv1.GetOrderResponse{Id: id, Item: "teapot"}, nil
}

func (orders) CreateOrder(_ context.Context, req *shopv1.CreateOrderRequest) (*shopv1.GetOrderResponse, error) {
	if req.GetId() == "42" {
		return nil, shopv1.ErrorOrderExists("order %s exists", req.GetId())
	}
	return &shopv1.GetOrderResponse{Id: req.GetId(), Item: req.GetItem()}, nil
}

// newGRPCServer returns the gRPC server, with statusmap's interceptors.
func newGRPCServer() *grpc.Server {
	srv := grpc.NewServer(
		grpc.ChainUnaryInterceptor(statusmap.UnaryServerInterceptor()),
		grpc.ChainStreamInterceptor(statusmap.StreamServerInterceptor()),
	)
	shopv1.RegisterOrderServiceServer(srv, orders{})
	return srv
}

// newGateway returns the HTTP gateway in front of the gRPC server at addr.
func newGateway(ctx context.Context, addr string) (http.Handler, error) {
	mux := runtime.NewServeMux(gateway.ServeMuxOptions()...)
	dial := []grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}
	if err := shopv1.RegisterOrderServiceHandlerFromEndpoint(ctx, mux, addr, dial); err != nil {
		return nil, err
	}
	return mux, nil
}

func main() {
	lis, err := net.Listen("tcp", "127.0.0.1:9090")
	if err != nil {
		log.Fatal(err)
	}
	go func() { log.Fatal(newGRPCServer().Serve(lis)) }()
	h, err := newGateway(context.Background(), lis.Addr().String())
	if err != nil {
		log.Fatal(err)
	}
	log.Print("HTTP on 127.0.0.1:8080, gRPC on ", lis.Addr())
	if err := http.ListenAndServe("127.0.0.1:8080", h); !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}
