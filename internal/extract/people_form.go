package extract

import (
	"sort"
	"strings"

	"github.com/sohoa/sohoa/internal/pii"
)

// A printed form (a civil-status extract, its English translation) puts
// its labels in a left column and the values in a right one. OCR may read
// the two columns as separate blocks: first every label, then every value,
// so that no value follows its label in the text. The word boxes keep the
// form's rows: a label's value is the words right of the label column from
// the label's top to the next label's, and the page read again as "label
// value" rows is what the detector reads for the form's people.

// minFormLabels is how many empty labels ("Full name:" with nothing after
// it on its line) make a page a form read in two blocks.
const minFormLabels = 3

// formLabelRows returns page pg rewritten as one "label value" line per label of
// its label column, or "" when pg is not a form read in two blocks.
func formLabelRows(pg *page) string {
	if len(pg.words) == 0 {
		return ""
	}
	type labelLine struct {
		text        string
		top, bottom int
		right, h    int
		open        bool // ends with ":"
	}
	// The label column: lines ending with ":" and holding nothing else,
	// right of which the values stand.
	var labels []labelLine
	edge := 0
	for _, ln := range pg.lines {
		t := strings.TrimSpace(pg.f.raw[ln.start:ln.end])
		if t == "" {
			continue
		}
		l := labelLine{text: t, top: 1 << 30, open: strings.HasSuffix(t, ":")}
		n := 0
		for _, w := range pg.words {
			if w.start >= ln.start && w.end <= ln.end {
				b := w.word.Box
				l.top, l.bottom = min(l.top, b.Min.Y), max(l.bottom, b.Max.Y)
				l.right, l.h = max(l.right, b.Max.X), max(l.h, b.Dy())
				n++
			}
		}
		if n == 0 {
			continue
		}
		if l.open {
			edge = max(edge, l.right)
		}
		labels = append(labels, l)
	}
	open := 0
	for _, l := range labels {
		if l.open {
			open++
		}
	}
	if open < minFormLabels {
		return ""
	}
	// Keep the lines of the label column (all left of the values), and
	// join a label wrapped over two lines ("Personal identification" /
	// "number:").
	var col []labelLine
	for _, l := range labels {
		if l.right > edge || len(l.text) > 40 {
			continue
		}
		if k := len(col) - 1; k >= 0 && !col[k].open && l.top-col[k].bottom < l.h {
			col[k].text += " " + l.text
			col[k].bottom, col[k].open = l.bottom, l.open
			continue
		}
		col = append(col, l)
	}
	sort.Slice(col, func(i, j int) bool { return col[i].top < col[j].top })
	var b strings.Builder
	rows := 0
	for i, l := range col {
		if !l.open {
			continue
		}
		bottom := l.bottom + 4*l.h
		if i+1 < len(col) {
			bottom = col[i+1].top - l.h/4
		}
		var ws []wordSpan
		for _, w := range pg.words {
			bx := w.word.Box
			if cy := (bx.Min.Y + bx.Max.Y) / 2; cy >= l.top-l.h/2 && cy < bottom && bx.Min.X > edge {
				ws = append(ws, w)
			}
		}
		if len(ws) == 0 {
			continue
		}
		sort.Slice(ws, func(i, j int) bool {
			a, c := ws[i].word.Box, ws[j].word.Box
			if abs(a.Min.Y-c.Min.Y) > l.h/2 {
				return a.Min.Y < c.Min.Y
			}
			return a.Min.X < c.Min.X
		})
		b.WriteString(l.text)
		for _, w := range ws {
			b.WriteString(" " + strings.TrimSpace(w.word.Text))
		}
		b.WriteString("\n")
		rows++
	}
	if rows < minFormLabels {
		return ""
	}
	return b.String()
}

// formField returns the candidates of field f read from the rows of a form
// whose labels and values OCR read as separate blocks: only values after
// their own label.
func (d *doc) formField(p *page, f *field, nc normCtx, want map[pii.Kind]bool) []cand {
	pg := d.detectedOn(p).pg
	text := formLabelRows(pg)
	if text == "" {
		return nil
	}
	spans := distinct(detector.Read(text))
	var out []cand
	for _, s := range spans {
		if !want[s.Kind] || !s.Labelled && s.Kind != pii.BirthDate && s.Kind != pii.Address {
			continue
		}
		conf := evidence(text, spans, s)
		if conf == 0 {
			continue
		}
		v := text[s.Start:s.End]
		switch s.Kind {
		case pii.Address:
			v = addressStart(v)
		case pii.Name:
			v = capitalsAsPrinted(v)
		}
		if cd, ok := apply(f, v, nc, conf*pg.conf(0, len(pg.f.raw)), p.no); ok {
			out = append(out, cd)
		}
	}
	return out
}
