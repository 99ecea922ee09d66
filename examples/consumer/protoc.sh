statusmap="$(go list -m -f '{{.Dir}}' github.com/statusmap/statusmap)/proto"
mkdir -p gen/openapi
protoc -I proto -I "$statusmap" \
  --plugin=protoc-gen-go="$(go tool -n protoc-gen-go)" \
  --plugin=protoc-gen-go-grpc="$(go tool -n protoc-gen-go-grpc)" \
  --plugin=protoc-gen-grpc-gateway="$(go tool -n protoc-gen-grpc-gateway)" \
  --plugin=protoc-gen-go-statusmap="$(go tool -n protoc-gen-go-statusmap)" \
  --plugin=protoc-gen-openapiv2="$(go tool -n protoc-gen-openapiv2)" \
  --go_out=gen --go_opt=paths=source_relative \
  --go-grpc_out=gen --go-grpc_opt=paths=source_relative \
  --grpc-gateway_out=gen --grpc-gateway_opt=paths=source_relative,grpc_api_configuration=proto/shop/v1/shop_gateway.yaml \
  --go-statusmap_out=gen --go-statusmap_opt=paths=source_relative \
  --openapiv2_out=gen/openapi --openapiv2_opt=grpc_api_configuration=proto/shop/v1/shop_gateway.yaml \
  proto/shop/v1/errors.proto proto/shop/v1/shop.proto
