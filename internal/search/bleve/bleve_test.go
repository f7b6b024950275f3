package bleve

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/sohoa/sohoa/internal/search"
	"github.com/sohoa/sohoa/internal/search/searchtest"
)

func TestConformance(t *testing.T) {
	searchtest.Run(t, func(t *testing.T) search.Index {
		ix, err := Open(filepath.Join(t.TempDir(), "index"))
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		return ix
	})
}

func TestReopen(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := Open(dir)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if err := ix.Index(ctx, searchtest.Corpus()[0]); err != nil {
		t.Fatalf("Index: %v", err)
	}
	if err := ix.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	ix, err = Open(dir)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer ix.Close()
	res, err := ix.Search(ctx, search.Query{Text: "chuyen doi so"})
	if err != nil {
		t.Fatalf("Search: %v", err)
	}
	if res.Total != 1 || res.Hits[0].ID != "qd-cds" {
		t.Errorf("after reopen: %+v, want qd-cds", res)
	}
}

func TestOpenRejectsOtherSchema(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := Open(dir)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if err := ix.idx.SetInternal(schemaKey, []byte("sohoa-bleve-0")); err != nil {
		t.Fatalf("SetInternal: %v", err)
	}
	if err := ix.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if ix, err := Open(dir); err == nil {
		ix.Close()
		t.Fatal("Open of an index with another schema version succeeded")
	}
}

func TestIndexBatch(t *testing.T) {
	ctx := context.Background()
	ix, err := Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer ix.Close()
	corpus := searchtest.Corpus()
	if err := ix.IndexBatch(ctx, append(corpus, corpus[0])); err != nil {
		t.Fatalf("IndexBatch: %v", err)
	}
	if n, err := ix.Count(ctx); err != nil || n != len(corpus) {
		t.Errorf("Count = %d, %v; want %d", n, err, len(corpus))
	}
	if err := ix.IndexBatch(ctx, []search.Record{{Title: "no id"}}); err == nil {
		t.Error("IndexBatch of a record without ID succeeded")
	}
}

func TestConcurrentWrites(t *testing.T) {
	ctx := context.Background()
	ix, err := Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer ix.Close()
	const n = 40
	errs := make(chan error, 2*n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := searchtest.Synthetic(i)
			errs <- ix.Index(ctx, r)
			if i%4 == 0 {
				errs <- ix.Delete(ctx, r.ID)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("write: %v", err)
		}
	}
	if got, err := ix.Count(ctx); err != nil || got != n-n/4 {
		t.Errorf("Count = %d, %v; want %d", got, err, n-n/4)
	}
	res, err := ix.Search(ctx, search.Query{Fields: map[string]string{"doc_number": searchtest.Synthetic(1).Fields["doc_number"][0]}, Size: 100})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, h := range res.Hits {
		found = found || h.ID == searchtest.Synthetic(1).ID
	}
	if !found {
		t.Errorf("record 1 not found by its doc_number after concurrent writes")
	}
}

func TestClosedIndexRefusesWrites(t *testing.T) {
	ix, err := Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ix.Index(context.Background(), searchtest.Corpus()[0]); err == nil {
		t.Error("Index after Close succeeded")
	}
}
