package ocr

/*
#cgo pkg-config: lept
#include <stdlib.h>
#include <leptonica/allheaders.h>

// sohoa_rescale decodes an image and scales it by f (bilevel pages become
// grey when reduced, which keeps thin strokes), returning PNM in *out.
// Returns -1 when the image cannot be decoded or scaled.
static int sohoa_rescale(const l_uint8* data, size_t size, float f, int dpi, l_uint8** out, size_t* outsize) {
	*out = NULL; *outsize = 0;
	PIX* pix = pixReadMem(data, size);
	if (pix == NULL) return -1;
	PIX* s = NULL;
	if (pixGetDepth(pix) == 1 && f < 1) {
		s = pixScaleToGray(pix, f);
	} else if (f > 1 && pixGetDepth(pix) < 8) {
		// Enlarge bilevel and palette pages as grey, so strokes are
		// interpolated rather than copied into blocks.
		PIX* g = pixConvertTo8(pix, 0);
		if (g != NULL) { s = pixScale(g, f, f); pixDestroy(&g); }
	} else {
		s = pixScale(pix, f, f);
	}
	pixDestroy(&pix);
	if (s == NULL) return -1;
	pixSetResolution(s, dpi, dpi);
	int rc = pixWriteMem(out, outsize, s, IFF_PNM);
	pixDestroy(&s);
	return rc == 0 ? 0 : -1;
}

// sohoa_header reads an image's size from its header; 0 on success.
static int sohoa_header(const l_uint8* data, size_t size, int* w, int* h) {
	l_int32 format, bps, spp, iscmap;
	return pixReadHeaderMem(data, size, &format, w, h, &bps, &spp, &iscmap);
}
*/
import "C"

import (
	"errors"
	"image"
	"math"
	"slices"
	"unsafe"

	"github.com/sohoa/sohoa/internal/domain"
)

// Resolutions of the normalisation before OCR. Tesseract reads body text
// best at about 300 dpi; far above, it only spends time (a 2400-dpi page
// took 70 s) and finds specks in the grain of the paper.
const (
	maxReadDPI    = 400 // pages above this are read at targetReadDPI
	targetReadDPI = 300
)

// rescale returns img scaled by f, as PNM, with its resolution set to dpi.
func rescale(img []byte, f float64, dpi int) ([]byte, error) {
	if len(img) == 0 {
		return nil, ErrUnreadableImage
	}
	var out *C.l_uint8
	var size C.size_t
	if C.sohoa_rescale((*C.l_uint8)(unsafe.Pointer(&img[0])), C.size_t(len(img)), C.float(f), C.int(dpi), &out, &size) != 0 || out == nil {
		return nil, errors.New("ocr: rescale: image cannot be decoded or scaled")
	}
	defer C.free(unsafe.Pointer(out))
	return C.GoBytes(unsafe.Pointer(out), C.int(size)), nil
}

// maxReadPixels bounds the pixels of a page image as Tesseract reads it:
// an A2 sheet at 300 dpi. Tesseract keeps several copies of a page (grey,
// binary, its own structures: about 20 bytes a pixel measured on 80
// megapixel pages, 1.6 GiB), so a poster or a page of unknown resolution
// rendered at its full size is read reduced, its type being large anyway.
const maxReadPixels = 36_000_000

// downscaleFactor is the scale at which a page of the given resolution and
// size is read: 1 at or below maxReadDPI (or unknown) and maxReadPixels,
// else down to targetReadDPI, and further down to maxReadPixels.
func downscaleFactor(dpi, w, h int) float64 {
	f := 1.0
	if dpi > maxReadDPI {
		f = float64(targetReadDPI) / float64(dpi)
	}
	if px := float64(w) * float64(h) * f * f; px > maxReadPixels {
		f *= math.Sqrt(maxReadPixels / px)
	}
	return f
}

// imageSize reads an image's size from its header (0, 0 when it cannot).
func imageSize(img []byte) (w, h int) {
	if len(img) == 0 {
		return 0, 0
	}
	var cw, ch C.int
	if C.sohoa_header((*C.l_uint8)(unsafe.Pointer(&img[0])), C.size_t(len(img)), &cw, &ch) != 0 {
		return 0, 0
	}
	return int(cw), int(ch)
}

// scaleWords maps a reading of a page scaled by f back to the page's own
// pixels, so word boxes match the stored page image whatever resolution it
// was read at.
func scaleWords(p *domain.Page, f float64) {
	if f == 1 {
		return
	}
	inv := 1 / f
	sc := func(v int) int { return int(math.Round(float64(v) * inv)) }
	for i := range p.Words {
		b := p.Words[i].Box
		p.Words[i].Box = image.Rect(sc(b.Min.X), sc(b.Min.Y), sc(b.Max.X), sc(b.Max.Y))
	}
}

// Text too small for Tesseract (phone photos of letters, faxes, pages
// scanned at 100 dpi) is read again enlarged. The size is estimated from the
// text itself, not from metadata: the median height of the word boxes of a
// first reading. Body text scanned at 300 dpi has word boxes about 50 px
// high, at 100 dpi about 16 px, at 72 dpi 12 px. Measured on generated
// pages (4 a resolution, light degradation): at 72 dpi, reading enlarged
// 2.5x cut CER from 3.54 % to 2.04 % (3.2 s a page instead of 0.9 s); at
// 100 dpi an enlarged reading found no more good words, so it is not tried
// there (aiming at 40 px with a 20 px threshold tripled the time of 100-dpi
// pages for a CER of 1.28 % instead of 1.31 %).
const (
	minWordHeight    = 15 // px: below this median, a page is read again enlarged
	targetWordHeight = 30 // px: the enlargement aims at this median
	maxUpscale       = 4
)

// medianWordHeight is the median height of the boxes of words of two or
// more characters, 0 when there are fewer than 8 such words.
func medianWordHeight(p domain.Page) int {
	var hs []int
	for _, w := range p.Words {
		if len([]rune(w.Text)) >= 2 && w.Box.Dy() > 0 {
			hs = append(hs, w.Box.Dy())
		}
	}
	if len(hs) < 8 {
		return 0
	}
	slices.Sort(hs)
	return hs[len(hs)/2]
}

// upscaleFactor is how much a page read with this median word height is
// enlarged for a second reading: 1 when its text is large enough.
func upscaleFactor(median int) float64 {
	if median == 0 || median >= minWordHeight {
		return 1
	}
	return math.Min(maxUpscale, float64(targetWordHeight)/float64(median))
}
