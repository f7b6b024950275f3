package ocr

import (
	"bytes"
	"context"
	"math"
	"testing"

	"github.com/sohoa/sohoa/internal/corpus"
)

// TestHighResolutionReadAt300 reads a page scanned at 600 dpi: it is read
// at 300 dpi, as accurately as the page scanned at 300 dpi, and its word
// boxes are in the 600-dpi page's own pixels.
func TestHighResolutionReadAt300(t *testing.T) {
	if testing.Short() {
		t.Skip("OCR test")
	}
	e := newEngine(t, 1)
	read := func(dpi int) (Options, *corpus.Document, []byte) {
		docs, err := corpus.Generate(corpus.Options{Seed: 12, Documents: 1, DPI: dpi, Classes: []string{"notice"}})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := corpus.WritePNG(&b, docs[0].Pages[0], dpi); err != nil {
			t.Fatal(err)
		}
		return Options{DPI: dpi}, &docs[0], b.Bytes()
	}
	opt300, d300, img300 := read(300)
	opt600, d600, img600 := read(600)
	p300, err := e.Recognize(context.Background(), img300, opt300)
	if err != nil {
		t.Fatal(err)
	}
	p600, err := e.Recognize(context.Background(), img600, opt600)
	if err != nil {
		t.Fatal(err)
	}
	cer300 := corpus.CER(d300.Truth.Pages[0].Text, p300.Text)
	cer600 := corpus.CER(d600.Truth.Pages[0].Text, p600.Text)
	t.Logf("300 dpi: CER %.2f%% in %.1fs; 600 dpi read at %d dpi: CER %.2f%% in %.1fs",
		cer300*100, p300.OCRSeconds, p600.ReadDPI, cer600*100, p600.OCRSeconds)
	if p600.ReadDPI != targetReadDPI || p300.ReadDPI != 0 {
		t.Errorf("read resolutions %d and %d, want 0 (own) and %d", p300.ReadDPI, p600.ReadDPI, targetReadDPI)
	}
	if cer600 > cer300+0.01 {
		t.Errorf("the 600-dpi page reads worse at 300 dpi: CER %.2f%% vs %.2f%%", cer600*100, cer300*100)
	}
	bounds := d600.Pages[0].Bounds()
	var maxX int
	for _, w := range p600.Words {
		if !w.Box.In(bounds.Inset(-2)) {
			t.Fatalf("word %q box %v outside the 600-dpi page %v", w.Text, w.Box, bounds)
		}
		maxX = max(maxX, w.Box.Max.X)
	}
	if maxX < bounds.Dx()/2 {
		t.Errorf("word boxes stay in the left half (max x %d of %d): not mapped back to the page's pixels", maxX, bounds.Dx())
	}
}

func TestDownscaleFactor(t *testing.T) {
	for _, c := range []struct {
		dpi, w, h int
		want      float64
	}{
		{0, 2480, 3508, 1}, {200, 1654, 2339, 1}, {300, 2480, 3508, 1}, {400, 3307, 4677, 1},
		{600, 4960, 7016, 0.5}, {2400, 4000, 2867, 0.125},
		{0, 9000, 9000, 2.0 / 3},    // 81 megapixels of unknown resolution: down to 36
		{300, 7500, 15000, 0.5657},  // a poster at 300 dpi
		{600, 14000, 20000, 0.3586}, // A1 at 600 dpi: 300 dpi would still be 70 megapixels
	} {
		got := downscaleFactor(c.dpi, c.w, c.h)
		if math.Abs(got-c.want) > 0.001 {
			t.Errorf("downscaleFactor(%d dpi, %dx%d) = %.4f, want %.4f", c.dpi, c.w, c.h, got, c.want)
		}
		if px := float64(c.w) * float64(c.h) * got * got; px > maxReadPixels+1 {
			t.Errorf("%dx%d read at %.0f pixels, above %d", c.w, c.h, px, maxReadPixels)
		}
	}
}

// TestSmallTextReadEnlarged reads pages whose text is too small for
// Tesseract (72 dpi, a phone photo's effective resolution): they are read
// enlarged, more accurately than Tesseract reads them as they are (3.5 %
// CER measured), while a 150-dpi page is read once.
func TestSmallTextReadEnlarged(t *testing.T) {
	if testing.Short() {
		t.Skip("OCR test")
	}
	e := newEngine(t, 2)
	for _, c := range []struct {
		dpi      int
		enlarged bool
		maxCER   float64
	}{{72, true, 0.028}, {150, false, 0.02}} {
		docs, err := corpus.Generate(corpus.Options{Seed: 77, Documents: 2, DPI: c.dpi, Degrade: "light"})
		if err != nil {
			t.Fatal(err)
		}
		var sum float64
		for _, d := range docs {
			var b bytes.Buffer
			if err := corpus.WritePNG(&b, d.Pages[0], c.dpi); err != nil {
				t.Fatal(err)
			}
			p, err := e.Recognize(context.Background(), b.Bytes(), Options{})
			if err != nil {
				t.Fatal(err)
			}
			cer := corpus.CER(d.Truth.Pages[0].Text, p.Text)
			sum += cer
			t.Logf("%d dpi: enlarged %.2fx, CER %.2f%%, %.1fs", c.dpi, p.Upscaled, cer*100, p.OCRSeconds)
			if (p.Upscaled > 1) != c.enlarged {
				t.Errorf("%d dpi: enlarged %.2fx, want enlarged %v", c.dpi, p.Upscaled, c.enlarged)
			}
			if max := d.Pages[0].Bounds().Dx(); len(p.Words) > 0 && p.Words[len(p.Words)-1].Box.Max.X > max+2 {
				t.Errorf("%d dpi: word boxes not mapped back to the page's pixels", c.dpi)
			}
		}
		if mean := sum / float64(len(docs)); mean > c.maxCER {
			t.Errorf("%d dpi: mean CER %.2f%% above %.1f%%", c.dpi, mean*100, c.maxCER*100)
		}
	}
}
