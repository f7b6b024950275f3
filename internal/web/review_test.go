package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sohoa/sohoa/internal/access/accesstest"
	"github.com/sohoa/sohoa/internal/auth"
	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/catalog/catalogtest"
	"github.com/sohoa/sohoa/internal/domain"
	"github.com/sohoa/sohoa/internal/pipeline"
	"github.com/sohoa/sohoa/internal/web"
)

// TestBatchPageReviewShare: the batch page shows how many finished
// documents were accepted without review (every field above the
// threshold), how many wait for review and how many were verified.
func TestBatchPageReviewShare(t *testing.T) {
	ctx := context.Background()
	cat, store := catalogtest.New(t)
	as := auth.NewStore(store)
	now := time.Now().UTC()
	b := &catalog.Batch{ID: catalog.NewBatchID(now), CreatedAt: now, Uploader: "u x"}
	for i, conf := range []float64{0.95, 0.9, 0.3, 0.99} {
		id := catalog.DocumentIDFor(fmt.Sprintf("%032x%032x", i+1, 0))
		b.Items = append(b.Items, catalog.Item{Name: fmt.Sprintf("d%d.pdf", i), DocumentID: id})
		rec := &catalog.Record{DocumentID: id, BatchID: b.ID, ClassConfidence: 0.9, Pages: 1, FinalizedAt: now,
			Fields: map[string]catalog.Field{"doc_number": {Value: "1", Confidence: conf, Sensitivity: domain.Public}}}
		if i == 3 {
			rec.Verified = &catalog.Verification{By: "r", ByName: "r", At: now}
		}
		for _, err := range []error{
			cat.PutDocument(ctx, &catalog.Document{ID: id, BatchID: b.ID, Name: fmt.Sprintf("d%d.pdf", i), Status: domain.DocDone, Pages: 1}),
			cat.PutRecord(ctx, rec),
		} {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := cat.PutBatch(ctx, b); err != nil {
		t.Fatal(err)
	}
	ts := serveWeb(t, web.Deps{Pipeline: pipeline.New(pipeline.Config{}, pipeline.Deps{Catalog: cat}), Catalog: cat,
		Search: noSearch{}, Auth: as, Audit: &accesstest.Audit{}, Review: catalog.Thresholds{Field: 0.85}})
	tok, _, err := as.Create(ctx, auth.RoleAdmin, "admin")
	if err != nil {
		t.Fatal(err)
	}
	s := signIn(t, ts.URL, tok)
	resp, body := get(t, s.c, ts.URL+"/batches/"+string(b.ID))
	want := "Chấp nhận tự động (mọi trường đủ tin cậy): 2/4 tài liệu (50%) · cần kiểm tra: 1 · đã kiểm tra: 1"
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, want) {
		t.Errorf("batch page: HTTP %d, lacks %q", resp.StatusCode, want)
	}
}

// serveWeb serves the web interface built from d until the test ends.
func serveWeb(t testing.TB, d web.Deps) *httptest.Server {
	t.Helper()
	srv, err := web.New(d)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	for _, r := range srv.Routes() {
		mux.Handle(r.Pattern, r.Handler)
	}
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts
}
