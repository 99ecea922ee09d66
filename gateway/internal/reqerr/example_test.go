package reqerr_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/grpc-ecosystem/grpc-gateway/v2/utilities"
	bookshelfv1 "github.com/statusmap/statusmap/examples/proto/bookshelf/v1"
	"github.com/statusmap/statusmap/gateway/internal/reqerr"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// A generated handler that refuses ?page_size=ten hands its error handler
// PopulateQueryParameters's text and empty ServerMetadata (it returned
// before calling the service); Recognize answers it with a sentence. The
// same text from a service that answered (metadata with its headers)
// passes through.
func ExampleRecognize() {
	r := httptest.NewRequest("GET", "/v1/shelves/7/genres/GENRE_FICTION/books?page_size=ten", nil)
	ctx, err := runtime.AnnotateIncomingContext(context.Background(), runtime.NewServeMux(), r,
		"/bookshelf.v1.BookshelfService/ListShelfBooks")
	if err != nil {
		panic(err)
	}
	text := runtime.PopulateQueryParameters(&bookshelfv1.ListShelfBooksRequest{},
		url.Values{"page_size": {"ten"}}, utilities.NewDoubleArray(nil)).Error()
	sp := status.New(codes.InvalidArgument, text).Proto()
	fmt.Println(sp.GetMessage())

	before := runtime.NewServerMetadataContext(ctx, runtime.ServerMetadata{})
	if clean, httpStatus, ok := reqerr.Recognize(before, r, sp); ok {
		fmt.Println(httpStatus, clean.GetMessage())
	}

	answered := runtime.NewServerMetadataContext(ctx, runtime.ServerMetadata{
		HeaderMD:  metadata.Pairs("content-type", "application/grpc"),
		TrailerMD: metadata.MD{},
	})
	_, _, ok := reqerr.Recognize(answered, r, sp)
	fmt.Println(ok)
	// Output:
	// parsing field "page_size": strconv.ParseInt: parsing "ten": invalid syntax
	// 400 page_size must be an integer
	// false
}
