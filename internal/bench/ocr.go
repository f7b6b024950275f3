package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/sohoa/sohoa/internal/corpus"
)

// PageSet is the generated benchmark input: every page as a JPEG file (the
// same quality-90 JPEG the PDFs embed) and the pages grouped into
// image-only PDFs.
type PageSet struct {
	Images []string // one JPEG per page, in document order
	PDFs   []string // one PDF per document
	Bytes  int64    // total size of the PDFs
}

// GeneratePages renders pages deterministic pages into dir.
func GeneratePages(dir string, pages, perDoc, dpi int, degrade string, seed int64) (*PageSet, error) {
	if pages < 1 || perDoc < 1 {
		return nil, fmt.Errorf("bench: pages %d and pages per document %d must be positive", pages, perDoc)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	docsN := (pages + perDoc - 1) / perDoc
	docs, err := corpus.Generate(corpus.Options{Seed: seed, Documents: docsN, PagesPerDoc: [2]int{perDoc, perDoc}, DPI: dpi, Degrade: degrade})
	if err != nil {
		return nil, fmt.Errorf("bench: generate corpus: %w", err)
	}
	set := &PageSet{}
	left := pages
	for i, d := range docs {
		imgs := d.Pages
		if len(imgs) > left {
			imgs = imgs[:left]
		}
		left -= len(imgs)
		var buf bytes.Buffer
		if err := corpus.WritePDF(&buf, imgs, d.Truth.DPI); err != nil {
			return nil, fmt.Errorf("bench: %w", err)
		}
		pdf := filepath.Join(dir, fmt.Sprintf("doc-%03d.pdf", i+1))
		if err := os.WriteFile(pdf, buf.Bytes(), 0o644); err != nil {
			return nil, fmt.Errorf("bench: %w", err)
		}
		set.PDFs = append(set.PDFs, pdf)
		set.Bytes += int64(buf.Len())
		for j, img := range imgs {
			buf.Reset()
			if err := corpus.WriteJPEG(&buf, img, d.Truth.DPI, 90); err != nil {
				return nil, fmt.Errorf("bench: %w", err)
			}
			p := filepath.Join(dir, fmt.Sprintf("doc-%03d-p%02d.jpg", i+1, j+1))
			if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
				return nil, fmt.Errorf("bench: %w", err)
			}
			set.Images = append(set.Images, p)
		}
		if left == 0 {
			break
		}
	}
	return set, nil
}

// OCRRun is the outcome of one OCR engine over the page set.
type OCRRun struct {
	Engine   string
	Pages    int
	Parallel int
	Wall     time.Duration
	// PageTimes are per-page (raw tesseract) or per-file (OCRmyPDF) times.
	PageTimes []time.Duration
	// CPUTimes are the user+system times of each process (raw tesseract).
	CPUTimes []time.Duration
	// Load is the 1-minute load average when the run ended.
	Load    float64
	Note    string // why it did not run, when Skipped
	Skipped bool
}

// PagesPerSec is the throughput of the run.
func (r OCRRun) PagesPerSec() float64 {
	if r.Wall <= 0 {
		return 0
	}
	return float64(r.Pages) / r.Wall.Seconds()
}

// CPUPerPage is the mean CPU time of a page (0 when not measured).
func (r OCRRun) CPUPerPage() time.Duration {
	if r.Pages == 0 || len(r.CPUTimes) == 0 {
		return 0
	}
	var t time.Duration
	for _, d := range r.CPUTimes {
		t += d
	}
	return t / time.Duration(r.Pages)
}

// ompEnv is the environment for every OCR subprocess: one thread per
// Tesseract, as in sohoa's own workers.
func ompEnv() []string {
	return append(os.Environ(), "OMP_THREAD_LIMIT=1")
}

// parallelRun runs job(i) for i in [0, n) on parallel goroutines and
// returns the first error.
func parallelRun(ctx context.Context, n, parallel int, job func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan int)
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for range parallel {
		wg.Go(func() {
			for i := range next {
				if err := job(ctx, i); err != nil {
					once.Do(func() { first = err; cancel() })
				}
			}
		})
	}
feed:
	for i := range n {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if first != nil {
		return first
	}
	return ctx.Err()
}

// RunTesseract runs `tesseract IMAGE OUT -l langs` over every image, parallel
// processes at a time, each with OMP_THREAD_LIMIT=1.
func RunTesseract(ctx context.Context, images []string, parallel int, langs, outDir string) (OCRRun, error) {
	r := OCRRun{Engine: "tesseract CLI", Pages: len(images), Parallel: parallel, PageTimes: make([]time.Duration, len(images)), CPUTimes: make([]time.Duration, len(images))}
	if _, err := exec.LookPath("tesseract"); err != nil {
		return r, fmt.Errorf("bench: tesseract is not installed (apt-get install tesseract-ocr): %w", err)
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return r, fmt.Errorf("bench: %w", err)
	}
	start := time.Now()
	err := parallelRun(ctx, len(images), parallel, func(ctx context.Context, i int) error {
		out := filepath.Join(outDir, strings.TrimSuffix(filepath.Base(images[i]), filepath.Ext(images[i])))
		cmd := exec.CommandContext(ctx, "tesseract", images[i], out, "-l", langs)
		cmd.Env = ompEnv()
		t0 := time.Now()
		if b, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("bench: tesseract %s: %w: %s", images[i], err, bytes.TrimSpace(b))
		}
		r.PageTimes[i] = time.Since(t0)
		r.CPUTimes[i] = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		txt, err := os.ReadFile(out + ".txt")
		if err != nil || len(bytes.TrimSpace(txt)) == 0 {
			return fmt.Errorf("bench: tesseract %s produced no text (%v)", images[i], err)
		}
		return nil
	})
	r.Wall = time.Since(start)
	return r, err
}

// RunOCRmyPDF runs `ocrmypdf` over every PDF, one file at a time with
// --jobs parallel (its own page-level parallelism), producing plain
// searchable PDFs (--output-type pdf: no PDF/A conversion). Without the
// command the run is returned Skipped with a note.
func RunOCRmyPDF(ctx context.Context, pdfs []string, parallel int, langs, outDir string) (OCRRun, error) {
	r := OCRRun{Engine: "OCRmyPDF", Parallel: parallel}
	if _, err := exec.LookPath("ocrmypdf"); err != nil {
		r.Skipped, r.Note = true, "ocrmypdf is not installed (apt-get install ocrmypdf)"
		return r, nil
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return r, fmt.Errorf("bench: %w", err)
	}
	start := time.Now()
	for _, in := range pdfs {
		out := filepath.Join(outDir, filepath.Base(in))
		cmd := exec.CommandContext(ctx, "ocrmypdf", "-l", langs, "--jobs", fmt.Sprint(parallel), "--output-type", "pdf", "--quiet", in, out)
		cmd.Env = ompEnv()
		t0 := time.Now()
		if b, err := cmd.CombinedOutput(); err != nil {
			return r, fmt.Errorf("bench: ocrmypdf %s: %w: %s", in, err, bytes.TrimSpace(b))
		}
		r.PageTimes = append(r.PageTimes, time.Since(t0))
		n, err := pdfPages(ctx, out)
		if err != nil {
			return r, err
		}
		r.Pages += n
	}
	r.Wall = time.Since(start)
	return r, nil
}

// pdfPages counts the pages of a PDF with pdfinfo (poppler-utils).
func pdfPages(ctx context.Context, path string) (int, error) {
	b, err := exec.CommandContext(ctx, "pdfinfo", path).Output()
	if err != nil {
		return 0, fmt.Errorf("bench: pdfinfo %s: %w", path, err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "Pages:"); ok {
			var n int
			if _, err := fmt.Sscan(strings.TrimSpace(v), &n); err == nil && n > 0 {
				return n, nil
			}
		}
	}
	return 0, errors.New("bench: pdfinfo " + path + ": no page count")
}
