package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sohoa/sohoa/internal/app"
	"github.com/sohoa/sohoa/internal/app/apptest"
)

// TestReviewBrowser reviews one document with the keyboard in a real
// chromium against a real instance: the queue lists it, the review screen
// opens on its first uncertain field, the reviewer types a correction,
// confirms every other uncertain field with Enter and saves with
// Ctrl+Enter; the record then holds the corrected, verified value. It
// logs how long the keyboard review took.
func TestReviewBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	ctx := browser(t)
	// Every extracted field is below this threshold: the document is queued.
	in := apptest.Start(t, func(c *app.Config) { c.Review.ConfidenceThreshold = 0.999 })
	shots := newShooter(t, ctx)
	tctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	ctx = tctx

	uploadGenerated(t, ctx, in, 11, "decision", "quyet-dinh.pdf")
	reviewer := in.Client(t, "reviewer")
	signInToken(t, ctx, in.URL, reviewer.Token)
	do(t, ctx, "open the queue", chromedp.Navigate(in.URL+"/review"), chromedp.WaitVisible(chromedp.CSS("#review-queue a")))
	shots.shot("review-queue")

	start := time.Now()
	href := eval[string](t, ctx, "document.querySelector('#review-queue a').href")
	do(t, ctx, "open the review screen", chromedp.Navigate(href), chromedp.WaitVisible(chromedp.CSS("#review-form")))
	if got := eval[string](t, ctx, "document.activeElement.dataset.uncertain"); got != "1" {
		t.Fatalf("the focus is not on an uncertain field (%q)", got)
	}
	id := eval[string](t, ctx, "document.getElementById('review-form').dataset.doc")
	// Go to doc_number with Tab, type the correction over the selection.
	for i := 0; i < 20 && eval[string](t, ctx, "document.activeElement.name") != "doc_number"; i++ {
		do(t, ctx, "Tab", chromedp.KeyEvent("\t"))
	}
	if eval[string](t, ctx, "document.activeElement.name") != "doc_number" {
		t.Fatal("Tab never reaches doc_number")
	}
	// Its words are highlighted on the page image.
	if n := eval[int](t, ctx, `document.querySelectorAll('.page-frame .word-box[data-field="doc_number"]').length`); n == 0 {
		t.Errorf("doc_number's words are not highlighted on the page (boxes %q)", eval[string](t, ctx, "document.activeElement.dataset.boxes || ''"))
	}
	do(t, ctx, "type the correction", chromedp.KeyEvent("98765"), chromedp.KeyEvent("\r"))
	shots.shot("review")
	// Confirm every other uncertain field with Enter, then save.
	n := eval[int](t, ctx, "document.querySelectorAll('#review-form input[data-uncertain]').length")
	if n == 0 {
		t.Fatal("Enter left the review screen instead of confirming the field")
	}
	for i := 0; i < n-1 && eval[string](t, ctx, "document.activeElement.tagName") == "INPUT"; i++ {
		do(t, ctx, "Enter", chromedp.KeyEvent("\r"))
	}
	do(t, ctx, "Ctrl+Enter", chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierCtrl)))
	for i := 0; i < 50 && eval[bool](t, ctx, "!!document.getElementById('review-form')"); i++ {
		time.Sleep(100 * time.Millisecond)
	}
	if eval[bool](t, ctx, "!!document.getElementById('review-form')") {
		t.Fatalf("Ctrl+Enter did not save: %q", eval[string](t, ctx, "document.getElementById('review-msg').textContent + ' ' + Array.from(document.querySelectorAll('input:invalid')).map(function(i){return i.name+'='+i.value}).join(',')"))
	}
	took := time.Since(start)
	t.Logf("one document reviewed with the keyboard in %s (%d uncertain fields)", took.Round(time.Millisecond), n)

	var doc struct {
		Fields map[string]struct {
			Value  any    `json:"value"`
			Source string `json:"source"`
		} `json:"fields"`
		Review struct {
			Status string `json:"status"`
		} `json:"review"`
	}
	if err := reviewer.GetJSON(ctx, "/api/v1/documents/"+id, &doc); err != nil {
		t.Fatal(err)
	}
	if f := doc.Fields["doc_number"]; f.Value != "98765" || f.Source != "reviewer" || doc.Review.Status != "verified" {
		t.Errorf("after the keyboard review: doc_number %+v, review %s", f, doc.Review.Status)
	}
	if !strings.Contains(text(t, ctx, "main"), "Không có tài liệu nào cần kiểm tra") {
		t.Error("the queue is not empty after the review")
	}
}
