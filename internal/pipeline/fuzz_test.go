package pipeline_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/sohoa/sohoa/internal/pipeline"
)

// FuzzZipWalk feeds arbitrary bytes to the ZIP walk of an upload: it must
// never panic, never fail the upload for a bad archive (only for the batch
// limits), record an item for the file or its entries, and leave no staging
// object behind.
func FuzzZipWalk(f *testing.F) {
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 40)...)
	bomb := zipOf(f, zip.Deflate, "bomb.pdf", pdfOf(2<<20))
	nested := zipOf(f, zip.Deflate, "l2.zip", zipOf(f, zip.Deflate, "l3.zip", zipOf(f, zip.Deflate, "a.png", png)))
	traversal := zipOf(f, zip.Store, "../../etc/passwd.png", png, "/abs/x.pdf", pdfOf(40), "a\\..\\b.png", png, "__MACOSX/._x", []byte("junk"))
	f.Add(bomb)
	f.Add(nested)
	f.Add(traversal)
	f.Add(bomb[:len(bomb)/2])                              // truncated
	f.Add(zipOf(f, zip.Deflate))                           // empty
	f.Add([]byte("PK\x05\x06" + string(make([]byte, 18)))) // bare end record
	f.Add([]byte("PK\x03\x04"))
	fx := newIngest(f, pipeline.IngestLimits{MaxFileBytes: 1 << 20, MaxBatchBytes: 8 << 20, MaxZipEntries: 50})
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, b []byte) {
		up := fx.p.NewUpload(pipeline.BatchMeta{})
		err := up.Add(ctx, "f.zip", bytes.NewReader(b))
		if err != nil && !errors.Is(err, pipeline.ErrBatchTooLarge) {
			t.Fatalf("Add: %v", err)
		}
		if err == nil && len(up.Items()) == 0 && len(b) > 0 && !bytes.HasPrefix(b, []byte("PK")) {
			t.Fatal("no item recorded for the file")
		}
		fx.noStaging(t)
	})
}
