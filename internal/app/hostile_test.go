package app_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sohoa/sohoa/internal/app"
	"github.com/sohoa/sohoa/internal/app/apptest"
	"github.com/sohoa/sohoa/internal/client"
	"github.com/sohoa/sohoa/internal/corpus"
	"github.com/sohoa/sohoa/internal/testenv/hostile"
)

// TestHostileBatch is issue 16's "done when": one batch holding a good page,
// a PDF bomb, a JPEG-in-PDF lying about its size, an oversized upload, every
// file of OCRmyPDF's test corpus and a truncated JPEG (read by an OCR client
// that has read pages before) ends done_with_errors. The server
// answers health checks and searches throughout, the good page is read, and
// every file that is not done carries a reason.
//
// The oversized upload is a file just above MaxFileMB; with SOHOA_SOAK=1
// (make soak) it is a 500 MiB file under the default limit, which the
// pipeline must take without holding it in memory. Measured on 2 cores: the
// batch with the corpus takes about 6 minutes (one OCR worker; 2400-dpi
// pages, the poster and multipage.pdf take 25-50 s each); the 500 MiB
// variant adds about 2 minutes and took the test process to 10 GB under
// -race, too much for make test.
func TestHostileBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	if raceDetector && os.Getenv("SOHOA_SOAK") != "1" {
		// Its reader children are copies of this test binary: under -race
		// every PDF parsed and page decoded there runs instrumented, which
		// doubles the test's time for no finding in this process. make
		// test runs it in its pass without -race; make soak runs it here.
		t.Skip("runs in make test's pass without -race (go test -run TestHostileBatch ./internal/app)")
	}
	soak := os.Getenv("SOHOA_SOAK") == "1"
	const maxFileMB = 8
	in := apptest.Start(t, func(c *app.Config) {
		c.Workers = 2 // both reader children read pages before the truncated JPEG
		if !soak {
			c.MaxFileMB = maxFileMB
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 25*time.Minute)
	defer cancel()
	uploader, searcher := in.Client(t, "uploader"), in.Client(t, "searcher")

	dir := t.TempDir()
	write := func(name string, r io.Reader) string {
		t.Helper()
		path := filepath.Join(dir, name)
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(f, r); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		return path
	}
	docs, err := corpus.Generate(corpus.Options{Seed: 16, Documents: 1, PagesPerDoc: [2]int{1, 1}, DPI: 200, Classes: []string{"notice"}})
	if err != nil {
		t.Fatal(err)
	}
	var good bytes.Buffer
	if err := corpus.WritePDF(&good, []image.Image{docs[0].Pages[0]}, 200); err != nil {
		t.Fatal(err)
	}
	large, largeSize, largeCode := "too-large.pdf", int64(maxFileMB<<20+1), "file_too_large"
	if soak {
		large, largeSize, largeCode = "500-mib.pdf", 500<<20, ""
	}
	// The bad files; each must end rejected or failed with a reason (and
	// this code, when set).
	bad := []struct{ name, code string }{
		{"pdf-bomb.pdf", ""}, {"lying-size.pdf", ""}, {large, largeCode}, {"truncated.jpg", ""},
	}
	files := []string{
		write("good-page.pdf", &good),
		write(bad[0].name, bytes.NewReader(hostile.PDFBomb())),
		write(bad[1].name, bytes.NewReader(hostile.LyingJPEGInPDF())),
		write(bad[2].name, hostile.LargeUpload(largeSize)),
	}
	files = append(files, hostile.OCRmyPDFCorpus(t)...)
	// The truncated JPEG goes last: documents are split two at a time and
	// the one OCR worker reads pages in the order their splits finish, so
	// uploaded right after the good PDF it was read first, by a fresh
	// client, where it fails cleanly. Last, it meets a client that has read
	// pages, where it crashes Tesseract inside the process (issue 16).
	files = append(files, write(bad[3].name, bytes.NewReader(hostile.TruncatedJPEG())))

	// Health checks and searches every 200 ms while the batch runs.
	pollCtx, stopPolling := context.WithCancel(ctx)
	var polls sync.WaitGroup
	polls.Go(func() { pollWhileRunning(t, pollCtx, in.URL, searcher) })
	defer func() { stopPolling(); polls.Wait() }()

	start := time.Now()
	res, err := uploader.Upload(ctx, files, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	uploaded := time.Since(start)
	finished := map[string]time.Duration{}
	b, err := uploader.Wait(ctx, res.ID, 200*time.Millisecond, func(b *client.Batch) {
		for _, d := range b.Documents {
			if _, ok := finished[d.Name]; !ok && d.Status != "queued" && d.Status != "processing" {
				finished[d.Name] = time.Since(start)
			}
		}
	})
	if err != nil {
		t.Fatalf("batch %s: %v", res.ID, err)
	}
	stopPolling()
	polls.Wait()
	t.Logf("%d files uploaded in %s; batch %s after %s", len(files), uploaded.Round(time.Millisecond), b.Status, time.Since(start).Round(time.Second))

	// The table, in the order the documents finished; "took" is the time
	// since the previous one finished (one OCR worker reads them in turn).
	slices.SortStableFunc(b.Documents, func(x, y client.Document) int { return int(finished[x.Name] - finished[y.Name]) })
	t.Logf("%-30s %-9s %5s %8s %8s  %s", "name", "status", "pages", "at", "took", "error")
	var prev time.Duration
	for _, d := range b.Documents {
		at := finished[d.Name]
		t.Logf("%-30s %-9s %5d %7.1fs %7.1fs  %s %s", d.Name, d.Status, d.Pages, at.Seconds(), (at - prev).Seconds(), d.ErrorCode, d.Error)
		prev = at
	}

	if b.Status != "done_with_errors" {
		t.Errorf("batch status %s, want done_with_errors", b.Status)
	}
	byName := map[string]client.Document{}
	for _, d := range b.Documents {
		byName[d.Name] = d
		if d.Status != "done" && strings.TrimSpace(d.Error) == "" {
			t.Errorf("%s: %s without a reason", d.Name, d.Status)
		}
	}
	// Every file is in the batch: as a document, or (a ZIP, such as the
	// corpus's ODT) as documents named by their path inside it.
	for _, f := range files {
		name := filepath.Base(f)
		if !slices.ContainsFunc(b.Documents, func(d client.Document) bool {
			return d.Name == name || strings.HasPrefix(d.Name, name+"/")
		}) {
			t.Errorf("%s: not in the batch", name)
		}
	}
	if d := byName["good-page.pdf"]; d.Status != "done" || d.PagesDone != 1 {
		t.Errorf("good page: %s with %d pages read (%s), want done with 1", d.Status, d.PagesDone, d.Error)
	}
	for _, c := range bad {
		d := byName[c.name]
		if (d.Status != "rejected" && d.Status != "failed") || d.Error == "" || (c.code != "" && d.ErrorCode != c.code) {
			want := "rejected or failed with a reason"
			if c.code != "" {
				want += " and code " + c.code
			}
			t.Errorf("%s: %s with code %q reason %q, want %s", c.name, d.Status, d.ErrorCode, d.Error, want)
		}
	}
}

// pollWhileRunning asks base's /healthz and searches every 200 ms until ctx
// ends, and fails the test the first time either does not answer in time or
// answers with an error.
func pollWhileRunning(t *testing.T, ctx context.Context, base string, searcher *client.Client) {
	const timeout = 10 * time.Second
	hc := &http.Client{Timeout: timeout}
	var n int
	var slowest time.Duration
	defer func() {
		t.Logf("server answered %d health checks and searches; slowest %s", n, slowest.Round(time.Millisecond))
	}()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		began := time.Now()
		err := func() error {
			resp, err := hc.Get(base + "/healthz")
			if err != nil {
				return err
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("GET /healthz: %s", resp.Status)
			}
			sctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			_, err = searcher.Search(sctx, "hồ sơ", url.Values{"size": {"1"}})
			return err
		}()
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			t.Errorf("the server stopped answering after %d polls: %v", n, err)
			return
		}
		n++
		slowest = max(slowest, time.Since(began))
	}
}
