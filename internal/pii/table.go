package pii

import (
	"regexp"
	"strings"
)

// reWholeDate is a cell that is only a date or a year.
var reWholeDate = regexp.MustCompile(`^(?:` + dateBody + `|(?:19|20)[0-9]{2})$`)

// tables treats a row that holds a personal value as a personal row: its
// other cells that look like a name, a date or an address are personal too
// (unsure). A row is a line cut by tabs, bars or wide gaps; for tables OCR
// wrote one cell a line, a line that is only such a cell next to a
// personal line counts as well.
func (d *Detector) tables(p *prep, found []Span) []Span {
	var out []Span
	personal := make([]bool, len(p.lines))
	for _, s := range found {
		li := lineOf(p, s.Start)
		if li < len(personal) {
			personal[li] = true
		}
	}
	covered := func(rs, re int) bool {
		for _, s := range found {
			if s.Start < re && rs < s.End {
				return true
			}
		}
		for _, s := range out {
			if s.Start < re && rs < s.End {
				return true
			}
		}
		return false
	}
	mark := func(li int, cells [][2]int) bool {
		fl := p.flines[li]
		any := false
		for _, c := range cells {
			fs, fe := fl[0]+c[0], fl[0]+c[1]
			for fs < fe && p.f[fs] == ' ' {
				fs++
			}
			for fe > fs && strings.ContainsRune(" ,.;", rune(p.f[fe-1])) {
				fe--
			}
			rs, re := p.rawSpan(fs, fe)
			if fs >= fe || covered(rs, re) {
				continue
			}
			if k, ok := d.cellKind(p, fs, fe); ok && !(k == Name && d.officialSigner(p, Span{Start: rs, End: re})) {
				out = append(out, Span{Start: rs, End: re, Kind: k, Unsure: true})
				any = true
			}
		}
		return any
	}
	for li, fl := range p.flines {
		cells := cellRanges(p.f[fl[0]:fl[1]])
		if personal[li] && len(cells) >= 2 {
			mark(li, cells)
		}
	}
	// One cell a line: spread from personal lines to neighbouring lines
	// that are only a personal-looking cell.
	for pass := 0; pass < 3; pass++ {
		changed := false
		for li, fl := range p.flines {
			if personal[li] {
				continue
			}
			near := li > 0 && personal[li-1] || li+1 < len(personal) && personal[li+1]
			if !near {
				continue
			}
			cells := cellRanges(p.f[fl[0]:fl[1]])
			if len(cells) == 1 && mark(li, cells) {
				personal[li], changed = true, true
			}
		}
		if !changed {
			break
		}
	}
	return out
}

// cellKind tells whether a table cell looks personal: a date or a birth
// year, an address unit, or a name-shaped run of capitalised syllables.
func (d *Detector) cellKind(p *prep, fs, fe int) (Kind, bool) {
	s := p.f[fs:fe]
	if reWholeDate.MatchString(s) {
		if len(s) == 4 {
			return BirthDate, true // a year in a row of people is a birth year
		}
		return Date, true
	}
	if lv, _ := d.segUnit(p, fs, fe, false); lv > 0 && lv <= 2 {
		return Address, true
	}
	var ts []int
	r := p.tokensIn(fs, fe)
	for i := r.a; i < r.b; i++ {
		ts = append(ts, i)
	}
	if len(ts) < 2 || len(ts) > 5 {
		return "", false
	}
	if !d.isFamily(p, p.toks[ts[0]]) {
		return "", false
	}
	known := false
	for k, i := range ts {
		t := p.toks[i]
		if !t.alpha || !t.st.capital() || (k > 0 && !p.joined(ts[k-1], i)) {
			return "", false
		}
		g := d.givenStrength(p, t)
		if g == 0 {
			return "", false
		}
		if g == 2 || d.isFamily(p, t) {
			known = true
		}
	}
	if !known || !d.acceptName(p, ts[0], ts[len(ts)-1]+1) {
		return "", false
	}
	return Name, true
}
