//go:build !race

package openapi

// raceEnabled tells the tests of the bounds that the race detector is on.
const raceEnabled = false
