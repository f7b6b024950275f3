// Package ocr reads page images with Tesseract through gosseract.
//
// An Engine owns a fixed pool of gosseract clients, one per OCR worker,
// created once and reused; Recognize borrows one for the duration of a page.
// Run the process with OMP_THREAD_LIMIT=1 (see package omp): one
// single-threaded Tesseract per core is several times faster than OpenMP
// threads fighting over the same cores.
package ocr

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/otiai10/gosseract/v2"
	"golang.org/x/text/unicode/norm"

	"github.com/sohoa/sohoa/internal/domain"
)

// Config configures an Engine. The zero value works.
type Config struct {
	// Workers is the number of Tesseract clients (pages read at once). Default 1.
	Workers int
	// Languages are Tesseract language codes. Default ["vie", "eng"].
	Languages []string
	// TessdataPrefix overrides Tesseract's data directory. Default: Tesseract's own.
	TessdataPrefix string
}

// Engine recognises page images. It is safe for concurrent use; at most
// Config.Workers pages are read at once and further callers wait.
type Engine struct {
	clients chan *gosseract.Client
	all     []*gosseract.Client
	langs   []string
}

// ErrUnreadableImage is returned for image bytes that Tesseract's image
// reader (Leptonica) cannot decode.
var ErrUnreadableImage = errors.New("ocr: image cannot be decoded")

// New creates the client pool. Call Close when done.
func New(cfg Config) (*Engine, error) {
	if cfg.Workers <= 0 {
		cfg.Workers = 1
	}
	if len(cfg.Languages) == 0 {
		cfg.Languages = []string{"vie", "eng"}
	}
	if err := checkLanguages(cfg.Languages); err != nil {
		return nil, err
	}
	e := &Engine{clients: make(chan *gosseract.Client, cfg.Workers), langs: cfg.Languages}
	for i := 0; i < cfg.Workers; i++ {
		c := gosseract.NewClient()
		c.Trim = false
		if cfg.TessdataPrefix != "" {
			c.TessdataPrefix = cfg.TessdataPrefix
		}
		if err := c.SetLanguage(cfg.Languages...); err != nil {
			c.Close()
			e.Close()
			return nil, fmt.Errorf("ocr: set languages: %w", err)
		}
		// Keep Tesseract from writing debug files or chatter to stderr.
		if err := c.DisableOutput(); err != nil {
			c.Close()
			e.Close()
			return nil, fmt.Errorf("ocr: disable output: %w", err)
		}
		e.all = append(e.all, c)
		e.clients <- c
	}
	return e, nil
}

func checkLanguages(langs []string) error {
	have, err := gosseract.GetAvailableLanguages()
	if err != nil {
		return fmt.Errorf("ocr: list Tesseract languages: %w", err)
	}
	set := map[string]bool{}
	for _, l := range have {
		set[l] = true
	}
	var missing []string
	for _, l := range langs {
		if !set[l] {
			missing = append(missing, l)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("ocr: Tesseract language data missing: %s (install tesseract-ocr-%s)",
			strings.Join(missing, ", "), strings.Join(missing, " tesseract-ocr-"))
	}
	return nil
}

// Languages returns the languages the engine reads, joined with "+".
func (e *Engine) Languages() string { return strings.Join(e.langs, "+") }

// Workers returns the size of the client pool.
func (e *Engine) Workers() int { return cap(e.clients) }

// Close frees every client. The Engine must not be used afterwards.
func (e *Engine) Close() error {
	for _, c := range e.all {
		c.Close()
	}
	e.all = nil
	return nil
}

// Recognize reads one encoded page image (PNG, JPEG, TIFF, WebP, BMP, PNM).
// It blocks until a client is free or ctx is done. Tesseract itself cannot be
// interrupted, so a page that has started runs to the end.
func (e *Engine) Recognize(ctx context.Context, img []byte) (p domain.Page, err error) {
	var c *gosseract.Client
	select {
	case c = <-e.clients:
	case <-ctx.Done():
		return domain.Page{}, ctx.Err()
	}
	defer func() { e.clients <- c }()
	defer func() {
		// gosseract and Tesseract are C/C++: turn a Go-side panic while
		// handling untrusted images into an error instead of a dead worker.
		if r := recover(); r != nil {
			err = fmt.Errorf("ocr: recognise: panic: %v", r)
		}
	}()
	start := time.Now()
	if err := c.SetImageFromBytes(img); err != nil {
		return domain.Page{}, fmt.Errorf("ocr: set image: %w", err)
	}
	// One recognition pass: the verbose boxes call runs Recognize and gives
	// words with block/paragraph/line numbers, from which the text is built.
	// Calling Text() as well would recognise the page a second time.
	boxes, err := c.GetBoundingBoxesVerbose()
	if err != nil {
		if strings.Contains(err.Error(), "PixImage is not set") {
			return domain.Page{}, ErrUnreadableImage
		}
		return domain.Page{}, fmt.Errorf("ocr: recognise: %w", err)
	}
	p = fromBoxes(boxes)
	p.OCRSeconds = time.Since(start).Seconds()
	p.DoneAt = time.Now().UTC()
	return p, nil
}

// fromBoxes builds the page text and word list from Tesseract's word boxes:
// words of a line joined by spaces, lines by newlines, paragraphs and blocks
// separated by an empty line.
func fromBoxes(boxes []gosseract.BoundingBox) domain.Page {
	var (
		p        domain.Page
		sb       strings.Builder
		line     = -1
		prevPar  = -1
		prevBlk  = -1
		sumConf  float64
		nConf    int
		lineSeen int
	)
	for _, b := range boxes {
		w := strings.TrimSpace(norm.NFC.String(b.Word))
		if w == "" {
			continue
		}
		key := b.BlockNum*1_000_000 + b.ParNum*1_000 + b.LineNum
		if key != line {
			if line >= 0 {
				sb.WriteByte('\n')
				if b.BlockNum != prevBlk || b.ParNum != prevPar {
					sb.WriteByte('\n')
				}
			}
			line = key
			prevBlk, prevPar = b.BlockNum, b.ParNum
			lineSeen++
		} else {
			sb.WriteByte(' ')
		}
		sb.WriteString(w)
		conf := b.Confidence
		if math.IsNaN(conf) || conf < 0 {
			conf = 0
		}
		p.Words = append(p.Words, domain.Word{
			Text: w, Box: b.Box, Conf: conf, Block: b.BlockNum, Line: lineSeen - 1,
		})
		sumConf += conf
		nConf++
	}
	if sb.Len() > 0 {
		sb.WriteByte('\n')
	}
	p.Text = sb.String()
	if nConf > 0 {
		p.Confidence = sumConf / float64(nConf)
	}
	return p
}
