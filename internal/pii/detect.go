// Package pii finds personal data in a page's text whatever the document's
// class and language: ID numbers, dates of birth, Vietnamese person names,
// residence addresses and the rows of tables that hold them. The index may
// hold only text the detector cleared: extract.Redact replaces every span it
// returns. When the detector is unsure it still returns the span, flagged
// Unsure, so unsure values are redacted too.
//
// Its vocabulary (family names, given-name syllables, words that are not
// names, address units, labels) is data: pipelines/pii/vocabulary.yaml.
package pii

import (
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Kind is the kind of personal value a span holds; the names are the
// extraction field names, so callers can reuse their placeholders.
type Kind string

// The kinds of personal values.
const (
	Name      Kind = "person_names"
	CCCD      Kind = "cccd"
	CMND      Kind = "cmnd"
	Passport  Kind = "passport"
	Phone     Kind = "phones"
	BirthDate Kind = "birth_dates"
	// Date is a date beside a person without a birth label (a birth date,
	// or the issue date of their ID card): personal, of unknown role.
	Date    Kind = "dates"
	Address Kind = "addresses"
	// Serial is the serial number of a certificate issued to a person
	// (two letters and six to eight digits after "Số phát hành").
	Serial Kind = "certificate_serial"
)

// Span is a personal value in a page's text: the byte range [Start, End).
// Unsure marks a weak match (a plausible but unknown given name, a date
// beside a name without a birth label, a cell of a personal table row);
// it is personal all the same. Labelled marks a value that follows its own
// label ("Họ và tên:", "Ông", "Full name", "sinh ngày"): the strongest
// evidence that it is what its kind says.
type Span struct {
	Start, End int
	Kind       Kind
	Unsure     bool
	Labelled   bool
}

// Detector finds personal values. It is safe for concurrent use.
type Detector struct {
	v *vocab
}

// Detect returns the personal spans of one page's text, sorted and not
// overlapping.
func (d *Detector) Detect(text string) []Span { return d.DetectKnown(text, nil) }

// DetectKnown is Detect for a page on which other means (a document
// class's fields) already found the personal values known: they make their
// rows personal as the detector's own findings do, so the rows' dates and
// hamlets are found too. Only spans that name or identify a person (a
// name, an ID number, a phone number, a birth date) count; known spans are
// not returned, and spans that do not fit the text are ignored.
func (d *Detector) DetectKnown(text string, known []Span) []Span {
	return merge(d.read(text, known))
}

// Read returns the personal values of one page's text each on its own,
// sorted by start, before overlapping spans are joined: a table row's
// name, birth date, ID number and address stay apart even where the row's
// rules also cover the whole row. Extraction lists these values; redaction
// uses Detect.
func (d *Detector) Read(text string) []Span {
	out := d.read(text, nil)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	return out
}

func (d *Detector) read(text string, known []Span) []Span {
	if strings.TrimSpace(text) == "" {
		return nil
	}
	p := prepare(text)
	var spans []Span
	spans = append(spans, d.names(p)...)
	spans = append(spans, d.ids(p)...)
	spans = append(spans, d.addresses(p)...)
	spans = append(spans, d.serials(p)...)
	own := len(spans)
	for _, k := range known {
		if k.Start >= 0 && k.Start < k.End && k.End <= len(text) && identifies(k.Kind) {
			spans = append(spans, k)
		}
	}
	ctx := len(spans)
	spans = append(spans, d.dates(p, spans)...)
	spans = append(spans, d.tables(p, spans)...)
	spans = append(spans, d.rows(p, spans)...)
	spans = append(spans[:own], spans[ctx:]...)
	// A stray byte of invalid UTF-8 next to a value goes with it, so that
	// every span starts and ends on a rune boundary.
	for i := range spans {
		for spans[i].Start > 0 && !utf8.RuneStart(text[spans[i].Start]) {
			spans[i].Start--
		}
		for spans[i].End < len(text) && !utf8.RuneStart(text[spans[i].End]) {
			spans[i].End++
		}
	}
	return spans
}

// identifies reports whether a value of kind k names or identifies a
// person, so that its row is a person's row.
func identifies(k Kind) bool {
	switch k {
	case Name, CCCD, CMND, Passport, Phone, BirthDate:
		return true
	}
	return false
}

// merge sorts spans and joins overlapping ones; the longer span names the
// kind, and a join is unsure only when both parts are.
func merge(spans []Span) []Span {
	if len(spans) == 0 {
		return nil
	}
	sort.Slice(spans, func(i, j int) bool {
		if spans[i].Start != spans[j].Start {
			return spans[i].Start < spans[j].Start
		}
		return spans[i].End > spans[j].End
	})
	out := []Span{spans[0]}
	for _, s := range spans[1:] {
		last := &out[len(out)-1]
		if s.Start < last.End {
			if s.End > last.End {
				if s.End-s.Start > last.End-last.Start {
					last.Kind = s.Kind
				}
				last.End = s.End
			}
			last.Unsure = last.Unsure && s.Unsure
			last.Labelled = last.Labelled || s.Labelled
			continue
		}
		out = append(out, s)
	}
	return out
}

// ---- names ----

// isFamily reports whether token t is a family name: spelled as one, or
// written without diacritics and folding to one.
func (d *Detector) isFamily(p *prep, t token) bool {
	if !d.v.family[t.k] {
		return false
	}
	return t.ascii || d.v.familyExact[lowerNFC(p.raw[t.rs:t.re])]
}

// givenStrength is 2 for a known given-name syllable, 1 for a plausible
// Vietnamese syllable, 0 for anything else.
func (d *Detector) givenStrength(p *prep, t token) int {
	if !t.alpha {
		return 0
	}
	if d.v.given[t.k] {
		// Spelled as listed, or without diacritics on a page written
		// without them; a bare "KHAI" on an accented page is not "Khải".
		if d.v.givenExact[lowerNFC(p.raw[t.rs:t.re])] || t.ascii && !p.accented {
			return 2
		}
		return 1
	}
	if d.v.family[t.k] && (t.ascii || d.v.familyExact[lowerNFC(p.raw[t.rs:t.re])]) {
		return 2 // "Lê Phạm Thu Hà": a mother's family name as a middle name
	}
	if len(t.k) == 1 && t.st == styleUpper {
		return 2 // "Nguyễn Văn A"
	}
	if reSyllable.MatchString(t.k) {
		return 1
	}
	return 0
}

// reSyllable is the shape of a Vietnamese syllable (folded): an optional
// initial consonant, a vowel group, an optional final consonant.
var reSyllable = regexp.MustCompile(`^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?(?:[aeiouy]{1,3})(?:ng|nh|ch|[cmnpt])?$`)

// compatible reports whether a following word has the capitalisation of a
// name started in style s.
func compatible(s, next style) bool {
	if s == styleLower {
		return next == styleLower
	}
	return next.capital()
}

// names finds person names: a family name followed by one to four given
// syllables (Vietnamese order), or given syllables followed by a family
// name (English order, "Dieu Hong QUACH").
func (d *Detector) names(p *prep) []Span {
	var out []Span
	toks := p.toks
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.st == styleOther && t.alpha && i+1 < len(toks) && toks[i+1].st == styleUpper && d.labelledName(p, i) {
			// A family name in capitals that OCR read in mixed case
			// after its label ("tên |cAo HỮU DUY").
			t.st = styleUpper
		}
		if !t.alpha || t.st == styleOther {
			continue
		}
		if d.isFamily(p, t) {
			j, weak := i+1, false
			for j < len(toks) && j-i <= 4 && (p.joined(j-1, j) || p.wrapped(j-1, j)) && compatible(t.st, toks[j].st) {
				if d.fieldLabelAt(p, j) {
					break // "PHAM BICH LE Năm sinh": the name ends before the next field's label
				}
				g := d.givenStrength(p, toks[j])
				if g == 0 || (t.st == styleLower && !d.v.given[toks[j].k] && !d.v.family[toks[j].k]) {
					break // lower case: listed syllables only
				}
				if g == 1 {
					weak = true
				}
				j++
			}
			n := j - i - 1
			ok := n >= 1
			switch {
			case t.st == styleLower:
				// Lower case: two or more known given names after a label
				// ("tên phan quốc bảy"), or without diacritics filling a
				// slot of their own ("(viet tay: vuong thi lai)"), so that
				// prose ("hồ sơ", "da duoc do dac chinh quy") stays.
				ok = n >= 2 && (d.labelBefore(p, i) || isASCII(p.raw[t.rs:toks[j-1].re]) && p.slot(i, j))
			case t.st == styleUpper && weak:
				// Capitals with an unknown syllable are headings ("HỢP
				// ĐỒNG CHUYỂN NHƯỢNG") unless labelled.
				ok = ok && (d.labelBefore(p, i) || d.wrappedLabel(p, i))
			}
			if ok && d.acceptName(p, i, j) {
				out = append(out, Span{Start: t.rs, End: toks[j-1].re, Kind: Name, Unsure: weak || n == 1, Labelled: d.labelledName(p, i)})
				i = j - 1
				continue
			}
		}
		// English order: two or three known given syllables, then the
		// family name.
		if t.st.capital() && d.givenStrength(p, t) == 2 {
			j := i + 1
			for j < len(toks) && j-i <= 3 && p.joined(j-1, j) && toks[j].st.capital() && !d.isFamily(p, toks[j]) && d.givenStrength(p, toks[j]) == 2 {
				j++
			}
			if j < len(toks) && j-i >= 1 && p.joined(j-1, j) && toks[j].st.capital() && d.isFamily(p, toks[j]) &&
				(j-i >= 2 || d.labelBefore(p, i)) && d.acceptName(p, i, j+1) && !d.listedFrom(p, j, j+1) {
				out = append(out, Span{Start: t.rs, End: toks[j].re, Kind: Name, Unsure: j-i < 2, Labelled: d.labelledName(p, i)})
				i = j
			}
		}
	}
	return d.dropSigners(p, out)
}

// wrapped reports whether tokens a and b (adjacent) are one phrase that a
// line wrap cut: a ends a line of prose that reaches the right margin (at
// least four fifths of the page's longest line, no wide gaps) and b, in
// the same title case, opens the next line ("... application – Phan" /
// "Thu Be Ba"). Titles, headings and signature blocks are short lines.
func (p *prep) wrapped(a, b int) bool {
	ta, tb := p.toks[a], p.toks[b]
	if tb.line != ta.line+1 || ta.st != styleTitle || tb.st != styleTitle || strings.Trim(p.gap(a, b), " \t\r") != "\n" {
		return false
	}
	l := p.flines[ta.line]
	line := strings.TrimSpace(p.f[l[0]:l[1]])
	return len(line) >= 40 && 5*len(line) >= 4*p.longest() && len(cellRanges(line)) == 1
}

// longest returns the folded length of the page's longest line.
func (p *prep) longest() int {
	if p.maxLine == 0 {
		for _, l := range p.flines {
			p.maxLine = max(p.maxLine, len(strings.TrimSpace(p.f[l[0]:l[1]])))
		}
	}
	return p.maxLine
}

// fieldLabelAt reports whether a form field's label of two to four words
// (field_labels) starts at token i on its line; on an accented page it must
// be spelled as listed ("Năm sinh", not "Nam sinh viên").
func (d *Detector) fieldLabelAt(p *prep, i int) bool {
	toks := p.toks
	for n := 2; n <= 4 && i+n <= len(toks); n++ {
		last := toks[i+n-1]
		if last.line != toks[i].line || !p.joinedLoose(i+n-2, i+n-1) {
			return false
		}
		k := make([]string, 0, n)
		for _, t := range toks[i : i+n] {
			k = append(k, t.k)
		}
		if !d.v.fieldLabels[strings.Join(k, " ")] {
			continue
		}
		if !p.accented || d.v.fieldLabelsExact[lowerNFC(p.raw[toks[i].rs:last.re])] {
			return true
		}
	}
	return false
}

// acceptName rejects a candidate toks[i:j] that is a place or a body: a
// listed phrase, after a place word ("xã Quách Phẩm"), or before an English
// unit ("Quach Pham Commune").
func (d *Detector) acceptName(p *prep, i, j int) bool {
	toks := p.toks
	if d.listedFrom(p, i, j) {
		return false
	}
	if i > 0 && toks[i-1].line == toks[i].line && p.joinedLoose(i-1, i) {
		if d.v.placeBefore[toks[i-1].k] {
			return false
		}
		if i > 1 && d.v.placeBefore[toks[i-2].k+" "+toks[i-1].k] && p.joinedLoose(i-2, i-1) {
			return false
		}
	}
	if j < len(toks) && p.joined(j-1, j) && d.v.placeAfter[toks[j].k] {
		return false
	}
	return true
}

// slot reports whether toks[i:j] fill a slot of their own: after a colon
// or an opening bracket, or alone on their line, and before a closing
// bracket, a comma or the end of the line.
func (p *prep) slot(i, j int) bool {
	l := p.lines[lineOf(p, p.toks[i].rs)]
	before := strings.TrimRight(p.raw[l[0]:p.toks[i].rs], " \t")
	after := strings.TrimLeft(p.raw[p.toks[j-1].re:l[1]], " \t")
	okBefore := before == "" || strings.HasSuffix(before, ":") || strings.HasSuffix(before, "(")
	okAfter := after == "" || after[0] == ')' || after[0] == ',' || after[0] == ';'
	return okBefore && okAfter
}

// listedFrom reports whether a not_names phrase starts at token at and
// covers the rest of the candidate toks[at:j] ("Hồ Chí Minh", "Lưu Văn"
// of "Lưu Văn phòng"). A longer candidate is a person whose given names
// hold a place's name ("Trần Quang Trung").
func (d *Detector) listedFrom(p *prep, at, j int) bool {
	toks := p.toks
	for _, nn := range d.v.notNames {
		if nn[0] != toks[at].k || at+len(nn) > len(toks) || at+len(nn) < j {
			continue
		}
		match := true
		for k, w := range nn {
			if toks[at+k].k != w {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

// joinedLoose is joined allowing a dot: "TP. Hồ Chí Minh".
func (p *prep) joinedLoose(a, b int) bool {
	g := strings.Trim(p.gap(a, b), " .\u00a0")
	return g == "" && p.toks[a].line == p.toks[b].line
}

// labelBefore reports whether a name label ("Mr", "ông", "Họ và tên:")
// precedes token i on its line.
func (d *Detector) labelBefore(p *prep, i int) bool {
	if i == 0 || p.toks[i-1].line != p.toks[i].line {
		return false
	}
	if strings.Trim(p.gap(i-1, i), " .:\u00a0") != "" {
		return false
	}
	if d.isLabel(p, i-1, i) {
		return true
	}
	return i > 1 && d.isLabel(p, i-2, i)
}

// isLabel reports whether tokens [a, b) are a name label, spelled as one
// when accented ("bà" is a label, "ba" in "năm ba" is not).
func (d *Detector) isLabel(p *prep, a, b int) bool {
	var k []string
	for _, t := range p.toks[a:b] {
		k = append(k, t.k)
	}
	if !d.v.nameLabels[strings.Join(k, " ")] {
		return false
	}
	raw := p.raw[p.toks[a].rs:p.toks[b-1].re]
	return (isASCII(raw) && !p.accented) || d.v.nameLabelsExact[lowerNFC(raw)]
}

// dropSigners removes names that sign an official act: a name alone on its
// line (or on the right of a wide gap) below an official title such as
// "CHỦ TỊCH" or "TM. ỦY BAN NHÂN DÂN", with no citizen's signature label
// ("Người làm đơn") between them. Signers of official acts are public.
func (d *Detector) dropSigners(p *prep, names []Span) []Span {
	out := names[:0]
	for _, s := range names {
		if !d.officialSigner(p, s) {
			out = append(out, s)
		}
	}
	return out
}

func (d *Detector) officialSigner(p *prep, s Span) bool {
	li := lineOf(p, s.Start)
	l := p.lines[li]
	if s.End > l[1] {
		return false // a name wrapped in prose
	}
	if after := strings.Trim(p.raw[s.End:l[1]], " \t.,;"); after != "" {
		return false
	}
	// Before the name on its line: nothing, a wide gap (a left column), or
	// a rank ("Thiếu tá", "BS.CKII").
	before := p.raw[l[0]:s.Start]
	if segs := wideSegments(before + "x"); len(segs) > 0 {
		last := strings.TrimSuffix(segs[len(segs)-1], "x")
		if k := foldKey(last); k != "" && !d.v.ranks[k] && !d.v.ranks[strings.Trim(k, ". ")] {
			return false
		}
	}
	col := 0
	if strings.TrimSpace(before) == "" {
		col = utf8.RuneCountInString(before)
	}
	// Above it, up to a title: only blank lines, signature marks in
	// brackets, capital title lines and a left column.
	for k := li - 1; k >= 0 && li-k <= 8; k-- {
		fl := p.flines[k]
		segs := wideSegments(p.f[fl[0]:fl[1]])
		seg := strings.Trim(segs[len(segs)-1], " .:-|")
		if seg == "" {
			continue
		}
		for _, c := range d.v.citizenSigns {
			if strings.HasPrefix(seg, c) {
				return false
			}
		}
		for _, t := range d.v.officialTitles {
			if strings.HasPrefix(seg, t) && (len(seg) == len(t) || !isWordByte(seg[len(t)])) {
				return true
			}
		}
		if strings.HasPrefix(seg, "(") {
			continue // "(Đã ký)", "(signed and sealed)"
		}
		rl := p.lines[k]
		raw := p.raw[rl[0]:rl[1]]
		if strings.ToUpper(raw) == raw {
			// A capital title line: official when it names an office
			// ("JUDICIAL - CIVIL STATUS OFFICER").
			for _, t := range d.v.officialTitles {
				if containsWord(seg, t) {
					return true
				}
			}
			continue
		}
		if col > 0 && utf8.RuneCountInString(strings.TrimRight(raw, " \t")) <= col {
			continue // the "Nơi nhận" column left of an indented name
		}
		return false
	}
	return false
}

// containsWord reports whether w occurs in s on word boundaries.
func containsWord(s, w string) bool {
	for from := 0; ; {
		i := strings.Index(s[from:], w)
		if i < 0 {
			return false
		}
		i += from
		e := i + len(w)
		if (i == 0 || !isWordByte(s[i-1])) && (e == len(s) || !isWordByte(s[e])) {
			return true
		}
		from = i + 1
	}
}

func isWordByte(b byte) bool { return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b >= 0x80 }

// wideSegments splits a line at gaps of two or more spaces, tabs and bars.
func wideSegments(line string) []string { return reCellSep.Split(line, -1) }

var reCellSep = regexp.MustCompile(`\t+|\s*\|\s*| {2,}`)

// lineOf returns the index of the line holding raw offset off.
func lineOf(p *prep, off int) int {
	return sort.Search(len(p.lines), func(i int) bool { return p.lines[i][1] >= off })
}

// ---- ID numbers ----

var (
	reDigits   = regexp.MustCompile(`(?:^|[^0-9a-z/])([0-9](?:[ .]?[0-9]){8,11})(?:[^0-9/]|$)`)
	rePassport = regexp.MustCompile(`(?:^|[^0-9a-z])([a-z] ?[0-9]{7})(?:[^0-9a-z]|$)`)
	reMoney    = regexp.MustCompile(`^[ ]*(?:d\b|dong|vnd|vn d|m2|m²|ha\b|usd)`)
	reThousand = regexp.MustCompile(`^[0-9]{1,3}(?:\.[0-9]{3})+$`)
)

// ids finds CCCD (12 digits, province code checked), CMND (9 digits),
// phone numbers and passports (a letter and 7 digits), with or without
// spaces and dots between digits.
func (d *Detector) ids(p *prep) []Span {
	var out []Span
	f := p.f
	for _, m := range reDigits.FindAllStringSubmatchIndex(f, -1) {
		s, e := m[2], m[3]
		num := f[s:e]
		digits := strings.NewReplacer(" ", "", ".", "").Replace(num)
		rs, re := p.rawSpan(s, e)
		switch {
		case len(digits) == 12:
			out = append(out, Span{Start: rs, End: re, Kind: CCCD, Unsure: !d.validCCCD(digits)})
		case len(digits) == 9:
			// "150.000.000 đồng" is money, not an ID card.
			if reThousand.MatchString(num) && (reMoney.MatchString(f[e:]) || strings.Contains(num, ".")) {
				continue
			}
			out = append(out, Span{Start: rs, End: re, Kind: CMND, Unsure: strings.Contains(num, " ")})
		case (len(digits) == 10 || len(digits) == 11) && digits[0] == '0':
			out = append(out, Span{Start: rs, End: re, Kind: Phone})
		}
	}
	for _, m := range rePassport.FindAllStringSubmatchIndex(f, -1) {
		rs, re := p.rawSpan(m[2], m[3])
		if c := p.raw[rs]; c >= 'A' && c <= 'Z' {
			out = append(out, Span{Start: rs, End: re, Kind: Passport})
		}
	}
	return out
}

// validCCCD checks a 12-digit citizen ID: a published province code, a
// century-and-sex digit for the 20th or 21st century, and a birth year not
// in the future.
func (d *Detector) validCCCD(n string) bool {
	if !d.v.provinces[n[:3]] {
		return false
	}
	c := n[3] - '0'
	if c > 3 {
		return false
	}
	year := 1900 + 100*int(c/2) + int(n[4]-'0')*10 + int(n[5]-'0')
	return year <= time.Now().Year()
}

// ---- dates of birth ----

// dateBody matches a date in folded text: 05/03/1980, 5-3-1980, "ngay 5
// thang 3 nam 1980", "5 March 1980", "March 5, 1980".
const dateBody = `(?:[0-9]{1,2}[ ]?[/.\-][ ]?[0-9]{1,2}[ ]?[/.\-][ ]?(?:19|20)[0-9]{2})` +
	`|(?:ngay[ ]*[0-9]{1,2}[ ]*[,.]?[ ]*thang[ ]*[0-9]{1,2}[ ]*[,.]?[ ]*nam[ ]*(?:19|20)[0-9]{2})` +
	`|(?:[0-9]{1,2}(?:st|nd|rd|th)?[ ]+(?:of[ ]+)?(?:` + months + `)\.?,?[ ]+(?:19|20)[0-9]{2})` +
	`|(?:(?:` + months + `)\.?[ ]+[0-9]{1,2}(?:st|nd|rd|th)?,?[ ]+(?:19|20)[0-9]{2})`

const months = `january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec`

var (
	// reDate and reBirthYear match the text that ends with a year.
	reDate      = regexp.MustCompile(`(?:^|[^0-9])(` + dateBody + `)$`)
	reBirthYear = regexp.MustCompile(`(?:^|[^a-z])(?:sinh nam|nam sinh|sinh|born in|born|yob|year of birth|ns)[ \t:.,\-]*((?:19|20)[0-9]{2})$`)
)

// dates finds dates of birth: a date after a birth label ("sinh ngày",
// "born on", "DOB"), or any date after a name or an ID on its line
// (unsure), and a bare year after "sinh năm" / "born in". Every date ends
// with its year, so only the text before each year is matched.
func (d *Detector) dates(p *prep, found []Span) []Span {
	var out []Span
	f := p.f
	for _, y := range years(f) {
		from := max(0, y-48)
		w := f[from : y+4]
		if m := reBirthYear.FindStringSubmatchIndex(w); m != nil {
			rs, re := p.rawSpan(from+m[2], from+m[3])
			out = append(out, Span{Start: rs, End: re, Kind: BirthDate, Labelled: true})
			continue
		}
		if (y+4 == len(f) || !isWordByte(f[y+4])) && d.birthLabelEnds(f[from:y]) {
			// A year right after a birth label of the vocabulary, written
			// with a stray dot ("Year. of birth: 1979").
			rs, re := p.rawSpan(y, y+4)
			out = append(out, Span{Start: rs, End: re, Kind: BirthDate, Labelled: true})
			continue
		}
		m := reDate.FindStringSubmatchIndex(w)
		if m == nil {
			continue
		}
		s, e := from+m[2], from+m[3]
		li := lineOfFolded(p, s)
		lb := max(p.flines[li][0], s-45)
		if li > 0 && s-p.flines[li][0] < 10 {
			lb = max(p.flines[li-1][0], s-45) // the label ended the line above
		}
		rs, re := p.rawSpan(s, e)
		if d.birthLabel(f[lb:s]) || strings.TrimSpace(f[e:p.flines[li][1]]) == "" && d.wrappedBirthLabel(p, f[lb:s], li) {
			out = append(out, Span{Start: rs, End: re, Kind: BirthDate, Labelled: true})
			continue
		}
		if personBefore(p, found, li, rs) || idBeside(p, found, li, rs, re) {
			out = append(out, Span{Start: rs, End: re, Kind: Date, Unsure: true})
		}
	}
	return out
}

// years returns the offsets of the four-digit years 1900-2099 in f.
func years(f string) []int {
	var out []int
	for i := 0; i+4 <= len(f); i++ {
		if (f[i] == '1' && f[i+1] == '9' || f[i] == '2' && f[i+1] == '0') && isDigit(f[i+2]) && isDigit(f[i+3]) &&
			(i == 0 || !isDigit(f[i-1])) && (i+4 == len(f) || !isDigit(f[i+4])) {
			out = append(out, i)
			i += 3
		}
	}
	return out
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// birthLabel reports whether the text before a date ends with a birth
// label, allowing a few words ("sinh ngày", "born on the").
func (d *Detector) birthLabel(before string) bool {
	words := strings.FieldsFunc(before, func(r rune) bool { return !unicode.IsLetter(r) && r != '.' })
	if len(words) > 6 {
		words = words[len(words)-6:]
	}
	// A stray dot OCR put after a word of the label ("Year. of birth")
	// does not hide it.
	bare := make([]string, len(words))
	for i, w := range words {
		bare[i] = strings.Trim(w, ".")
	}
	for i := range words {
		for n := 1; n <= 3 && i+n <= len(words); n++ {
			w := strings.Trim(strings.Join(words[i:i+n], " "), ".")
			b := strings.Join(bare[i:i+n], " ")
			for _, l := range d.v.birthLabels {
				if l := strings.Trim(l, "."); w == l || b == l {
					return true
				}
			}
		}
	}
	return false
}

// birthLabelEnds reports whether before ends with a birth label and
// separators only ("year. of birth: ", "năm sinh "), so that the year after
// it is a birth year, not the year of a date.
func (d *Detector) birthLabelEnds(before string) bool {
	t := strings.TrimRight(before, " \t:.,-|")
	if t == "" || len(t) < len(before) && strings.ContainsAny(before[len(t):], "\n") {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(t)
	if !unicode.IsLetter(r) {
		return false
	}
	words := strings.FieldsFunc(t, func(r rune) bool { return !unicode.IsLetter(r) && r != '.' })
	for n := 1; n <= 3 && n <= len(words); n++ {
		bare := make([]string, n)
		for i, w := range words[len(words)-n:] {
			bare[i] = strings.Trim(w, ".")
		}
		b := strings.Join(bare, " ")
		for _, l := range d.v.birthLabels {
			if b == strings.Trim(l, ".") {
				return true
			}
		}
	}
	return false
}

func lineOfFolded(p *prep, off int) int {
	return sort.Search(len(p.flines), func(i int) bool { return p.flines[i][1] >= off })
}

// personBefore reports whether a name or an ID lies on line li before
// offset off ("Trần Thị Bé Ba    14/07/1991").
func personBefore(p *prep, found []Span, li, off int) bool {
	l := p.lines[li]
	for _, s := range found {
		if s.Start >= l[0] && s.End <= off && (s.Kind == Name || s.Kind == CCCD || s.Kind == CMND || s.Kind == Passport) {
			return true
		}
	}
	return false
}
