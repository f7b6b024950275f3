package extract

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sohoa/sohoa/internal/domain"
)

// A form (a land-use certificate's parcel table, a civil-status extract's
// boxes) prints its labels and values in cells. OCR reads a cell's wrapped
// lines apart ("5. Mục đích sử" … "dụng:") and a table's header row apart
// from the row of values under it, so the label and its value are no
// longer next to each other in the text. formView re-reads a page as its
// cells:
//   - a line directly under another in the same column that continues it
//     (it starts with a small letter or a bracket: "dụng:", "số", "(LUC)")
//     belongs to the same cell;
//   - a table rule read as "|" separates two cells;
//   - a row of short labels without digits over a row of values is a
//     table header: each value is written after the label of the column it
//     sits under ("Mục đích sử dụng: Đất trồng cây lâu năm (CLN)");
//   - every other cell is a line of its own, rows top to bottom, cells
//     left to right, so a value printed beside or under its label follows
//     it.
//
// Fields read with `cells: true` (pipelines/README.md) look in this view
// first. Pages without word boxes have no cells (nil).

// formCell is one cell of a form: its words and its box on the page.
type formCell struct {
	words          []wordSpan // spans in the layout view's text
	x0, x1, y0, y1 int
	h              int // median word height of its first line
}

func (c *formCell) text(p *page) string {
	var b strings.Builder
	for i, w := range c.words {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(p.f.raw[w.start:w.end])
	}
	return b.String()
}

// formSegments cuts the layout view's lines into cells at table rules
// ("|" read as a word or glued to one).
func formSegments(p *page) []*formCell {
	var out []*formCell
	wi := 0
	for _, ln := range p.lines {
		var cur *formCell
		var hs []int
		flush := func() {
			if cur != nil && len(cur.words) > 0 {
				sort.Ints(hs)
				cur.h = max(hs[len(hs)/2], 1)
				out = append(out, cur)
			}
			cur, hs = nil, nil
		}
		for ; wi < len(p.words) && p.words[wi].start < ln.end; wi++ {
			w := p.words[wi]
			if w.start < ln.start {
				continue
			}
			t := p.f.raw[w.start:w.end]
			if strings.Trim(t, "|") == "" {
				flush()
				continue
			}
			// "|Ngày" or "đất|": the rule is part of the word.
			lead := strings.HasPrefix(t, "|")
			if lead {
				flush()
				w.start++
			}
			trail := strings.HasSuffix(p.f.raw[w.start:w.end], "|")
			if trail {
				w.end--
			}
			b := w.word.Box
			if cur == nil {
				cur = &formCell{x0: b.Min.X, x1: b.Max.X, y0: b.Min.Y, y1: b.Max.Y}
			}
			cur.words = append(cur.words, w)
			cur.x0, cur.x1 = min(cur.x0, b.Min.X), max(cur.x1, b.Max.X)
			cur.y0, cur.y1 = min(cur.y0, b.Min.Y), max(cur.y1, b.Max.Y)
			hs = append(hs, b.Dy())
			if trail {
				flush()
			}
		}
		flush()
	}
	return out
}

// continuesCell reports whether text s continues the text of the cell
// above it rather than opening a new one: a wrapped line starts with a
// small letter or a bracket.
func continuesCell(s string) bool {
	if reListMarker.MatchString(s) {
		return false // "e) Thời hạn sử dụng", "b. Địa chỉ": the next item
	}
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLower(r) || r == '('
}

// reListMarker matches the item letter that opens a line of a lettered
// list: "a)", "đ)", "(b)", "c.".
var reListMarker = regexp.MustCompile(`^\(?\pL[).](?:\s|$)`)

// overlapX is the horizontal overlap of two cells, widened by slack.
func overlapX(a, b *formCell, slack int) int {
	return min(a.x1, b.x1) + slack - max(a.x0, b.x0)
}

// mergeWrapped joins each segment that continues the cell directly above
// it in the same column into that cell.
func mergeWrapped(p *page, segs []*formCell) []*formCell {
	sort.SliceStable(segs, func(i, j int) bool { return segs[i].y0 < segs[j].y0 })
	var cells []*formCell
	for _, s := range segs {
		var into *formCell
		if continuesCell(p.f.raw[s.words[0].start:s.words[0].end]) {
			for _, c := range cells {
				gap := s.y0 - c.y1
				if gap > -c.h/3 && gap < c.h && overlapX(c, s, 0) > 0 && s.x0 >= c.x0-c.h {
					into = c
				}
			}
		}
		if into == nil {
			cells = append(cells, s)
			continue
		}
		into.words = append(into.words, s.words...)
		into.x0, into.x1 = min(into.x0, s.x0), max(into.x1, s.x1)
		into.y1 = max(into.y1, s.y1)
	}
	return cells
}

// formRows groups cells that start at about the same height, left to right.
func formRows(cells []*formCell) [][]*formCell {
	rows := rowsByTop(cells, func(c *formCell) (int, int) { return c.y0, c.h })
	for _, r := range rows {
		sort.SliceStable(r, func(i, j int) bool { return r[i].x0 < r[j].x0 })
	}
	return rows
}

// rowsByTop sorts items by their top and groups those that start within
// half a line height of the first of a row. at gives an item's top and
// line height.
func rowsByTop[T any](items []T, at func(T) (top, h int)) [][]T {
	sort.SliceStable(items, func(i, j int) bool {
		a, _ := at(items[i])
		b, _ := at(items[j])
		return a < b
	})
	var rows [][]T
	for _, it := range items {
		y, h := at(it)
		if n := len(rows); n > 0 {
			fy, fh := at(rows[n-1][0])
			if y-fy < max(fh, h)/2 {
				rows[n-1] = append(rows[n-1], it)
				continue
			}
		}
		rows = append(rows, []T{it})
	}
	return rows
}

// isHeaderRow reports whether a row reads as a table's header: two or more
// short labels and no digits. A row where some cells end with a colon and
// others do not is labels with their values beside them, not a header.
func isHeaderRow(p *page, row []*formCell) bool {
	if len(row) < 2 || !isHeaderText(p, row, 6) {
		return false
	}
	colons := 0
	for _, c := range row {
		if isLabelCell(p, c) {
			colons++
		}
	}
	return colons == 0 || colons == len(row)
}

var reBracketed = regexp.MustCompile(`\([^()]*\)`)

// isHeaderText reports whether every cell of row is a short text (at most
// maxWords words) without digits outside brackets.
func isHeaderText(p *page, row []*formCell, maxWords int) bool {
	for _, c := range row {
		t := c.text(p)
		// A unit in brackets is part of a label: "Diện tích (m2)".
		if len(strings.Fields(t)) > maxWords || strings.IndexFunc(reBracketed.ReplaceAllString(t, ""), unicode.IsDigit) >= 0 {
			return false
		}
	}
	return true
}

// underHeader returns, for each cell of row, the index of the header cell
// it sits under (its column), or -1.
func underHeader(header, row []*formCell) []int {
	out := make([]int, len(row))
	for i, c := range row {
		out[i] = -1
		best := 0
		for j, h := range header {
			if ov := overlapX(h, c, h.h/2); ov > best {
				best, out[i] = ov, j
			}
		}
	}
	return out
}

// formView returns the page re-read as its cells (see above), or nil for
// a page without word boxes.
func formView(p *page) *page {
	if p.src == nil || len(p.words) == 0 {
		return nil
	}
	rows := formRows(mergeWrapped(p, formSegments(p)))
	var b strings.Builder
	var spans []wordSpan
	write := func(c *formCell) {
		for i, w := range c.words {
			if i > 0 {
				b.WriteByte(' ')
			}
			t := p.f.raw[w.start:w.end]
			spans = append(spans, wordSpan{start: b.Len(), end: b.Len() + len(t), word: w.word})
			b.WriteString(t)
		}
	}
	for i := 0; i < len(rows); i++ {
		if t, n := readTable(p, rows[i:]); t != nil {
			for j, h := range t.header {
				write(h)
				if v := t.values[j]; v != nil {
					if isLabelCell(p, h) {
						b.WriteByte(' ')
					} else {
						b.WriteString(": ")
					}
					write(v)
				}
				b.WriteByte('\n')
			}
			for _, c := range t.loose {
				write(c)
				b.WriteByte('\n')
			}
			i += n - 1
			continue
		}
		for k, c := range rows[i] {
			write(c)
			// A label (it ends with a colon) and the value in the cell
			// beside it are one line: "4. Hình thức sử dụng: Sử dụng riêng".
			if k+1 < len(rows[i]) && isLabelCell(p, c) && !isLabelCell(p, rows[i][k+1]) {
				b.WriteByte(' ')
				continue
			}
			b.WriteByte('\n')
		}
	}
	view := domain.Page{No: p.no, Text: b.String(), Width: p.src.Width, Height: p.src.Height, Confidence: p.src.Confidence}
	pg := preparePage(&view)
	pg.src = p.src
	pg.words = spans
	return pg
}

// isLabelCell reports whether a cell is a label waiting for its value: its
// text ends with a colon.
func isLabelCell(p *page, c *formCell) bool {
	return strings.HasSuffix(strings.TrimSpace(c.text(p)), ":")
}

// rowBottom is the lowest bottom of a row's cells.
func rowBottom(row []*formCell) int {
	y := 0
	for _, c := range row {
		y = max(y, c.y1)
	}
	return y
}

// formTable is a table of a form read by columns: header[j] is the label
// of column j (its wrapped lines joined), values[j] the cell under it (nil
// when none), loose the value cells under no label.
type formTable struct {
	header, values []*formCell
	loose          []*formCell
}

// readTable reads a table whose header row is rows[0]: the header may run
// over more rows of short text without digits (a label wrapped in its
// cell, "Thửa đất" over "Số"); the first row below it with cells under two
// or more labels holds the values, and the rows right under that one whose
// cells all sit under labels continue them ("Đến ngày" over "27/03/2069").
// It returns nil when rows[0] does not open a table, else the table and
// the number of rows it took.
func readTable(p *page, rows [][]*formCell) (*formTable, int) {
	if len(rows) < 2 || !isHeaderRow(p, rows[0]) {
		return nil, 0
	}
	t := &formTable{}
	for _, h := range rows[0] {
		c := *h
		c.words = append([]wordSpan(nil), h.words...)
		t.header = append(t.header, &c)
	}
	t.values = make([]*formCell, len(t.header))
	last := rows[0]
	n := 1
	// More header rows: short, no digits, each cell under a label.
	for ; n < len(rows); n++ {
		row := rows[n]
		cols := underHeader(t.header, row)
		if !isHeaderText(p, row, 3) || slices.Contains(cols, -1) || row[0].y0-rowBottom(last) > 2*last[0].h {
			break
		}
		for k, c := range row {
			h := t.header[cols[k]]
			h.words = append(h.words, c.words...)
			h.y1 = max(h.y1, c.y1)
		}
		last = row
	}
	if n >= len(rows) || rows[n][0].y0-rowBottom(last) > 3*last[0].h {
		return nil, 0
	}
	row := rows[n]
	cols := underHeader(t.header, row)
	under := 0
	for _, j := range cols {
		if j >= 0 {
			under++
		}
	}
	if under < 2 {
		return nil, 0
	}
	for k, c := range row {
		if j := cols[k]; j >= 0 && t.values[j] == nil {
			v := *c
			v.words = append([]wordSpan(nil), c.words...)
			t.values[j] = &v
		} else {
			t.loose = append(t.loose, c)
		}
	}
	last = row
	n++
	// Value cells wrapped onto the rows below.
	for ; n < len(rows); n++ {
		row := rows[n]
		cols := underHeader(t.header, row)
		if slices.Contains(cols, -1) || row[0].y0-rowBottom(last) > last[0].h {
			break
		}
		for k, c := range row {
			if v := t.values[cols[k]]; v != nil {
				v.words = append(v.words, c.words...)
			} else {
				t.values[cols[k]] = c
			}
		}
		last = row
	}
	return t, n
}

// labelRegexp matches any of an anchor field's labels in folded text, its
// words joined by sep, with an optional bracketed unit ("Diện tích (m²)")
// and the colon after it.
func labelRegexp(labels []string, sep string) *regexp.Regexp {
	var alts []string
	for _, l := range labels {
		words := strings.Fields(fold(l))
		if len(words) == 0 {
			continue
		}
		for i, w := range words {
			words[i] = wordRegexp(w)
		}
		alts = append(alts, strings.Join(words, sep))
	}
	if len(alts) == 0 {
		return nil
	}
	return regexp.MustCompile(`(?im)(?:^|[^\pL\pN])(?:` + strings.Join(alts, "|") + `)(?:[ \t]*\([^)\n]{0,40}\))?[ \t]*[:.;]?`)
}

// formField reads an anchor field with `cells: true` from the page's form
// cells; nil when the page has no word boxes or the label is not there.
func formField(p *page, f *field, nc normCtx) []cand {
	fv := formView(p)
	if fv == nil || f.cellLabels == nil {
		return nil
	}
	fc := *f
	fc.labels = f.cellLabels
	return anchorField(fv, &fc, nc)
}

// reItemMark is the number or letter of a form's item before its label:
// "5.", "c)", "1:", "II.".
var reItemMark = regexp.MustCompile(`^(?:[0-9IVX]{1,4}|\pL)[.):][ \t]*`)

// fuzzyFormField reads an anchor field with `cells: true` whose label OCR
// misread beyond its marks ("Muc dich sừ dunq:"): a line of the form's
// cells that opens, after an item mark, with words close to a label (about
// one wrong letter in six) is the label, and the value follows it on the
// line or on the next line. Such values have a lower confidence.
func fuzzyFormField(p *page, f *field, nc normCtx) []cand {
	fv := formView(p)
	if fv == nil || len(f.labelKeys) == 0 {
		return nil
	}
	raw := fv.f.raw
	for i, ln := range fv.lines {
		line := raw[ln.start:ln.end]
		off := 0
		if m := reItemMark.FindStringIndex(line); m != nil {
			off = m[1]
		}
		ends := wordEnds(line[off:])
		for _, lk := range f.labelKeys {
			n := len(strings.Fields(lk))
			if len(ends) < n {
				continue
			}
			head := strings.TrimRight(line[off:off+ends[n-1]], ":.;")
			if strings.Contains(head, ":") {
				continue // a label ends at its colon
			}
			if hk := key(head); hk == lk || !similar(hk, lk) {
				continue
			}
			regions := [][2]int{{ln.start + off + ends[n-1], ln.end}}
			for j := i + 1; j < len(fv.lines) && !f.sameLine; j++ {
				if nl := fv.lines[j]; strings.TrimSpace(raw[nl.start:nl.end]) != "" {
					regions = append(regions, [2]int{nl.start, nl.end})
					break
				}
			}
			for _, rg := range regions {
				s, e := rg[0], rg[1]
				if f.stop != nil {
					rf := newFolded(raw[s:e])
					if sm := f.stop.FindStringIndex(rf.text); sm != nil {
						cut, _ := rf.rawRange(sm[0], sm[1])
						e = s + cut
					}
				}
				v := strings.TrimLeft(raw[s:e], " \t:.;")
				if strings.TrimSpace(v) == "" {
					continue
				}
				if cd, ok := apply(f, v, nc, fv.conf(s, e)*0.85, fv.no); ok {
					return []cand{cd}
				}
			}
		}
	}
	return nil
}

// wordEnds returns the byte offset of the end of each word of s.
func wordEnds(s string) []int {
	var out []int
	in := false
	for i, r := range s {
		sp := r == ' ' || r == '\t'
		if in && sp {
			out = append(out, i)
		}
		in = !sp
	}
	if in {
		out = append(out, len(s))
	}
	return out
}
