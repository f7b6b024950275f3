package web_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sohoa/sohoa/internal/app/apptest"
	"github.com/sohoa/sohoa/internal/client"
	"github.com/sohoa/sohoa/internal/corpus"
)

// TestAccuracyBrowser: on a real instance, a reviewer corrects and
// verifies an uploaded document through the API; an operator then finds
// the accuracy page from the operations page in chromium, and sees the
// verified document and the changed value counted, in Vietnamese and in
// English.
func TestAccuracyBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	ctx := browser(t)
	in := apptest.Start(t, nil)
	shots := newShooter(t, ctx)
	tctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	ctx = tctx

	b := uploadGenerated(t, ctx, in, 12, "decision", "quyet-dinh.pdf")
	id := b.Documents[0].ID
	reviewer := in.Client(t, "reviewer")
	var doc struct {
		Review struct {
			Version int `json:"version"`
		} `json:"review"`
	}
	if err := reviewer.GetJSON(ctx, "/api/v1/documents/"+id, &doc); err != nil {
		t.Fatal(err)
	}
	body := fmt.Sprintf(`{"fields":{"doc_number":{"value":"98765"}},"verified":true,"version":%d}`, doc.Review.Version)
	req, _ := http.NewRequestWithContext(ctx, "PATCH", in.URL+"/api/v1/documents/"+id+"/fields", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+reviewer.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("PATCH: HTTP %d", resp.StatusCode)
	}

	signInToken(t, ctx, in.URL, in.Client(t, "operator").Token)
	do(t, ctx, "open the operations page", chromedp.Navigate(in.URL+"/ops"), chromedp.WaitVisible(chromedp.CSS("#accuracy-link")))
	do(t, ctx, "follow the accuracy link", chromedp.Click(chromedp.CSS("#accuracy-link")), chromedp.WaitVisible(chromedp.CSS("#accuracy-summary")))
	if got := text(t, ctx, "#accuracy-summary"); !strings.HasPrefix(got, "1 văn bản đã duyệt") {
		t.Errorf("summary %q", got)
	}
	if got := text(t, ctx, `#accuracy-overall tr[data-field="*"] td:nth-of-type(2)`); got != "1" {
		t.Errorf("values changed: %q, want 1", got)
	}
	if got := text(t, ctx, `table[data-class="decision"] tr[data-field="doc_number"] td:nth-of-type(2)`); got != "1" {
		t.Errorf("doc_number changed: %q, want 1", got)
	}
	shots.shot("accuracy")
	do(t, ctx, "in English", chromedp.Navigate(in.URL+"/ops/accuracy?lang=en"), chromedp.WaitVisible(chromedp.CSS("#accuracy-summary")))
	if got := text(t, ctx, "#accuracy-summary"); !strings.HasPrefix(got, "1 verified documents") {
		t.Errorf("English summary %q", got)
	}
}

// uploadGenerated uploads a generated one-page document of class (as an
// uploader of in) under name and waits for its batch to be done.
func uploadGenerated(t *testing.T, ctx context.Context, in *apptest.Instance, seed int64, class, name string) *client.Batch {
	t.Helper()
	docs, err := corpus.Generate(corpus.Options{Seed: seed, Documents: 1, PagesPerDoc: [2]int{1, 1}, Classes: []string{class}})
	if err != nil {
		t.Fatal(err)
	}
	var pdf bytes.Buffer
	if err := corpus.WritePDF(&pdf, docs[0].Pages, docs[0].Truth.DPI); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(file, pdf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	uploader := in.Client(t, "uploader")
	res, err := uploader.Upload(ctx, []string{file}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := uploader.Wait(ctx, res.ID, 250*time.Millisecond, nil)
	if err != nil || b.Status != "done" || len(b.Documents) != 1 {
		t.Fatalf("batch %+v: %v", b, err)
	}
	return b
}
