//go:build !race

package twintest_test

const raceEnabled = false
