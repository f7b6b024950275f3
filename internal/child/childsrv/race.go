//go:build race

package childsrv

// raceDetector reports a binary built with -race: ThreadSanitizer maps its
// shadow memory as it goes, far beyond any address-space cap, so a child of
// a race-enabled test binary runs without RLIMIT_AS (its memory check from
// image headers still applies).
const raceDetector = true
