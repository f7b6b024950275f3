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
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/otiai10/gosseract/v2"
	"golang.org/x/text/unicode/norm"

	"github.com/sohoa/sohoa/internal/domain"
)

// Config configures an Engine. The zero value works.
type Config struct {
	// Workers is the number of Tesseract clients (pages read at once). Default 1.
	Workers int
	// Languages are Tesseract language codes. Default ["vie", "eng"]. When
	// the first is "vie" and others follow, pages are read with Vietnamese
	// alone and only pages that do not read as Vietnamese are read again
	// with all of them (lang.go); otherwise all are used together.
	Languages []string
	// TessdataPrefix overrides Tesseract's data directory. Default: Tesseract's own.
	TessdataPrefix string
}

// Engine recognises page images. It is safe for concurrent use; at most
// Config.Workers pages are read at once and further callers wait.
type Engine struct {
	workers chan *worker
	all     []*worker
	// primaryLangs names the languages of the first reading and allLangs
	// every configured language, joined with "+". They differ when
	// Vietnamese reads first: a page that does not read as Vietnamese is
	// read again with all of them (see lang.go).
	primaryLangs, allLangs string
}

// worker is one OCR worker's Tesseract state, used by one page at a time.
type worker struct {
	client *gosseract.Client
	// all reads with every configured language; nil when client does.
	all *gosseract.Client
	osd *osd
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
	primary, fallback := cfg.Languages, []string(nil)
	if cfg.Languages[0] == "vie" && len(cfg.Languages) > 1 {
		primary, fallback = cfg.Languages[:1], cfg.Languages
	}
	e := &Engine{workers: make(chan *worker, cfg.Workers),
		primaryLangs: strings.Join(primary, "+"), allLangs: strings.Join(cfg.Languages, "+")}
	for i := 0; i < cfg.Workers; i++ {
		o, err := newOSD(cfg.TessdataPrefix)
		if err != nil {
			e.Close()
			return nil, err
		}
		w := &worker{osd: o}
		e.all = append(e.all, w)
		if w.client, err = newClient(cfg.TessdataPrefix, primary); err != nil {
			e.Close()
			return nil, err
		}
		if fallback != nil {
			if w.all, err = newClient(cfg.TessdataPrefix, fallback); err != nil {
				e.Close()
				return nil, err
			}
		}
		e.workers <- w
	}
	return e, nil
}

// newClient makes a Tesseract client for langs.
func newClient(tessdata string, langs []string) (*gosseract.Client, error) {
	c := gosseract.NewClient()
	c.Trim = false
	if tessdata != "" {
		c.TessdataPrefix = tessdata
	}
	// Automatic page segmentation, as the tesseract command uses (the
	// library's own default is a single block). Set as a variable it
	// survives Tesseract's initialisation, and every reading returns to it,
	// so no page is read differently for what the client read before.
	if err := c.SetVariable("tessedit_pageseg_mode", strconv.Itoa(int(gosseract.PSM_AUTO))); err != nil {
		c.Close()
		return nil, fmt.Errorf("ocr: page mode: %w", err)
	}
	if err := c.SetLanguage(langs...); err != nil {
		c.Close()
		return nil, fmt.Errorf("ocr: set languages: %w", err)
	}
	// Keep Tesseract from writing debug files or chatter to stderr.
	if err := c.DisableOutput(); err != nil {
		c.Close()
		return nil, fmt.Errorf("ocr: disable output: %w", err)
	}
	return c, nil
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
func (e *Engine) Languages() string { return e.allLangs }

// Workers returns the size of the client pool.
func (e *Engine) Workers() int { return cap(e.workers) }

func (w *worker) close() {
	for _, c := range []*gosseract.Client{w.client, w.all} {
		if c != nil {
			c.Close()
		}
	}
	w.osd.close()
}

// Close frees every client. The Engine must not be used afterwards.
func (e *Engine) Close() error {
	for _, w := range e.all {
		w.close()
	}
	e.all = nil
	return nil
}

// Options change how a page is read. The zero value reads the page once.
type Options struct {
	// Marks also reads the top of the page on its own, with ruling lines and
	// box borders removed, for the boxed secrecy and urgency stamps that
	// Tesseract's layout analysis drops (Page.Marks). Meant for a document's
	// first page; it costs a fraction of a page's OCR time.
	Marks bool
	// DPI is the page's resolution when known (0: unknown). Pages above
	// 400 dpi are read at 300 dpi (see normalize.go).
	DPI int
}

// Recognize reads one encoded page image (PNG, JPEG, TIFF, WebP, BMP, PNM).
// It blocks until a client is free or ctx is done. Tesseract itself cannot be
// interrupted, so a page that has started runs to the end.
func (e *Engine) Recognize(ctx context.Context, img []byte, opt Options) (p domain.Page, err error) {
	var w *worker
	select {
	case w = <-e.workers:
	case <-ctx.Done():
		return domain.Page{}, ctx.Err()
	}
	defer func() { e.workers <- w }()
	c := w.client
	defer func() {
		// gosseract and Tesseract are C/C++: turn a Go-side panic while
		// handling untrusted images into an error instead of a dead worker.
		if r := recover(); r != nil {
			err = fmt.Errorf("ocr: recognise: panic: %v", r)
		}
	}()
	start := time.Now()
	// Pages scanned far above what OCR needs are read at 300 dpi, and huge
	// pages reduced to maxReadPixels; the word boxes are mapped back to the
	// page's own pixels at the end.
	iw, ih := imageSize(img)
	scale := downscaleFactor(opt.DPI, iw, ih)
	if scale != 1 {
		dpi := targetReadDPI
		if opt.DPI > 0 {
			dpi = int(math.Round(float64(opt.DPI) * scale))
		}
		small, err := rescale(img, scale, dpi)
		if err != nil {
			return domain.Page{}, fmt.Errorf("%w: %v", ErrUnreadableImage, err)
		}
		img = small
	}
	if err := c.SetImageFromBytes(img); err != nil {
		return domain.Page{}, fmt.Errorf("ocr: set image: %w", err)
	}
	p, err = read(c)
	if err != nil {
		return domain.Page{}, err
	}
	read1 := img // the image of the kept reading
	// Text too small for Tesseract (a phone photo, a 100-dpi scan) is read
	// again enlarged, judged by the height of the words just read; the
	// enlarged reading is kept only when it finds more good words.
	if f := upscaleFactor(medianWordHeight(p)); f > 1 {
		if big, err := rescale(img, f, targetReadDPI); err == nil {
			if err := c.SetImageFromBytes(big); err != nil {
				return domain.Page{}, fmt.Errorf("ocr: set image: %w", err)
			}
			p2, err := read(c)
			if err == nil && goodWords(p2) > goodWords(p) {
				p, read1 = p2, big
				scale *= f
				p.Upscaled = math.Round(f*100) / 100
			}
		}
	}
	// Most pages read well on the first pass. A page that reads badly may be
	// upside down, sideways or skewed: detect its orientation (Tesseract
	// OSD) and skew (Leptonica), turn it upright and straight, read it again
	// and keep the better reading. Good pages never pay for this.
	if poorReading(p) {
		deg, _, skew, fixed, err := w.osd.upright(read1)
		if err == nil && fixed != nil {
			if err := c.SetImageFromBytes(fixed); err != nil {
				return domain.Page{}, fmt.Errorf("ocr: set image: %w", err)
			}
			p2, err := read(c)
			if err == nil && goodWords(p2) > goodWords(p) {
				up := p.Upscaled
				p, read1 = p2, fixed
				p.Orientation, p.Skew, p.Reread, p.Upscaled = deg, skew, true, up
			}
		}
	}
	// A page that does not read as Vietnamese (an English letter, a
	// bilingual annex) is read again with every language.
	if w.all != nil && vietnameseShare(p) < minVietnameseShare {
		if err := w.all.SetImageFromBytes(read1); err != nil {
			return domain.Page{}, fmt.Errorf("ocr: set image: %w", err)
		}
		p2, err := read(w.all)
		if err == nil && goodWords(p2) > goodWords(p) {
			p2.Orientation, p2.Skew, p2.Reread, p2.Upscaled = p.Orientation, p.Skew, p.Reread, p.Upscaled
			p = p2
			p.Languages = e.allLangs
		}
	}
	if p.Languages == "" {
		p.Languages = e.primaryLangs
	}
	if opt.Marks {
		marks, err := readMarks(c, img)
		if err != nil {
			return domain.Page{}, err
		}
		p.Marks = marks
	}
	scaleWords(&p, scale)
	if scale < 1 && opt.DPI > 0 {
		p.ReadDPI = int(math.Round(float64(opt.DPI) * scale))
	}
	p.OCRSeconds = time.Since(start).Seconds()
	p.DoneAt = time.Now().UTC()
	return p, nil
}

// readMarks reads the stamp region of a page as sparse text.
func readMarks(c *gosseract.Client, img []byte) (string, error) {
	region, err := marksRegion(img, 0.3)
	if err != nil {
		return "", nil // the page itself was readable; no marks pass
	}
	if err := c.SetImageFromBytes(region); err != nil {
		return "", fmt.Errorf("ocr: set image: %w", err)
	}
	// The client reads with automatic page segmentation, as every reading
	// does (newClient).
	mp, err := read(c)
	if err != nil {
		return "", nil
	}
	return mp.Text, nil
}

// read runs one recognition pass. The verbose boxes call runs Recognize and
// gives words with block/paragraph/line numbers, from which the text is
// built; calling Text() as well would recognise the page a second time.
func read(c *gosseract.Client) (domain.Page, error) {
	boxes, err := c.GetBoundingBoxesVerbose()
	if err != nil {
		if strings.Contains(err.Error(), "PixImage is not set") {
			return domain.Page{}, ErrUnreadableImage
		}
		return domain.Page{}, fmt.Errorf("ocr: recognise: %w", err)
	}
	return fromBoxes(boxes), nil
}

// poorReading reports whether a reading looks like a page in the wrong
// orientation: few words, or low confidence.
func poorReading(p domain.Page) bool {
	if len(p.Words) < 8 || p.Confidence < 60 {
		return true
	}
	// Upside-down text reads as confident-looking junk full of symbols:
	// in real text most words are letters only.
	letters := 0
	for _, w := range p.Words {
		t := strings.TrimRight(w.Text, ".,;:!?)”\"'")
		t = strings.TrimLeft(t, "(“\"'")
		if t != "" && strings.IndexFunc(t, func(r rune) bool { return !unicode.IsLetter(r) }) < 0 {
			letters++
		}
	}
	return float64(letters)/float64(len(p.Words)) < 0.65
}

// goodWords counts confidently read words of two or more letters.
func goodWords(p domain.Page) int {
	n := 0
	for _, w := range p.Words {
		if w.Conf >= 60 && utf8.RuneCountInString(w.Text) >= 2 {
			n++
		}
	}
	return n
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
