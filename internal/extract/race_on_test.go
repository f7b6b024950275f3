//go:build race

package extract

// raceDetector reports whether the tests run with -race.
const raceDetector = true
