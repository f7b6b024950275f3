// Package catalogtest builds catalogs for tests: a filesystem store and a
// vault with a fresh key file, both under the test's temporary directory.
package catalogtest

import (
	"path/filepath"
	"testing"

	"github.com/sohoa/sohoa/internal/blob"
	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/vault"
)

// New returns a catalog over a new filesystem store, and the store.
func New(t testing.TB) (*catalog.Catalog, *blob.FS) {
	t.Helper()
	dir := t.TempDir()
	store, err := blob.NewFS(filepath.Join(dir, "store"))
	if err != nil {
		t.Fatal(err)
	}
	kr, err := vault.CreateKeyFile(filepath.Join(dir, "keys", "master.json"))
	if err != nil {
		t.Fatal(err)
	}
	return catalog.New(store, vault.New(store, kr)), store
}
