package pii

import (
	"regexp"
	"strings"
)

// segment is a comma-separated piece of a table cell or line, in folded
// offsets, trimmed.
type segment struct {
	fs, fe int
	// breakBefore is set when a chain cannot continue into this segment: a
	// new cell, or a new line not following a trailing comma.
	breakBefore bool
}

var reSegSep = regexp.MustCompile(`[,;]| - | – `)

// segments cuts the page into segments.
func segments(p *prep) []segment {
	var out []segment
	prevComma := false
	for _, fl := range p.flines {
		line := p.f[fl[0]:fl[1]]
		cells := cellRanges(line)
		for ci, c := range cells {
			cell := line[c[0]:c[1]]
			start := 0
			first := true
			cut := func(a, b int) {
				s, e := a, b
				for s < e && (cell[s] == ' ' || cell[s] == '.' || cell[s] == ':') {
					s++
				}
				for e > s && (cell[e-1] == ' ' || cell[e-1] == '.') {
					e--
				}
				brk := first && !(ci == 0 && prevComma)
				first = false
				if s < e {
					out = append(out, segment{fs: fl[0] + c[0] + s, fe: fl[0] + c[0] + e, breakBefore: brk})
				}
			}
			for _, m := range reSegSep.FindAllStringIndex(cell, -1) {
				cut(start, m[0])
				start = m[1]
			}
			cut(start, len(cell))
		}
		prevComma = strings.HasSuffix(strings.TrimRight(line, " "), ",")
	}
	return out
}

// cellRanges returns the [start, end) ranges of a line's cells: the line
// cut at tabs, bars and runs of two or more spaces.
func cellRanges(line string) [][2]int {
	var out [][2]int
	start := 0
	for i := 0; i < len(line); {
		n := 0
		switch {
		case line[i] == '\t' || line[i] == '|':
			n = 1
		case line[i] == ' ' && i+1 < len(line) && line[i+1] == ' ':
			n = 2
		}
		if n == 0 {
			i++
			continue
		}
		j := i + n
		for j < len(line) && (line[j] == ' ' || line[j] == '\t' || line[j] == '|') {
			j++
		}
		e := i
		for e > start && line[e-1] == ' ' {
			e--
		}
		if e > start {
			out = append(out, [2]int{start, e})
		}
		start, i = j, j
	}
	if start < len(line) {
		out = append(out, [2]int{start, len(line)})
	}
	return out
}

var reHouseNo = regexp.MustCompile(`^(?:so nha |so |no\.? ?|house )?[0-9]{1,4}[a-z]?(?:/[0-9]{1,4}[a-z]?)* [a-z]`)

// unitAt tells whether the folded text from offset fs (a word start)
// starts an administrative unit followed by its name: it returns the
// unit's level. An accented word must be spelled as the unit ("Ban" in
// "ỦY BAN" is not "bản").
func (d *Detector) unitAt(p *prep, fs, fe int) int {
	lv, _ := d.unitWords(p, fs, fe, false)
	return lv
}

// unitWords is unitAt that also returns how many words the unit is; alone
// allows a unit without its name (at the end of a line).
func (d *Detector) unitWords(p *prep, fs, fe int, alone bool) (level, n int) {
	s := p.f[fs:fe]
	first := s
	if i := strings.IndexAny(s, " \t\n"); i >= 0 {
		first = s[:i]
	}
	if !d.v.unitFirst[first] {
		return 0, 0
	}
	for _, na := range d.v.notAddress {
		if strings.HasPrefix(s, na) {
			return 0, 0
		}
	}
	if len(s) > 48 {
		s = s[:48] // units are at most three words
	}
	words := strings.Fields(s)
	most := len(words) - 1
	if alone {
		most = len(words)
	}
	for n := min(3, most); n >= 1; n-- {
		k := strings.Join(words[:n], " ")
		if u, ok := d.v.unitsEnglish[k]; ok {
			return u.level, n // "Hamlet 9"
		}
		u, ok := d.v.units[k]
		if !ok {
			continue
		}
		rw := p.raw[p.off[fs]:p.off[fs+len(k)]]
		if !isASCII(rw) && !d.v.unitsExact[lowerNFC(rw)] {
			continue
		}
		return u.level, n
	}
	return 0, 0
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// segUnit classifies the segment p.f[fs:fe]: its unit level (0 when none)
// and where the address starts in it. Only the first segment of a chain may
// have other words before its unit ("trú tại ấp 9").
func (d *Detector) segUnit(p *prep, fs, fe int, first bool) (level, start int) {
	s := p.f[fs:fe]
	if lv := d.unitAt(p, fs, fe); lv > 0 {
		return lv, 0
	}
	if words := strings.Fields(s); len(words) >= 2 {
		if u, ok := d.v.unitsEnglish[words[len(words)-1]]; ok {
			return u.level, 0 // "Dam Doi District"
		}
	}
	if reHouseNo.MatchString(s) {
		return 1, 0
	}
	if !first {
		return 0, 0
	}
	for i := 1; i < len(s); i++ {
		if s[i-1] != ' ' {
			continue
		}
		if lv := d.unitAt(p, fs+i, fe); lv > 0 && lv <= 2 {
			if d.bodyBefore(s[:i]) {
				return 0, 0
			}
			// Keep a house number before a street: "số 12 đường ...".
			if m := reHouseBefore.FindStringIndex(s[:i]); m != nil {
				return lv, m[0]
			}
			return lv, i
		}
	}
	return 0, 0
}

// bodyBefore reports whether the words before a unit name a body or a
// public place ("Tổ hòa giải ấp Đồng Tâm").
func (d *Detector) bodyBefore(s string) bool {
	words := strings.Fields(s)
	for i := range words {
		rest := strings.Join(words[i:], " ")
		for _, b := range d.v.bodyWords {
			if strings.HasPrefix(rest, b) && (len(rest) == len(b) || rest[len(b)] == ' ') {
				return true
			}
		}
	}
	return false
}

var reHouseBefore = regexp.MustCompile(`(?:(?:so nha|so|no\.?|house) )?[0-9]{1,4}[a-z]?(?:/[0-9]{1,4}[a-z]?)* $`)

// unitEnd cuts the name of a chain's last unit after its capitalised words:
// "huyện Trần Văn Thời về việc" ends after "Thời". Text without capitals
// keeps at most four words after the unit.
func (p *prep) unitEnd(fs, fe int) int {
	r := p.tokensIn(fs, fe)
	ts := p.toks[r.a:r.b]
	capSeen := false
	for k, t := range ts {
		if k == 0 {
			continue // the unit word
		}
		if t.st.capital() || t.st == styleOther {
			capSeen = true
			continue
		}
		if capSeen {
			return ts[k-1].fe
		}
		if k >= 5 {
			return ts[k-1].fe
		}
	}
	return fe
}

// addresses finds residence addresses: chains of administrative units that
// start below the commune ("Ấp 9, xã Quách Phẩm, huyện Đầm Dơi"), in
// Vietnamese or English order, and whatever follows an address label.
// Chains that start at the commune or above name bodies and places ("Ủy
// ban nhân dân xã Tân Ân, huyện Ngọc Hiển") and stay.
func (d *Detector) addresses(p *prep) []Span {
	var out []Span
	segs := d.joinWrapped(p, segments(p))
	for i := 0; i < len(segs); i++ {
		lv, off := d.segUnit(p, segs[i].fs, segs[i].fe, true)
		if lv == 0 {
			continue
		}
		j := i + 1
		for j < len(segs) && !segs[j].breakBefore {
			if l, _ := d.segUnit(p, segs[j].fs, segs[j].fe, false); l == 0 {
				break
			}
			j++
		}
		if j-i >= 2 && lv == 1 {
			rs, re := p.rawSpan(segs[i].fs+off, p.unitEnd(segs[j-1].fs, segs[j-1].fe))
			out = append(out, Span{Start: rs, End: re, Kind: Address})
			i = j - 1
		}
	}
	out = append(out, d.labelledAddresses(p)...)
	return out
}

// joinWrapped joins a segment that ends its line with a unit word ("ở ấp
// 10, xã" + "Khánh Thuận.") to the first segment of the next line: a line
// wrap does not end an address chain whose unit's name is on the next line.
func (d *Detector) joinWrapped(p *prep, segs []segment) []segment {
	out := segs[:0]
	for i := 0; i < len(segs); i++ {
		s := segs[i]
		if i+1 < len(segs) && segs[i+1].breakBefore && d.endsWithUnit(p, s) {
			li := lineOfFolded(p, s.fe)
			if p.flines[li][1] == s.fe || strings.TrimRight(p.f[s.fe:p.flines[li][1]], " .") == "" {
				if nl := lineOfFolded(p, segs[i+1].fs); nl == li+1 && segs[i+1].fs >= p.flines[nl][0] {
					s.fe = segs[i+1].fe
					i++
				}
			}
		}
		out = append(out, s)
	}
	return out
}

// endsWithUnit reports whether a segment's last one to three words are a
// unit word spelled as one.
func (d *Detector) endsWithUnit(p *prep, s segment) bool {
	r := p.tokensIn(s.fs, s.fe)
	for n := 1; n <= 3 && r.b-n >= r.a; n++ {
		t := p.toks[r.b-n]
		if lv, w := d.unitWords(p, t.fs, s.fe, true); lv > 0 && w == n {
			return true
		}
	}
	return false
}

// labelledAddresses takes the rest of the cell after an address label, or
// the next line when the label ends its line.
func (d *Detector) labelledAddresses(p *prep) []Span {
	var out []Span
	for li, fl := range p.flines {
		line := p.f[fl[0]:fl[1]]
		for _, c := range cellRanges(line) {
			cell := line[c[0]:c[1]]
			end := d.labelEnd(p, fl[0]+c[0], cell)
			if end < 0 {
				continue
			}
			rest := cell[end:]
			fs := fl[0] + c[0] + end
			fe := fl[0] + c[1]
			if strings.Trim(rest, " :.-|_") == "" && li+1 < len(p.flines) {
				nl := p.flines[li+1]
				if cs := cellRanges(p.f[nl[0]:nl[1]]); len(cs) > 0 {
					fs, fe = nl[0]+cs[0][0], nl[0]+cs[0][1]
				}
			}
			// The address ends before another label on its line.
			if m := reNextLabel.FindStringIndex(p.f[fs:fe]); m != nil && m[0] > 0 {
				fe = fs + m[0]
			}
			for fs < fe && strings.ContainsRune(" :.-|_", rune(p.f[fs])) {
				fs++
			}
			for fe > fs && strings.ContainsRune(" ,.;", rune(p.f[fe-1])) {
				fe--
			}
			if fe-fs >= 3 {
				rs, re := p.rawSpan(fs, fe)
				out = append(out, Span{Start: rs, End: re, Kind: Address})
			}
		}
	}
	return out
}

var reNextLabel = regexp.MustCompile(`[ ,;](?:so dien thoai|dien thoai|dt|tel|phone|email|so cccd|cccd|cmnd|ngay sinh|sinh ngay|dan toc|quoc tich|ton giao|date of birth|dob|nationality|id no|id card)\b`)

// labelEnd returns where the text after the last address label of cell
// (at folded offset at) starts, or -1. On an accented page the label must
// be spelled as listed ("lưu trữ tại" is not "trú tại").
func (d *Detector) labelEnd(p *prep, at int, cell string) int {
	best := -1
	for _, l := range d.v.addressLabels {
		for from := 0; ; {
			i := strings.Index(cell[from:], l)
			if i < 0 {
				break
			}
			i += from
			e := i + len(l)
			if (i == 0 || !isWordByte(cell[i-1])) && (e == len(cell) || !isWordByte(cell[e])) && e > best {
				rs, re := p.rawSpan(at+i, at+e)
				if raw := p.raw[rs:re]; !p.accented || d.v.addressLabelsExact[lowerNFC(raw)] {
					best = e
				}
			}
			from = i + 1
		}
	}
	return best
}
