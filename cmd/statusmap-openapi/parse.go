package main

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/statusmap/statusmap/internal/httpwire"
	"github.com/statusmap/statusmap/internal/wire"
	statusmapv1 "github.com/statusmap/statusmap/proto/statusmap/v1"
)

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
