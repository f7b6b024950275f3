package web_test

import (
	"context"
	"fmt"
	"net/http"
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

// TestAccuracyPage: operators see the accuracy measured on verified
// records, in Vietnamese and in English, without any value; the documents
// not verified do not count; other roles are refused.
func TestAccuracyPage(t *testing.T) {
	ctx := context.Background()
	cat, store := catalogtest.New(t)
	as := auth.NewStore(store)
	now := time.Now().UTC()
	b := &catalog.Batch{ID: catalog.NewBatchID(now), CreatedAt: now, Uploader: "u x"}
	for i, verified := range []bool{true, true, false} {
		id := catalog.DocumentIDFor(fmt.Sprintf("%032x%032x", i+1, 0))
		rec := &catalog.Record{DocumentID: id, BatchID: b.ID, Class: "decision", ClassConfidence: 0.9, Pages: 1, FinalizedAt: now,
			Fields: map[string]catalog.Field{"doc_number": {Value: "4711", Confidence: 0.95, Sensitivity: domain.Public}}}
		if i == 0 {
			catalog.Correct(rec, map[string]catalog.Edit{"doc_number": {Value: "4712"}}, "r", "r", now, nil)
		}
		if verified {
			rec.Verified = &catalog.Verification{By: "r", ByName: "r", At: now}
		}
		putFinished(t, cat, b, fmt.Sprintf("d%d.pdf", i), rec)
	}
	ts := serveWeb(t, web.Deps{Pipeline: pipeline.New(pipeline.Config{}, pipeline.Deps{Catalog: cat}), Catalog: cat,
		Search: noSearch{}, Auth: as, Audit: &accesstest.Audit{}, Review: catalog.Thresholds{Field: 0.85}})
	token := func(r auth.Role) string {
		tok, _, err := as.Create(ctx, r, string(r))
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	s := signIn(t, ts.URL, token(auth.RoleOperator))
	resp, body := get(t, s.c, ts.URL+"/ops/accuracy")
	for _, want := range []string{"2 văn bản đã duyệt; ngưỡng tin cậy 0.85", "Số văn bản", "50%", "1/2"} {
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("accuracy page: HTTP %d, lacks %q", resp.StatusCode, want)
		}
	}
	for _, v := range []string{"4711", "4712"} {
		if strings.Contains(body, v) {
			t.Errorf("the accuracy page shows the value %s", v)
		}
	}
	if _, body := get(t, s.c, ts.URL+"/ops/accuracy?lang=en"); !strings.Contains(body, "2 verified documents; confidence threshold 0.85") {
		t.Error("no English summary")
	}
	if _, body := get(t, s.c, ts.URL+"/ops"); !strings.Contains(body, `href="/ops/accuracy"`) {
		t.Error("the operations page does not link to the accuracy page")
	}
	for _, r := range []auth.Role{auth.RoleSearcher, auth.RoleReviewer, auth.RoleUploader} {
		s := signIn(t, ts.URL, token(r))
		if resp, _ := get(t, s.c, ts.URL+"/ops/accuracy"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: HTTP %d, want 403", r, resp.StatusCode)
		}
	}
}

// putFinished stores rec as a finished one-page document of batch b,
// named name, and stores b with it.
func putFinished(t *testing.T, cat *catalog.Catalog, b *catalog.Batch, name string, rec *catalog.Record) {
	t.Helper()
	ctx := context.Background()
	b.Items = append(b.Items, catalog.Item{Name: name, DocumentID: rec.DocumentID})
	for _, err := range []error{
		cat.PutDocument(ctx, &catalog.Document{ID: rec.DocumentID, BatchID: b.ID, Name: name, Status: domain.DocDone, Pages: 1}),
		cat.PutRecord(ctx, rec),
		cat.PutBatch(ctx, b),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
}
