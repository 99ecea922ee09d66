package statusmap_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"

	bookshelfv1 "github.com/statusmap/statusmap/examples/proto/bookshelf/v1"
	"github.com/statusmap/statusmap/statusmap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
)

// inventoryError is what an HTTP client library might return for an
// upstream's error response.
type inventoryError struct{ status int }

func (e *inventoryError) Error() string   { return fmt.Sprintf("inventory answered %d", e.status) }
func (e *inventoryError) StatusCode() int { return e.status }

// exampleShelf returns plain Go errors; the interceptor turns them into
// gRPC statuses at the edge of the server.
type exampleShelf struct {
	bookshelfv1.UnimplementedBookshelfServiceServer
}

func (exampleShelf) GetBook(_ context.Context, req *bookshelfv1.GetBookRequest) (*bookshelfv1.Book, error) {
	switch req.GetId() {
	case "reserved":
		return nil, fmt.Errorf("reserve book: %w", &inventoryError{status: 409})
	case "missing":
		return nil, fmt.Errorf("get book %q: %w", req.GetId(), sql.ErrNoRows)
	case "broken":
		return nil, errors.New("open /var/lib/books: permission denied")
	}
	return &bookshelfv1.Book{Id: req.GetId()}, nil
}

func ExampleUnaryServerInterceptor() {
	opts := []statusmap.Option{
		statusmap.WithErrorIs(sql.ErrNoRows, codes.NotFound),
		// Errors whose text the client does not get come here, to be logged.
		statusmap.WithErrorHook(func(_ context.Context, err error) {
			fmt.Println("reported:", err)
		}),
	}
	srv := grpc.NewServer(
		grpc.ChainUnaryInterceptor(statusmap.UnaryServerInterceptor(opts...)),
		grpc.ChainStreamInterceptor(statusmap.StreamServerInterceptor(opts...)),
	)
	bookshelfv1.RegisterBookshelfServiceServer(srv, exampleShelf{})
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go func() { _ = srv.Serve(lis) }()
	defer srv.Stop()

	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		panic(err)
	}
	defer conn.Close()
	client := bookshelfv1.NewBookshelfServiceClient(conn)

	for _, id := range []string{"7", "reserved", "missing", "broken"} {
		_, err := client.GetBook(context.Background(), &bookshelfv1.GetBookRequest{Id: id})
		fmt.Printf("%s: %v %d %q\n", id, status.Code(err), statusmap.HTTPStatusOf(err), status.Convert(err).Message())
	}
	// Output:
	// 7: OK 200 ""
	// reported: reserve book: inventory answered 409
	// reserved: Aborted 409 "Conflict"
	// missing: NotFound 404 "get book \"missing\": sql: no rows in result set"
	// reported: open /var/lib/books: permission denied
	// broken: Unknown 500 "Internal Server Error"
}

// Translator does what the interceptors do, for errors that reach gRPC
// some other way: a status keeps its message; the text of other errors is
// withheld (set WithErrorHook to log them). The function is made once, with
// its options applied once, and called for every error.
func ExampleTranslator() {
	ctx := context.Background()
	translate := statusmap.Translator()
	for _, err := range []error{
		nil,
		fmt.Errorf("call inventory: %w", &inventoryError{status: 502}),
		fmt.Errorf("load: %w", context.DeadlineExceeded),
		fmt.Errorf("load: %w", status.Error(codes.PermissionDenied, "not your shelf")),
	} {
		translated := translate(ctx, err)
		fmt.Printf("%v %d %q\n", status.Code(translated), statusmap.HTTPStatusOf(translated), status.Convert(translated).Message())
	}
	// Output:
	// OK 200 ""
	// Unavailable 502 "Bad Gateway"
	// DeadlineExceeded 504 "context deadline exceeded"
	// PermissionDenied 403 "not your shelf"
}

// WithErrorHook is where the errors whose text a client does not read are
// logged: here a plain error, whose client gets "Internal Server Error".
// A status made on purpose keeps its message and is not given to the hook.
func ExampleWithErrorHook() {
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		// No time, so that the example's output is the same every run.
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	}))
	ic := statusmap.UnaryServerInterceptor(statusmap.WithErrorHook(func(ctx context.Context, err error) {
		logger.ErrorContext(ctx, "rpc failed", "err", err)
	}))

	info := &grpc.UnaryServerInfo{FullMethod: bookshelfv1.BookshelfService_GetBook_FullMethodName}
	for _, handlerErr := range []error{
		fmt.Errorf("load shelf: %w", errors.New("db: connection reset by peer 10.0.0.7:5432")),
		status.Error(codes.NotFound, "no book 7"),
	} {
		_, err := ic(context.Background(), &bookshelfv1.GetBookRequest{Id: "7"}, info, func(context.Context, any) (any, error) {
			return nil, handlerErr
		})
		fmt.Printf("client reads: %v %q\n", status.Code(err), status.Convert(err).Message())
	}
	// Output:
	// level=ERROR msg="rpc failed" err="load shelf: db: connection reset by peer 10.0.0.7:5432"
	// client reads: Unknown "Internal Server Error"
	// client reads: NotFound "no book 7"
}

// WithErrorIs maps a sentinel error, wherever it is in the chain, to a
// code, as errors.Is finds it; WithErrorAs is its pair for error types.
func ExampleWithErrorIs() {
	translate := statusmap.Translator(statusmap.WithErrorIs(sql.ErrNoRows, codes.NotFound))
	err := translate(context.Background(), fmt.Errorf("get book 7: %w", sql.ErrNoRows))
	fmt.Println(status.Code(err), statusmap.HTTPStatusOf(err))
	// Output:
	// NotFound 404
}

// WithCodeMapper gives the interceptors another HTTP status -> gRPC code
// table, for errors that carry an HTTP status (an HTTPStatus() or
// StatusCode() method): here an upstream's 409 means AlreadyExists. The
// exact status stays pinned beside the code.
func ExampleWithCodeMapper() {
	m, err := statusmap.NewMapper(statusmap.WithCode(409, codes.AlreadyExists))
	if err != nil {
		panic(err)
	}
	translate := statusmap.Translator(statusmap.WithCodeMapper(m))
	err = translate(context.Background(), fmt.Errorf("reserve book: %w", &inventoryError{status: 409}))
	fmt.Println(status.Code(err), statusmap.HTTPStatusOf(err), status.Convert(err).Message())
	// Output:
	// AlreadyExists 409 Conflict
}
