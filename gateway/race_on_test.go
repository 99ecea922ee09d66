//go:build race

package gateway_test

// raceEnabled tells allocation tests that the race detector is on: it
// changes what the compiler can keep on the stack, so counts differ.
const raceEnabled = true
