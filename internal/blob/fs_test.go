package blob_test

import (
	"testing"

	"github.com/sohoa/sohoa/internal/blob"
	"github.com/sohoa/sohoa/internal/blob/blobtest"
)

func TestFSConformance(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) blob.Store {
		s, err := blob.NewFS(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}
