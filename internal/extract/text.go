package extract

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/sohoa/sohoa/internal/domain"
)

// foldRune maps one rune to its accent-free base letter, keeping case:
// "ế" -> 'e', "Đ" -> 'D'. Combining marks fold to -1 (dropped).
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		return r
	}
	switch r {
	case 'đ', 'ð':
		return 'd'
	case 'Đ', 'Ð', 'Ɖ':
		return 'D'
	case '\u00a0', '\u2007', '\u202f', '\u2009', '\u200a', '\u3000':
		return ' '
	case '\u2013', '\u2014', '\u2012', '\u2212':
		return '-'
	case '\u2018', '\u2019', '\u201a', '\u2032':
		return '\''
	case '\u201c', '\u201d', '\u201e':
		return '"'
	case '\u00b0':
		return '°'
	}
	if unicode.Is(unicode.Mn, r) {
		return -1
	}
	if !unicode.IsLetter(r) {
		return r
	}
	d := norm.NFD.String(string(r))
	b, size := utf8.DecodeRuneInString(d)
	if size == len(d) {
		return r
	}
	for _, m := range d[size:] {
		if !unicode.Is(unicode.Mn, m) {
			return r
		}
	}
	return b
}

// fold returns s without diacritics (case kept), e.g. "Quyết Định" -> "Quyet Dinh".
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if f := foldRune(r); f >= 0 {
			b.WriteRune(f)
		}
	}
	return b.String()
}

// key returns the comparison form of s: folded, upper case, single spaces.
func key(s string) string {
	return strings.Join(strings.Fields(strings.ToUpper(fold(s))), " ")
}

// nfc returns s in NFC with runs of white space collapsed and trimmed, and
// the tone mark of "oa", "oe", "uy" at the end of a syllable on the first
// vowel ("hoà" -> "hòa", "uỷ" -> "ủy"), the spelling used by NĐ 30 forms,
// so that both spellings give one value.
func nfc(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Join(strings.Fields(norm.NFC.String(s)), " ")
	if !strings.ContainsAny(s, "àáảãạèéẻẽẹỳýỷỹỵÀÁẢÃẠÈÉẺẼẸỲÝỶỸỴ") {
		return s
	}
	return reOldTone.ReplaceAllStringFunc(s, func(m string) string {
		rs := []rune(m)
		i := 0
		if len(rs) > 0 && !strings.ContainsRune("oOuU", rs[0]) {
			if rs[0] == 'q' || rs[0] == 'Q' {
				return m // "quý": qu is a consonant
			}
			i = 1
		}
		first, second := rs[i], rs[i+1]
		tone, base := toneOf(second)
		if tone == 0 {
			return m
		}
		return string(rs[:i]) + string(withTone(first, tone)) + string(base) + string(rs[i+2:])
	})
}

// reOldTone finds "oà", "oé", "uỷ" ... ending a syllable, with the letter
// before it (to leave "quý" alone).
var reOldTone = regexp.MustCompile(`(?i)(?:^|\PL|\pL)[ou][àáảãạèéẻẽẹỳýỷỹỵ](?:\PL|$)`)

// toneOf splits a precomposed vowel into its tone mark and its base.
func toneOf(r rune) (rune, rune) {
	d := []rune(norm.NFD.String(string(r)))
	if len(d) != 2 {
		return 0, r
	}
	return d[1], d[0]
}

func withTone(r, tone rune) rune {
	c := []rune(norm.NFC.String(string(r) + string(tone)))
	if len(c) != 1 {
		return r
	}
	return c[0]
}

// folded is a page's text in folded form with a map back to byte offsets of
// the original text.
type folded struct {
	raw  string
	text string
	// off[i] is the byte offset in raw of folded byte i; off[len(text)] = len(raw).
	off []int
}

func newFolded(raw string) folded {
	var b strings.Builder
	b.Grow(len(raw))
	off := make([]int, 0, len(raw)+1)
	for i, r := range raw {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(raw[i:]); size == 1 {
				b.WriteByte(' ')
				off = append(off, i)
				continue
			}
		}
		f := foldRune(r)
		if f < 0 {
			continue
		}
		n, _ := b.WriteRune(f)
		for k := 0; k < n; k++ {
			off = append(off, i)
		}
	}
	off = append(off, len(raw))
	return folded{raw: raw, text: b.String(), off: off}
}

// rawRange maps a folded byte range to the original text.
func (f folded) rawRange(start, end int) (int, int) {
	s := f.off[start]
	e := f.off[end]
	if end > 0 && end <= len(f.text) && end < len(f.off)-1 {
		// Include combining marks that followed the last folded rune.
		e = f.off[end]
	}
	return s, e
}

// wordSpan is an OCR word located in the page text.
type wordSpan struct {
	start, end int // byte offsets in the page text
	word       *domain.Word
}

// line is one line of the page text.
type line struct {
	start, end int // byte offsets in the page text, end excludes '\n'
}

// page is a prepared OCR page.
type page struct {
	no    domain.PageNo
	src   *domain.Page
	f     folded
	lines []line
	words []wordSpan
	// ocrConf is the page confidence 0-1 when known, else -1.
	ocrConf float64
}

func preparePage(p *domain.Page) *page {
	pg := &page{no: p.No, src: p, f: newFolded(p.Text), ocrConf: -1}
	if p.Confidence > 0 {
		pg.ocrConf = clamp01(p.Confidence / 100)
	}
	start := 0
	for i := 0; i <= len(p.Text); i++ {
		if i == len(p.Text) || p.Text[i] == '\n' {
			pg.lines = append(pg.lines, line{start: start, end: i})
			start = i + 1
		}
	}
	// Locate words in the text, in order; words that cannot be found are
	// skipped (their confidence still counts for zones).
	cur := 0
	for i := range p.Words {
		w := &p.Words[i]
		t := strings.TrimSpace(w.Text)
		if t == "" {
			continue
		}
		j := strings.Index(p.Text[cur:], t)
		if j < 0 || j > 400 {
			continue
		}
		s := cur + j
		pg.words = append(pg.words, wordSpan{start: s, end: s + len(t), word: w})
		cur = s + len(t)
	}
	return pg
}

// conf returns the mean OCR confidence (0-1) of the words overlapping the
// byte range [s, e) of the page text, or the page confidence, or 0.9 when
// nothing is known (text without words).
func (p *page) conf(s, e int) float64 {
	var sum float64
	n := 0
	for _, w := range p.words {
		if w.end <= s {
			continue
		}
		if w.start >= e {
			break
		}
		sum += w.word.Conf
		n++
	}
	if n > 0 {
		return clamp01(sum / float64(n) / 100)
	}
	if p.ocrConf >= 0 {
		return p.ocrConf
	}
	return 0.9
}

// lineAt returns the index of the line containing byte offset off.
func (p *page) lineAt(off int) int {
	lo, hi := 0, len(p.lines)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if p.lines[mid].start <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

func (p *page) lineText(i int) string {
	l := p.lines[i]
	return p.f.raw[l.start:l.end]
}

func clamp01(x float64) float64 {
	switch {
	case x < 0:
		return 0
	case x > 1:
		return 1
	}
	return x
}

// levenshtein returns the edit distance between a and b, counted in runes.
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) == 0 {
		return len(rb)
	}
	if len(rb) == 0 {
		return len(ra)
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			c := 1
			if ra[i-1] == rb[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// similar reports whether a and b (already in key form) differ by at most
// one edit per six runes of the longer one.
func similar(a, b string) bool {
	if a == b {
		return true
	}
	la, lb := utf8.RuneCountInString(a), utf8.RuneCountInString(b)
	if la == 0 || lb == 0 {
		return false
	}
	budget := max(la, lb) / 6
	if budget == 0 {
		return false
	}
	if abs(la-lb) > budget {
		return false
	}
	return levenshtein(a, b) <= budget
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// lineWords returns the located words of line i, in order: a slice of
// p.words, which are sorted by offset and do not overlap.
func (p *page) lineWords(i int) []wordSpan {
	l := p.lines[i]
	a := sort.Search(len(p.words), func(j int) bool { return p.words[j].end > l.start })
	b := a + sort.Search(len(p.words)-a, func(j int) bool { return p.words[a+j].start >= l.end })
	return p.words[a:b]
}

// lineRight returns the part of line i from its first word whose box starts
// at or right of x: the right column of a line in which OCR merged two
// columns ("- Các sở, ban, ngành;   KT. CHỦ TỊCH"). Without word boxes it
// returns the whole line.
func (p *page) lineRight(i, x int) string {
	ws := p.lineWords(i)
	if len(ws) == 0 {
		return p.lineText(i)
	}
	for _, w := range ws {
		if w.word.Box.Min.X >= x {
			return p.f.raw[w.start:p.lines[i].end]
		}
	}
	return ""
}

// lineLeft returns the part of line i made of words whose box starts left
// of x. Without word boxes it returns the whole line.
func (p *page) lineLeft(i, x int) string {
	ws := p.lineWords(i)
	if len(ws) == 0 {
		return p.lineText(i)
	}
	end := -1
	for _, w := range ws {
		if w.word.Box.Min.X >= x {
			break
		}
		end = w.end
	}
	if end < 0 {
		return ""
	}
	return p.f.raw[p.lines[i].start:end]
}

// lineLastSegment returns the words of line i after its last wide gap
// (a twentieth of the page), or "" when the line has no such gap or no
// word boxes: the right column of a line that OCR joined across columns.
func (p *page) lineLastSegment(i int) string {
	ws := p.lineWords(i)
	if len(ws) < 2 || p.src.Width == 0 {
		return ""
	}
	gap := p.src.Width / 20
	for j := len(ws) - 1; j > 0; j-- {
		if ws[j].word.Box.Min.X-ws[j-1].word.Box.Max.X > gap {
			return p.f.raw[ws[j].start:p.lines[i].end]
		}
	}
	return ""
}

// lineBox returns the horizontal extent of line i's words, ok false when
// the line has no located words.
func (p *page) lineBox(i int) (minX, maxX int, ok bool) {
	for _, w := range p.lineWords(i) {
		if !ok || w.word.Box.Min.X < minX {
			minX = w.word.Box.Min.X
		}
		if !ok || w.word.Box.Max.X > maxX {
			maxX = w.word.Box.Max.X
		}
		ok = true
	}
	return minX, maxX, ok
}
