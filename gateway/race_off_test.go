//go:build !race

package gateway_test

// raceEnabled tells allocation tests that the race detector is on.
const raceEnabled = false
