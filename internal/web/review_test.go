package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

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
		rec := &catalog.Record{DocumentID: id, BatchID: b.ID, ClassConfidence: 0.9, Pages: 1, FinalizedAt: now,
			Fields: map[string]catalog.Field{"doc_number": {Value: "1", Confidence: conf, Sensitivity: domain.Public}}}
		if i == 3 {
			rec.Verified = &catalog.Verification{By: "r", ByName: "r", At: now}
		}
		putFinished(t, cat, b, fmt.Sprintf("d%d.pdf", i), rec)
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

// TestReviewScreen: the queue page lists the documents to review with
// their reasons; the review screen shows the page image beside the fields,
// uncertain ones first with their reasons, and opening it is audited like
// the record view; only a reviewer opens either.
func TestReviewScreen(t *testing.T) {
	ctx := context.Background()
	cat, store := catalogtest.New(t)
	as := auth.NewStore(store)
	now := time.Now().UTC()
	b := &catalog.Batch{ID: catalog.NewBatchID(now), CreatedAt: now, Uploader: "u x"}
	id := catalog.DocumentIDFor(fmt.Sprintf("%032x%032x", 7, 0))
	b.Items = []catalog.Item{{Name: "cv.pdf", DocumentID: id}}
	rec := &catalog.Record{DocumentID: id, BatchID: b.ID, ClassConfidence: 0.9, Pages: 1, FinalizedAt: now, Missing: []string{"subject"},
		Fields: map[string]catalog.Field{
			"issuer":     {Value: "UBND xã Tân Lập", Confidence: 0.95, Sensitivity: domain.Public},
			"doc_number": {Value: "1284", Confidence: 0.4, Sensitivity: domain.Public},
			"cccd":       {Values: []string{"001190012345"}, Confidence: 0.9, Sensitivity: domain.Personal},
		}}
	for _, err := range []error{
		cat.PutDocument(ctx, &catalog.Document{ID: id, BatchID: b.ID, Name: "cv.pdf", Status: domain.DocDone, Pages: 1}),
		cat.PutRecord(ctx, rec), cat.PutBatch(ctx, b),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	au := &accesstest.Audit{Keys: []string{"unmasked", "review", "via"}}
	ts := serveWeb(t, web.Deps{Pipeline: pipeline.New(pipeline.Config{}, pipeline.Deps{Catalog: cat}), Catalog: cat,
		Search: noSearch{}, Auth: as, Audit: au})
	sessions := map[auth.Role]*session{}
	for _, r := range []auth.Role{auth.RoleReviewer, auth.RolePIIReader, auth.RoleUploader} {
		tok, _, err := as.Create(ctx, r, "t-"+string(r))
		if err != nil {
			t.Fatal(err)
		}
		sessions[r] = signIn(t, ts.URL, tok)
	}
	au.Take()
	rev := sessions[auth.RoleReviewer]
	resp, body := get(t, rev.c, ts.URL+"/review")
	if resp.StatusCode != 200 || !strings.Contains(body, `href="/review/`+string(id)+`"`) || !strings.Contains(body, "thiếu trường bắt buộc") {
		t.Errorf("queue page: HTTP %d\n%s", resp.StatusCode, body)
	}
	resp, body = get(t, rev.c, ts.URL+"/review/"+string(id))
	if resp.StatusCode != 200 {
		t.Fatalf("review screen: HTTP %d", resp.StatusCode)
	}
	number, subject, issuer := strings.Index(body, `id="f-doc_number"`), strings.Index(body, `id="f-subject"`), strings.Index(body, `id="f-issuer"`)
	if number < 0 || subject < 0 || issuer < 0 || number > issuer || subject > issuer {
		t.Errorf("uncertain fields are not first: doc_number %d, subject %d, issuer %d", number, subject, issuer)
	}
	for _, want := range []string{`/records/` + string(id) + `/pages/1`, `data-version="1"`, "001190012345", "độ tin cậy thấp", "/static/review.js"} {
		if !strings.Contains(body, want) {
			t.Errorf("review screen lacks %q", want)
		}
	}
	if diff := cmp.Diff([]string{"reviewer unmask " + string(id) + " unmasked=cccd,text review=true via=web"}, au.Take()); diff != "" {
		t.Errorf("audit (-want +got)\n%s", diff)
	}
	for _, r := range []auth.Role{auth.RolePIIReader, auth.RoleUploader} {
		for _, p := range []string{"/review", "/review/" + string(id)} {
			if resp, _ := get(t, sessions[r].c, ts.URL+p); resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s %s: HTTP %d, want 403", r, p, resp.StatusCode)
			}
		}
	}
}
