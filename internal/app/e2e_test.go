package app_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sohoa/sohoa/internal/app"
	"github.com/sohoa/sohoa/internal/app/apptest"
	"github.com/sohoa/sohoa/internal/child/childsrv"
	"github.com/sohoa/sohoa/internal/client"
	"github.com/sohoa/sohoa/internal/corpus"
	"github.com/sohoa/sohoa/internal/omp"
	"github.com/sohoa/sohoa/internal/search"
)

func TestMain(m *testing.M) {
	// The servers these tests start read pages in child processes: copies
	// of this test binary, which serve here.
	childsrv.Main()
	if err := omp.EnsureThreadLimit(); err != nil {
		panic(err)
	}
	code := m.Run()
	if builtBin != "" { // built by buildSohoa, shared by this run's tests
		os.RemoveAll(filepath.Dir(builtBin))
	}
	os.Exit(code)
}

// writeDoc renders generated documents as files in dir.
func writeDocs(t *testing.T, dir string, opts corpus.Options, format string) ([]string, []corpus.Document) {
	t.Helper()
	docs, err := corpus.Generate(opts)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for i, d := range docs {
		var buf bytes.Buffer
		switch format {
		case "pdf":
			err = corpus.WritePDF(&buf, d.Pages, d.Truth.DPI)
		case "png":
			err = corpus.WritePNG(&buf, d.Pages[0], d.Truth.DPI)
		default:
			t.Fatalf("format %s", format)
		}
		if err != nil {
			t.Fatal(err)
		}
		f := filepath.Join(dir, fmt.Sprintf("doc%02d.%s", i, format))
		if err := os.WriteFile(f, buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return files, docs
}

// TestEndToEnd uploads a generated 3-page image-only PDF through the API,
// lets real asynq workers split and OCR it with Tesseract, and finds it by a
// word that only page 3 has and by an accentless query.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	t.Run("embedded", func(t *testing.T) { testEndToEnd(t, nil) })
	t.Run("Elasticsearch", func(t *testing.T) { testEndToEnd(t, apptest.WithElasticsearch(t)) })
}

func testEndToEnd(t *testing.T, mutate func(*app.Config)) {
	in := apptest.Start(t, mutate)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	uploader, searcher, reader := in.Client(t, "uploader"), in.Client(t, "searcher"), in.Client(t, "pii_reader")

	files, docs := writeDocs(t, t.TempDir(), corpus.Options{Seed: 7, Documents: 1, PagesPerDoc: [2]int{3, 3},
		Classes: []string{"decision"}}, "pdf")
	truth := docs[0].Truth
	res, err := uploader.Upload(ctx, files, map[string]string{"fonds": "F01"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Documents != 1 {
		t.Fatalf("upload: %+v, want 1 document", res)
	}
	start := time.Now()
	b, err := uploader.Wait(ctx, res.ID, 250*time.Millisecond, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("batch %s %s in %s: %d/%d pages", b.ID, b.Status, time.Since(start).Round(time.Millisecond), b.PagesDone, b.PagesTotal)
	if b.Status != "done" || b.PagesTotal != 3 || b.PagesDone != 3 || len(b.Documents) != 1 || b.Documents[0].Status != "done" {
		t.Fatalf("batch = %+v, want done with 3 pages", b)
	}
	docID := b.Documents[0].ID

	// The record is searchable once indexed; the index stage follows finalize.
	found := func(c *client.Client, q string, params url.Values) bool {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			r, err := c.Search(ctx, q, params)
			if err != nil {
				t.Fatalf("search %q: %v", q, err)
			}
			for _, h := range r.Hits {
				if h.DocumentID == docID {
					return true
				}
			}
			if time.Now().After(deadline) {
				return false
			}
			time.Sleep(200 * time.Millisecond)
		}
	}

	// A word only page 3 has, that OCR read on page 3.
	var doc struct {
		Text   string                    `json:"text"`
		Fields map[string]map[string]any `json:"fields"`
	}
	if err := reader.GetJSON(ctx, "/api/v1/documents/"+docID, &doc); err != nil {
		t.Fatal(err)
	}
	ocrPages := strings.Split(doc.Text, "\f")
	if len(ocrPages) != 3 {
		t.Fatalf("document text has %d pages, want 3", len(ocrPages))
	}
	word := uniqueWord(truth.Pages[2].Text, truth.Pages[0].Text+" "+truth.Pages[1].Text, ocrPages[2])
	if word == "" {
		t.Fatalf("no word of page 3 read by OCR; page 3 OCR text:\n%s", ocrPages[2])
	}
	if !found(searcher, word, nil) {
		t.Errorf("search for page-3 word %q did not find the document", word)
	}
	accentless := search.Fold("quyết định")
	if !found(searcher, accentless, nil) {
		t.Errorf("accentless search %q did not find the document", accentless)
	}
	// The searchable PDF/A carries the OCR text layer: pdftotext finds the page-3 word.
	pdf := fetch(t, ctx, reader, "/api/v1/documents/"+docID+"/pdf")
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("document pdf: %.40q", pdf)
	}
	cmd := exec.Command("pdftotext", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	text, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	if !strings.Contains(search.Normalize(string(text)), word) {
		t.Errorf("pdftotext of the searchable PDF lacks %q", word)
	}
	// Search results export as CSV.
	csv := fetch(t, ctx, searcher, "/api/v1/search/export.csv?q="+url.QueryEscape(accentless))
	if !bytes.Contains(csv, []byte(docID)) {
		t.Errorf("CSV export lacks the document:\n%s", csv)
	}

	// Operators see the work in Prometheus metrics.
	metrics := string(fetch(t, ctx, in.Client(t, "operator"), "/metrics"))
	for _, want := range []string{`sohoa_pages_total{status="done"} 3`, `sohoa_documents_total{status="done"} 1`,
		"sohoa_ocr_seconds_count 3", `sohoa_queue_tasks{queue="ocr",state="completed"}`, "sohoa_upload_bytes_total"} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	// Indexing is proven above, so one query suffices for the negative case.
	if r, err := searcher.Search(ctx, "zzzyyyxxx", nil); err != nil || r.Total != 0 {
		t.Errorf("nonsense query: %v, %+v; want no hits", err, r)
	}
}

// fetch GETs a raw API response body.
func fetch(t *testing.T, ctx context.Context, c *client.Client, path string) []byte {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, c.Base+path, nil)
	req.Header.Set("Authorization", "Bearer "+c.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %v %.200s", path, resp.StatusCode, err, b)
	}
	return b
}

// uniqueWord returns a word of at least 6 letters that is on page (truth),
// not on the other pages, and present in the OCR text of that page.
func uniqueWord(page, others, ocr string) string {
	other := map[string]bool{}
	for _, w := range strings.Fields(search.Normalize(others)) {
		other[strings.Trim(w, ".,;:()")] = true
	}
	got := map[string]bool{}
	for _, w := range strings.Fields(search.Normalize(ocr)) {
		got[strings.Trim(w, ".,;:()")] = true
	}
	for _, w := range strings.Fields(search.Normalize(page)) {
		w = strings.Trim(w, ".,;:()")
		if utf8.RuneCountInString(w) < 6 || other[w] || !got[w] || strings.IndexFunc(w, func(r rune) bool { return !unicode.IsLetter(r) }) >= 0 {
			continue
		}
		return w
	}
	return ""
}
