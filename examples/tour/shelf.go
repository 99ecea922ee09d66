package main

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	bookshelfv1 "github.com/statusmap/statusmap/examples/proto/bookshelf/v1"
	"github.com/statusmap/statusmap/gateway"
	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/emptypb"
)

// shelf is the tour's bookshelf service. Its handlers return ordinary Go
// errors where that is natural (context errors, an upstream's response, a
// plain failure) and gRPC statuses where they mean one; statusmap's
// interceptors and gateway do the rest.
//
// A few ids stand for situations a real service meets:
//
//	private    needs "Authorization: Bearer owner" (401 without, 403 for others)
//	remote-*   lives in an upstream REST API, which is down (502)
//	proxied    lives behind the service's own authenticating proxy (407)
//	abandoned  its upstream call was canceled (408)
//	corrupt    fails with a plain Go error (500)
//	slow       its upstream call timed out (504)
//	hot        is rate limited (503, Retry-After)
type shelf struct {
	bookshelfv1.UnimplementedBookshelfServiceServer // ListBooks: 501
	upstream                                        string
	client                                          *http.Client

	mu    sync.Mutex
	books map[string]*bookshelfv1.Book
}

func newShelf(upstream string, client *http.Client) *shelf {
	return &shelf{upstream: upstream, client: client, books: map[string]*bookshelfv1.Book{
		"1":       {Id: "1", Title: "The Go Programming Language", Author: "Donovan, Kernighan"},
		"private": {Id: "private", Title: "Diary", Author: "Owner"},
	}}
}

var validID = regexp.MustCompile(`^[a-z0-9-]{1,40}$`)

func (s *shelf) GetBook(ctx context.Context, req *bookshelfv1.GetBookRequest) (*bookshelfv1.Book, error) {
	id := req.GetId()
	md, _ := metadata.FromIncomingContext(ctx)
	if accept := strings.Join(md.Get("grpcgateway-accept"), ","); strings.Contains(accept, "xml") {
		return nil, notAcceptable(accept)
	}
	switch {
	case !validID.MatchString(id):
		return nil, bookshelfv1.ErrorInvalidBookId("book id %q must be 1 to 40 lower-case letters, digits or dashes", id)
	case id == "private":
		switch auth := strings.Join(md.Get("authorization"), ""); auth {
		case "":
			return nil, status.Error(codes.Unauthenticated, "sign in to read this book")
		case "Bearer owner":
		default:
			return nil, status.Error(codes.PermissionDenied, "only the owner may read this book")
		}
	case strings.HasPrefix(id, "remote-"):
		return s.fetchUpstream(ctx, id)
	case id == "proxied":
		// The service's own 407, with its own challenge. (An upstream's
		// 407 describes the upstream's proxy, not one the client uses:
		// gateway.ErrorFromResponse folds it into a 502.)
		return nil, statusmap.NewPinned(&statusmapv1.HttpStatus{
			Code: http.StatusProxyAuthRequired,
			Challenges: []*statusmapv1.AuthChallenge{{
				Scheme: "Basic",
				Params: []*statusmapv1.AuthParam{{Name: "realm", Value: "bookshelf-archive"}},
			}},
		}, "the archive proxy wants credentials").Err()
	case id == "abandoned":
		return nil, context.Canceled
	case id == "corrupt":
		return nil, errors.New("book record 0x2f is corrupt")
	case id == "slow":
		return nil, context.DeadlineExceeded
	case id == "hot":
		st, err := status.New(codes.ResourceExhausted, "book is being read too often").WithDetails(
			&errdetails.RetryInfo{RetryDelay: durationpb.New(30 * time.Second)},
			&errdetails.ErrorInfo{Reason: "RATE_LIMITED", Domain: "bookshelf.example"},
		)
		if err != nil {
			return nil, err
		}
		return nil, st.Err()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if book, ok := s.books[id]; ok {
		return book, nil
	}
	// The catalog's error (bookshelf.proto, BookshelfError): 404 with
	// ErrorInfo{BOOK_NOT_FOUND, bookshelf.example.com}, which a client
	// recognises with bookshelfv1.IsBookNotFound, over gRPC or over HTTP.
	return nil, bookshelfv1.ErrorBookNotFound("no book %q", id)
}

// notAcceptable pins 406: no gRPC code means "I cannot produce what you
// accept", so the exact status rides along in the error.
func notAcceptable(accept string) error {
	return statusmap.Error(http.StatusNotAcceptable, "cannot produce "+accept+"; this API serves application/json")
}

// fetchUpstream reads a book from the upstream REST API and returns its
// error, exact status included, when it fails.
func (s *shelf) fetchUpstream(ctx context.Context, id string) (*bookshelfv1.Book, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.upstream+"/books/"+id, nil)
	if err != nil {
		return nil, err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if err := gateway.ErrorFromResponse(resp); err != nil {
		return nil, err
	}
	return &bookshelfv1.Book{Id: id, Title: "Remote book"}, nil
}

func (s *shelf) CreateBook(ctx context.Context, req *bookshelfv1.CreateBookRequest) (*bookshelfv1.Book, error) {
	book := req.GetBook()
	if !validID.MatchString(book.GetId()) {
		return nil, bookshelfv1.ErrorInvalidBookId("book id %q is not valid", book.GetId())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.books[book.GetId()]; ok {
		return nil, bookshelfv1.ErrorBookAlreadyExists("book %q already exists", book.GetId())
	}
	s.books[book.GetId()] = book
	return book, nil
}

func (s *shelf) DeleteBook(ctx context.Context, req *bookshelfv1.DeleteBookRequest) (*emptypb.Empty, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.books[req.GetId()]; !ok {
		return nil, bookshelfv1.ErrorBookNotFound("no book %q", req.GetId())
	}
	delete(s.books, req.GetId())
	return &emptypb.Empty{}, nil
}

func (s *shelf) StreamBooks(req *bookshelfv1.StreamBooksRequest, stream grpc.ServerStreamingServer[bookshelfv1.Book]) error {
	for i := range req.GetCount() {
		if err := stream.Send(&bookshelfv1.Book{Id: "streamed", Title: "Book " + string(rune('A'+i%26))}); err != nil {
			return err
		}
	}
	if req.GetFailWith() != "" {
		_, err := s.GetBook(stream.Context(), &bookshelfv1.GetBookRequest{Id: req.GetFailWith()})
		return err
	}
	return nil
}

// ListShelfBooks lists the books of a genre on a shelf. The tour has one
// shelf, 1, whose books have no genre: any other shelf is not found, and a
// genre lists nothing. It exists for its typed request parameters (an
// int64 and an enum in the path; an int32, an enum and a bool in the
// query), which the gateway converts before the call.
func (s *shelf) ListShelfBooks(ctx context.Context, req *bookshelfv1.ListShelfBooksRequest) (*bookshelfv1.ListBooksResponse, error) {
	if req.GetShelfId() != 1 {
		return nil, bookshelfv1.ErrorShelfNotFound("no shelf %d", req.GetShelfId())
	}
	if req.GetPageSize() < 0 {
		return nil, status.Errorf(codes.InvalidArgument, "page_size %d is negative", req.GetPageSize())
	}
	return &bookshelfv1.ListBooksResponse{}, nil
}

// CreateReview reviews a book on the shelf and returns the review. Its body
// has an int32, an enum and a bool field.
func (s *shelf) CreateReview(ctx context.Context, req *bookshelfv1.CreateReviewRequest) (*bookshelfv1.Review, error) {
	s.mu.Lock()
	_, ok := s.books[req.GetBookId()]
	s.mu.Unlock()
	if !ok {
		return nil, bookshelfv1.ErrorBookNotFound("no book %q", req.GetBookId())
	}
	if r := req.GetReview().GetRating(); r < 1 || r > 5 {
		return nil, status.Errorf(codes.InvalidArgument, "rating %d is not 1 to 5", r)
	}
	return req.GetReview(), nil
}
