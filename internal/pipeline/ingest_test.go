package pipeline_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/sohoa/sohoa/internal/blob"
	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/catalog/catalogtest"
	"github.com/sohoa/sohoa/internal/domain"
	"github.com/sohoa/sohoa/internal/pipeline"
	"github.com/sohoa/sohoa/internal/testenv"
	"github.com/sohoa/sohoa/internal/vault"
)

// ingestFixture is a pipeline over a filesystem store, enough to Add files
// (Commit needs Redis and is not used).
type ingestFixture struct {
	store *blob.FS
	cat   *catalog.Catalog
	p     *pipeline.Pipeline
}

func newIngest(t testing.TB, lim pipeline.IngestLimits) *ingestFixture {
	t.Helper()
	cat, store := catalogtest.New(t)
	return &ingestFixture{store: store, cat: cat, p: pipeline.New(pipeline.Config{Ingest: lim}, pipeline.Deps{Catalog: cat})}
}

// noStaging fails the test when a staging object outlived its upload.
func (f *ingestFixture) noStaging(t testing.TB) {
	t.Helper()
	keys, err := f.store.List(context.Background(), "uploads/")
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 0 {
		t.Errorf("staging objects left behind: %q", keys)
	}
}

func zipOf(t testing.TB, method uint16, entries ...any) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for i := 0; i < len(entries); i += 2 {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: entries[i].(string), Method: method})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(entries[i+1].([]byte))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func pdfOf(n int) []byte {
	b := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte{'x'}, n)...)
	return b[:n]
}

// itemSummary is what a test checks of a batch item.
type itemSummary struct {
	Name      string
	Size      int64
	Format    string
	Duplicate bool
	Code      string
}

func summarize(items []catalog.Item) []itemSummary {
	var out []itemSummary
	for _, it := range items {
		s := itemSummary{Name: it.Name, Size: it.Size, Format: it.Format, Duplicate: it.Duplicate}
		if it.Rejected != nil {
			s.Code = it.Rejected.Code
		}
		out = append(out, s)
	}
	return out
}

func TestAddFiles(t *testing.T) {
	const max = 1 << 20
	f := newIngest(t, pipeline.IngestLimits{MaxFileBytes: max, MaxZipEntries: 4})
	ctx := context.Background()
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 100)...)
	jpeg := append([]byte("\xff\xd8\xff\xe0"), bytes.Repeat([]byte("j"), 100)...)
	pdf := pdfOf(3*vault.ChunkSize + 5)
	bomb := zipOf(t, zip.Deflate, "bomb.pdf", pdfOf(max))
	nested := zipOf(t, zip.Deflate, "l2.zip", zipOf(t, zip.Deflate, "l3.zip", zipOf(t, zip.Deflate, "a.png", png)))
	folder := zipOf(t, zip.Deflate, "hop-01/ho-so-02/trang.png", png, "hop-01/../../../etc/evil.jpg", jpeg,
		"__MACOSX/._x", []byte("junk"), "hop-01/", []byte{})
	crowded := zipOf(t, zip.Deflate, "1.pdf", pdfOf(10), "2.pdf", pdfOf(11), "3.pdf", pdfOf(12), "4.pdf", pdfOf(13), "5.pdf", pdfOf(14))
	// Two entries, but a central directory larger than 4 entries may have.
	longNames := zipOf(t, zip.Deflate, strings.Repeat("a", 2500)+".pdf", pdfOf(20), strings.Repeat("b", 2500)+".pdf", pdfOf(21))
	files := []struct {
		name string
		data []byte
	}{
		{"scan.pdf", pdf},
		{"again.pdf", pdf},
		{"exact.pdf", pdfOf(max)},
		{"big.pdf", pdfOf(max + 1)},
		{"empty.pdf", nil},
		{"notes.txt", []byte("Đây không phải là ảnh quét")},
		{"folder.zip", folder},
		{"bomb.zip", bomb},
		{"nested.zip", nested},
		{"broken.zip", []byte("PK\x03\x04 not really a zip")},
		{"crowded.zip", crowded},
		{"long-names.zip", longNames},
		{"../../etc/passwd.png", png},
	}
	up := f.p.NewUpload(pipeline.BatchMeta{Uploader: "t1 test"})
	for _, file := range files {
		if err := up.Add(ctx, file.name, bytes.NewReader(file.data)); err != nil {
			t.Fatalf("Add(%s): %v", file.name, err)
		}
	}
	want := []itemSummary{
		{Name: "scan.pdf", Size: int64(len(pdf)), Format: "pdf"},
		{Name: "again.pdf", Size: int64(len(pdf)), Format: "pdf", Duplicate: true},
		{Name: "exact.pdf", Size: max, Format: "pdf"},
		{Name: "big.pdf", Size: max + 1, Code: "file_too_large"},
		{Name: "empty.pdf", Code: "empty_file"},
		{Name: "notes.txt", Size: 35, Code: "unsupported_type"},
		{Name: "folder.zip/hop-01/ho-so-02/trang.png", Size: int64(len(png)), Format: "png"},
		{Name: "folder.zip/hop-01/etc/evil.jpg", Size: int64(len(jpeg)), Format: "jpeg"},
		{Name: "bomb.zip/bomb.pdf", Size: max, Code: "zip_bomb"},
		{Name: "nested.zip/l2.zip/l3.zip", Size: int64(len(zipOf(t, zip.Deflate, "a.png", png))), Code: "zip_too_deep"},
		{Name: "broken.zip", Size: 21, Code: "corrupt_zip"},
		{Name: "crowded.zip", Size: int64(len(crowded)), Code: "zip_too_many_entries"},
		{Name: "long-names.zip", Size: int64(len(longNames)), Code: "zip_too_many_entries"},
		{Name: "etc/passwd.png", Size: int64(len(png)), Format: "png", Duplicate: true},
	}
	if diff := cmp.Diff(want, summarize(up.Items())); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	if up.Documents() != 4 {
		t.Errorf("Documents() = %d, want 4 (scan, exact, trang.png, evil.jpg)", up.Documents())
	}
	// The stored original is the upload, byte for byte.
	id := up.Items()[0].DocumentID
	got, err := f.cat.GetOriginal(ctx, id)
	if err != nil || !bytes.Equal(got, pdf) {
		t.Errorf("GetOriginal: %d bytes, %v; want the %d uploaded", len(got), err, len(pdf))
	}
	f.noStaging(t)
}

// failAfter reads n bytes of a PDF, then fails like a dropped connection.
type failAfter struct {
	n   int
	err error
}

func (r *failAfter) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, r.err
	}
	k := copy(p[:min(len(p), r.n)], pdfOf(min(len(p), r.n)))
	r.n -= k
	return k, nil
}

func TestAddErrors(t *testing.T) {
	ctx := context.Background()
	t.Run("read error", func(t *testing.T) {
		f := newIngest(t, pipeline.IngestLimits{})
		boom := errors.New("connection reset by peer")
		up := f.p.NewUpload(pipeline.BatchMeta{})
		err := up.Add(ctx, "cut.pdf", &failAfter{n: 200 << 10, err: boom})
		if !errors.Is(err, boom) {
			t.Fatalf("Add error = %v, want the reader's", err)
		}
		if len(up.Items()) != 0 {
			t.Errorf("items after a failed read: %v", up.Items())
		}
		f.noStaging(t)
	})
	t.Run("batch too large", func(t *testing.T) {
		f := newIngest(t, pipeline.IngestLimits{MaxBatchBytes: 100 << 10})
		up := f.p.NewUpload(pipeline.BatchMeta{})
		if err := up.Add(ctx, "a.pdf", bytes.NewReader(pdfOf(60<<10))); err != nil {
			t.Fatal(err)
		}
		err := up.Add(ctx, "b.pdf", bytes.NewReader(pdfOf(60<<10+1)))
		if !errors.Is(err, pipeline.ErrBatchTooLarge) {
			t.Fatalf("Add error = %v, want ErrBatchTooLarge", err)
		}
		f.noStaging(t)
	})
	t.Run("canceled", func(t *testing.T) {
		f := newIngest(t, pipeline.IngestLimits{})
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		up := f.p.NewUpload(pipeline.BatchMeta{})
		if err := up.Add(cctx, "a.pdf", io.MultiReader(bytes.NewReader(pdfOf(10)))); !errors.Is(err, context.Canceled) {
			t.Fatalf("Add error = %v, want context.Canceled", err)
		}
		f.noStaging(t)
	})
}

// acceptAll is an Enqueuer that takes every task.
type acceptAll struct{}

func (acceptAll) EnqueueContext(ctx context.Context, t *asynq.Task, opts ...asynq.Option) (*asynq.TaskInfo, error) {
	return &asynq.TaskInfo{}, nil
}

// TestDuplicatesPerUploader: the same file uploaded again by its uploader
// is a duplicate of their document; uploaded by someone else it is a new
// document, so an upload never tells that another uploader holds the file.
// Documents from before IDs were per uploader count only for their own
// uploader. Batches are seen and retried within the caller's scope.
func TestDuplicatesPerUploader(t *testing.T) {
	ctx := context.Background()
	cat, _ := catalogtest.New(t)
	opt, err := redis.ParseURL(testenv.RedisURL(t))
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	p := pipeline.New(pipeline.Config{}, pipeline.Deps{Catalog: cat, Queue: acceptAll{}, Redis: rdb})
	scan, legacyScan := pdfOf(5000), pdfOf(6000)

	// A document ingested before IDs were per uploader, by token tA.
	sum := sha256.Sum256(legacyScan)
	legacyID := catalog.DocumentIDFor(hex.EncodeToString(sum[:]))
	if err := cat.PutDocument(ctx, &catalog.Document{ID: legacyID, BatchID: "b20240101t000000aa", Name: "old.pdf",
		SHA256: hex.EncodeToString(sum[:]), Size: int64(len(legacyScan)), Format: "pdf", Status: "done"}); err != nil {
		t.Fatal(err)
	}
	if err := cat.PutBatch(ctx, &catalog.Batch{ID: "b20240101t000000aa", Uploader: "tA Phòng A",
		Items: []catalog.Item{{Name: "old.pdf", DocumentID: legacyID, Size: int64(len(legacyScan)), Format: "pdf"}}}); err != nil {
		t.Fatal(err)
	}

	upload := func(uploader string, data []byte) (catalog.Item, domain.BatchID) {
		t.Helper()
		up := p.NewUpload(pipeline.BatchMeta{Uploader: uploader + " test"})
		if err := up.Add(ctx, "scan.pdf", bytes.NewReader(data)); err != nil {
			t.Fatal(err)
		}
		id, err := up.Commit(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return up.Items()[0], id
	}
	first, batchA := upload("tA", scan)
	if first.Duplicate {
		t.Fatal("first upload marked duplicate")
	}
	tests := []struct {
		name     string
		uploader string
		data     []byte
		dupOf    domain.DocumentID // "" for a new document
	}{
		{"same uploader again", "tA", scan, first.DocumentID},
		{"another uploader", "tB", scan, ""},
		{"another uploader's legacy document", "tB", legacyScan, ""},
		{"own legacy document", "tA", legacyScan, legacyID},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			it, _ := upload(tc.uploader, tc.data)
			if tc.dupOf != "" {
				if !it.Duplicate || it.DocumentID != tc.dupOf {
					t.Errorf("item %+v, want a duplicate of %s", it, tc.dupOf)
				}
				return
			}
			if it.Duplicate || it.DocumentID == first.DocumentID || it.DocumentID == legacyID {
				t.Errorf("item %+v, want a new document of its own", it)
			}
			if _, err := cat.GetDocument(ctx, it.DocumentID); err != nil {
				t.Errorf("new document not stored: %v", err)
			}
		})
	}

	t.Run("scope", func(t *testing.T) {
		asB := pipeline.BatchScope{Uploader: "tB"}
		if _, err := p.Batch(ctx, asB, batchA, "en"); !errors.Is(err, catalog.ErrNotFound) {
			t.Errorf("tB reads tA's batch: err = %v, want ErrNotFound", err)
		}
		if _, err := p.Retry(ctx, asB, batchA); !errors.Is(err, catalog.ErrNotFound) {
			t.Errorf("tB retries tA's batch: err = %v, want ErrNotFound", err)
		}
		count := func(scope pipeline.BatchScope) int {
			list, err := p.Batches(ctx, scope, 0, "en")
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range list {
				if got, err := p.Batch(ctx, scope, b.ID, "en"); err != nil || got.ID != b.ID {
					t.Errorf("listed batch %s not readable: %v", b.ID, err)
				}
			}
			return len(list)
		}
		// tA: the legacy batch and three uploads; tB: two uploads.
		for _, c := range []struct {
			scope pipeline.BatchScope
			want  int
		}{{pipeline.BatchScope{Uploader: "tA"}, 4}, {asB, 2}, {pipeline.BatchScope{Uploader: "tC"}, 0}, {pipeline.AllBatches, 6}} {
			if got := count(c.scope); got != c.want {
				t.Errorf("%+v sees %d batches, want %d", c.scope, got, c.want)
			}
		}
		if got, err := p.Batches(ctx, pipeline.BatchScope{Uploader: "tA"}, 2, "en"); err != nil || len(got) != 2 {
			t.Errorf("limit 2: %d batches, %v", len(got), err)
		}
	})
}
