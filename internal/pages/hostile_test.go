package pages

// Builders of the good and hostile inputs the tests and the fuzz seed
// corpora share. Every hostile file is built here, small, from code, so the
// seed corpus needs no binary files in testdata.

import (
	hostilefiles "github.com/sohoa/sohoa/internal/testenv/hostile"

	"bytes"
	"compress/flate"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"github.com/sohoa/sohoa/internal/corpus"
)

// page is a w×h grey test image with some structure, so JPEG and PNG have
// something to encode.
func page(w, h int) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetGray(x, y, color.Gray{Y: uint8(255 - (x/8+y/8)%2*200)})
		}
	}
	return img
}

func encodeJPEG(tb testing.TB, img image.Image) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 75}); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func encodePNG(tb testing.TB, img image.Image) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// scanPDF is a PDF of one w×h JPEG scan at 150 dpi, as a scanner writes it.
func scanPDF(tb testing.TB, w, h int) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := corpus.WritePDF(&b, []image.Image{page(w, h)}, 150); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// patchJPEGSize rewrites the frame header of the first JPEG in b (a JPEG or
// a PDF holding one) to claim w×h; the length of b does not change, so a
// PDF's cross-reference table stays right. The pixels are not touched:
// only a reader that trusts the header sees the new size.
func patchJPEGSize(tb testing.TB, b []byte, w, h int) []byte {
	tb.Helper()
	b = bytes.Clone(b)
	soi := bytes.Index(b, []byte("\xff\xd8\xff"))
	sof := bytes.Index(b[max(soi, 0):], []byte("\xff\xc0"))
	if soi < 0 || sof < 0 {
		tb.Fatal("no JPEG frame header to patch")
	}
	i := soi + sof + 2 + 2 + 1 // marker, length, precision
	binary.BigEndian.PutUint16(b[i:], uint16(h))
	binary.BigEndian.PutUint16(b[i+2:], uint16(w))
	return b
}

// pixelBombPNG: see hostilefiles.PixelBombPNG.
var pixelBombPNG = hostilefiles.PixelBombPNG

// pdfOf assembles a PDF from object bodies: objs[i] is object i+1, object 1
// the catalog.
func pdfOf(objs ...[]byte) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n", i+1)
		b.Write(o)
		b.WriteString("\nendobj\n")
	}
	x := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, x)
	return b.Bytes()
}

// stream is a stream object with dictionary entries dict and data.
func stream(dict string, data []byte) []byte {
	s := fmt.Appendf(nil, "<< %s /Length %d >>\nstream\n", dict, len(data))
	s = append(s, data...)
	return append(s, "\nendstream"...)
}

// deflate is n bytes of spaces, zlib-compressed as hard as it goes: 1 MiB
// gives about 1 KiB.
func deflate(n int) []byte {
	var z bytes.Buffer
	w, _ := zlib.NewWriterLevel(&z, flate.BestCompression)
	chunk := bytes.Repeat([]byte(" "), 1<<16)
	for ; n > 0; n -= len(chunk) {
		w.Write(chunk[:min(n, len(chunk))])
	}
	w.Close()
	return z.Bytes()
}

// flateBombPDF is a one-page PDF whose page has contents streams inflating
// to sizes bytes each (the 306 KB PDF of issue #16 is flateBombPDF(300<<20)).
func flateBombPDF(sizes ...int) []byte {
	objs := [][]byte{
		[]byte("<< /Type /Catalog /Pages 2 0 R >>"),
		[]byte("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
		nil, // the page, once the contents' numbers are known
	}
	refs := ""
	for _, n := range sizes {
		objs = append(objs, stream("/Filter /FlateDecode", deflate(n)))
		refs += fmt.Sprintf("%d 0 R ", len(objs))
	}
	objs[2] = fmt.Appendf(nil, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << >> /Contents [%s] >>", refs)
	return pdfOf(objs...)
}

// flateImagePDF is a one-page PDF filled by a w×h 8-bit grey image whose
// Flate stream inflates to n bytes (w×h+h with no lie).
func flateImagePDF(w, h, n int) []byte {
	wpt, hpt := float64(w)*72/150, float64(h)*72/150
	content := fmt.Sprintf("q %.2f 0 0 %.2f 0 0 cm /Im0 Do Q", wpt, hpt)
	return pdfOf(
		[]byte("<< /Type /Catalog /Pages 2 0 R >>"),
		[]byte("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
		fmt.Appendf(nil, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] /Resources << /XObject << /Im0 5 0 R >> >> /Contents 4 0 R >>", wpt, hpt),
		stream("", []byte(content)),
		stream(fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode", w, h), deflate(n)),
	)
}

func encryptPDF(tb testing.TB, pdf []byte) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := api.Encrypt(bytes.NewReader(pdf), &b, model.NewAESConfiguration("mật khẩu", "owner-pw", 256)); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// garbageTIFF is a TIFF byte-order header followed by an IFD offset and
// entries that point outside the file.
func garbageTIFF() []byte {
	b := []byte("II*\x00\x08\x00\x00\x00\x02\x00")
	b = append(b, 0x00, 0x01, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0x7f) // ImageWidth
	b = append(b, 0x11, 0x01, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0x0f) // StripOffsets
	return append(b, 0, 0, 0, 0)
}

// hostile are the inputs every test of this package and its fuzz seed
// corpora share: good files, and the damaged and hostile files of issue #16.
func hostile(tb testing.TB) map[string][]byte {
	tb.Helper()
	jpg := encodeJPEG(tb, page(300, 300))
	scan := scanPDF(tb, 300, 300)
	return map[string][]byte{
		"empty":             nil,
		"good.jpg":          jpg,
		"good.png":          encodePNG(tb, page(64, 48)),
		"good.pdf":          scan,
		"truncated.jpg":     jpg[:min(640, len(jpg)/2)],
		"truncated.pdf":     scan[:len(scan)/3],
		"encrypted.pdf":     encryptPDF(tb, scan),
		"pixel-bomb.png":    pixelBombPNG(60000, 60000),
		"lying-jpeg.pdf":    patchJPEGSize(tb, scan, 12000, 12000),
		"flate-bomb.pdf":    flateBombPDF(2 << 20),
		"flate-image.pdf":   flateImagePDF(100, 100, 2<<20),
		"garbage.tif":       garbageTIFF(),
		"pdf-header-only":   []byte("%PDF-1.7\n"),
		"jpeg-soi-only":     []byte("\xff\xd8\xff"),
		"png-signature":     []byte("\x89PNG\r\n\x1a\n"),
		"riff-webp-no-data": []byte("RIFF\x00\x00\x00\x00WEBPVP8 "),
	}
}
