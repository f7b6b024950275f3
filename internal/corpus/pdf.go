package corpus

import (
	"bufio"
	"fmt"
	"image"
	"io"
)

// pdfJPEGQuality is the quality of the page images in PDFs, like a
// scanner's "high quality" setting.
const pdfJPEGQuality = 90

// WritePDF writes an image-only PDF 1.4 with one page per image. Each page
// is exactly the image at dpi (an A4 scan at any dpi gives an A4 page) and
// holds a single DCTDecode (JPEG) image XObject, DeviceGray for *image.Gray
// pages and DeviceRGB otherwise. The output has no dates or random IDs, so
// the same pages give the same bytes. Safe for concurrent use.
func WritePDF(w io.Writer, pages []image.Image, dpi int) error {
	if len(pages) == 0 {
		return fmt.Errorf("pdf: no pages")
	}
	if dpi <= 0 {
		return fmt.Errorf("pdf: dpi %d must be positive", dpi)
	}
	bw := bufio.NewWriter(w)
	pw := &pdfWriter{w: bw}
	pw.printf("%%PDF-1.4\n%%\xe2\xe3\xcf\xd3\n")
	n := len(pages)
	// Object numbers: 1 catalog, 2 page tree, 3 info, then per page i:
	// 4+3i page, 5+3i contents, 6+3i image.
	pw.obj(1, "<< /Type /Catalog /Pages 2 0 R >>")
	kids := ""
	for i := 0; i < n; i++ {
		kids += fmt.Sprintf("%d 0 R ", 4+3*i)
	}
	pw.obj(2, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", kids, n))
	pw.obj(3, "<< /Producer (sohoa corpus generator) /Title (sohoa test corpus) >>")
	for i, img := range pages {
		b := img.Bounds()
		wpt := float64(b.Dx()) * 72 / float64(dpi)
		hpt := float64(b.Dy()) * 72 / float64(dpi)
		pg, ct, im := 4+3*i, 5+3*i, 6+3*i
		pw.obj(pg, fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.4f %.4f] /Resources << /XObject << /Im0 %d 0 R >> >> /Contents %d 0 R >>", wpt, hpt, im, ct))
		content := fmt.Sprintf("q %.4f 0 0 %.4f 0 0 cm /Im0 Do Q\n", wpt, hpt)
		pw.stream(ct, fmt.Sprintf("<< /Length %d >>", len(content)), []byte(content))
		data, err := encodeJPEG(img, dpi, pdfJPEGQuality)
		if err != nil {
			return fmt.Errorf("pdf page %d: %w", i+1, err)
		}
		cs := "/DeviceRGB"
		if _, ok := img.(*image.Gray); ok {
			cs = "/DeviceGray"
		}
		pw.stream(im, fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s /BitsPerComponent 8 /Filter /DCTDecode /Length %d >>", b.Dx(), b.Dy(), cs, len(data)), data)
	}
	total := 3 + 3*n
	xref := pw.off
	pw.printf("xref\n0 %d\n0000000000 65535 f \n", total+1)
	for i := 1; i <= total; i++ {
		pw.printf("%010d 00000 n \n", pw.offsets[i])
	}
	pw.printf("trailer\n<< /Size %d /Root 1 0 R /Info 3 0 R >>\nstartxref\n%d\n%%%%EOF\n", total+1, xref)
	if pw.err != nil {
		return fmt.Errorf("pdf: %w", pw.err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	return nil
}

// pdfWriter tracks byte offsets of objects for the cross-reference table.
type pdfWriter struct {
	w       io.Writer
	off     int
	offsets map[int]int
	err     error
}

func (p *pdfWriter) printf(format string, args ...any) {
	p.write([]byte(fmt.Sprintf(format, args...)))
}

func (p *pdfWriter) write(b []byte) {
	if p.err != nil {
		return
	}
	n, err := p.w.Write(b)
	p.off += n
	p.err = err
}

func (p *pdfWriter) mark(num int) {
	if p.offsets == nil {
		p.offsets = map[int]int{}
	}
	p.offsets[num] = p.off
}

func (p *pdfWriter) obj(num int, body string) {
	p.mark(num)
	p.printf("%d 0 obj\n%s\nendobj\n", num, body)
}

func (p *pdfWriter) stream(num int, dict string, data []byte) {
	p.mark(num)
	p.printf("%d 0 obj\n%s\nstream\n", num, dict)
	p.write(data)
	p.printf("\nendstream\nendobj\n")
}
