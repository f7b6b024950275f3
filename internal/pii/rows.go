package pii

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Rows as OCR writes them: Tesseract keeps no cell separators, so a table
// row is one line of words ("4 Lý Hoàng Đời 1949 Ấp Lung Dừa Hộ nghèo"),
// or one cell a line with blank lines between rows. The rules here do not
// need cells: a row is a line, or a row group that starts at a line holding
// only the row number.

// rowRange is a row: the lines [first, last] of the page.
type rowRange struct{ first, last int }

// rows finds the personal values of rows without cell separators: the
// names and birth dates of the rows of a list of people, and the hamlet or
// street of any row that holds a personal value.
func (d *Detector) rows(p *prep, found []Span) []Span {
	lists, groups := d.peopleLists(p)
	all := append(append([]Span(nil), found...), lists...)
	for li := range p.lines {
		groups = append(groups, rowRange{li, li})
	}
	groups = append(groups, cellGroups(p)...)
	groups = append(groups, cellRuns(p, all)...)
	return append(lists, d.rowUnits(p, all, groups)...)
}

// cellRuns returns, for every personal value that fills a line of its own
// (a cell of a table written one cell a line), that line and the next two
// cells, blank lines aside, up to the next row number: the rest of the
// person's row, even when OCR misread the row number that opens it ("R)"
// for "5"), so that the row's hamlet is known to be an address.
func cellRuns(p *prep, found []Span) []rowRange {
	var out []rowRange
	for _, s := range found {
		li := lineOf(p, s.Start)
		l := p.lines[li]
		if li != lineOf(p, s.End) || strings.Trim(p.raw[l[0]:s.Start]+p.raw[s.End:l[1]], " \t.,;:|") != "" {
			continue
		}
		out = append(out, rowRange{li, cellsAfter(p, li, 2)})
	}
	return out
}

// rowNumber returns the token index of the row number that opens line li
// ("7 Lầm Minh Trọng ...", "12 |"), or -1.
func rowNumber(p *prep, li int) int {
	r := p.tokensIn(p.flines[li][0], p.flines[li][1])
	if r.a >= r.b {
		return -1
	}
	t := p.toks[r.a]
	if t.alpha || t.fe-t.fs > 3 || strings.Trim(p.f[t.fs:t.fe], "0123456789") != "" {
		return -1
	}
	if strings.TrimSpace(p.f[p.flines[li][0]:t.fs]) != "" {
		return -1
	}
	if rest := p.f[t.fe:p.flines[li][1]]; strings.HasPrefix(rest, ".") {
		if len(rest) > 1 && isDigit(rest[1]) {
			return -1 // "540.000", "1.5 ha"
		}
	} else if rest != "" && !strings.ContainsRune(" \t|", rune(rest[0])) {
		return -1 // "12/3/2024", "3,5 ha"
	}
	return r.a
}

// numberOnly reports whether line li holds only its row number.
func numberOnly(p *prep, li int) bool {
	i := rowNumber(p, li)
	return i >= 0 && strings.Trim(p.f[p.toks[i].fe:p.flines[li][1]], " .|\t") == ""
}

// blank reports whether line li holds nothing but spaces.
func blank(p *prep, li int) bool {
	return strings.TrimSpace(p.f[p.flines[li][0]:p.flines[li][1]]) == ""
}

// cellGroups returns the row groups of tables written one cell a line: a
// line holding only a row number and the next few non-blank lines, up to
// the next such line.
func cellGroups(p *prep) []rowRange {
	var out []rowRange
	for li := range p.flines {
		if !numberOnly(p, li) {
			continue
		}
		out = append(out, rowRange{li, cellsAfter(p, li, 5)})
	}
	return out
}

// cellsAfter returns the last of the next max non-blank lines after line li
// (li itself when there is none), stopping before a line that holds only a
// row number: the cells of li's row in a table written one cell a line.
func cellsAfter(p *prep, li, max int) int {
	last, n := li, 0
	for k := li + 1; k < len(p.lines) && n < max && !numberOnly(p, k); k++ {
		if !blank(p, k) {
			last, n = k, n+1
		}
	}
	return last
}

// peopleLists finds the tables whose header names a person column ("Họ và
// tên", "Họ tên chủ hộ", "Full name"). In each row the run of two to five
// capitalised syllables after the row number is a person's name, even when
// OCR misspelt the family name; when the header has a birth column
// ("Ngày/năm sinh"), the row's dates and years are birth dates. It also
// returns the rows of tables written one cell a line.
func (d *Detector) peopleLists(p *prep) ([]Span, []rowRange) {
	var out []Span
	var groups []rowRange
	for li := 0; li < len(p.flines); li++ {
		line := p.f[p.flines[li][0]:p.flines[li][1]]
		label := ""
		for _, c := range d.v.personColumns {
			if i := strings.Index(line, c); i >= 0 && len(c) > len(label) && containsWord(line, c) &&
				!strings.HasPrefix(strings.TrimLeft(line[i+len(c):], " "), ":") {
				label = c // the longest: "họ tên chủ hộ", not "họ tên"
			}
		}
		if label == "" {
			continue
		}
		first := -1
		for k := li + 1; k < len(p.flines) && k <= li+8; k++ {
			if rowNumber(p, k) >= 0 {
				first = k
				break
			}
		}
		if first < 0 {
			continue
		}
		// The header: its line, and when it is written one cell a line,
		// the lines down to the first row.
		cols, birth := 0, false
		for k := max(0, li-3); k < first; k++ {
			h := p.f[p.flines[k][0]:p.flines[k][1]]
			for _, c := range d.v.birthColumns {
				if containsWord(h, c) {
					birth = true
				}
			}
			if k >= li && !blank(p, k) {
				cols++
			}
		}
		perLine := strings.TrimSpace(line) == label
		// Rows are numbered in order (STT); a number out of order (the
		// "1." of a paragraph below the table) ends the table. OCR may
		// drop a row or misread its number, so a gap of two is allowed.
		k, prev := first, 0
		for k < len(p.flines) {
			if blank(p, k) {
				k++
				continue
			}
			i := rowNumber(p, k)
			if i < 0 {
				break
			}
			no, _ := strconv.Atoi(p.f[p.toks[i].fs:p.toks[i].fe])
			if prev > 0 && (no <= prev || no > prev+3) {
				break
			}
			prev = no
			last := k
			if perLine && numberOnly(p, k) {
				for n, m := 0, k+1; m < len(p.flines) && n < cols && !numberOnly(p, m); m++ {
					if !blank(p, m) {
						last, n = m, n+1
					}
				}
			} else {
				last = wrappedRow(p, k)
			}
			groups = append(groups, rowRange{k, last})
			out = append(out, d.listRow(p, rowRange{k, last}, birth)...)
			k = last + 1
		}
		li = k - 1
	}
	return out, groups
}

// wrappedRow returns the last line of the row that starts at line k when
// OCR wrapped it: the lines up to the next row, at most two. The table's
// last row is taken as one line, so that the text below it stays.
func wrappedRow(p *prep, k int) int {
	for m := k + 1; m < len(p.flines) && m <= k+3; m++ {
		if rowNumber(p, m) >= 0 {
			last := m - 1
			for last > k && blank(p, last) {
				last--
			}
			return last
		}
	}
	return k
}

// reRowDate is a date or a year in a row.
var reRowDate = regexp.MustCompile(`(?:^|[^0-9/.\-])(` + dateBody + `|(?:19|20)[0-9]{2})(?:[^0-9/.\-]|$)`)

// listRow returns the name (and with a birth column, the dates) of one row
// of a list of people.
func (d *Detector) listRow(p *prep, r rowRange, birth bool) []Span {
	var out []Span
	fs, fe := p.flines[r.first][0], p.flines[r.last][1]
	num := rowNumber(p, r.first)
	tr := p.tokensIn(fs, fe)
	if i := num + 1; i < tr.b {
		if j := d.nameRun(p, i, tr.b, 5); j-i >= 2 {
			out = append(out, Span{Start: p.toks[i].rs, End: p.toks[j-1].re, Kind: Name, Unsure: true})
		}
	}
	if birth {
		for _, m := range reRowDate.FindAllStringSubmatchIndex(p.f[fs:fe], -1) {
			rs, re := p.rawSpan(fs+m[2], fs+m[3])
			out = append(out, Span{Start: rs, End: re, Kind: BirthDate, Unsure: true})
		}
	}
	return out
}

// nameRun returns the end of the run of capitalised words of Vietnamese
// shape from token i (before end, at most most words, on one line). A run
// stops before an address unit, and, after two words, before a capitalised
// word that opens a lower-case phrase ("Hộ nghèo", "Người cao tuổi").
func (d *Detector) nameRun(p *prep, i, end, most int) int {
	j := i
	for j < end && j-i < most {
		t := p.toks[j]
		if !t.alpha || !t.st.capital() || (j > i && !p.joined(j-1, j)) || d.givenStrength(p, t) == 0 && !reSyllable.MatchString(t.k) {
			break
		}
		if d.unitAt(p, t.fs, p.flines[t.line][1]) > 0 {
			break
		}
		if j-i >= 2 && j+1 < end && p.joined(j, j+1) && p.toks[j+1].st == styleLower {
			break
		}
		j++
	}
	return j
}

// rowUnits returns the units below the commune ("Ấp Lung Dừa", "Khóm 7",
// "tổ 5") in the rows that hold a personal value: there they are someone's
// address. A unit after a body ("Tổ hòa giải ấp Đồng Tâm") or an office
// ("Trưởng ấp") stays.
func (d *Detector) rowUnits(p *prep, found []Span, groups []rowRange) []Span {
	var out []Span
	// personal[li]: a personal value other than an address lies on line li.
	personal := make([]bool, len(p.lines))
	for _, s := range found {
		if s.Kind != Address {
			for li := lineOf(p, s.Start); li < len(p.lines) && p.lines[li][0] < s.End; li++ {
				personal[li] = true
			}
		}
	}
	for _, g := range groups {
		any := false
		for li := g.first; li <= g.last && !any; li++ {
			any = personal[li]
		}
		if !any {
			continue
		}
		fs, fe := p.flines[g.first][0], p.flines[g.last][1]
		tr := p.tokensIn(fs, fe)
		for i := tr.a; i < tr.b; i++ {
			t := p.toks[i]
			lv, n := d.unitWords(p, t.fs, p.flines[t.line][1], false)
			if lv != 1 || i+n >= tr.b || !p.joined(i+n-1, i+n) {
				continue
			}
			// The words before the unit, after the row's last personal
			// value ("Trương Quốc Hải" folds like "trường").
			lf := p.flines[t.line][0]
			for _, s := range found {
				if s.End <= t.rs && s.Start >= p.lines[t.line][0] {
					lf = max(lf, sort.SearchInts(p.off, s.End))
				}
			}
			if d.bodyBefore(p.f[lf:t.fs]) || i > tr.a && d.officeUnit(p, i-1, i+n) {
				continue
			}
			j := i + n
			if nt := p.toks[j]; !nt.alpha {
				j++ // "Khóm 7", "Ấp 9A"
			} else {
				j = d.nameRun(p, j, tr.b, 4)
			}
			if j > i+n {
				out = append(out, Span{Start: t.rs, End: p.toks[j-1].re, Kind: Address, Unsure: true})
				i = j - 1
			}
		}
	}
	return out
}

// officeUnit reports whether toks[a:b] is an office title ("trưởng ấp").
func (d *Detector) officeUnit(p *prep, a, b int) bool {
	k := p.f[p.toks[a].fs:p.toks[b-1].fe]
	for _, t := range d.v.officialTitles {
		if k == t {
			return true
		}
	}
	return false
}
