package pages

import (
	"bytes"
	"context"
	"errors"
	"image"
	"strings"
	"testing"

	"golang.org/x/image/bmp"

	"github.com/sohoa/sohoa/internal/domain"
)

// TestOpenHostile opens every good and hostile input and checks the outcome:
// the page count and first page of good files, the rejection code of bad
// ones. Nothing panics and no bad file is accepted.
func TestOpenHostile(t *testing.T) {
	in := hostile(t)
	small := Limits{MaxStreamBytes: 1 << 20, MaxDecodedBytes: 4 << 20}
	cases := []struct {
		name   string
		lim    Limits
		code   string // rejection code at Open; "" when it opens
		page   string // rejection code of page 1; "" when it reads
		w, h   int    // page 1's size when it reads
		format Format
		render bool
	}{
		{name: "good.jpg", w: 300, h: 300, format: JPEG},
		{name: "good.png", w: 64, h: 48, format: PNG},
		{name: "good.pdf", w: 300, h: 300, format: JPEG},
		{name: "truncated.jpg", w: 300, h: 300, format: JPEG}, // the header is whole; decoding is OCR's business
		{name: "truncated.pdf", code: "corrupt_file"},
		{name: "encrypted.pdf", code: "encrypted_pdf"},
		{name: "pixel-bomb.png", code: "pixel_limit"},
		{name: "lying-jpeg.pdf", code: "pixel_limit"},
		{name: "flate-bomb.pdf", lim: small, code: "decompression_bomb"},
		{name: "flate-bomb.pdf", w: 2550, h: 3300, format: PNG, render: true}, // 2 MiB is fine by default
		{name: "flate-image.pdf", page: "decompression_bomb"},
		{name: "garbage.tif", code: "corrupt_file"},
		{name: "empty", code: "unsupported_type"},
		{name: "pdf-header-only", code: "corrupt_file"},
		{name: "jpeg-soi-only", code: "corrupt_file"},
		{name: "png-signature", code: "corrupt_file"},
		{name: "riff-webp-no-data", code: "corrupt_file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data, ok := in[c.name]
			if !ok {
				t.Fatalf("no input %q", c.name)
			}
			ctx := context.Background()
			src, err := Open(ctx, data, c.lim)
			if got := rejectionCode(t, err); got != c.code {
				t.Fatalf("Open: code %q (%v), want %q", got, err, c.code)
			}
			if err != nil {
				return
			}
			img, err := src.Page(ctx, 1)
			if got := rejectionCode(t, err); got != c.page {
				t.Fatalf("Page(1): code %q (%v), want %q", got, err, c.page)
			}
			if err != nil {
				return
			}
			if img.Width != c.w || img.Height != c.h || img.Format != c.format || img.Render != c.render {
				t.Errorf("Page(1) = %dx%d %s render=%v, want %dx%d %s render=%v", img.Width, img.Height, img.Format, img.Render, c.w, c.h, c.format, c.render)
			}
			w, h, f, err := ImageSize(img.Data)
			if err != nil || w != img.Width || h != img.Height || f != img.Format {
				t.Errorf("Page(1) data is %dx%d %s (%v), Image says %dx%d %s", w, h, f, err, img.Width, img.Height, img.Format)
			}
		})
	}
}

// rejectionCode is err's rejection code, "" for nil; any other error fails.
func rejectionCode(tb testing.TB, err error) string {
	tb.Helper()
	if err == nil {
		return ""
	}
	var rej *domain.Rejection
	if !errors.As(err, &rej) {
		tb.Fatalf("error is not a rejection: %v", err)
	}
	return rej.Code
}

// TestLyingJPEGInPDF: the pixel limit is checked on the JPEG's own frame
// header, and the message says the PDF understated the size; a JPEG that
// disagrees with its PDF claim but is within the limits is taken at its
// real size.
func TestLyingJPEGInPDF(t *testing.T) {
	ctx := context.Background()
	scan := scanPDF(t, 300, 300)

	_, err := Open(ctx, patchJPEGSize(t, scan, 12000, 12000), Limits{})
	var rej *domain.Rejection
	if !errors.As(err, &rej) || rej.Code != "pixel_limit" {
		t.Fatalf("Open(12000x12000 JPEG claimed 300x300) = %v, want pixel_limit", err)
	}
	for _, want := range []string{"12000×12000", "300×300", "larger than the PDF claims"} {
		if !strings.Contains(rej.EN, want) {
			t.Errorf("message %q lacks %q", rej.EN, want)
		}
	}
	if !strings.Contains(rej.VI, "lớn hơn PDF khai báo") {
		t.Errorf("Vietnamese message %q does not say the PDF understated the size", rej.VI)
	}

	src, err := Open(ctx, patchJPEGSize(t, scan, 600, 600), Limits{})
	if err != nil {
		t.Fatalf("Open(600x600 JPEG claimed 300x300): %v", err)
	}
	img, err := src.Page(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	// The page is 2 inches square: 600 real pixels are 300 dpi.
	if img.Width != 600 || img.Height != 600 || img.DPI != 300 || img.Render {
		t.Errorf("Page(1) = %dx%d at %d dpi render=%v, want the real 600x600 at 300 dpi, extracted", img.Width, img.Height, img.DPI, img.Render)
	}

	// The limit applies to the real size even when the claim is within it.
	_, err = Open(ctx, patchJPEGSize(t, scan, 600, 600), Limits{MaxPixels: 300 * 300})
	if got := rejectionCode(t, err); got != "pixel_limit" {
		t.Errorf("Open(600x600 real, 300x300 claimed, limit 300x300) = %v, want pixel_limit", err)
	}
}

// TestDecompressionLimits: one stream over MaxStreamBytes, or streams adding
// up to more than MaxDecodedBytes, refuse the document; streams within both
// do not.
func TestDecompressionLimits(t *testing.T) {
	lim := Limits{MaxStreamBytes: 2 << 20, MaxDecodedBytes: 5 << 20}
	cases := []struct {
		name  string
		sizes []int
		code  string
		what  string // in the English message
	}{
		{"within", []int{1 << 20, 2 << 20, 1 << 20}, "", ""},
		{"one stream", []int{2<<20 + 1}, "decompression_bomb", "one stream over 2 MiB"},
		{"in all", []int{2 << 20, 2 << 20, 2 << 20}, "decompression_bomb", "over 5 MiB in all"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Open(context.Background(), flateBombPDF(c.sizes...), lim)
			if got := rejectionCode(t, err); got != c.code {
				t.Fatalf("Open = %v, want code %q", err, c.code)
			}
			if err != nil && !strings.Contains(err.Error(), c.what) {
				t.Errorf("message %q lacks %q", err, c.what)
			}
		})
	}
}

// TestFlateImageWithinDeclaredSize: a Flate image whose stream holds what
// its size needs is extracted, not refused as a bomb.
func TestFlateImageWithinDeclaredSize(t *testing.T) {
	ctx := context.Background()
	src, err := Open(ctx, flateImagePDF(400, 300, 400*300), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	img, err := src.Page(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if img.Width != 400 || img.Height != 300 || img.Render || img.Format != PNG {
		t.Errorf("Page(1) = %dx%d %s render=%v, want the 400x300 image extracted as PNG", img.Width, img.Height, img.Format, img.Render)
	}
}

// TestImagePagesStoredAsJPEGOrPNG: a WebP or BMP page is decoded where
// pages are read and handed on as PNG, with its size kept.
func TestImagePagesStoredAsJPEGOrPNG(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 120, 80))
	for i := range img.Pix {
		img.Pix[i] = uint8(i)
	}
	var b bytes.Buffer
	if err := bmp.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	src, err := Open(context.Background(), b.Bytes(), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := src.Page(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if p.Format != PNG || Sniff(p.Data) != PNG || p.Width != 120 || p.Height != 80 {
		t.Fatalf("BMP page handed on as %s (%s) %dx%d, want PNG 120x80", p.Format, Sniff(p.Data), p.Width, p.Height)
	}
}
