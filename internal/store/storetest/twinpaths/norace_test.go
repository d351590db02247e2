//go:build !race

package twinpaths

// raceEnabled is set under the race detector.
const raceEnabled = false
