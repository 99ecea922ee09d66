# After buf generate: rewrite the generated document in place, as gofmt -w
# does, with flags that match the gateway's options (this project's gateway
# uses the defaults, so it needs none; statuses the service pins beyond them
# go in -pinned, a proxy challenge in -proxy-authenticate, and so on).
go run github.com/statusmap/statusmap/cmd/statusmap-openapi -w gen/openapi/shop/v1/shop.swagger.json
