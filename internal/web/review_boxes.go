package web

import (
	"context"
	"fmt"
	"image"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/domain"
)

// fold is text as values and OCR words are matched: NFC, lower case,
// runs of spaces as one.
func fold(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(norm.NFC.String(s)), " "))
}

// valueBoxes returns the boxes of the OCR words of page p that hold the
// first occurrence of value in the page's text, as a whole (not inside a
// longer number or word: "12" is found in "12/QĐ-UBND", not in "2012"),
// case and Unicode form aside; nil when the page does not spell it.
func valueBoxes(p *domain.Page, value string) []image.Rectangle {
	needle := fold(value)
	if needle == "" {
		return nil
	}
	var text strings.Builder
	starts := make([]int, len(p.Words))
	for i, w := range p.Words {
		if i > 0 {
			text.WriteByte(' ')
		}
		starts[i] = text.Len()
		text.WriteString(fold(w.Text))
	}
	hay := text.String()
	alnum := func(s string, i int, last bool) bool { // the rune ending (last) or starting at i
		var r rune
		if last {
			r, _ = utf8.DecodeLastRuneInString(s[:i])
		} else {
			r, _ = utf8.DecodeRuneInString(s[i:])
		}
		return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
	}
	for from := 0; from < len(hay); {
		i := strings.Index(hay[from:], needle)
		if i < 0 {
			return nil
		}
		i += from
		end := i + len(needle)
		if (i == 0 || !alnum(hay, i, true)) && (end == len(hay) || !alnum(hay, end, false)) {
			var out []image.Rectangle
			for k, st := range starts {
				wend := st + len(fold(p.Words[k].Text))
				if st < end && wend > i {
					out = append(out, p.Words[k].Box)
				}
			}
			return out
		}
		_, size := utf8.DecodeRuneInString(hay[i:])
		from = i + size
	}
	return nil
}

// boxAttr writes boxes of page n as the data-boxes attribute of a field
// on the review screen: "n:x,y,w,h" per box, in thousandths of the page's
// width and height, separated by ";". OCR maps its word boxes back to the
// page's own pixels (whatever the size it read the page at); a page it
// read turned (Orientation) has none: its boxes are not the image's.
func boxAttr(p *domain.Page, boxes []image.Rectangle) string {
	w, h := float64(p.Width), float64(p.Height)
	if w <= 0 || h <= 0 || p.Orientation != 0 {
		return ""
	}
	parts := make([]string, 0, len(boxes))
	for _, b := range boxes {
		parts = append(parts, fmt.Sprintf("%d:%d,%d,%d,%d", p.No, int(float64(b.Min.X)*1000/w), int(float64(b.Min.Y)*1000/h),
			int(float64(b.Dx())*1000/w)+1, int(float64(b.Dy())*1000/h)+1))
	}
	return strings.Join(parts, ";")
}

// fieldBoxes returns the data-boxes attribute of field f (its value, or
// each of its values, looked up on its page's OCR words), "" when the
// page or the words are not found. pages caches the pages read.
func (s *Server) fieldBoxes(ctx context.Context, id domain.DocumentID, f catalog.Field, pages map[domain.PageNo]*domain.Page) string {
	n := f.Page
	if n == 0 {
		n = 1
	}
	p, ok := pages[n]
	if !ok {
		p, _ = s.d.Catalog.GetPage(ctx, id, n) // no OCR page: no boxes
		pages[n] = p
	}
	if p == nil {
		return ""
	}
	values := f.Values
	if len(values) == 0 {
		values = []string{f.Value}
	}
	var boxes []image.Rectangle
	for _, v := range values {
		boxes = append(boxes, valueBoxes(p, v)...)
	}
	if len(boxes) == 0 {
		return ""
	}
	return boxAttr(p, boxes)
}
