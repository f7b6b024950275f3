// Package pages turns a scanned document into page images for OCR.
//
// Formats are recognised by content, never by file name: PDF, TIFF (every
// frame), PNG, JPEG, WebP, BMP. For a PDF, a page that is one full-page
// scanned image yields that image unchanged (no resampling, no quality
// loss); any other page (vector text, several images, mixed content) is
// rendered with Poppler's pdftoppm, which is maintained, fast and handles
// every PDF feature the archives contain. Rendering reads the PDF from a pipe
// and writes the image to a pipe: no plaintext temporary files.
//
// Every limit (pages, pixels per page, decoded bytes per PDF stream and per
// document) is checked before anything is decoded: pixels from the image's
// own header (ImageSize), never from what a container claims, and PDF
// streams with a streaming decoder that keeps nothing, so decompression
// bombs are refused cheaply.
package pages

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"

	_ "golang.org/x/image/bmp"  // header decoding
	_ "golang.org/x/image/webp" // header decoding

	"github.com/sohoa/sohoa/internal/domain"
)

// Format is a file format recognised by its content.
type Format string

// Formats.
const (
	PDF     Format = "pdf"
	TIFF    Format = "tiff"
	PNG     Format = "png"
	JPEG    Format = "jpeg"
	WebP    Format = "webp"
	BMP     Format = "bmp"
	ZIP     Format = "zip"
	Unknown Format = ""
)

// Sniff recognises the format of b from its first bytes.
func Sniff(b []byte) Format {
	switch {
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return PDF
	case bytes.Contains(head(b, 1024), []byte("%PDF-")):
		return PDF // some scanners put junk before the header; readers accept it
	case bytes.HasPrefix(b, []byte("II*\x00")), bytes.HasPrefix(b, []byte("MM\x00*")):
		return TIFF
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return PNG
	case bytes.HasPrefix(b, []byte("\xff\xd8\xff")):
		return JPEG
	case len(b) >= 12 && bytes.Equal(b[:4], []byte("RIFF")) && bytes.Equal(b[8:12], []byte("WEBP")):
		return WebP
	case bytes.HasPrefix(b, []byte("BM")) && len(b) > 26:
		return BMP
	case bytes.HasPrefix(b, []byte("PK\x03\x04")), bytes.HasPrefix(b, []byte("PK\x05\x06")):
		return ZIP
	}
	return Unknown
}

func head(b []byte, n int) []byte {
	if len(b) < n {
		return b
	}
	return b[:n]
}

// Limits bound the work one document may cause. The zero value uses the defaults.
type Limits struct {
	MaxPages  int   // pages per document; default 2000
	MaxPixels int64 // pixels per page image; default 120 megapixels (A3 at 600 dpi is ~70)
	RenderDPI int   // resolution for rendered PDF pages; default 300

	// MaxStreamBytes bounds the decoded size of one PDF stream that is not
	// an image (page content, form, font, object stream). Default 64 MiB:
	// a scanned page's content stream is under 1 KiB ("q … cm /Im0 Do Q"),
	// an OCR text layer tens of KiB, an embedded font a few MiB, and the
	// densest vector pages (maps, CAD plots) some MiB; pdfcpu holds a
	// decoded stream several times over while parsing it (300 MiB cost
	// 1.6 GiB), so the bound is also the memory a stream may cost.
	MaxStreamBytes int64
	// MaxDecodedBytes bounds the decoded size of all a PDF's non-image
	// streams together. Default 256 MiB: 2000 pages (MaxPages) of OCR text
	// layers at 50 KiB is under 100 MiB.
	MaxDecodedBytes int64
}

func (l Limits) withDefaults() Limits {
	if l.MaxPages <= 0 {
		l.MaxPages = 2000
	}
	if l.MaxPixels <= 0 {
		l.MaxPixels = 120_000_000
	}
	if l.RenderDPI <= 0 {
		l.RenderDPI = 300
	}
	if l.MaxStreamBytes <= 0 {
		l.MaxStreamBytes = 64 << 20
	}
	if l.MaxDecodedBytes <= 0 {
		l.MaxDecodedBytes = 256 << 20
	}
	return l
}

// Image is one page image, encoded.
type Image struct {
	No     domain.PageNo
	Data   []byte
	Format Format
	Width  int
	Height int
	DPI    int  // 0 when unknown
	Render bool // rendered from PDF content rather than extracted
}

// Source yields the page images of one document.
type Source interface {
	// Pages is the number of pages.
	Pages() int
	// Page returns page n (1-based).
	Page(ctx context.Context, n domain.PageNo) (Image, error)
}

// Open inspects a document and returns its page source. Refusals are
// *domain.Rejection with a reason for staff.
func Open(ctx context.Context, data []byte, lim Limits) (Source, error) {
	lim = lim.withDefaults()
	switch f := Sniff(data); f {
	case PDF:
		return openPDF(ctx, data, lim)
	case TIFF:
		return openTIFF(data, lim)
	case PNG, JPEG, WebP, BMP:
		return openImage(data, f, lim)
	case ZIP:
		return nil, domain.Reject("zip_in_document", "Tệp ZIP phải được giải nén khi tải lên, không phải là một văn bản",
			"a ZIP archive is unpacked at upload, it is not a document", nil)
	default:
		return nil, ErrUnsupported
	}
}

// ErrUnsupported is the rejection of a file whose content is no supported format.
var ErrUnsupported = domain.Reject("unsupported_type",
	"Định dạng tệp không được hỗ trợ (chỉ nhận PDF, TIFF, JPEG, PNG, WebP, BMP hoặc ZIP của các tệp này)",
	"unsupported file type (accepted: PDF, TIFF, JPEG, PNG, WebP, BMP, or a ZIP of these)", nil)

func tooManyPages(n, max int) error {
	return domain.Reject("too_many_pages",
		fmt.Sprintf("Văn bản có hơn %d trang (giới hạn %d trang); hãy tách tệp", max, max),
		fmt.Sprintf("document has more than %d pages (limit %d); split the file", max, max),
		fmt.Errorf("%d pages", n))
}

func tooManyPixels(w, h int, max int64) error {
	return domain.Reject("pixel_limit",
		fmt.Sprintf("Ảnh trang quá lớn (%d×%d điểm ảnh, giới hạn %d triệu): có thể là tệp độc hại (bom giải nén)", w, h, max/1_000_000),
		fmt.Sprintf("page image too large (%d×%d pixels, limit %d megapixels): possible decompression bomb", w, h, max/1_000_000),
		nil)
}

func corrupt(kind string, err error) error {
	return domain.Reject("corrupt_file",
		"Tệp bị hỏng hoặc không đọc được ("+kind+")",
		"the file is damaged or cannot be read ("+kind+")", err)
}

func checkPixels(w, h int, lim Limits) error {
	if w <= 0 || h <= 0 {
		return corrupt("image", fmt.Errorf("invalid size %dx%d", w, h))
	}
	if int64(w)*int64(h) > lim.MaxPixels {
		return tooManyPixels(w, h, lim.MaxPixels)
	}
	return nil
}

// imageSource is a single-image document.
type imageSource struct{ img Image }

func openImage(data []byte, f Format, lim Limits) (Source, error) {
	w, h, _, err := ImageSize(data)
	if err != nil {
		return nil, corrupt(string(f), err)
	}
	if err := checkPixels(w, h, lim); err != nil {
		return nil, err
	}
	return &imageSource{Image{No: 1, Data: data, Format: f, Width: w, Height: h, DPI: imageDPI(data, f)}}, nil
}

func (s *imageSource) Pages() int { return 1 }

func (s *imageSource) Page(ctx context.Context, n domain.PageNo) (Image, error) {
	if n != 1 {
		return Image{}, fmt.Errorf("pages: page %d of 1", n)
	}
	if err := ctx.Err(); err != nil {
		return Image{}, err
	}
	img := s.img
	if img.Format != JPEG && img.Format != PNG {
		// WebP and BMP are decoded here, where untrusted bytes are read
		// (a reader child), and stored as PNG: the viewer, the PDF/A and
		// OCR then take the page as it is, never decoding it elsewhere.
		b, err := imagePNG(img.Data)
		if err != nil {
			return Image{}, corrupt(string(img.Format), err)
		}
		w, h, _, err := ImageSize(b)
		if err != nil || w != img.Width || h != img.Height {
			return Image{}, corrupt(string(img.Format), fmt.Errorf("decoded as %dx%d, header says %dx%d (%v)", w, h, img.Width, img.Height, err))
		}
		img.Data, img.Format = b, PNG
	}
	return img, nil
}

// tiffSource yields the frames of a (multi-page) TIFF.
type tiffSource struct {
	data   []byte
	frames []tiffFrame
}

func openTIFF(data []byte, lim Limits) (Source, error) {
	frames, err := tiffFrames(data, lim.MaxPages)
	if err != nil {
		return nil, corrupt("TIFF", err)
	}
	if len(frames) > lim.MaxPages {
		return nil, tooManyPages(len(frames), lim.MaxPages)
	}
	for _, f := range frames {
		if err := checkPixels(f.w, f.h, lim); err != nil {
			return nil, err
		}
	}
	return &tiffSource{data: data, frames: frames}, nil
}

func (s *tiffSource) Pages() int { return len(s.frames) }

func (s *tiffSource) Page(ctx context.Context, n domain.PageNo) (Image, error) {
	if n < 1 || int(n) > len(s.frames) {
		return Image{}, fmt.Errorf("pages: page %d of %d", n, len(s.frames))
	}
	if err := ctx.Err(); err != nil {
		return Image{}, err
	}
	f := s.frames[n-1]
	png, err := tiffFramePNG(s.data, int(n-1))
	if err != nil {
		return Image{}, corrupt("TIFF", fmt.Errorf("frame %d: %w", n, err))
	}
	return Image{No: n, Data: png, Format: PNG, Width: f.w, Height: f.h, DPI: f.dpi}, nil
}

// render rasterises one PDF page with pdftoppm through pipes.
func render(ctx context.Context, pdf []byte, n domain.PageNo, dpi int, gray bool) ([]byte, error) {
	args := []string{"-q", "-f", strconv.Itoa(int(n)), "-l", strconv.Itoa(int(n)), "-r", strconv.Itoa(dpi), "-png", "-singlefile"}
	if gray {
		args = append(args, "-gray")
	}
	args = append(args, "-") // PDF from stdin; with no output root, the image goes to stdout
	cmd := exec.CommandContext(ctx, "pdftoppm", args...)
	cmd.Stdin = bytes.NewReader(pdf)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return nil, fmt.Errorf("pages: pdftoppm not installed (apt-get install poppler-utils): %w", err)
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, corrupt("PDF", fmt.Errorf("pdftoppm page %d: %v: %s", n, err, strings.TrimSpace(stderr.String())))
	}
	if out.Len() == 0 {
		return nil, corrupt("PDF", fmt.Errorf("pdftoppm page %d produced no image", n))
	}
	return out.Bytes(), nil
}
