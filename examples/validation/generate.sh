#!/usr/bin/env bash
# Generates gen/orders/v1 from proto/orders/v1/orders.proto with protoc and
# the protoc plugins pinned in the repository's .ci/tools/go.mod (built, not
# installed). buf/validate/validate.proto, which orders.proto imports, is
# not downloaded: cmd/validate-descriptor writes it as a descriptor set from
# the descriptor embedded in protovalidate's generated Go package (in the Go
# module cache), and protoc reads it with --descriptor_set_in. Works
# offline once `go mod download` has run. Needs protoc (Debian:
# protobuf-compiler).
#
#   ./generate.sh          regenerate gen/
#   ./generate.sh -check   fail if gen/ is not what generation gives
set -euo pipefail
cd "$(dirname "$0")"
root="$(cd ../.. && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

for plugin in google.golang.org/protobuf/cmd/protoc-gen-go \
  google.golang.org/grpc/cmd/protoc-gen-go-grpc \
  github.com/grpc-ecosystem/grpc-gateway/v2/protoc-gen-grpc-gateway; do
  (cd "$root" && go build -modfile=.ci/tools/go.mod -o "$tmp/bin/" "$plugin")
done
go run ./cmd/validate-descriptor >"$tmp/validate.binpb"

out="$tmp/gen"
mkdir -p "$out"
mod=github.com/statusmap/statusmap/examples/validation
protoc --descriptor_set_in="$tmp/validate.binpb" -I proto \
  --plugin=protoc-gen-go="$tmp/bin/protoc-gen-go" \
  --plugin=protoc-gen-go-grpc="$tmp/bin/protoc-gen-go-grpc" \
  --plugin=protoc-gen-grpc-gateway="$tmp/bin/protoc-gen-grpc-gateway" \
  --go_out="$out" --go_opt=module="$mod" \
  --go_opt=Mbuf/validate/validate.proto=buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate \
  --go-grpc_out="$out" --go-grpc_opt=module="$mod" \
  --grpc-gateway_out="$out" --grpc-gateway_opt=module="$mod" \
  --grpc-gateway_opt=grpc_api_configuration=proto/orders/v1/orders_gateway.yaml \
  --grpc-gateway_opt=standalone=false \
  orders/v1/orders.proto

if [[ "${1:-}" == "-check" ]]; then
  if ! diff -r "$out/gen" gen; then
    echo "generate.sh: gen/ is not what generation gives; run examples/validation/generate.sh" >&2
    exit 1
  fi
  echo "generate.sh: gen/ is up to date"
else
  rm -rf gen
  cp -r "$out/gen" gen
  echo "generate.sh: wrote gen/"
fi
