go mod download github.com/statusmap/statusmap
mkdir -p third_party
ln -sfn "$(go list -m -f '{{.Dir}}' github.com/statusmap/statusmap)/proto" third_party/statusmap
buf generate
go mod tidy
