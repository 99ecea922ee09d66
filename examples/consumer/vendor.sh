dir="$(go list -m -f '{{.Dir}}' github.com/statusmap/statusmap)"
rm -rf third_party/statusmap && mkdir -p third_party/statusmap/statusmap/v1
cp "$dir"/proto/statusmap/v1/*.proto third_party/statusmap/statusmap/v1/
chmod -R u+w third_party/statusmap # the module cache is read-only
go list -m -f '{{.Path}} {{.Version}}' github.com/statusmap/statusmap >third_party/statusmap/VERSION
