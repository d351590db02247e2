//go:build race

package importer_test

// raceEnabled is set when the race detector instruments the test binary.
const raceEnabled = true
