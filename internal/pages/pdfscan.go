package pages

import (
	"bufio"
	"bytes"
	"compress/lzw"
	"compress/zlib"
	"encoding/ascii85"
	"fmt"
	"io"
	"sort"

	"github.com/pdfcpu/pdfcpu/pkg/filter"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
	tifflzw "golang.org/x/image/tiff/lzw"

	"github.com/sohoa/sohoa/internal/domain"
)

// scanStreams bounds what decoding the PDF can cost before pdfcpu or Poppler
// decode anything: every stream that inflates to bytes (content streams,
// forms, fonts, object streams, metadata) is measured with a streaming
// decoder that stops one byte past the limit, so no stream is ever held
// decoded. A stream above lim.MaxStreamBytes, or a document whose streams
// add up to more than lim.MaxDecodedBytes, is a decompression_bomb
// rejection. Image streams are not inflated here (a scan of 2000
// Flate-coded pages would cost seconds): JPEG streams have their real size
// read from the JPEG header and checked against lim.MaxPixels; the image a
// page extracts is measured against its declared size when it is taken
// (imageStreamCheck); images of rendered pages are decoded by Poppler in its
// own process.
func scanStreams(pctx *model.Context, lim Limits) error {
	objNrs := make([]int, 0, len(pctx.Table))
	for nr := range pctx.Table {
		objNrs = append(objNrs, nr)
	}
	sort.Ints(objNrs) // deterministic: the first offending object is the one reported
	var total int64
	for _, nr := range objNrs {
		e := pctx.Table[nr]
		if e == nil || e.Free {
			continue
		}
		var sd *types.StreamDict
		switch o := e.Object.(type) {
		case types.StreamDict:
			sd = &o
		case types.ObjectStreamDict:
			sd = &o.StreamDict
		case types.XRefStreamDict:
			sd = &o.StreamDict
		default:
			continue
		}
		if isImage(sd) {
			if err := checkJPEGStream(sd, nr, lim); err != nil {
				return err
			}
			continue
		}
		n := decodedSize(sd.Raw, sd.FilterPipeline, lim.MaxStreamBytes)
		if n > lim.MaxStreamBytes {
			return streamTooLarge(lim, fmt.Errorf("object %d decodes to more than %d bytes", nr, lim.MaxStreamBytes))
		}
		if total += n; total > lim.MaxDecodedBytes {
			return decompressionBomb(
				fmt.Sprintf("tổng cộng trên %d MiB", lim.MaxDecodedBytes>>20),
				fmt.Sprintf("over %d MiB in all", lim.MaxDecodedBytes>>20),
				fmt.Errorf("streams decode to more than %d bytes in all (reached at object %d)", lim.MaxDecodedBytes, nr))
		}
	}
	return nil
}

func isImage(sd *types.StreamDict) bool {
	s := sd.Subtype()
	return s != nil && *s == "Image"
}

// checkJPEGStream checks the real size of a JPEG-coded image stream (DCT as
// its only filter, as scanners write them) from the JPEG's frame header.
func checkJPEGStream(sd *types.StreamDict, objNr int, lim Limits) error {
	if len(sd.FilterPipeline) != 1 || sd.FilterPipeline[0].Name != filter.DCT {
		return nil
	}
	w, h, _, err := ImageSize(sd.Raw)
	if err != nil {
		return nil // a damaged stream: Poppler renders what it can of the page
	}
	if int64(w)*int64(h) > lim.MaxPixels {
		return lyingImage(w, h, sd.IntEntry("Width"), sd.IntEntry("Height"), lim.MaxPixels, fmt.Errorf("image object %d", objNr))
	}
	return nil
}

// lyingImage is the pixel_limit rejection of an image inside a PDF, saying
// so when the image is larger than its PDF image dictionary claims.
func lyingImage(w, h int, cw, ch *int, max int64, cause error) error {
	if cw == nil || ch == nil || *cw == w && *ch == h {
		return tooManyPixels(w, h, max)
	}
	return domain.Reject("pixel_limit",
		fmt.Sprintf("Ảnh trong PDF lớn hơn PDF khai báo (thật %d×%d, khai báo %d×%d điểm ảnh; giới hạn %d triệu): có thể là tệp độc hại (bom giải nén)",
			w, h, *cw, *ch, max/1_000_000),
		fmt.Sprintf("the image inside the PDF is larger than the PDF claims (really %d×%d, claimed %d×%d pixels; limit %d megapixels): possible decompression bomb",
			w, h, *cw, *ch, max/1_000_000),
		cause)
}

// imageStreamCheck measures, with a streaming decoder, the image stream
// objNr before pdfcpu decodes it whole to extract it, when its filters
// decode to bytes (Flate, LZW, RunLength, ASCII): decoded data beyond what
// the declared size can need is a decompression bomb. The bound allows at
// least 4 bytes per pixel (more for 16-bit or CMYK+ colour), one predictor
// byte per row and some padding, so a mistaken colour space or bit depth in
// a real scan never trips it; a bomb exceeds it a thousand times over.
func imageStreamCheck(pctx *model.Context, objNr int, im model.Image, lim Limits) error {
	e, ok := pctx.Find(objNr)
	if !ok || e == nil {
		return nil
	}
	sd, ok := e.Object.(types.StreamDict)
	if !ok || len(sd.FilterPipeline) == 0 {
		return nil
	}
	for _, f := range sd.FilterPipeline {
		if !byteFilters[f.Name] {
			return nil // JPEG, JBIG2, CCITT, JPX: bounded by their pixels
		}
	}
	bits := int64(max(im.Comp, 4)) * int64(max(im.Bpc, 8))
	rowBytes := (int64(im.Width)*bits + 7) / 8
	want := int64(im.Height)*(rowBytes+1) + 64<<10
	if n := decodedSize(sd.Raw, sd.FilterPipeline, want); n > want {
		return decompressionBomb(
			fmt.Sprintf("ảnh khai báo %d×%d điểm ảnh nhưng giải nén ra hơn %d MiB", im.Width, im.Height, want>>20),
			fmt.Sprintf("an image declared %d×%d pixels decompresses to more than %d MiB", im.Width, im.Height, want>>20),
			fmt.Errorf("image object %d decodes to more than the %d bytes its %dx%d size needs", objNr, want, im.Width, im.Height))
	}
	return nil
}

// decompressionBomb is the rejection of a PDF whose streams decode to more
// than the limits; vi and en say which limit.
func decompressionBomb(vi, en string, cause error) error {
	return domain.Reject("decompression_bomb",
		"Tệp PDF giải nén ra quá lớn ("+vi+"): có thể là tệp độc hại (bom giải nén)",
		"the PDF decompresses to too much data ("+en+"): possibly a malicious file (decompression bomb)",
		cause)
}

// streamTooLarge is the rejection of a stream over lim.MaxStreamBytes.
func streamTooLarge(lim Limits, cause error) error {
	return decompressionBomb(
		fmt.Sprintf("một luồng dữ liệu trên %d MiB", lim.MaxStreamBytes>>20),
		fmt.Sprintf("one stream over %d MiB", lim.MaxStreamBytes>>20), cause)
}

// decodedSize returns how many bytes raw decodes to through the filter
// pipeline fpl, reading at most limit+1 decoded bytes and keeping none.
// Image filters (DCT, JPX, JBIG2, CCITT) end the measure: their output is
// pixels, bounded by the pixel limit. A damaged stream counts what decodes
// before the damage; rejecting it is the parsers' business, not this
// bound's.
func decodedSize(raw []byte, fpl []types.PDFFilter, limit int64) int64 {
	var r io.Reader = bytes.NewReader(raw)
	for _, f := range fpl {
		next, ok := filterReader(r, f)
		if !ok {
			break
		}
		r = next
	}
	n, _ := io.CopyN(io.Discard, r, limit+1) // on corrupt data, what decoded so far
	return n
}

// byteFilters are the filters decodedSize decodes: their output is bytes,
// not pixels.
var byteFilters = map[string]bool{filter.Flate: true, filter.LZW: true, filter.ASCII85: true, filter.ASCIIHex: true, filter.RunLength: true}

// filterReader returns a streaming decoder of r for filter f, or false for
// image filters and filters it does not know.
func filterReader(r io.Reader, f types.PDFFilter) (io.Reader, bool) {
	switch f.Name {
	case filter.Flate:
		zr, err := zlib.NewReader(r)
		if err != nil {
			return eofReader{}, true // nothing decodes
		}
		return zr, true
	case filter.LZW:
		early := true // EarlyChange defaults to 1
		if f.DecodeParms != nil {
			if ec := f.DecodeParms.IntEntry("EarlyChange"); ec != nil && *ec == 0 {
				early = false
			}
		}
		if early {
			return tifflzw.NewReader(r, tifflzw.MSB, 8), true
		}
		return lzw.NewReader(r, lzw.MSB, 8), true
	case filter.ASCII85:
		return ascii85.NewDecoder(&untilByte{r: bufio.NewReader(r), end: '~'}), true
	case filter.ASCIIHex:
		return &hexReader{r: bufio.NewReader(r)}, true
	case filter.RunLength:
		return &runLengthReader{r: bufio.NewReader(r)}, true
	}
	return nil, false
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

// untilByte reads r up to (not including) the byte end: the ASCII85 "~>"
// end marker, which encoding/ascii85 does not know.
type untilByte struct {
	r    *bufio.Reader
	end  byte
	done bool
}

func (u *untilByte) Read(p []byte) (int, error) {
	if u.done {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) {
		c, err := u.r.ReadByte()
		if err != nil || c == u.end {
			u.done = true
			if n == 0 {
				return 0, io.EOF
			}
			return n, nil
		}
		p[n] = c
		n++
	}
	return n, nil
}

// hexReader decodes ASCIIHexDecode data up to its ">" end marker.
type hexReader struct {
	r    *bufio.Reader
	done bool
}

func (h *hexReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) && !h.done {
		var v [2]byte
		k := 0
		for k < 2 {
			c, err := h.r.ReadByte()
			if err != nil || c == '>' {
				h.done = true
				break
			}
			if d, ok := hexDigit(c); ok {
				v[k] = d
				k++
			}
		}
		if k > 0 {
			p[n] = v[0]<<4 | v[1] // a final odd digit is followed by 0
			n++
		}
	}
	if n == 0 && h.done {
		return 0, io.EOF
	}
	return n, nil
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// runLengthReader decodes RunLengthDecode data: a length byte L, then L+1
// literal bytes (L < 128) or one byte repeated 257-L times (L > 128); 128
// ends the data.
type runLengthReader struct {
	r       *bufio.Reader
	literal int  // literal bytes still to copy
	repeat  int  // times still to emit b
	b       byte // the repeated byte
	done    bool
}

func (d *runLengthReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		switch {
		case d.repeat > 0:
			p[n] = d.b
			d.repeat--
			n++
		case d.literal > 0:
			c, err := d.r.ReadByte()
			if err != nil {
				d.done = true
				d.literal = 0
				continue
			}
			p[n] = c
			d.literal--
			n++
		case d.done:
			if n == 0 {
				return 0, io.EOF
			}
			return n, nil
		default:
			l, err := d.r.ReadByte()
			if err != nil || l == 128 {
				d.done = true
				continue
			}
			if l < 128 {
				d.literal = int(l) + 1
				continue
			}
			c, err := d.r.ReadByte()
			if err != nil {
				d.done = true
				continue
			}
			d.b, d.repeat = c, 257-int(l)
		}
	}
	return n, nil
}
