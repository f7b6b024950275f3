package extract

import (
	"sort"
	"strings"
	"unicode"

	"github.com/sohoa/sohoa/internal/pii"
)

// A list of people (an annex "DANH SÁCH", a table of households) is a
// table: one row per person, the name in its own column left of the birth
// date and ID number, wrapped over up to three lines of its cell. OCR does
// not always keep a row's lines together in the text: a cell's second and
// third lines, or the whole name of a row whose other cells wrapped
// further, may be written after the table as another block. The word boxes
// keep the table's geometry, so a row's name is read from them: the words
// of the name column (left of the row's date and ID cells) between the
// row's top and the next row's top, in reading order.

// rowName is a name read from a person's row of a table.
type rowName struct {
	value      string
	start, end int // the row's anchor line in the page text
}

// maxNameWords is the longest Vietnamese name in syllables.
const maxNameWords = 5

// rowNames returns the names of the people rows of pg, read from the word
// boxes. A row is a table line holding a birth date or ID number (its
// anchor); the page needs two rows or more whose anchors start in the same
// column, so that a form's single "Ngày sinh" line is not taken for a
// list. Rows whose name column holds no name of two syllables or more (a
// name OCR lost) give none.
func rowNames(pg *page, spans []pii.Span) []rowName {
	if len(pg.words) == 0 {
		return nil
	}
	type anchor struct {
		ls, le     int
		top, left  int // top of the line, left edge of its first date or ID cell
		lineHeight int
	}
	var rows []anchor
	for _, ln := range pg.lines {
		if !spanOnLine(spans, ln.start, ln.end, pii.CCCD, pii.CMND, pii.BirthDate, pii.Date) || !tableLine(pg, ln.start, ln.end) {
			continue
		}
		a := anchor{ls: ln.start, le: ln.end, top: 1 << 30, left: 1 << 30}
		for _, s := range spans {
			if s.Start < ln.start || s.End > ln.end {
				continue
			}
			switch s.Kind {
			case pii.CCCD, pii.CMND, pii.BirthDate, pii.Date:
			default:
				continue
			}
			for _, w := range pg.words {
				if w.end > s.Start && w.start < s.End {
					a.left = min(a.left, w.word.Box.Min.X)
					a.top = min(a.top, w.word.Box.Min.Y)
					a.lineHeight = max(a.lineHeight, w.word.Box.Dy())
				}
			}
		}
		if a.left < 1<<30 && a.top < 1<<30 && a.lineHeight > 0 {
			rows = append(rows, a)
		}
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].top < rows[j].top })
	aligned := func(a anchor) bool {
		for _, o := range rows {
			if o != a && abs(o.left-a.left) <= 2*a.lineHeight {
				return true
			}
		}
		return false
	}
	var out []rowName
	for i, a := range rows {
		if !aligned(a) {
			continue
		}
		bottom := a.top + 5*a.lineHeight // the last row: three lines of a name
		if i+1 < len(rows) {
			bottom = min(bottom, rows[i+1].top-a.lineHeight/2)
		}
		var ws []wordSpan
		for _, w := range pg.words {
			b := w.word.Box
			cy := (b.Min.Y + b.Max.Y) / 2
			if cy >= a.top-a.lineHeight/2 && cy < bottom && b.Max.X <= a.left && b.Dy() >= a.lineHeight/2 {
				ws = append(ws, w)
			}
		}
		if v := nameInCell(ws, a.lineHeight); v != "" {
			out = append(out, rowName{value: v, start: a.ls, end: a.le})
		}
	}
	return out
}

// nameInCell reads the words of a name cell in reading order (lines top
// to bottom, words left to right) and returns the name they make: the
// capitalised name syllables, numbers and cell rules skipped; ""
// when another word interrupts them or fewer than two are found.
func nameInCell(ws []wordSpan, lineHeight int) string {
	sort.Slice(ws, func(i, j int) bool {
		a, b := ws[i].word.Box, ws[j].word.Box
		if abs(a.Min.Y-b.Min.Y) > lineHeight/2 {
			return a.Min.Y < b.Min.Y
		}
		return a.Min.X < b.Min.X
	})
	var name []string
	for _, w := range ws {
		t := strings.Trim(strings.TrimSpace(w.word.Text), "|[]_.,;:'")
		if strings.Trim(t, "0123456789") == "" {
			continue // the row's number, a cell rule, a piece of the date
		}
		if !startsUpper(t) || !detector.NameSyllable(t) {
			break
		}
		name = append(name, t)
	}
	if len(name) < 2 || len(name) > maxNameWords {
		return ""
	}
	return strings.Join(name, " ")
}

// onRow reports whether span s lies on the anchor line of one of rows.
func onRow(rows []rowName, s pii.Span) bool {
	for _, r := range rows {
		if s.Start >= r.start && s.End <= r.end {
			return true
		}
	}
	return false
}

// wrappedName returns the [start, end) ranges of text t where name's cell
// wrapped in a table row: its first words end a cell of one line and the
// others begin the next lines ("1 | Nguyễn | 14/02/1981 | …" / "Thị Thanh
// huyện …" / "Hương"). A name spreads over three lines at most; every word
// must follow in order, so a name is not assembled from unrelated lines.
// t and name are compared word by word, case and cell rules ignored.
func wrappedName(t, name string) [][2]int {
	words := strings.Fields(name)
	if len(words) < 2 {
		return nil
	}
	type tok struct {
		w          string
		start, end int
	}
	var lines [][]tok
	ls := 0
	for ls <= len(t) {
		le := strings.IndexByte(t[ls:], '\n')
		if le < 0 {
			le = len(t)
		} else {
			le += ls
		}
		var line []tok
		for i := ls; i < le; {
			for i < le && (t[i] == ' ' || t[i] == '\t') {
				i++
			}
			j := i
			for j < le && t[j] != ' ' && t[j] != '\t' {
				j++
			}
			if j > i {
				w := strings.Trim(t[i:j], "|[]_.,;:'")
				if w != "" {
					line = append(line, tok{w, i, j})
				}
			}
			i = j
		}
		if len(line) > 0 {
			lines = append(lines, line)
		}
		ls = le + 1
	}
	same := func(a tok, w string) bool { return strings.EqualFold(a.w, w) }
	var out [][2]int
	for li, line := range lines {
		for i := range line {
			// The first part: words[:k] from token i to the end of a cell.
			k := 0
			for k < len(words)-1 && i+k < len(line) && same(line[i+k], words[k]) {
				k++
			}
			if k == 0 {
				continue
			}
			parts := [][2]int{{line[i].start, line[i+k-1].end}}
			n := k
			for nl := li + 1; nl < len(lines) && nl <= li+2 && n < len(words); nl++ {
				m := 0
				for m < len(lines[nl]) && n+m < len(words) && same(lines[nl][m], words[n+m]) {
					m++
				}
				if m == 0 {
					break
				}
				parts = append(parts, [2]int{lines[nl][0].start, lines[nl][m-1].end})
				n += m
			}
			if n == len(words) {
				out = append(out, parts...)
			}
		}
	}
	return out
}

// cellGoesOn reports whether the address of a person's row goes on in its
// cell on the next line: a residence in a list of people is written down
// to its province ("…, tỉnh Hà Tĩnh", "…, thành phố Cần Thơ"), so one that
// stops before it, or stops inside a unit's name, was cut by the cell's
// wrap ("Số 16 đường Nguyễn Sinh" / "Sắc, phường An Hòa, …").
func cellGoesOn(addr string) bool {
	if addressGoesOn(addr) {
		return true
	}
	segs := strings.Split(strings.TrimSpace(addr), ",")
	last := key(strings.Trim(segs[len(segs)-1], " .;'"))
	for _, u := range []string{"TINH ", "THANH PHO ", "TP "} {
		if name, ok := strings.CutPrefix(last, u); ok {
			for _, p := range voc.provinces {
				if key(p) == name {
					return false
				}
			}
		}
	}
	return true
}

func hasLetterOrDigit(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0
}

// ownAddress cuts an address where its first part comes again: a form
// printing the same residence in two columns side by side (the original
// and its copy, the wife's and the husband's) is read by OCR as one line
// ("Tổ dân phố Tân Học, phường Bắc Tổ dân phố Tân Học, phường Bắc"), and
// each column holds one address.
func ownAddress(v string) string {
	first, _, ok := strings.Cut(v, ",")
	if !ok || len(strings.Fields(first)) < 2 {
		return v
	}
	if i := strings.Index(v[len(first):], first); i > 0 {
		return strings.TrimRight(v[:len(first)+i], " ,")
	}
	// The normaliser already cut the second column's address after its
	// first word ("…, phường Bắc Tổ"): a unit's name does not end with the
	// word the address starts with.
	fw, ws := strings.Fields(first), strings.Fields(v)
	if isAddressUnit(first) && len(ws) > len(fw) && ws[len(ws)-1] == fw[0] {
		return strings.TrimRight(strings.Join(ws[:len(ws)-1], " "), " ,")
	}
	return v
}

// unitBefore moves the start of an address back over the first words of
// its unit when OCR misread them and the detector began at the unit's last
// word ("Tố dân | phố Tân Học, …" is "Tổ dân phố Tân Học, …").
func unitBefore(raw string, start int) int {
	ls := strings.LastIndexByte(raw[:start], '\n') + 1
	before := raw[ls:start]
	ws := strings.Fields(before)
	rest := key(firstN(raw[start:], 40))
	for n := min(2, len(ws)); n >= 1; n-- {
		k := key(strings.Join(ws[len(ws)-n:], " ") + " " + firstN(raw[start:], 40))
		for _, u := range addressUnits {
			if strings.Count(u, " ") >= n && strings.HasPrefix(k, u+" ") && !strings.HasPrefix(rest, u) {
				i := strings.LastIndex(before, ws[len(ws)-n])
				return ls + i
			}
		}
	}
	return start
}

// formCapitals reports whether name s is a person of a form whose labels
// and values OCR read as separate blocks: a civil-status form prints its
// people's names in capitals, so on a page that labels a person's name
// ("Họ, chữ đệm và tên", "Full name"), a name in capitals alone on its
// line is another of its people (the father, the husband), while the
// official who signs is written in ordinary case or under the signature's
// note. A labelled birth date makes a form about people as well.
func formCapitals(raw string, spans []pii.Span, s pii.Span, ls, le int) bool {
	if s.End > le {
		return false // wrapped: not alone on its line
	}
	v := raw[s.Start:s.End]
	if strings.Trim(raw[ls:s.Start]+raw[s.End:le], " \t|[]_") != "" || strings.ToUpper(v) != v || len(strings.Fields(v)) < 2 {
		return false
	}
	if underSignature(raw, ls) {
		return false
	}
	for _, o := range spans {
		if (o.Kind == pii.Name || o.Kind == pii.BirthDate) && o.Labelled {
			return true
		}
	}
	return false
}

// underSignature reports whether the line starting at ls is the name of a
// signature block: one of the four lines above it is a signing title
// ("PHÓ CHỦ TỊCH", "CHAIRMAN") or the note of a signature ("(Ký, ghi rõ
// họ tên)", "(signed and sealed)"). An English form prints its signer in
// capitals too.
func underSignature(raw string, ls int) bool {
	for n, e := 0, ls-1; n < 4 && e > 0; n++ {
		s := strings.LastIndexByte(raw[:e], '\n') + 1
		k := key(strings.Trim(raw[s:e], " |."))
		e = s - 1
		if k == "" {
			n--
			continue
		}
		if strings.Contains(k, "(KY") || strings.Contains(k, "SIGNED") {
			return true
		}
		for _, p := range positions {
			if key(p) == k {
				return true
			}
		}
	}
	return false
}
