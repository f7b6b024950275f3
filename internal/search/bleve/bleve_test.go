package bleve

import (
	"context"
	"path/filepath"
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
