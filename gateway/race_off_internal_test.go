//go:build !race

package gateway

// raceEnabledInternal is raceEnabled for the package's internal tests.
const raceEnabledInternal = false
