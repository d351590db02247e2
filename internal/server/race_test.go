//go:build race

package server_test

// raceEnabled reports whether the tests run with the race detector, which
// slows the server ten times or more: throughput measurements skip.
const raceEnabled = true
