// Package pdfa builds searchable PDF/A-2b files from page images and OCR
// words: each page shows the original image (JPEG kept as DCTDecode bytes,
// PNG samples kept as FlateDecode with the PNG predictor, anything else
// decoded and stored losslessly), with an invisible text layer (text render
// mode 3) placed from the word boxes so that selecting, searching and
// pdftotext give the OCR text.
//
// The text layer uses the GlyphLessFont that Tesseract and OCRmyPDF use
// (glyphless.ttf, Tesseract's pdf.ttf, Apache-2.0): a TrueType font with a
// single empty glyph of advance 500/1000, embedded as a CIDFontType2 under a
// Type0 font with Identity-H encoding. Character codes are the UTF-16 code
// units of the text, every code maps to glyph 1 (CIDToGIDMap), and a
// ToUnicode CMap maps each code back to itself, so extraction yields the
// exact NFC Vietnamese text. Horizontal scaling (Tz) stretches each word to
// its box.
//
// PDF/A-2b requirements met here: PDF 1.7 header with a binary comment,
// trailer ID, XMP metadata (uncompressed) with pdfaid:part 2 and
// conformance B and Dublin Core properties only (no extension schema needed),
// an Info dictionary consistent with the XMP, an sRGB output intent whose
// ICC profile (sRGB.icc from Debian's icc-profiles-free, zlib licence) is
// embedded, every font embedded, no transparency, no encryption.
package pdfa

import (
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"sync"
	"time"
	"unicode/utf16"

	"github.com/sohoa/sohoa/internal/domain"
	"golang.org/x/text/unicode/norm"
)

//go:embed glyphless.ttf
var glyphlessTTF []byte

//go:embed srgb.icc
var srgbICC []byte

// DefaultDPI is assumed for a page whose resolution is unknown.
const DefaultDPI = 300

// Page is one page to write.
type Page struct {
	// Image is the stored page image: JPEG, PNG, or any format the
	// standard image decoders registered in the program can read.
	Image []byte
	// Width and Height are the image size in pixels; 0 means read them
	// from the image header. Word boxes are in these pixels.
	Width, Height int
	// DPI is the image resolution; 0 means DefaultDPI.
	DPI int
	// Words are the OCR words with boxes in image pixels (top-left origin),
	// in reading order; Word.Line groups them in lines.
	Words []domain.Word
}

// Metadata is what the XMP packet and Info dictionary say about a document.
// Only public record fields belong here: the XMP is readable by anyone who
// holds the file.
type Metadata struct {
	Title      string    // dc:title; default: DocumentID
	DocType    string    // dc:type, e.g. "Quyết định"
	Identifier string    // dc:identifier, number/symbol, e.g. "123/QĐ-UBND"
	Issuer     string    // dc:publisher, the issuing body
	IssuedDate string    // dc:date, YYYY-MM-DD
	Subject    string    // dc:description (trích yếu), public only
	Language   string    // dc:language; default "vi"
	DocumentID string    // sohoa document ID, kept in xmpMM:DocumentID as uuid-free urn
	Created    time.Time // xmp:CreateDate and ModifyDate; default: time of the call
}

// Producer is written to pdf:Producer and the Info dictionary.
const Producer = "sohoa pdfa"

// ErrNoPages is returned when there is nothing to write.
var ErrNoPages = errors.New("pdfa: no pages")

// Build returns the PDF/A-2b file for pages. It is safe for concurrent use.
// The output is deterministic for the same input and md.Created.
func Build(ctx context.Context, md Metadata, pages []Page) ([]byte, error) {
	var buf bytes.Buffer
	if err := Write(ctx, &buf, md, pages); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Write writes the PDF/A-2b file for pages to w. It checks ctx between pages.
func Write(ctx context.Context, w io.Writer, md Metadata, pages []Page) error {
	if len(pages) == 0 {
		return ErrNoPages
	}
	if md.Created.IsZero() {
		md.Created = time.Now()
	}
	md.Created = md.Created.UTC().Truncate(time.Second)
	if md.Language == "" {
		md.Language = "vi"
	}
	if md.Title == "" {
		md.Title = md.DocumentID
	}
	pw := newWriter()
	const (
		catalogObj = 1
		pagesObj   = 2
	)
	pw.reserve(2)
	fontRef := pw.writeFont()

	var kids []int
	for i, pg := range pages {
		if err := ctx.Err(); err != nil {
			return err
		}
		ref, err := pw.writePage(i+1, pg, pagesObj, fontRef)
		if err != nil {
			return fmt.Errorf("pdfa: page %d: %w", i+1, err)
		}
		kids = append(kids, ref)
	}
	var kb strings.Builder
	for _, k := range kids {
		fmt.Fprintf(&kb, "%d 0 R ", k)
	}
	pw.setObject(pagesObj, []byte(fmt.Sprintf("<< /Type /Pages /Kids [ %s] /Count %d >>", kb.String(), len(kids))))

	meta := pw.addStream("/Type /Metadata /Subtype /XML", xmp(md), false)
	icc := pw.addStream("/N 3", srgbICC, true)
	intent := pw.add([]byte(fmt.Sprintf("<< /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier (sRGB IEC61966-2.1) /Info (sRGB IEC61966-2.1) /RegistryName (http://www.color.org) /DestOutputProfile %d 0 R >>", icc)))
	pw.setObject(catalogObj, []byte(fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R /Metadata %d 0 R /OutputIntents [ %d 0 R ] /Lang %s /ViewerPreferences << /DisplayDocTitle true >> >>",
		pagesObj, meta, intent, pdfText(md.Language))))
	info := pw.add([]byte(fmt.Sprintf("<< /Title %s /Creator %s /Producer %s /CreationDate %s /ModDate %s >>",
		pdfText(md.Title), pdfText(Producer), pdfText(Producer), pdfDate(md.Created), pdfDate(md.Created))))
	return pw.finish(w, catalogObj, info)
}

// writer accumulates numbered objects and writes them with an xref table.
type writer struct {
	objs [][]byte // index i holds object i+1; nil until set
}

func newWriter() *writer { return &writer{} }

func (pw *writer) reserve(n int) {
	for i := 0; i < n; i++ {
		pw.objs = append(pw.objs, nil)
	}
}

func (pw *writer) add(body []byte) int {
	pw.objs = append(pw.objs, body)
	return len(pw.objs)
}

func (pw *writer) setObject(n int, body []byte) { pw.objs[n-1] = body }

// addStream adds a stream object; dict holds extra dictionary entries.
func (pw *writer) addStream(dict string, data []byte, compress bool) int {
	return pw.add(streamObject(dict, data, compress))
}

func streamObject(dict string, data []byte, compress bool) []byte {
	if compress {
		data = deflate(data)
		dict += " /Filter /FlateDecode"
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "<< %s /Length %d >>\nstream\n", dict, len(data))
	b.Write(data)
	b.WriteString("\nendstream")
	return b.Bytes()
}

func (pw *writer) finish(w io.Writer, root, info int) error {
	var b bytes.Buffer
	// A binary comment of four bytes above 127 marks the file as binary (PDF/A 6.1.2).
	b.WriteString("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n")
	offsets := make([]int, len(pw.objs))
	for i, body := range pw.objs {
		if body == nil {
			return fmt.Errorf("pdfa: object %d not written", i+1)
		}
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n", i+1)
		b.Write(body)
		b.WriteString("\nendobj\n")
	}
	sum := sha256.Sum256(b.Bytes())
	id := fmt.Sprintf("<%X>", sum[:16])
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(pw.objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [ %s %s ] >>\nstartxref\n%d\n%%%%EOF\n",
		len(pw.objs)+1, root, info, id, id, xref)
	_, err := w.Write(b.Bytes())
	return err
}

// writeFont writes the Type0 GlyphLessFont and returns its object number.
func (pw *writer) writeFont() int {
	file := pw.addStream(fmt.Sprintf("/Length1 %d", len(glyphlessTTF)), glyphlessTTF, true)
	desc := pw.add([]byte(fmt.Sprintf("<< /Type /FontDescriptor /FontName /GlyphLessFont /Flags 5 /FontBBox [ 0 0 500 1000 ] /ItalicAngle 0 /Ascent 1000 /Descent 0 /CapHeight 1000 /StemV 80 /FontFile2 %d 0 R >>", file)))
	cidmap := pw.add(fontStreams().cidToGID)
	cid := pw.add([]byte(fmt.Sprintf("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /GlyphLessFont /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor %d 0 R /DW 500 /CIDToGIDMap %d 0 R >>", desc, cidmap)))
	tounicode := pw.add(fontStreams().toUnicode)
	return pw.add([]byte(fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /GlyphLessFont /Encoding /Identity-H /DescendantFonts [ %d 0 R ] /ToUnicode %d 0 R >>", cid, tounicode)))
}

// fontStreams holds the font's constant stream objects, built once.
var fontStreams = sync.OnceValue(func() struct{ cidToGID, toUnicode []byte } {
	// Every 2-byte code maps to glyph 1, the font's only non-.notdef glyph.
	gidmap := make([]byte, 2*65536)
	for i := 1; i < len(gidmap); i += 2 {
		gidmap[i] = 1
	}
	return struct{ cidToGID, toUnicode []byte }{
		cidToGID:  streamObject("", gidmap, true),
		toUnicode: streamObject("", toUnicodeCMap(), true),
	}
})

// toUnicodeCMap maps every 2-byte code outside the surrogate range to the
// same UTF-16 code unit, in ranges that vary only the last byte.
func toUnicodeCMap() []byte {
	var ranges []string
	for hi := 0; hi < 256; hi++ {
		if hi >= 0xD8 && hi <= 0xDF {
			continue
		}
		ranges = append(ranges, fmt.Sprintf("<%02X00> <%02XFF> <%02X00>", hi, hi, hi))
	}
	var b strings.Builder
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n" +
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n" +
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	for len(ranges) > 0 {
		n := min(100, len(ranges))
		fmt.Fprintf(&b, "%d beginbfrange\n%s\nendbfrange\n", n, strings.Join(ranges[:n], "\n"))
		ranges = ranges[n:]
	}
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
	return []byte(b.String())
}

func (pw *writer) writePage(n int, pg Page, parent, font int) (int, error) {
	img, err := encodeImage(pg.Image)
	if err != nil {
		return 0, err
	}
	if pg.Width <= 0 || pg.Height <= 0 {
		pg.Width, pg.Height = img.width, img.height
	}
	dpi := pg.DPI
	if dpi <= 0 {
		dpi = DefaultDPI
	}
	scale := 72 / float64(dpi) // points per pixel of the word boxes
	wpt, hpt := float64(pg.Width)*scale, float64(pg.Height)*scale
	imRef := pw.addStream(img.dict, img.data, false)

	var c bytes.Buffer
	fmt.Fprintf(&c, "q %s 0 0 %s 0 0 cm /Im0 Do Q\n", num(wpt), num(hpt))
	textLayer(&c, pg.Words, scale, hpt)
	content := pw.addStream("", c.Bytes(), true)
	return pw.add([]byte(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [ 0 0 %s %s ] /Resources << /XObject << /Im0 %d 0 R >> /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>",
		parent, num(wpt), num(hpt), imRef, font, content))), nil
}

// textLayer writes the invisible words, line by line: one font size and
// baseline per line (so extractors keep the line together), each word
// stretched (Tz) over its box, then a space stretched over the gap to the
// next word, as Tesseract's own PDF renderer does. Where OCR boxes touch or
// overlap (common on degraded scans) a word is narrowed to leave a gap of
// at least a fifth of the font size, so extractors never glue two words.
func textLayer(c *bytes.Buffer, words []domain.Word, scale, pageH float64) {
	if len(words) == 0 {
		return
	}
	c.WriteString("BT\n3 Tr\n")
	for start := 0; start < len(words); {
		end := start + 1
		for end < len(words) && words[end].Line == words[start].Line {
			end++
		}
		line := words[start:end]
		start = end
		bottom, heights := 0, make([]int, 0, len(line))
		for _, wd := range line {
			bottom = max(bottom, wd.Box.Max.Y)
			heights = append(heights, wd.Box.Dy())
		}
		sizePx := max(float64(median(heights)), 1)
		size := sizePx * scale
		gap := max(1, sizePx/5) // pixels
		baseline := num(pageH - float64(bottom)*scale)
		fmt.Fprintf(c, "/F1 %s Tf\n", num(size))
		show := func(text string, x, width float64) {
			codes := utf16Codes(norm.NFC.String(text))
			if len(codes) == 0 || width <= 0 {
				return
			}
			tz := 100 * width * scale / (float64(len(codes)) * size * 0.5)
			fmt.Fprintf(c, "%s Tz 1 0 0 1 %s %s Tm <", num(tz), num(x*scale), baseline)
			for _, u := range codes {
				fmt.Fprintf(c, "%04X", u)
			}
			c.WriteString("> Tj\n")
		}
		for i, wd := range line {
			left, right := float64(wd.Box.Min.X), float64(wd.Box.Max.X)
			if i+1 == len(line) {
				show(wd.Text, left, right-left)
				break
			}
			next := float64(line[i+1].Box.Min.X)
			switch {
			case next <= left+gap:
				// The next word is not to the right (odd reading order or a
				// tiny word): keep the box and put a standard-width space.
				show(wd.Text, left, max(right-left, 1))
				show(" ", max(right, left+1), gap)
				continue
			case right > next-gap:
				right = max(next-gap, left+1)
			}
			show(wd.Text, left, right-left)
			show(" ", right, next-right)
		}
	}
	c.WriteString("ET\n")
}

// utf16Codes returns the UTF-16 code units of s; characters outside the
// Basic Multilingual Plane become U+FFFD (one code per glyph keeps Tz exact).
func utf16Codes(s string) []uint16 {
	out := make([]uint16, 0, len(s))
	for _, r := range s {
		if r > 0xFFFF || utf16.IsSurrogate(r) {
			r = 0xFFFD
		}
		out = append(out, uint16(r))
	}
	return out
}

func median(v []int) int {
	if len(v) == 0 {
		return 0
	}
	s := append([]int(nil), v...)
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return s[len(s)/2]
}

// num formats a number for a content stream: fixed point, no exponent.
func num(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		f = 0
	}
	s := fmt.Sprintf("%.3f", f)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" || s == "" {
		s = "0"
	}
	return s
}

// pdfText encodes s as a PDF text string: literal when ASCII, else
// UTF-16BE with a byte-order mark, in hex.
func pdfText(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			ascii = false
			break
		}
	}
	if ascii {
		r := strings.NewReplacer(`\`, `\\`, `(`, `\(`, `)`, `\)`)
		return "(" + r.Replace(s) + ")"
	}
	var b strings.Builder
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteString(">")
	return b.String()
}

func pdfDate(t time.Time) string {
	return "(D:" + t.UTC().Format("20060102150405") + "Z)"
}
