// Package hostile makes the damaged and hostile files that sohoa's tests
// feed the pipeline: a truncated JPEG, a PDF decompression bomb, a PDF whose
// image lies about its size and an arbitrarily large upload. Every generator
// is deterministic, needs no network and is safe for concurrent use.
package hostile

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"strings"
	"sync"
)

// TruncatedJPEGSize is the length of TruncatedJPEG's output.
const TruncatedJPEGSize = 640

// TruncatedJPEG returns the first TruncatedJPEGSize bytes of a real JPEG of a
// 150-dpi letter page of text lines: its SOI, quantisation tables, SOF0
// (1275×1650, greyscale), Huffman tables and SOS headers are whole, and its
// scan data stops a few bytes in. A decoder that trusts the header and reads
// on has nothing behind it.
func TruncatedJPEG() []byte {
	return bytes.Clone(pageJPEG()[:TruncatedJPEGSize])
}

var pageJPEG = sync.OnceValue(func() []byte {
	const w, h = 1275, 1650 // letter at 150 dpi
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	// Lines of "words": dark blocks of varying width, like a typed page.
	for y := 150; y+24 < h-150; y += 40 {
		x := 120
		for k := 0; x < w-120; k++ {
			ww := 30 + (k*37+y)%90
			for yy := y; yy < y+24; yy++ {
				for xx := x; xx < min(x+ww, w-120); xx++ {
					img.SetGray(xx, yy, color.Gray{Y: 0x20})
				}
			}
			x += ww + 18
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 75}); err != nil {
		panic(fmt.Sprintf("hostile: encode page JPEG: %v", err))
	}
	return b.Bytes()
})

// PDFBombInflated is how many bytes PDFBomb's content stream inflates to.
const PDFBombInflated = 300 << 20

// PDFBomb returns a structurally valid one-page PDF of about 300 KB whose
// FlateDecode content stream inflates to PDFBombInflated (300 MiB) of
// spaces, which a content-stream parser reads as an empty page. The stream
// is compressed as it is generated, so making it never holds 300 MiB; the
// first call takes a few seconds and later calls reuse the result.
func PDFBomb() []byte {
	return bytes.Clone(pdfBomb())
}

var pdfBomb = sync.OnceValue(func() []byte {
	var z bytes.Buffer
	zw, err := zlib.NewWriterLevel(&z, zlib.BestCompression)
	if err != nil {
		panic(fmt.Sprintf("hostile: zlib writer: %v", err))
	}
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for range PDFBombInflated / len(chunk) {
		zw.Write(chunk) // a bytes.Buffer never fails
	}
	zw.Close()
	var p pdfWriter
	p.object("<< /Type /Catalog /Pages 2 0 R >>")
	p.object("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	p.object("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << >> /Contents 4 0 R >>")
	p.stream("/Filter /FlateDecode", z.Bytes())
	return p.finish()
})

// LyingWidth and LyingHeight are the size LyingJPEGInPDF's image entry
// claims; LyingJPEGSide is the width and height its JPEG's SOF declares.
const (
	LyingWidth    = 1700
	LyingHeight   = 2200
	LyingJPEGSide = 12000
)

// LyingJPEGInPDF returns a one-page letter-size PDF whose single full-page
// image XObject claims /Width 1700 /Height 2200 while its DCTDecode stream
// is a JPEG whose SOF declares 12000×12000 pixels (144 megapixels). The JPEG
// is a small real one with its SOF patched, so it never decodes: a check
// that reads the PDF's claim lets it through, one that reads the SOF does not.
func LyingJPEGInPDF() []byte {
	var p pdfWriter
	p.object("<< /Type /Catalog /Pages 2 0 R >>")
	p.object("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	p.object("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /Im0 5 0 R >> >> /Contents 4 0 R >>")
	p.stream("", []byte("q 612 0 0 792 0 0 cm /Im0 Do Q\n"))
	p.stream(fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode",
		LyingWidth, LyingHeight), LyingJPEG())
	return p.finish()
}

// LyingJPEG returns the JPEG stream of LyingJPEGInPDF: a real 170×220
// greyscale JPEG whose SOF0 says LyingJPEGSide×LyingJPEGSide.
func LyingJPEG() []byte {
	img := image.NewGray(image.Rect(0, 0, LyingWidth/10, LyingHeight/10))
	for i := range img.Pix {
		img.Pix[i] = uint8(i)
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 75}); err != nil {
		panic(fmt.Sprintf("hostile: encode JPEG: %v", err))
	}
	data := b.Bytes()
	sof := bytes.Index(data, []byte{0xff, 0xc0})
	if sof < 0 {
		panic("hostile: image/jpeg wrote no SOF0")
	}
	// SOF0: marker, length(2), precision(1), height(2), width(2).
	for _, at := range []int{sof + 5, sof + 7} {
		data[at], data[at+1] = byte(LyingJPEGSide>>8), byte(LyingJPEGSide&0xff)
	}
	return data
}

// LargeUploadHeader starts every LargeUpload stream.
const LargeUploadHeader = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"

// LargeUpload returns a stream of exactly size bytes (at most size when size
// is shorter than the header): LargeUploadHeader, then lines of PDF comment
// filler. It is produced as it is read, so a 500 MiB upload costs no memory.
func LargeUpload(size int64) io.Reader {
	size = max(size, 0)
	head := strings.NewReader(LargeUploadHeader[:min(int64(len(LargeUploadHeader)), size)])
	return io.MultiReader(head, io.LimitReader(&filler{}, size-int64(head.Len())))
}

// fillerLine repeats after the header of LargeUpload.
const fillerLine = "% sohoa hostile test filler: a large upload that is not a PDF body\n"

// filler reads fillerLine forever.
type filler struct{ off int }

func (f *filler) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], fillerLine[f.off:])
		n += c
		f.off = (f.off + c) % len(fillerLine)
	}
	return n, nil
}

// pdfWriter lays out a PDF's numbered objects (from 1, in order) and ends it
// with a cross-reference table whose offsets are the objects' real ones.
type pdfWriter struct {
	b       bytes.Buffer
	offsets []int
}

func (p *pdfWriter) begin() {
	if p.b.Len() == 0 {
		p.b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	}
	p.offsets = append(p.offsets, p.b.Len())
	fmt.Fprintf(&p.b, "%d 0 obj\n", len(p.offsets))
}

// object writes the next object with body dict.
func (p *pdfWriter) object(dict string) {
	p.begin()
	p.b.WriteString(dict + "\nendobj\n")
}

// stream writes the next object as a stream with the dictionary entries
// extra and its Length.
func (p *pdfWriter) stream(extra string, data []byte) {
	p.begin()
	fmt.Fprintf(&p.b, "<< %s /Length %d >>\nstream\n", extra, len(data))
	p.b.Write(data)
	p.b.WriteString("\nendstream\nendobj\n")
}

// finish writes the cross-reference table and trailer and returns the file.
func (p *pdfWriter) finish() []byte {
	xref := p.b.Len()
	fmt.Fprintf(&p.b, "xref\n0 %d\n0000000000 65535 f \n", len(p.offsets)+1)
	for _, off := range p.offsets {
		fmt.Fprintf(&p.b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&p.b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(p.offsets)+1, xref)
	return p.b.Bytes()
}
