package bookshelfv1_test

import (
	"fmt"

	bookshelfv1 "github.com/statusmap/statusmap/examples/proto/bookshelf/v1"
	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/grpc/status"
)

// The helpers generated from the BookshelfError catalog in bookshelf.proto:
// a server returns ErrorBookNotFound, a client (over gRPC, or over HTTP after
// gateway.ErrorFromResponse) asks IsBookNotFound.
func ExampleErrorBookNotFound() {
	err := bookshelfv1.ErrorBookNotFound("no book %q", "42")
	fmt.Println(status.Code(err), statusmap.HTTPStatusOf(err), status.Convert(err).Message())

	wrapped := fmt.Errorf("load book: %w", err)
	fmt.Println(bookshelfv1.IsBookNotFound(wrapped), bookshelfv1.IsShelfNotFound(wrapped))
	// Output:
	// NotFound 404 no book "42"
	// true false
}

// A 409 of the catalog whose value chooses its gRPC code, AlreadyExists
// rather than statusmap.Code(409), Aborted; the exact status travels pinned
// beside it.
func ExampleErrorBookAlreadyExists() {
	err := bookshelfv1.ErrorBookAlreadyExists("book %q already exists", "1")
	fmt.Println(status.Code(err), statusmap.HTTPStatusOf(err), bookshelfv1.IsBookAlreadyExists(err))
	// Output:
	// AlreadyExists 409 true
}
