package app

import (
	"testing"

	"github.com/sohoa/sohoa/internal/blob"
)

// SetStoreWrapper makes the blob store of every instance the test starts in
// this process pass through wrap until the test ends, to inject store faults.
func SetStoreWrapper(t testing.TB, wrap func(blob.Store) blob.Store) {
	wrapStore = wrap
	t.Cleanup(func() { wrapStore = nil })
}
