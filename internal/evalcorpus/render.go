package evalcorpus

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/chromedp/chromedp"
	"golang.org/x/text/unicode/norm"
)

// ErrNoChromium reports that no Chromium binary was found.
var ErrNoChromium = fmt.Errorf("evalcorpus: chromium not found (apt-get install chromium)")

// ErrNoPoppler reports that pdftoppm or pdftotext is missing.
var ErrNoPoppler = fmt.Errorf("evalcorpus: pdftoppm/pdftotext not found (apt-get install poppler-utils)")

// FindChromium returns the path of Debian's chromium (or another
// Chromium-based browser on PATH).
func FindChromium() (string, error) {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", ErrNoChromium
}

// renderer prints HTML pages to PDF with one headless Chromium.
type renderer struct {
	ctx    context.Context
	cancel func()
	dir    string
}

func newRenderer(ctx context.Context, path string) (*renderer, error) {
	if path == "" {
		var err error
		if path, err = FindChromium(); err != nil {
			return nil, err
		}
	}
	for _, tool := range []string{"pdftoppm", "pdftotext"} {
		if _, err := exec.LookPath(tool); err != nil {
			return nil, ErrNoPoppler
		}
	}
	dir, err := os.MkdirTemp("", "evalcorpus-")
	if err != nil {
		return nil, fmt.Errorf("evalcorpus: %w", err)
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("font-render-hinting", "none"),
		chromedp.UserDataDir(filepath.Join(dir, "profile")),
	)
	tab, cancelTab := chromedp.NewContext(alloc)
	r := &renderer{ctx: tab, dir: dir, cancel: func() { cancelTab(); cancelAlloc(); os.RemoveAll(dir) }}
	if err := chromedp.Do(tab); err != nil {
		r.cancel()
		return nil, fmt.Errorf("evalcorpus: start chromium: %w", err)
	}
	return r, nil
}

func (r *renderer) close() { r.cancel() }

// print loads html from a file and prints it on A4 as the page's CSS asks.
func (r *renderer) print(ctx context.Context, html string) ([]byte, error) {
	f := filepath.Join(r.dir, "doc.html")
	if err := os.WriteFile(f, []byte(html), 0o644); err != nil {
		return nil, fmt.Errorf("evalcorpus: %w", err)
	}
	if err := chromedp.Do(r.ctx, chromedp.Navigate("file://"+f)); err != nil {
		return nil, fmt.Errorf("evalcorpus: load page: %w", err)
	}
	if _, err := chromedp.Run(r.ctx, chromedp.Evaluate[bool](`document.fonts.ready.then(() => true)`, chromedp.EvalAwaitPromise)); err != nil {
		return nil, fmt.Errorf("evalcorpus: fonts: %w", err)
	}
	pdf, err := chromedp.Run(r.ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFPreferCSSPageSize(), chromedp.PDFPrintBackground()))
	if err != nil {
		return nil, fmt.Errorf("evalcorpus: print: %w", err)
	}
	return pdf, nil
}

// rasterise turns each PDF page into a greyscale image at dpi with
// pdftoppm, and extracts each page's text with pdftotext (the truth text).
func rasterise(ctx context.Context, pdf []byte, dpi int) ([]image.Image, []string, error) {
	dir, err := os.MkdirTemp("", "evalcorpus-ppm-")
	if err != nil {
		return nil, nil, fmt.Errorf("evalcorpus: %w", err)
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		return nil, nil, fmt.Errorf("evalcorpus: %w", err)
	}
	if out, err := exec.CommandContext(ctx, "pdftoppm", "-r", fmt.Sprint(dpi), "-gray", "-png", in, filepath.Join(dir, "p")).CombinedOutput(); err != nil {
		return nil, nil, fmt.Errorf("evalcorpus: pdftoppm: %w: %s", err, out)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "p-*.png"))
	sort.Strings(files) // pdftoppm zero-pads the page numbers
	var imgs []image.Image
	var texts []string
	for j, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, nil, fmt.Errorf("evalcorpus: %w", err)
		}
		im, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			return nil, nil, fmt.Errorf("evalcorpus: page %d: %w", j+1, err)
		}
		imgs = append(imgs, im)
		out, err := exec.CommandContext(ctx, "pdftotext", "-f", fmt.Sprint(j+1), "-l", fmt.Sprint(j+1), "-enc", "UTF-8", in, "-").Output()
		if err != nil {
			return nil, nil, fmt.Errorf("evalcorpus: pdftotext: %w", err)
		}
		texts = append(texts, norm.NFC.String(strings.TrimSpace(strings.ReplaceAll(string(out), "\f", ""))))
	}
	if len(imgs) == 0 {
		return nil, nil, fmt.Errorf("evalcorpus: pdftoppm wrote no page")
	}
	return imgs, texts, nil
}
