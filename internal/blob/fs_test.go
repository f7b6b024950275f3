package blob_test

import (
	"bytes"
	"context"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

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

// plainStore hides a store's streaming methods, so the conformance suite
// runs blob.Create and blob.Open through their in-memory fallback.
type plainStore struct{ blob.Store }

func TestFallbackStreamingConformance(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) blob.Store {
		s, err := blob.NewFS(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return plainStore{s}
	})
}

// TestFSStreamLeavesNoTemporaryFiles: after aborted and committed streamed
// writes, the store's directory holds only the committed objects.
func TestFSStreamLeavesNoTemporaryFiles(t *testing.T) {
	dir := t.TempDir()
	s, err := blob.NewFS(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i, commit := range []bool{false, true, false} {
		w, err := s.Create(ctx, "docs/d/original")
		if err != nil {
			t.Fatal(err)
		}
		w.Write(bytes.Repeat([]byte{byte(i)}, 1<<20))
		if commit {
			if err := w.Commit(); err != nil {
				t.Fatal(err)
			}
		} else {
			w.Abort()
		}
	}
	var files []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return err
	})
	if diff := cmp.Diff([]string{"docs/d/original"}, files); diff != "" {
		t.Errorf("files on disk (-want +got):\n%s", diff)
	}
}
