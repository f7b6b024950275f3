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
	cat, store, _ := NewWithVault(t)
	return cat, store
}

// NewWithVault is New that also returns the vault (for blind tokens).
func NewWithVault(t testing.TB) (*catalog.Catalog, *blob.FS, *vault.Vault) {
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
	v := vault.New(store, kr)
	return catalog.New(store, v), store, v
}
