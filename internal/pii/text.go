package pii

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// foldTable maps precomposed Latin letters to their lower-case base letter
// ("Ế" -> 'e', "đ" -> 'd'); built once from Unicode decompositions.
var foldTable = func() map[rune]rune {
	m := map[rune]rune{'đ': 'd', 'Đ': 'd', 'ð': 'd', 'Ð': 'd', 'Ɖ': 'd'}
	for r := rune(0xC0); r < 0x2000; r++ {
		if !unicode.IsLetter(r) {
			continue
		}
		d := norm.NFD.String(string(r))
		b, size := utf8.DecodeRuneInString(d)
		if size == len(d) || b >= utf8.RuneSelf {
			continue
		}
		ok := true
		for _, c := range d[size:] {
			if !unicode.Is(unicode.Mn, c) {
				ok = false
			}
		}
		if ok {
			m[r] = unicode.ToLower(b)
		}
	}
	return m
}()

// foldLower maps one rune to its folded lower-case form; combining marks
// give -1 (dropped).
func foldLower(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	if f, ok := foldTable[r]; ok {
		return f
	}
	if unicode.Is(unicode.Mn, r) {
		return -1
	}
	if unicode.IsSpace(r) {
		return ' '
	}
	return unicode.ToLower(r)
}

// foldKey is the comparison form of vocabulary entries: folded, lower
// case, single spaces.
func foldKey(s string) string {
	var b strings.Builder
	for _, r := range s {
		if f := foldLower(r); f >= 0 {
			b.WriteRune(f)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// lowerNFC is a word's spelled comparison form.
func lowerNFC(s string) string { return strings.ToLower(norm.NFC.String(strings.TrimSpace(s))) }

// style is the capitalisation of a word.
type style uint8

const (
	styleOther style = iota // digits, mixed
	styleLower              // "nguyen"
	styleTitle              // "Nguyễn"
	styleUpper              // "NGUYỄN"
)

// token is a word of the page: letters or digits.
type token struct {
	fs, fe int    // folded offsets
	rs, re int    // raw offsets
	k      string // folded lower-case form
	st     style
	alpha  bool // letters only
	ascii  bool // the raw word has no diacritics
	line   int
}

// prep is one page prepared for detection.
type prep struct {
	raw  string
	f    string // folded lower-case text
	off  []int  // off[i] = raw offset of folded byte i; off[len(f)] = len(raw)
	toks []token
	// lines are raw [start, end) ranges, end before '\n'.
	lines [][2]int
	// flines are the same lines in folded offsets.
	flines [][2]int
	// accented is set when the page is written with diacritics: there, a
	// word without them is taken as written ("ba" is not "bà").
	accented bool
	// maxLine caches longest().
	maxLine int
}

func prepare(raw string) *prep {
	p := &prep{raw: raw}
	var b strings.Builder
	b.Grow(len(raw))
	p.off = make([]int, 0, len(raw)+1)
	for i, r := range raw {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(raw[i:]); size == 1 {
				b.WriteByte(' ')
				p.off = append(p.off, i)
				continue
			}
		}
		f := foldLower(r)
		if f < 0 {
			continue
		}
		n, _ := b.WriteRune(f)
		for k := 0; k < n; k++ {
			p.off = append(p.off, i)
		}
	}
	p.off = append(p.off, len(raw))
	p.f = b.String()
	start, fstart := 0, 0
	for i := 0; i <= len(p.f); i++ {
		if i == len(p.f) || p.f[i] == '\n' {
			p.flines = append(p.flines, [2]int{fstart, i})
			p.lines = append(p.lines, [2]int{start, p.off[i]})
			fstart = i + 1
			if i < len(p.f) {
				start = p.off[i] + 1
			}
		}
	}
	line := 0
	f := p.f
	for i := 0; i < len(f); {
		r, size := utf8.DecodeRuneInString(f[i:])
		if !isWordRune(r) {
			if r == '\n' {
				line++
			}
			i += size
			continue
		}
		j := i
		alpha := true
		for j < len(f) {
			r, size := utf8.DecodeRuneInString(f[j:])
			if !isWordRune(r) {
				break
			}
			if r >= '0' && r <= '9' {
				alpha = false
			}
			j += size
		}
		t := token{fs: i, fe: j, rs: p.off[i], re: p.off[j], k: f[i:j], alpha: alpha, line: line}
		t.st, t.ascii = wordStyle(raw[t.rs:t.re])
		p.toks = append(p.toks, t)
		i = j
	}
	// A page is written with diacritics when a quarter of its words have
	// them; numbers ("27/04/1978") are no words.
	plain, words := 0, 0
	for _, t := range p.toks {
		if t.alpha {
			words++
			if t.ascii {
				plain++
			}
		}
	}
	p.accented = words > 0 && plain < words*3/4
	return p
}

func isWordRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r >= utf8.RuneSelf && unicode.IsLetter(r)
}

// wordStyle tells a raw word's capitalisation and whether it is plain ASCII.
func wordStyle(w string) (style, bool) {
	upper, lower, first, ascii := 0, 0, true, true
	firstUpper := false
	for _, r := range w {
		if r >= utf8.RuneSelf {
			ascii = false
		}
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		if unicode.IsDigit(r) {
			return styleOther, ascii
		}
		if unicode.IsUpper(r) {
			upper++
			if first {
				firstUpper = true
			}
		} else {
			lower++
		}
		first = false
	}
	switch {
	case lower == 0 && upper > 0:
		return styleUpper, ascii
	case lower == 1 && upper >= 2 && !firstUpper && !first:
		// Capitals whose first letter OCR read in lower case after a
		// cell's bar ("|cAo HỮU DUY").
		return styleUpper, ascii
	case firstUpper && upper == 1:
		return styleTitle, ascii
	case upper == 0:
		return styleLower, ascii
	}
	return styleOther, ascii
}

// capital reports whether a style starts with a capital letter.
func (s style) capital() bool { return s == styleTitle || s == styleUpper }

// gap returns the raw text between tokens a and b.
func (p *prep) gap(a, b int) string { return p.raw[p.toks[a].re:p.toks[b].rs] }

// joined reports whether tokens a and b (a < b adjacent) are parts of one
// phrase: on one line, separated only by one or two spaces.
func (p *prep) joined(a, b int) bool {
	g := p.gap(a, b)
	return len(g) >= 1 && len(g) <= 2 && strings.Trim(g, " \u00a0") == "" && p.toks[a].line == p.toks[b].line
}

// rawSpan maps a folded range to raw offsets.
func (p *prep) rawSpan(fs, fe int) (int, int) { return p.off[fs], p.off[fe] }

// tokRange is a range [a, b) of token indexes.
type tokRange struct{ a, b int }

// tokensIn returns the tokens that lie inside the folded range [fs, fe).
func (p *prep) tokensIn(fs, fe int) tokRange {
	a := sort.Search(len(p.toks), func(i int) bool { return p.toks[i].fs >= fs })
	b := a
	for b < len(p.toks) && p.toks[b].fe <= fe {
		b++
	}
	return tokRange{a, b}
}
