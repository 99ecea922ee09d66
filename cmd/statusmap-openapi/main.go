// Command statusmap-openapi rewrites the OpenAPI documents that
// grpc-gateway's protoc-gen-openapiv2 (OpenAPI 2.0) or gnostic's
// protoc-gen-openapi (OpenAPI 3.x) generate, so that they say what a
// statusmap gateway answers: POST 201, DELETE 204, the error statuses its
// configuration can answer (or those -errors names) and those -pinned names,
// each with a description, its headers and the configured error body.
//
//	go run github.com/statusmap/statusmap/cmd/statusmap-openapi [flags] FILE...
//
// It writes the rewritten documents to standard output, or with -w rewrites
// the files in place (a symbolic link's target, the link kept), as gofmt
// does; with no FILE it reads standard input. A FILE must be a regular file
// (not a directory, a named pipe or a device); see "Bounds" below for the
// size of a document. -l lists the files the
// rewrite changes, standard input as "<standard input>". A file that is not
// an OpenAPI 2.0 or 3.x document as a generator wrote it (one this command
// already rewrote included) is an error and is left untouched. So is a file
// that describes an -rpc-success RPC's service but not the RPC; and when no
// file describes the service at all, no file is written.
//
// The flags mirror the gateway's options, and the command builds the same
// gateway.Gateway a server would (gateway.New) and calls its OpenAPI method,
// so that a document and a server built from the same options agree:
//
//	-format status|google|problem   gateway.WithFormat
//	-success METHOD=STATUS          gateway.WithSuccessStatus (repeatable)
//	-rpc-success /pkg.Svc/Rpc=STATUS gateway.WithRPCSuccessStatus (repeatable)
//	-no-success-statuses            gateway.WithSuccessByMethod(false)
//	-www-authenticate CHALLENGE     gateway.WithAuthChallenges (repeatable)
//	-proxy-authenticate CHALLENGE   gateway.WithProxyAuthChallenges (repeatable)
//	-profile documented|google      gateway.WithStatusMapper (statusmap.WithProfile)
//	-errors 400,404,...             gateway.WithErrorStatuses
//	-pinned 406,502,...             gateway.WithPinnedStatuses
//	-describe STATUS=TEXT           gateway.WithErrorDescription (repeatable)
//
// The flags must match the options of the server the document describes;
// nothing checks it. A program that builds the server's gateway.Gateway
// from one function of options and calls its OpenAPI method (run by go
// generate, as examples/tour -openapi is) cannot drift, and is the better
// way when the server is Go.
//
// A CHALLENGE is one RFC 9110 challenge, such as `Bearer realm="api"` or
// `Basic realm="proxy", charset="UTF-8"`, read as the gateway reads a
// response's challenges: a parameter value that is not a token must be
// quoted (realm="a/b", not realm=a/b).
//
// # Bounds
//
// A document, from a file or standard input, is read whole, up to 32 MiB;
// a longer one is refused after reading one byte more, as is a document
// holding more than 524,288 values (each YAML alias counted as the values
// it stands for, and at most twice the values written plus 10,000: a
// "billion laughs" is refused before it is expanded),
// more than 32 MiB of keys and strings once its aliases are expanded,
// nesting deeper than 128, or whose rewrite would have more than 524,288
// values or 128 MiB (its size, which indentation makes grow with nesting,
// counted before any of it is written).
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/statusmap/statusmap/gateway"
	"github.com/statusmap/statusmap/internal/httpwire"
	"github.com/statusmap/statusmap/internal/openapi"
	"github.com/statusmap/statusmap/internal/wire"
	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
	"github.com/statusmap/statusmap/statusmap"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, " ") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// options are the command's flags.
type options struct {
	write, list, noSuccess                        bool
	format, errorList, profile, pinnedList        string
	success, rpcSuccess, wwwAuth, proxyAuth, desc listFlag
}

// newFlagSet defines the flags on o.
func newFlagSet(o *options, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("statusmap-openapi", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: statusmap-openapi [flags] [FILE...]")
		fs.PrintDefaults()
	}
	fs.BoolVar(&o.write, "w", false, "write the result to each FILE instead of standard output")
	fs.BoolVar(&o.list, "l", false, "list the files whose rewritten form differs from them")
	fs.StringVar(&o.format, "format", "status", "error body format: status, google or problem")
	fs.BoolVar(&o.noSuccess, "no-success-statuses", false, "answer every success with 200")
	fs.StringVar(&o.errorList, "errors", "", "comma-separated error statuses every operation lists (default: those the options can answer)")
	fs.StringVar(&o.profile, "profile", "documented", "the gRPC-to-HTTP table of statuses no error pins (gateway.WithStatusMapper): documented or google")
	fs.StringVar(&o.pinnedList, "pinned", "", "comma-separated error statuses the services pin, listed beside the others")
	fs.Var(&o.success, "success", "METHOD=STATUS: the success status of an HTTP method (repeatable)")
	fs.Var(&o.rpcSuccess, "rpc-success", "/pkg.Service/Method=STATUS: the success status of an RPC (repeatable)")
	fs.Var(&o.wwwAuth, "www-authenticate", "an RFC 9110 challenge of a 401 (repeatable)")
	fs.Var(&o.proxyAuth, "proxy-authenticate", "an RFC 9110 challenge of a 407 (repeatable)")
	fs.Var(&o.desc, "describe", "STATUS=TEXT: the description of an error status in the document (repeatable)")
	return fs
}

// run is the command, with its arguments and streams: 0 on success, 1 if a
// file could not be rewritten, 2 for bad flags.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var o options
	fs := newFlagSet(&o, stderr)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	usage := func(err error) int {
		fmt.Fprintf(stderr, "statusmap-openapi: %v\n", err)
		return 2
	}
	gatewayOpts, rpcs, err := o.gatewayOptions()
	if err != nil {
		return usage(err)
	}
	openAPIOpts, err := o.openAPIOptions()
	if err != nil {
		return usage(err)
	}
	g, err := gateway.New(gatewayOpts...)
	if err != nil {
		return usage(err)
	}
	if o.write && fs.NArg() == 0 {
		return usage(errors.New("-w needs a FILE"))
	}
	// A bad OpenAPI option is a usage error too, not one per file.
	if _, err := g.OpenAPI([]byte(`{"swagger":"2.0"}`), openAPIOpts...); err != nil {
		return usage(err)
	}
	return o.rewriteAll(g, openAPIOpts, rpcs, fs.Args(), stdin, stdout, stderr)
}

// gatewayOptions are the gateway.Options the flags stand for, and the RPCs
// given a success status.
func (o *options) gatewayOptions() ([]gateway.Option, []string, error) {
	var opts []gateway.Option
	var rpcs []string
	f, err := gateway.ParseFormat(o.format)
	if err != nil {
		return nil, nil, fmt.Errorf("-format %q: want status, google or problem", o.format)
	}
	opts = append(opts, gateway.WithFormat(f))
	switch o.profile {
	case statusmap.ProfileDocumented.String():
	case statusmap.ProfileGoogle.String():
		m, err := statusmap.NewMapper(statusmap.WithProfile(statusmap.ProfileGoogle))
		if err != nil {
			return nil, nil, fmt.Errorf("-profile %q: %v", o.profile, err)
		}
		opts = append(opts, gateway.WithStatusMapper(m))
	default:
		return nil, nil, fmt.Errorf("-profile %q: want documented or google", o.profile)
	}
	for _, s := range o.success {
		method, status, err := keyStatus(s, false)
		if err != nil {
			return nil, nil, fmt.Errorf("-success %q: %v", s, err)
		}
		opts = append(opts, gateway.WithSuccessStatus(method, status))
	}
	for _, s := range o.rpcSuccess {
		rpc, status, err := keyStatus(s, true)
		if err != nil {
			return nil, nil, fmt.Errorf("-rpc-success %q: %v", s, err)
		}
		opts = append(opts, gateway.WithRPCSuccessStatus(rpc, status))
		rpcs = append(rpcs, rpc)
	}
	if o.noSuccess {
		opts = append(opts, gateway.WithSuccessByMethod(false))
	}
	if len(o.wwwAuth) > 0 {
		challenges, err := parseChallenges(o.wwwAuth)
		if err != nil {
			return nil, nil, fmt.Errorf("-www-authenticate: %v", err)
		}
		opts = append(opts, gateway.WithAuthChallenges(challenges...))
	}
	if len(o.proxyAuth) > 0 {
		challenges, err := parseChallenges(o.proxyAuth)
		if err != nil {
			return nil, nil, fmt.Errorf("-proxy-authenticate: %v", err)
		}
		opts = append(opts, gateway.WithProxyAuthChallenges(challenges...))
	}
	return opts, rpcs, nil
}

// openAPIOptions are the gateway.OpenAPIOptions the flags stand for.
func (o *options) openAPIOptions() ([]gateway.OpenAPIOption, error) {
	var opts []gateway.OpenAPIOption
	if o.errorList != "" {
		statuses, err := statusList(o.errorList)
		if err != nil {
			return nil, fmt.Errorf("-errors %q: %v", o.errorList, err)
		}
		opts = append(opts, gateway.WithErrorStatuses(statuses...))
	}
	if o.pinnedList != "" {
		statuses, err := statusList(o.pinnedList)
		if err != nil {
			return nil, fmt.Errorf("-pinned %q: %v", o.pinnedList, err)
		}
		opts = append(opts, gateway.WithPinnedStatuses(statuses...))
	}
	for _, d := range o.desc {
		key, text, ok := strings.Cut(d, "=")
		status, err := strconv.Atoi(key)
		if !ok || err != nil {
			return nil, fmt.Errorf("-describe %q: want STATUS=TEXT", d)
		}
		opts = append(opts, gateway.WithErrorDescription(status, text))
	}
	return opts, nil
}

// rewriteAll rewrites every document (standard input when names is empty)
// before it writes any, so that an RPC status no document can use leaves
// them all untouched: 0, or 1 when a document could not be rewritten.
func (o *options) rewriteAll(g *gateway.Gateway, opts []gateway.OpenAPIOption, rpcs, names []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var docs []document
	var inputs [][]byte
	code := 0
	if len(names) == 0 {
		docs = append(docs, document{name: stdinName, stdin: true})
	}
	for _, name := range names {
		docs = append(docs, document{name: name})
	}
	for i := range docs {
		d := &docs[i]
		if d.stdin {
			d.in, d.err = openapi.ReadDocument(stdin)
		} else {
			d.in, d.err = readFile(d.name)
		}
		if d.err == nil {
			inputs = append(inputs, d.in)
			d.out, d.err = g.OpenAPI(d.in, opts...)
		}
		if d.err != nil {
			fmt.Fprintf(stderr, "statusmap-openapi: %s: %v\n", d.name, d.err)
			code = 1
		}
	}
	// An RPC of a service the document describes without it is each
	// document's error; one of a service no document describes is the
	// command's, since the library takes it for another document's.
	if missing := openapi.RPCsOfNoDocument(rpcs, inputs...); len(missing) > 0 {
		for _, rpc := range missing {
			fmt.Fprintf(stderr, "statusmap-openapi: -rpc-success %s: no document describes a service of that name; nothing was written\n", rpc)
		}
		return 1
	}
	for _, d := range docs {
		if d.err != nil {
			continue
		}
		if err := d.emit(o.write, o.list, stdout); err != nil {
			fmt.Fprintf(stderr, "statusmap-openapi: %s: %v\n", d.name, err)
			code = 1
		}
	}
	return code
}

// readFile reads a regular file of at most openapi.MaxDocumentSize bytes.
// Anything else is refused before it is read: a FIFO or a device such as
// /dev/zero would block or never end, and a directory is no document.
func readFile(name string) ([]byte, error) {
	info, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if err := regular(info); err != nil {
		return nil, err
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The file may have been replaced since: what is read is checked.
	opened, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if err := regular(opened); err != nil {
		return nil, err
	}
	return openapi.ReadDocument(f)
}

// regular refuses what is not a regular file, or one too large to read.
func regular(info os.FileInfo) error {
	mode := info.Mode()
	if !mode.IsRegular() {
		kind := "not a regular file"
		switch {
		case mode.IsDir():
			kind = "a directory"
		case mode&os.ModeNamedPipe != 0:
			kind = "a named pipe (FIFO)"
		case mode&os.ModeDevice != 0:
			kind = "a device"
		case mode&os.ModeSocket != 0:
			kind = "a socket"
		}
		return fmt.Errorf("%s, not a regular file: give a document's file, or no FILE to read standard input", kind)
	}
	if info.Size() > openapi.MaxDocumentSize {
		return fmt.Errorf("%w: %d bytes; the limit is %d (32 MiB)", openapi.ErrTooLarge, info.Size(), openapi.MaxDocumentSize)
	}
	return nil
}

// stdinName is how standard input is named, as gofmt names it.
const stdinName = "<standard input>"

// document is one input and its rewrite, or why it has none.
type document struct {
	name    string
	stdin   bool
	in, out []byte
	err     error
}

// emit writes the rewritten document: its name when it changes (list), in
// place (write), or to stdout when neither.
func (d document) emit(write, list bool, stdout io.Writer) error {
	changed := !bytes.Equal(d.in, d.out)
	if list && changed {
		if _, err := fmt.Fprintln(stdout, d.name); err != nil {
			return err
		}
	}
	switch {
	case write:
		if changed {
			return replaceFile(d.name, d.out)
		}
		return nil
	case list:
		return nil
	}
	_, err := stdout.Write(d.out)
	return err
}

// replaceFile writes data to the file name is, or links to, through a
// temporary file beside it renamed over it, so that a failure leaves the
// file as it was and a symbolic link stays one, as with gofmt -w.
func replaceFile(name string, data []byte) error {
	target, err := filepath.EvalSymlinks(name)
	if err != nil {
		return err
	}
	info, err := os.Stat(target)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(info.Mode().Perm()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), target)
}

// statusList reads comma-separated statuses.
func statusList(list string) ([]int, error) {
	var statuses []int
	for _, f := range strings.Split(list, ",") {
		s, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return nil, fmt.Errorf("%q is not a status", f)
		}
		statuses = append(statuses, s)
	}
	return statuses, nil
}

// keyStatus splits "KEY=STATUS", where KEY is an HTTP method, or with rpc
// a full method name.
func keyStatus(s string, rpc bool) (string, int, error) {
	key, value, ok := strings.Cut(s, "=")
	if !ok || key == "" {
		return "", 0, errors.New("want KEY=STATUS")
	}
	status, err := strconv.Atoi(value)
	if err != nil || !wire.IsSuccessStatus(status) {
		return "", 0, fmt.Errorf("%q is not a 2xx status", value)
	}
	if rpc {
		service, method, ok := wire.SplitFullMethod(key)
		if !ok {
			return "", 0, fmt.Errorf("%q is not a full method name such as /pkg.Service/Method", key)
		}
		return "/" + service + "/" + method, status, nil
	}
	key = strings.ToUpper(key)
	if !isMethod(key) {
		return "", 0, fmt.Errorf("%q is not an HTTP method", key)
	}
	return key, status, nil
}

func isMethod(m string) bool {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
}

// parseChallenges reads each flag value as one challenge, with the
// grammar the gateway reads a response's challenges with (httpwire): a
// scheme, then a token68 or comma-separated name=value parameters (values
// tokens or quoted). The gateway's options check the result against
// RFC 9110.
func parseChallenges(values []string) ([]*statusmapv1.AuthChallenge, error) {
	var out []*statusmapv1.AuthChallenge
	for _, v := range values {
		c, err := httpwire.ParseChallenge(v, maxChallengeParams)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// maxChallengeParams is more parameters than the gateway's options accept,
// so that a challenge with too many is refused by them, saying so.
const maxChallengeParams = 1 << 10
