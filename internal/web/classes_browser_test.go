package web_test

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sohoa/sohoa/internal/app"
	"github.com/sohoa/sohoa/internal/app/apptest"
	"github.com/sohoa/sohoa/internal/corpus"
)

// TestBrowserTypeFilter uploads a decision and a land certificate through
// the upload form, each with its class chosen in the form's class hint
// (the engine's classes), and then, as an official, filters the search by
// type: each class finds its own document and not the other, and the
// filter, the facet, the hits and the record page name the class in the
// page's language. It runs on the embedded index and, when
// SOHOA_ELASTICSEARCH_URL is set (always in CI), on Elasticsearch.
func TestBrowserTypeFilter(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	backends := []struct {
		name   string
		config func(t *testing.T) func(*app.Config)
	}{
		{"bleve", func(*testing.T) func(*app.Config) { return nil }},
		{"elasticsearch", func(t *testing.T) func(*app.Config) { return apptest.WithElasticsearch(t) }},
	}
	files := map[string]string{} // class ID -> generated PDF
	dir := t.TempDir()
	for i, class := range []string{corpus.ClassDecision, corpus.ClassLandCertificate} {
		docs, err := corpus.Generate(corpus.Options{Seed: int64(40 + i), Documents: 1, PagesPerDoc: [2]int{1, 1},
			DPI: 200, Classes: []string{class}})
		if err != nil {
			t.Fatal(err)
		}
		var pdf bytes.Buffer
		if err := corpus.WritePDF(&pdf, docs[0].Pages, docs[0].Truth.DPI); err != nil {
			t.Fatal(err)
		}
		files[class] = filepath.Join(dir, class+".pdf")
		if err := os.WriteFile(files[class], pdf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			in := apptest.Start(t, b.config(t))
			ctx := browser(t)
			tctx, cancel := context.WithTimeout(ctx, 4*time.Minute)
			defer cancel()
			typeFilter(t, tctx, in, files, b.name == "bleve")
		})
	}
}

// typeFilter runs the type filter scenario against a started instance.
func typeFilter(t *testing.T, ctx context.Context, in *apptest.Instance, files map[string]string, screenshots bool) {
	base := in.URL
	shots := &shooter{t: t, ctx: ctx}
	if screenshots {
		shots = newShooter(t, ctx)
	}
	signInToken(t, ctx, base, in.Token(t, "uploader"))
	docs := map[string]string{} // class ID -> document ID
	for _, class := range []string{corpus.ClassDecision, corpus.ClassLandCertificate} {
		docs[class] = uploadWithHint(t, ctx, base, files[class], class)
	}
	signOut(t, ctx)

	signInToken(t, ctx, base, in.Token(t, "searcher"))
	labels := map[string][2]string{
		corpus.ClassDecision:        {"Quyết định", "Decision"},
		corpus.ClassLandCertificate: {"Giấy chứng nhận quyền sử dụng đất", "Land-use right certificate"},
	}
	for _, class := range []string{corpus.ClassLandCertificate, corpus.ClassDecision} {
		other := corpus.ClassDecision
		if class == other {
			other = corpus.ClassLandCertificate
		}
		// The official picks the type in the filter by its label, as a
		// person does, and searches with nothing else.
		do(t, ctx, "open the search page", chromedp.Navigate(base+"/search"), chromedp.WaitVisible(chromedp.CSS("#q")),
			chromedp.Click(chromedp.CSS("form.search details summary")), chromedp.WaitVisible(chromedp.CSS("#type")))
		value := eval[string](t, ctx, fmt.Sprintf(`(() => { const o = [...document.querySelectorAll('#type option')].find(o => o.textContent.trim() === %q); return o ? o.value : ''; })()`, labels[class][0]))
		if value == "" {
			t.Fatalf("the type filter has no option %q: %s", labels[class][0], text(t, ctx, "#type"))
		}
		found := waitFor(t, ctx, func() bool {
			do(t, ctx, "filter by type", chromedp.Navigate(base+"/search"), chromedp.WaitVisible(chromedp.CSS("#q")),
				chromedp.Click(chromedp.CSS("form.search details summary")), chromedp.WaitVisible(chromedp.CSS("#type")),
				chromedp.SetValue(chromedp.CSS("#type"), value),
				chromedp.Click(chromedp.CSS("#search-submit")), chromedp.WaitVisible(chromedp.CSS("#results-h")))
			return linked(t, ctx, docs[class])
		})
		if !found {
			t.Fatalf("the type filter %q (%s) did not find document %s:\n%s", labels[class][0], value, docs[class], text(t, ctx, "main"))
		}
		if linked(t, ctx, docs[other]) {
			t.Errorf("the type filter %q also found the %s %s", labels[class][0], other, docs[other])
		}
		if got := eval[string](t, ctx, "new URLSearchParams(location.search).get('type')"); got != class {
			t.Errorf("the filter sent type=%q, want the class ID %q", got, class)
		}
		if s := text(t, ctx, ".hit-meta"); !strings.HasPrefix(s, labels[class][0]) {
			t.Errorf("the hit is labelled %q, want %q first", s, labels[class][0])
		}
		if s := text(t, ctx, ".facets a.active"); s != labels[class][0] {
			t.Errorf("the active type facet is %q, want %q", s, labels[class][0])
		}
		if s := text(t, ctx, ".active-filters"); !strings.Contains(s, labels[class][0]) {
			t.Errorf("the active filter chip %q does not name %q", s, labels[class][0])
		}
		if class == corpus.ClassLandCertificate {
			shots.shot("search-type-filter")
		}
		// The same page in English names the class in English.
		do(t, ctx, "english", chromedp.Navigate(base+"/search?type="+url.QueryEscape(class)+"&lang=en"), chromedp.WaitVisible(chromedp.CSS("#results-h")))
		if s := text(t, ctx, ".facets a.active"); s != labels[class][1] {
			t.Errorf("the English type facet is %q, want %q", s, labels[class][1])
		}
		opts := eval[[]string](t, ctx, "[...document.querySelectorAll('#type option')].map(o => o.textContent.trim())")
		if !slices.Contains(opts, labels[class][1]) {
			t.Errorf("the English type filter lacks %q: %v", labels[class][1], opts)
		}
		do(t, ctx, "vietnamese", chromedp.Navigate(base+"/search?lang=vi"), chromedp.WaitVisible(chromedp.CSS("#q")))
		// The record page names the class too.
		do(t, ctx, "open the record", chromedp.Navigate(base+"/records/"+docs[class]), chromedp.WaitVisible(chromedp.CSS("#fields")))
		if s := text(t, ctx, "main"); !strings.Contains(s, labels[class][0]) {
			t.Errorf("the record page of %s does not name its class %q", docs[class], labels[class][0])
		}
	}

	// The API's type filter takes the same class IDs.
	c := in.Client(t, "searcher")
	for class, id := range docs {
		res, err := c.Search(ctx, "", url.Values{"type": {class}})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 1 || res.Hits[0].DocumentID != id {
			t.Errorf("API type=%s: %d hits %+v, want only %s", class, res.Total, res.Hits, id)
		}
	}
}

// uploadWithHint uploads file by the upload form with the class hint class
// chosen, waits for the batch to finish and returns the document's ID.
func uploadWithHint(t *testing.T, ctx context.Context, base, file, class string) string {
	t.Helper()
	do(t, ctx, "choose "+class,
		chromedp.Navigate(base+"/upload"),
		chromedp.WaitVisible(chromedp.CSS("#dropzone")),
		chromedp.SetValue(chromedp.CSS("#pipeline"), class),
		chromedp.SetUploadFiles(chromedp.CSS("#files"), []string{file}),
		chromedp.WaitVisible(chromedp.CSS("#file-list li")),
	)
	if got := eval[string](t, ctx, "document.querySelector('#pipeline').value"); got != class {
		t.Fatalf("the upload form's class hint has no option %q (value %q): %s", class, got, text(t, ctx, "#pipeline"))
	}
	do(t, ctx, "upload "+class, chromedp.Click(chromedp.CSS("#upload-submit")), chromedp.WaitVisible(chromedp.CSS("#batch")))
	do(t, ctx, "wait for the batch", chromedp.WaitVisible(chromedp.CSS("#batch:not([data-sse])")))
	if n := eval[int](t, ctx, "document.querySelectorAll('#docs tr.s-done').length"); n != 1 {
		t.Fatalf("the %s batch did not finish with one document:\n%s", class, text(t, ctx, "main"))
	}
	return eval[string](t, ctx, "document.querySelector('#docs tr.s-done').dataset.doc")
}

// linked reports whether the page links to the record id.
func linked(t *testing.T, ctx context.Context, id string) bool {
	return eval[int](t, ctx, fmt.Sprintf("document.querySelectorAll(\"a[href='/records/%s']\").length", id)) > 0
}

// waitFor retries ok for up to 30 s: the index may see a record a moment
// after its batch is done.
func waitFor(t *testing.T, ctx context.Context, ok func() bool) bool {
	deadline := time.Now().Add(30 * time.Second)
	for {
		if ok() {
			return true
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return false
		}
		time.Sleep(500 * time.Millisecond)
	}
}
