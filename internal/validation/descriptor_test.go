package validation_test

import (
	"testing"

	_ "github.com/statusmap/statusmap/examples/proto/bookshelf/v1" // a service to look up
	"github.com/statusmap/statusmap/internal/validation"
)

func TestRequestDescriptor(t *testing.T) {
	if got := validation.RequestDescriptor("/bookshelf.v1.BookshelfService/CreateBook"); got == nil || got.FullName() != "bookshelf.v1.CreateBookRequest" {
		t.Errorf("CreateBook's request: %v", got)
	}
	if got := validation.RequestDescriptor("bookshelf.v1.BookshelfService/GetBook"); got == nil || got.FullName() != "bookshelf.v1.GetBookRequest" {
		t.Errorf("without the leading slash: %v", got)
	}
	// Unknown services and methods, a message's name, malformed names.
	for _, m := range []string{"", "/", "//", "/x", "/no.such.Service/Get", "/bookshelf.v1.BookshelfService/NoSuch",
		"/bookshelf.v1.Book/Get", "/a..b/c", "/\xff/\xff", "/bookshelf.v1.BookshelfService/GetBook/x"} {
		if got := validation.RequestDescriptor(m); got != nil {
			t.Errorf("RequestDescriptor(%q) = %v, want nil", m, got.FullName())
		}
	}
}
