package pii

import (
	"regexp"
	"strings"
	"unicode"
)

// labelledName reports whether the name starting at token i follows its
// label on its line: a name label right before it ("Ông", "Họ và tên:"),
// or a form's name cell before it across a cell separator ("Họ, chữ đệm và
// tên | CAO HỮU DUY", "Full name |LY PHUONG THAO").
func (d *Detector) labelledName(p *prep, i int) bool {
	if d.labelBefore(p, i) {
		return true
	}
	if i == 0 || p.toks[i-1].line != p.toks[i].line {
		return false
	}
	if strings.Trim(p.gap(i-1, i), " \t.:|_-()\u00a0") != "" {
		return false
	}
	for n := 1; n <= 3 && i-n >= 0; n++ {
		if p.toks[i-n].line != p.toks[i].line {
			break
		}
		if d.isLabel(p, i-n, i) {
			return true
		}
	}
	return d.wrappedLabel(p, i)
}

// wrappedLabel reports whether a form's name label was cut by its cell's
// wrap: the words before token i on its line, followed by the next line
// when that line holds only a few lower-case words, end with a name label
// ("Họ, chữ | LẠI NGỌC DIỆU HẰNG" / "đệm, tên").
func (d *Detector) wrappedLabel(p *prep, i int) bool {
	t := p.toks[i]
	if t.line+1 >= len(p.lines) || t.line >= len(p.lines) {
		return false
	}
	l, nl := p.lines[t.line], p.lines[t.line+1]
	before := strings.Fields(foldKey(strings.Map(keepLetters, p.raw[l[0]:t.rs])))
	next := p.raw[nl[0]:nl[1]]
	words := strings.Fields(foldKey(strings.Map(keepLetters, next)))
	if len(before) == 0 || len(words) == 0 || len(words) > 4 || strings.ToLower(next) != next {
		return false
	}
	all := append(before, words...)
	for n := 1; n <= 3 && n <= len(all); n++ {
		if d.v.nameLabels[strings.Join(all[len(all)-n:], " ")] {
			return true
		}
	}
	return false
}

// keepLetters maps punctuation to spaces, for label matching.
func keepLetters(r rune) rune {
	if unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) {
		return r
	}
	return ' '
}

// reSerial is a certificate serial in folded text: two letters and six to
// eight digits ("cs 446340"), after its label.
var reSerial = regexp.MustCompile(`^[ \t:.|\-]*([a-z]{2}[ \t]?[0-9]{6,8})(?:[^0-9a-z]|$)`)

// serials finds the serial numbers of certificates issued to a person: two
// letters and six to eight digits after a serial label ("Số phát hành: CS
// 446340"). The serial identifies the holder's certificate, so it is
// personal (DOMAIN.md).
func (d *Detector) serials(p *prep) []Span {
	var out []Span
	for _, l := range d.v.serialLabels {
		for from := 0; ; {
			i := strings.Index(p.f[from:], l)
			if i < 0 {
				break
			}
			i += from
			from = i + len(l)
			if i > 0 && isWordByte(p.f[i-1]) {
				continue
			}
			m := reSerial.FindStringSubmatchIndex(p.f[from:])
			if m == nil {
				continue
			}
			rs, re := p.rawSpan(from+m[2], from+m[3])
			if c := p.raw[rs]; c < 'A' || c > 'Z' {
				continue // printed in capitals
			}
			out = append(out, Span{Start: rs, End: re, Kind: Serial, Labelled: true})
		}
	}
	return out
}

// idBeside reports whether an ID number is the next cell of the date at
// raw [rs, re) on line li, with only cell separators between them: a
// date in the row of a person's ID number is that person's ("16/04/1988
// | 0920..."), a date in a sentence that also names an ID card is not.
func idBeside(p *prep, found []Span, li, rs, re int) bool {
	l := p.lines[li]
	for _, s := range found {
		if s.Start < l[0] || s.End > l[1] || !(s.Kind == CCCD || s.Kind == CMND || s.Kind == Passport) {
			continue
		}
		var between string
		switch {
		case s.End <= rs:
			between = p.raw[s.End:rs]
		case re <= s.Start:
			between = p.raw[re:s.Start]
		default:
			continue
		}
		if strings.Trim(between, " \t|[]_") == "" {
			return true
		}
	}
	return false
}

// BirthPlaceBefore reports whether the text before a value, on its line,
// ends with the label of a place of birth or origin ("Nơi sinh:", "Place
// of birth:").
func (d *Detector) BirthPlaceBefore(before string) bool {
	k := strings.Trim(foldKey(before), " :.|-\t")
	for _, l := range d.v.originLabels {
		if strings.HasSuffix(k, l) && (len(k) == len(l) || !isWordByte(k[len(k)-len(l)-1])) {
			return true
		}
	}
	return false
}

// wrappedBirthLabel reports whether a birth label was cut by its cell's
// wrap: the text before the date ends with the start of a label ("Ngày,
// tháng, năm |23/05/1982") and the next line holds only its last word
// ("sinh").
func (d *Detector) wrappedBirthLabel(p *prep, before string, li int) bool {
	if li+1 >= len(p.flines) {
		return false
	}
	nl := p.flines[li+1]
	next := strings.Trim(p.f[nl[0]:nl[1]], " \t|.:")
	if next == "" || strings.ContainsAny(next, " \t") {
		return false
	}
	return d.birthLabel(before + " " + next)
}

// NameSyllable reports whether word is a listed given-name or family-name
// syllable, spelled as listed or written without diacritics: the word that
// continues a name a table cell wrapped onto its next line ("Dương Hồng" /
// "Nguyệt").
func (d *Detector) NameSyllable(word string) bool {
	k := foldKey(word)
	if !d.v.given[k] && !d.v.family[k] {
		return false
	}
	if isASCII(word) {
		return true
	}
	l := lowerNFC(word)
	return d.v.givenExact[l] || d.v.familyExact[l]
}

// BirthLabelBefore reports whether the text before a date, on its line,
// ends with a birth label ("sinh ngày", "Date of birth:"), allowing a few
// words between.
func (d *Detector) BirthLabelBefore(before string) bool {
	return d.birthLabel(foldKey(before))
}

// BodyFirst reports whether a value opens with the name of a body or a
// public place ("Ủy ban nhân dân xã …", "Bệnh viện …"): an address that
// is a body's, not a person's residence.
func (d *Detector) BodyFirst(v string) bool {
	k := foldKey(v)
	for _, b := range d.v.bodyWords {
		if strings.HasPrefix(k, b) && (len(k) == len(b) || !isWordByte(k[len(b)])) {
			return true
		}
	}
	return false
}
