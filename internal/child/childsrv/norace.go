//go:build !race

package childsrv

// raceDetector reports a binary built with -race (see race.go).
const raceDetector = false
