package extract

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sohoa/sohoa/internal/pii"
)

// People fields from the personal-data detector. The detector (internal/pii)
// finds the people of a page for redaction: names, ID numbers, birth dates,
// addresses and certificate serials, in tables, prose and English
// translations, with or without diacritics. A field whose YAML entry names
// one of its kinds (detector: person) takes the detector's findings for the
// page as candidates too, so that a person the redaction hides is also a
// person the record lists. The detector redacts on weak evidence; a field
// takes a finding only with evidence that it is what the field holds, and
// its confidence says which:
//
//   - a value after its own label ("Họ và tên:", "Ông", "Full name",
//     "sinh ngày", "Số phát hành") is the strongest;
//   - a name, date or address in the row of a person's ID number or birth
//     date (an annex listing people) comes next;
//   - a name alone (a signer under the recipients, a name in a
//     digital-signature line) is redacted but never listed.

// detectorKinds are the values of a field's detector key and the kinds of
// the detector's findings each takes.
var detectorKinds = map[string][]pii.Kind{
	"person": {pii.Name}, "cccd": {pii.CCCD}, "cmnd": {pii.CMND}, "passport": {pii.Passport},
	"phone": {pii.Phone}, "birth_date": {pii.BirthDate, pii.Date}, "address": {pii.Address},
	"serial": {pii.Serial},
}

// Confidence of a detector finding by its evidence.
const (
	confLabelled = 0.9  // after its own label, or a well-formed ID number
	confRow      = 0.8  // in the row of a person's ID or birth date
	confUnsure   = 0.75 // factor for a weak match (an unknown syllable, a one-word given name)
	confRowDate  = 0.65 // a date beside a person without a birth label
)

// checkDetector validates a field's detector key; it returns the problem
// or "".
func checkDetector(f *field) string {
	if f.detector == "" {
		if f.kind == "detector" {
			return fmt.Sprintf("a detector field names the detector's kind (%s)", strings.Join(sortedKeys(detectorKinds), ", "))
		}
		return ""
	}
	if _, ok := detectorKinds[f.detector]; !ok {
		return fmt.Sprintf("unknown kind %q (known: %s)", f.detector, strings.Join(sortedKeys(detectorKinds), ", "))
	}
	return ""
}

// detectedPage is the detector's reading of one page: the page as OCR
// wrote it (the detector's own text, with rows kept whole) and its spans.
type detectedPage struct {
	pg    *page
	spans []pii.Span
}

// detectedOn returns the detector's reading of page p, computed once per
// document. The detector reads the page's own text, not the layout view:
// it keeps a table row on one line.
func (d *doc) detectedOn(p *page) *detectedPage {
	if dp, ok := d.detected[p]; ok {
		return dp
	}
	if d.detected == nil {
		d.detected = map[*page]*detectedPage{}
	}
	pg := p
	if p.src != nil && p.src.Text != "" {
		pg = preparePage(p.src)
	}
	dp := &detectedPage{pg: pg, spans: distinct(detector.Read(pg.f.raw))}
	d.detected[p] = dp
	return dp
}

// detectorField returns the candidates of field f that the detector found
// on page p with evidence enough to list them.
func (d *doc) detectorField(p *page, f *field, nc normCtx) []cand {
	want := map[pii.Kind]bool{}
	for _, k := range detectorKinds[f.detector] {
		want[k] = true
	}
	dp := d.detectedOn(p)
	pg, spans := dp.pg, dp.spans
	raw := pg.f.raw
	var out []cand
	var own []pii.Span
	for _, s := range spans {
		if want[s.Kind] {
			own = append(own, columns(pg, s)...)
		}
	}
	var rows []rowName
	if want[pii.Name] {
		rows = rowNames(pg, spans)
	}
	for _, s := range own {
		if s.Kind == pii.Name && onRow(rows, s) {
			continue // read from the row's name cell below
		}
		if s.Kind == pii.Address {
			s.Start = unitBefore(raw, s.Start)
		}
		conf := evidence(raw, spans, s)
		if conf == 0 {
			continue
		}
		v := raw[s.Start:s.End]
		if s.Kind == pii.Address {
			v = addressStart(v)
			ls, le := lineAround(raw, s.Start)
			inRow := spanOnLine(spans, ls, le, pii.CCCD, pii.CMND, pii.BirthDate, pii.Date) && tableLine(pg, ls, le)
			switch {
			case inRow && s.End > le:
				// A row's address wrapped in its cell: the next lines
				// also hold the other cells' words; cellTail takes the
				// ones under the address.
				v = addressStart(raw[s.Start:le])
				s.End = le
			case !inRow && s.End <= le && strings.Trim(raw[s.End:le], " ,") == "" && (unitCut(v) || strings.HasSuffix(strings.TrimSpace(raw[s.Start:le]), ",")):
				// In prose an address wraps with its sentence, and a
				// unit's name may be cut by the wrap ("phường Đông" /
				// "Lương, …", "Khu phố Đại" / "Áng, …"); the normaliser
				// keeps what goes on, the wrap being a space.
				if _, ne := nextLine(raw, le); ne > le {
					v += " " + strings.TrimSpace(raw[s.End:ne])
				}
			}
			// A row's address runs to the end of its cell, a unit word
			// the detector left for want of its name included ("…, thành"
			// / "phố Cần Thơ").
			if le > s.End && s.End > 0 && len(strings.Fields(raw[s.End:le])) <= 2 && !strings.ContainsAny(raw[s.End:le], "0123456789|:") {
				v += raw[s.End:le]
				s.End = le
			}
		}
		if s.Kind == pii.Address {
			v = ownAddress(v)
		}
		switch s.Kind {
		case pii.Name, pii.Address:
			// A table cell wrapped onto the row's next lines: the words
			// under the value's column continue it.
			if more := cellTail(pg, spans, s, v); more != "" {
				v += " " + more
			}
		}
		if s.Kind == pii.Name {
			v = capitalsAsPrinted(v)
		}
		if cd, ok := apply(f, v, nc, conf*pg.conf(s.Start, s.End), p.no); ok {
			out = append(out, cd)
		}
	}
	for _, r := range rows {
		if cd, ok := apply(f, r.value, nc, confRow*pg.conf(r.start, r.end), p.no); ok {
			out = append(out, cd)
		}
	}
	return append(out, d.formField(p, f, nc, want)...)
}

// cellTail returns the words that continue value s of a table row on the
// row's next lines: the words of those lines whose boxes lie under s's
// column, up to the next row (a line holding an ID number or a date). A
// name's column ends where the next cell of its row starts; an address is
// the row's last cell. Pages without word boxes have no tail.
func cellTail(pg *page, spans []pii.Span, s pii.Span, v string) string {
	if len(pg.words) == 0 {
		return ""
	}
	raw := pg.f.raw
	ls, le := lineAround(raw, s.Start)
	if s.End > le {
		return "" // already wrapped in the text
	}
	// The value's column: from its first word's left edge to the start of
	// the next word on its line (or the page's right edge).
	left, right := -1, 1<<30
	for _, w := range pg.words {
		switch {
		case w.end > s.Start && w.start < s.End && left < 0:
			left = w.word.Box.Min.X
		case w.start >= s.End && w.start < le && right == 1<<30:
			right = w.word.Box.Min.X
		}
	}
	if left < 0 || s.Kind == pii.Name && right == 1<<30 {
		return ""
	}
	// A name needs its row: another personal value after it on its line.
	if s.Kind == pii.Name && !rowAfter(spans, s, le) {
		return ""
	}
	if s.Kind == pii.Address && (strings.TrimSpace(raw[s.End:le]) != "" || !spanOnLine(spans, ls, le, pii.CCCD, pii.CMND, pii.BirthDate, pii.Date) || !tableLine(pg, ls, le)) {
		return "" // not the last cell of a person's row
	}
	if s.Kind == pii.Address && !cellGoesOn(v) {
		return "" // ends with its province: complete
	}
	slack := (right - left) / 4
	if s.Kind == pii.Address {
		slack = 0
		for _, w := range pg.words {
			if w.start >= s.Start && w.end <= s.End {
				slack = 2 * w.word.Box.Dy() // about two letters
				break
			}
		}
	}
	var tail []string
	blank := 0
	for l, lines := 0, 0; l < len(pg.lines) && lines < 3; l++ {
		ln := pg.lines[l]
		if ln.start <= ls {
			continue
		}
		if !hasWord(raw[ln.start:ln.end]) {
			// Blank lines, and specks OCR read as a character ("œ"),
			// may sit inside a wrapped row; three blank lines end it.
			if strings.TrimSpace(raw[ln.start:ln.end]) == "" {
				if blank++; blank > 2 {
					break
				}
			}
			continue
		}
		if spanOnLine(spans, ln.start, ln.end, pii.CCCD, pii.CMND, pii.BirthDate, pii.Date) {
			break // the next row
		}
		lines++
		for _, w := range pg.words {
			if w.start < ln.start || w.end > ln.end {
				continue
			}
			b := w.word.Box
			cx := (b.Min.X + b.Max.X) / 2
			if cx < left-slack || cx >= right {
				continue
			}
			t := strings.TrimSpace(w.word.Text)
			if !hasLetterOrDigit(t) {
				continue // a cell rule or a speck ("|", "'")
			}
			if s.Kind == pii.Name && !(detector.NameSyllable(strings.Trim(t, ".,;|")) && startsUpper(t)) {
				return strings.Join(tail, " ")
			}
			tail = append(tail, t)
		}
		if s.Kind == pii.Address && !cellGoesOn(v+" "+strings.Join(tail, " ")) {
			break
		}
		if s.Kind == pii.Name && len(tail) > 0 {
			break // a name wraps once
		}
	}
	return strings.Join(tail, " ")
}

func startsUpper(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r)
}

// rowAfter reports whether another personal value follows s on its line.
func rowAfter(spans []pii.Span, s pii.Span, le int) bool {
	for _, o := range spans {
		if o.Start >= s.End && o.End <= le {
			return true
		}
	}
	return false
}

// spanOnLine reports whether a span of one of kinds lies in [ls, le).
func spanOnLine(spans []pii.Span, ls, le int, kinds ...pii.Kind) bool {
	for _, o := range spans {
		if o.Start >= ls && o.End <= le {
			for _, k := range kinds {
				if o.Kind == k {
					return true
				}
			}
		}
	}
	return false
}

// evidence returns the confidence a finding earns from its evidence, or 0
// when it has too little to be listed.
func evidence(raw string, spans []pii.Span, s pii.Span) float64 {
	ls, le := lineAround(raw, s.Start)
	row := func(kinds ...pii.Kind) bool {
		for _, o := range spans {
			if o.Start >= ls && o.End <= le && o != s {
				for _, k := range kinds {
					if o.Kind == k {
						return true
					}
				}
			}
		}
		return false
	}
	conf := 0.0
	switch s.Kind {
	case pii.Name:
		switch {
		case s.Labelled:
			conf = confLabelled
		case row(pii.CCCD, pii.CMND, pii.Passport, pii.BirthDate):
			conf = confRow
		case !s.Unsure && cellBeside(raw, spans, s, ls, le, pii.Date):
			// A date in the next cell ("Lê Văn An | 05/03/1980"), not a
			// signing time or a place and date ("Bắc Ninh, ngày …").
			conf = confRow
		case !s.Unsure && formCapitals(raw, spans, s, ls, le):
			conf = confUnsure
		}
	case pii.CCCD, pii.CMND, pii.Passport, pii.Phone, pii.Serial:
		if !s.Unsure {
			conf = confLabelled
		}
	case pii.BirthDate:
		// The label on the date's own line, or cut by its cell's wrap
		// ("Ngày, tháng, năm | 23/05/1982" / "sinh"); a "sinh" ending the
		// line above ("… Sổ đăng ký khai" / "sinh. 2. Ngày 12/10/1987")
		// makes the date personal but not a birth date.
		before := raw[ls:s.Start]
		if _, ne := nextLine(raw, le); ne > le && len(strings.Fields(raw[le:ne])) == 1 && strings.TrimSpace(raw[s.End:le]) == "" {
			before += " " + raw[le:ne]
		}
		if detector.BirthLabelBefore(before) {
			conf = confLabelled
		} else if besideCell(raw, spans, s, ls, le) {
			conf = confRowDate
		}
	case pii.Date:
		// A date in the row of a person's ID, or after a person's name,
		// is their birth date unless it is the date an ID card was issued,
		// a record registered or a document signed ("ngày 27/12/2015").
		if !strings.HasPrefix(strings.ToLower(fold(raw[s.Start:s.End])), "ng") && besideCell(raw, spans, s, ls, le) &&
			!issueDateLabel(raw[max(ls, s.Start-24):s.Start]) {
			conf = confRowDate
		}
	case pii.Address:
		cut := s.Start
		if i := strings.LastIndexAny(raw[s.Start:s.End], ":|"); i >= 0 {
			cut += i + 1
		}
		if detector.BirthPlaceBefore(raw[ls:cut]) || detector.BodyFirst(addressStart(raw[cut:s.End])) {
			return 0 // a place of birth, origin or registration, or a body's address: not a residence
		}
		conf = confRow
		if !row(pii.Name, pii.CCCD, pii.CMND, pii.BirthDate, pii.Date) {
			// Outside a person's row, an address is a residence only when
			// written as one: a unit in title case ("Thôn Hưng Lợi"), not
			// a body's heading in capitals ("XÃ ĐỒNG TIẾN") or a word of
			// prose.
			w, _, _ := strings.Cut(addressStart(raw[s.Start:s.End]), " ")
			if !startsUpper(w) || strings.ToUpper(w) == w {
				return 0
			}
			conf = confUnsure
		}
	}
	if s.Unsure && s.Kind != pii.Date {
		conf *= confUnsure
	}
	return conf
}

// besideCell reports whether date s is a cell of a person's table row:
// next to a sure name or an ID number on its line with only cell
// separators between ("Lê Văn An | 05/03/1980 | 0920…"), not a date in a
// sentence that also names an ID card.
func besideCell(raw string, spans []pii.Span, s pii.Span, ls, le int) bool {
	return cellBeside(raw, spans, s, ls, le, pii.CCCD, pii.CMND, pii.Name)
}

// cellBeside reports whether a span of one of kinds (a sure one, for
// names) is the cell next to s on its line, with only cell separators
// between them.
func cellBeside(raw string, spans []pii.Span, s pii.Span, ls, le int, kinds ...pii.Kind) bool {
	for _, o := range spans {
		if o.Start < ls || o.End > le || !slices.Contains(kinds, o.Kind) || o.Kind == pii.Name && o.Unsure {
			continue
		}
		var between string
		switch {
		case o.End <= s.Start:
			between = raw[o.End:s.Start]
		case s.End <= o.Start:
			between = raw[s.End:o.Start]
		default:
			continue
		}
		if strings.Trim(between, " \t|[]_") == "" {
			return true
		}
	}
	return false
}

// issueDateLabel reports whether the text before a date ends with the
// label of an issue or registration date ("cấp ngày", "ngày đăng ký").
func issueDateLabel(before string) bool {
	k := strings.ToLower(fold(before))
	for _, l := range []string{"ngay", "cap", "ngay cap", "dang ky", "issued", "registration", "dated", "on"} {
		if i := strings.LastIndex(k, l); i >= 0 && strings.Trim(k[i+len(l):], " :.,|") == "" {
			return true
		}
	}
	return false
}

// lineAround returns the [start, end) of the line holding offset off.
func lineAround(text string, off int) (int, int) {
	s := strings.LastIndexByte(text[:off], '\n') + 1
	e := strings.IndexByte(text[off:], '\n')
	if e < 0 {
		return s, len(text)
	}
	return s, off + e
}

// addressStart drops what precedes an address in the detector's span: a
// label ("thửa đất:"), an ID number or words before the first unit ("tại
// Thôn ...").
func addressStart(v string) string {
	if i := strings.LastIndexAny(v, ":|"); i >= 0 {
		v = v[i+1:]
	}
	words := strings.Fields(v)
	for len(words) > 1 {
		w := words[0]
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsUpper(r) || isAddressUnit(strings.Join(words, " ")) {
			break
		}
		words = words[1:]
	}
	return strings.Join(words, " ")
}

// withDetected adds the detector's candidates to a field's own, keeping
// one value per person: a value equal to another, or cut short of one at
// either end or both ("Phan Công" of "Phan Công Toàn", "Hoàng Tài" of
// "Đinh Đức Hoàng Tài" whose family name OCR misread, an address without
// its province, the second line of a wrapped address cell read again as
// an address of its own), gives way to the longer.
func withDetected(own, det []cand) []cand {
	all := append(own, det...)
	for i := range all {
		all[i].value = ownAddress(all[i].value)
	}
	keys := make([]string, len(all))
	for i, c := range all {
		keys[i] = strings.TrimRight(key(c.value), " .,")
	}
	drop := make([]bool, len(all))
	for i := range all {
		for j := range all {
			if i == j || drop[j] {
				continue
			}
			a, b := keys[i], keys[j]
			if a == b && j < i || len(a) < len(b) && wordsInside(b, a) {
				drop[i] = true
				break
			}
		}
	}
	out := make([]cand, 0, len(all))
	for i, c := range all {
		if !drop[i] {
			out = append(out, c)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].page < out[j].page })
	return out
}

// wordsInside reports whether a occurs in b as whole words.
func wordsInside(b, a string) bool {
	for off := 0; ; {
		i := strings.Index(b[off:], a)
		if i < 0 {
			return false
		}
		i += off
		if (i == 0 || !isWordByte(b[i-1])) && (i+len(a) == len(b) || !isWordByte(b[i+len(a)])) {
			return true
		}
		off = i + 1
	}
}

// columns splits a name the OCR line ran across two columns of a form
// ("WIFE | HUSBAND": "LY PHUONG THAO HO VAN DUC TUNG") at the wide gap
// between its words, when each side is a name of two words or more.
func columns(pg *page, s pii.Span) []pii.Span {
	if s.Kind != pii.Name && s.Kind != pii.Address {
		return []pii.Span{s}
	}
	var ws []wordSpan
	for _, w := range pg.words {
		if w.end > s.Start && w.start < s.End {
			ws = append(ws, w)
		}
	}
	for i := 2; i+1 < len(ws); i++ {
		a, b := ws[i-1].word.Box, ws[i].word.Box
		if h := max(a.Dy(), b.Dy()); b.Min.X-a.Max.X > 2*h {
			l, r := s, s
			l.End, r.Start = min(ws[i-1].end, s.End), max(ws[i].start, s.Start)
			// The detector stops a name after four given syllables; the
			// second column's name goes on to the end of its run.
			n := len(ws) - i
			for _, w := range pg.words {
				if s.Kind != pii.Name {
					break
				}
				if w.start < r.End || n >= 5 {
					continue
				}
				t := strings.TrimSpace(w.word.Text)
				if strings.Trim(pg.f.raw[r.End:w.start], " ") != "" || !startsUpper(t) || !detector.NameSyllable(t) {
					break
				}
				r.End, n = w.end, n+1
			}
			return append([]pii.Span{l}, columns(pg, r)...)
		}
	}
	return []pii.Span{s}
}

// distinct keeps one span per value: a span inside a longer one of the
// same kind is part of it, an address that is a name's text is the name
// ("DUONG" read as "đường"), and an address that swallowed its row's name,
// date and ID number ("Lưu Thu 22/04/1963 0921… Ấp Phú Lợi, …") starts
// after them.
func distinct(spans []pii.Span) []pii.Span {
	out := make([]pii.Span, 0, len(spans))
	for i, s := range spans {
		keep := true
		for j, o := range spans {
			if i == j {
				continue
			}
			inside := o.Start <= s.Start && s.End <= o.End
			switch {
			case inside && o.Kind == s.Kind && (o.End-o.Start > s.End-s.Start || j < i):
				keep = false
			case inside && s.Kind == pii.Address && o.Kind == pii.Name:
				keep = false
			case s.Kind == pii.Address && s.Start <= o.Start && o.End < s.End &&
				(o.Kind == pii.Name && o.Start == s.Start || o.Kind != pii.Name && o.Kind != pii.Address):
				s.Start = o.End
			}
		}
		if keep && s.Start < s.End {
			out = append(out, s)
		}
	}
	return out
}

// capitalsAsPrinted writes in capitals a word of a name in capitals that
// OCR read in mixed case ("cAo HỮU DUY" -> "CAO HỮU DUY"), so that the
// name normaliser sees one name.
func capitalsAsPrinted(v string) string {
	words := strings.Fields(v)
	upper := 0
	for _, w := range words {
		if strings.ToUpper(w) == w {
			upper++
		}
	}
	if upper*2 < len(words) {
		return v
	}
	for i, w := range words {
		words[i] = strings.ToUpper(w)
	}
	return strings.Join(words, " ")
}

// unitCut reports whether an address ends with a unit whose name is
// missing or one word long ("…, tỉnh", "…, phường Đông"): the name of an
// administrative unit is mostly two words or more, so the line's wrap may
// have cut it.
func unitCut(addr string) bool {
	segs := strings.Split(addr, ",")
	last := strings.TrimSpace(segs[len(segs)-1])
	if !isAddressUnit(last) && !isBareUnit(last) {
		return false
	}
	n := len(strings.Fields(last))
	for _, u := range addressUnits {
		if k := key(last); k == u || strings.HasPrefix(k, u+" ") {
			return n-len(strings.Fields(u)) <= 1
		}
	}
	return false
}

// addressGoesOn reports whether an address at the end of a line goes on
// on the next: it ends with a comma, with a unit whose name is missing or
// cut ("…, tỉnh", "…, thành phố Cần"), or with the first word of a unit
// ("…, thành" / "phố Cần Thơ").
func addressGoesOn(addr string) bool {
	addr = strings.TrimSpace(addr)
	if strings.HasSuffix(addr, ",") || unitCut(addr) {
		return true
	}
	words := strings.Fields(addr)
	if len(words) == 0 {
		return false
	}
	last := key(strings.Trim(words[len(words)-1], ",."))
	for _, u := range addressUnits {
		if strings.HasPrefix(u, last+" ") {
			return true
		}
	}
	return false
}

// hasWord reports whether a line holds a word of two letters or more.
func hasWord(line string) bool {
	for _, w := range strings.Fields(line) {
		n := 0
		for _, r := range w {
			if unicode.IsLetter(r) {
				n++
			}
		}
		if n >= 2 {
			return true
		}
	}
	return false
}

// tableLine reports whether the line [ls, le) of pg is a table row rather
// than prose: it has a cell separator ("|") or, with word boxes, a gap
// between two words wider than two letters' height.
func tableLine(pg *page, ls, le int) bool {
	if strings.ContainsAny(pg.f.raw[ls:le], "|[]") {
		return true
	}
	var prev *wordSpan
	for i := range pg.words {
		w := &pg.words[i]
		if w.start < ls || w.end > le {
			continue
		}
		if prev != nil && w.word.Box.Min.X-prev.word.Box.Max.X > 2*max(w.word.Box.Dy(), prev.word.Box.Dy()) {
			return true
		}
		prev = w
	}
	return false
}
