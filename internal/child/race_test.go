//go:build race

package child_test

// raceDetector: children of a race-enabled test binary run without an
// address-space cap (childsrv/race.go).
const raceDetector = true
