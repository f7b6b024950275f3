//go:build !race

package app_test

// raceDetector reports a test binary built with -race.
const raceDetector = false
