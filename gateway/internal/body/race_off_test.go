//go:build !race

package body

// raceEnabled tells allocation tests that the race detector is on.
const raceEnabled = false
