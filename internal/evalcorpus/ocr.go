package evalcorpus

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"sync"

	"github.com/sohoa/sohoa/internal/domain"
	"github.com/sohoa/sohoa/internal/ocr"
)

// Recognizer reads one page image (internal/ocr.Engine).
type Recognizer interface {
	Recognize(ctx context.Context, img []byte, opt ocr.Options) (domain.Page, error)
	Languages() string
}

// OCR reads every page of the documents with eng, the marks pass on first
// pages, as the pipeline's OCR stage does (page number and size set from
// the image). Pages are cached as JSON under cacheDir/ocr ("" = no cache),
// keyed by Version, seed, page, degradation and languages.
func OCR(ctx context.Context, eng Recognizer, docs []Document, cacheDir string) ([][]domain.Page, error) {
	out := make([][]domain.Page, len(docs))
	errs := make([][]error, len(docs))
	var wg sync.WaitGroup
	for i := range docs {
		out[i] = make([]domain.Page, len(docs[i].Pages))
		errs[i] = make([]error, len(docs[i].Pages))
		for j := range docs[i].Pages {
			wg.Add(1)
			// The engine's pool bounds how many pages are read at once.
			go func() {
				defer wg.Done()
				out[i][j], errs[i][j] = ocrPage(ctx, eng, docs[i], j, cacheDir)
			}()
		}
	}
	wg.Wait()
	for i := range errs {
		for j, err := range errs[i] {
			if err != nil {
				return nil, fmt.Errorf("evalcorpus: ocr %s page %d: %w", docs[i].Truth.ID, j+1, err)
			}
		}
	}
	return out, nil
}

func ocrPage(ctx context.Context, eng Recognizer, d Document, j int, cacheDir string) (domain.Page, error) {
	img := d.Pages[j]
	cached := ""
	if cacheDir != "" && cacheDir != "-" {
		sum := sha256.Sum256([]byte(Version + d.Truth.Pages[j].Text + d.Truth.Degrade + eng.Languages()))
		cached = filepath.Join(cacheDir, "ocr", fmt.Sprintf("%d-%d-%x.json", d.Seed, j+1, sum[:6]))
		var p domain.Page
		if data, err := os.ReadFile(cached); err == nil && json.Unmarshal(data, &p) == nil {
			return p, nil
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return domain.Page{}, err
	}
	p, err := eng.Recognize(ctx, buf.Bytes(), ocr.Options{Marks: j == 0})
	if err != nil {
		return domain.Page{}, err
	}
	p.No = domain.PageNo(j + 1)
	p.Width, p.Height = img.Bounds().Dx(), img.Bounds().Dy()
	if cached != "" {
		if err := os.MkdirAll(filepath.Dir(cached), 0o755); err == nil {
			if data, err := json.Marshal(p); err == nil {
				_ = writeAtomic(cached, data)
			}
		}
	}
	return p, nil
}
