#!/usr/bin/env bash
# Generates the Python modules into gen/ with Debian's protoc: statusmap's
# body messages from proto/, and the google.rpc types from the
# google-proto-files npm package installed by the TypeScript client
# (run `npm ci` in ../ts first). The well-known types come with protobuf.
set -euo pipefail
cd "$(dirname "$0")"
googleapis=../ts/node_modules/google-proto-files
if [[ ! -f "$googleapis/google/rpc/status.proto" ]]; then
  echo "generate.sh: $googleapis/google/rpc is missing; run npm ci in ../ts" >&2
  exit 1
fi
rm -rf gen
mkdir gen
protoc --python_out=gen -I ../../../proto -I "$googleapis" \
  statusmap/v1/error_body.proto statusmap/v1/http_status.proto \
  google/rpc/status.proto google/rpc/error_details.proto google/rpc/code.proto
