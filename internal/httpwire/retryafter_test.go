package httpwire_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/statusmap/statusmap/internal/httpwire"
	"github.com/statusmap/statusmap/internal/wire"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2015, 10, 21, 7, 28, 0, 0, time.UTC)
	testCases := []struct {
		value, date string
		want        time.Duration
		ok          bool
	}{
		{value: "120", want: 2 * time.Minute, ok: true},
		{value: " 0 ", want: 0, ok: true},
		{value: "86401", want: wire.MaxRetryDelay, ok: true},
		{value: "2.0", want: 2 * time.Second, ok: true},
		{value: "0.5", want: 500 * time.Millisecond, ok: true},
		{value: "1e9999.5", ok: false},
		{value: "100000000.0", want: wire.MaxRetryDelay, ok: true},
		{value: "-1", ok: false},
		{value: "-1.5", ok: false},
		{value: "1e3", ok: false},
		{value: ".5", ok: false},
		{value: "NaN", ok: false},
		{value: "soon", ok: false},
		{value: "", ok: false},
		// An HTTP-date counts from the response's Date, else from now.
		{value: "Wed, 21 Oct 2015 07:29:00 GMT", want: time.Minute, ok: true},
		{value: "Wed, 21 Oct 2015 07:29:00 GMT", date: "Wed, 21 Oct 2015 07:28:30 GMT", want: 30 * time.Second, ok: true},
		{value: "Wed, 21 Oct 2015 07:27:00 GMT", want: 0, ok: true},
		{value: "Fri, 31 Dec 9999 23:59:59 GMT", want: wire.MaxRetryDelay, ok: true},
	}
	for _, tc := range testCases {
		h := http.Header{"Retry-After": {tc.value}}
		if tc.date != "" {
			h.Set("Date", tc.date)
		}
		got, ok := httpwire.ParseRetryAfter(h, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Retry-After %q (Date %q): %v, %v; want %v, %v", tc.value, tc.date, got, ok, tc.want, tc.ok)
		}
	}
}

func TestIsDigits(t *testing.T) {
	for s, want := range map[string]bool{
		"0": true, "0123": true, "12345678901234567890": true,
		"": false, "123456789012345678901": false, "1a": false, "-1": false, " 1": false,
	} {
		if got := httpwire.IsDigits(s); got != want {
			t.Errorf("IsDigits(%q) = %v; want %v", s, got, want)
		}
	}
}
