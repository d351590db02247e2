//go:build race

package twintest_test

// raceEnabled is set under the race detector, which slows the embedded
// store's import about fifteen-fold: the checks then run on a prefix of
// the sample (raceRows rows) to stay within a minute.
const raceEnabled = true
