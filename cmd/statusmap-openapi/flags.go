package main

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/statusmap/statusmap/gateway"
	"github.com/statusmap/statusmap/statusmap"
)

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
