package extract

import (
	"strings"
	"unicode"
)

// Fuzzy anchors: a printed label ("Số:", "V/v", "Nơi nhận:", "SAO Y BẢN
// CHÍNH") is compared with a line in folded upper-case form by a weighted
// edit distance, so one matcher covers every OCR reading of it instead of
// one regular expression per misreading. Spacing and punctuation noise
// costs little (a space a quarter, a mark half a letter), a glyph read as a look-alike ("1" for "/", "0" for "O")
// costs half a letter, any other letter a whole one; the budget grows with
// the anchor's length.

// fuzzyRune is one rune of a line in comparison form, with the byte range
// of the original text it came from.
type fuzzyRune struct {
	r          rune
	start, end int
}

// fuzzyForm folds s (diacritics removed, upper case, runs of white space as
// one space) and keeps each rune's byte range in s.
func fuzzyForm(s string) []fuzzyRune {
	out := make([]fuzzyRune, 0, len(s))
	for i, r := range s {
		end := i + len(string(r))
		if unicode.IsSpace(r) {
			if n := len(out); n == 0 || out[n-1].r == ' ' {
				continue
			}
			out = append(out, fuzzyRune{' ', i, end})
			continue
		}
		f := foldRune(r)
		if f < 0 {
			if n := len(out); n > 0 {
				out[n-1].end = end // a combining mark belongs to its letter
			}
			continue
		}
		if f == 'Đ' || f == 'đ' {
			f = 'D'
		}
		out = append(out, fuzzyRune{unicode.ToUpper(f), i, end})
	}
	if n := len(out); n > 0 && out[n-1].r == ' ' {
		out = out[:n-1]
	}
	return out
}

// anchor is a compiled fuzzy anchor phrase.
type anchor struct {
	text   string // as written in the layout file
	form   []rune
	budget float64
	// atStart: the phrase must open the line (leading specks allowed).
	atStart bool
	// upper: the line must be mostly capitals (a stamp, not a sentence).
	upper bool
	// digit: a number must follow the phrase ("Số: 12/...").
	digit bool
	// punct: a mark must close the matched phrase ("Ngày:", "Ngày.").
	punct bool
}

// newAnchor compiles a phrase; the budget is half an edit plus 0.1 per
// letter or digit, so that a two-letter label allows one look-alike glyph
// or lost punctuation and a long heading a few misread letters.
func newAnchor(phrase string) anchor {
	a := anchor{text: phrase}
	alnum := 0
	for _, fr := range fuzzyForm(phrase) {
		a.form = append(a.form, fr.r)
		if isAlnum(fr.r) {
			alnum++
		}
	}
	a.budget = 0.5 + 0.1*float64(alnum)
	return a
}

func isAlnum(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// lookAlike are groups of glyphs OCR confuses for one another.
var lookAlike = []string{"0OQD6", "1IL|/\\!J", "5S", "8B", "2Z", "6G", "UV", "VY"}

// subCost is the cost of reading anchor rune a as text rune t.
func subCost(a, t rune) float64 {
	if a == t {
		return 0
	}
	pa, pt := !isAlnum(a), !isAlnum(t)
	if pa && pt {
		return 0.25 // punctuation or spacing noise
	}
	for _, g := range lookAlike {
		if strings.ContainsRune(g, a) && strings.ContainsRune(g, t) {
			return 0.5
		}
	}
	return 1
}

// glyphMerges are glyphs OCR reads for two narrow ones side by side ("W"
// for "/v" or "vv"), by the pairs they stand for; a merge costs half an
// edit.
var glyphMerges = map[rune][]string{'W': {"VV", "V/", "/V", "IV", "VI"}}

// merged reports whether text rune t is a merge of anchor runes a, b.
func merged(a, b, t rune) bool {
	for _, pair := range glyphMerges[t] {
		if pair == string([]rune{a, b}) {
			return true
		}
	}
	return false
}

// gapCost is the cost of losing or adding rune r.
func gapCost(r rune) float64 {
	switch {
	case isAlnum(r):
		return 1
	case r == ' ':
		return 0.25
	}
	return 0.5
}

// longAnchor is the length from which a phrase may be glued to the words
// around it.
const longAnchor = 12

// anchorHit is where an anchor matched in a line: byte offsets in the
// line's text, and the match quality (1 exact, lower for fuzzy).
type anchorHit struct {
	start, end int
	score      float64
	anchor     *anchor
}

// find returns the best match of the anchor in line, ok false when none is
// within the budget. A match starts at a word start and ends at a word end.
func (a *anchor) find(line string) (anchorHit, bool) {
	if len(a.form) == 0 {
		return anchorHit{}, false
	}
	t := fuzzyForm(line)
	if a.upper && !mostlyUpper(line) {
		return anchorHit{}, false
	}
	lead := 0
	if a.atStart {
		// Specks before the label ("- V/v", "| Số:").
		for lead < len(t) && !isAlnum(t[lead].r) && lead < 3 {
			lead++
		}
		limit := lead + len(a.form) + int(a.budget*2) + 2
		if limit < len(t) {
			t = t[:limit]
		}
	}
	m, n := len(a.form), len(t)
	const inf = 1e9
	// prev[j], cur[j]: best cost of the anchor's first i runes ending
	// before text rune j; from[j]: where that alignment started.
	prev, cur, pp := make([]float64, n+1), make([]float64, n+1), make([]float64, n+1)
	pfrom, cfrom, ppfrom := make([]int, n+1), make([]int, n+1), make([]int, n+1)
	for j := range pp {
		pp[j] = inf
	}
	for j := 0; j <= n; j++ {
		prev[j], pfrom[j] = inf, j
		// A long phrase may be glued to the word before it ("ĐÔNGCỘNG
		// HÒA"): OCR lost the space, not the phrase.
		okStart := j == 0 || !isAlnum(t[j-1].r) || (j < n && !isAlnum(t[j].r)) || m >= longAnchor
		if a.atStart {
			okStart = j <= lead
		}
		if okStart {
			prev[j] = 0
		}
	}
	for i := 1; i <= m; i++ {
		ar := a.form[i-1]
		cur[0], cfrom[0] = prev[0]+gapCost(ar), pfrom[0]
		for j := 1; j <= n; j++ {
			best, from := prev[j-1]+subCost(ar, t[j-1].r), pfrom[j-1]
			if c := prev[j] + gapCost(ar); c < best {
				best, from = c, pfrom[j]
			}
			if c := cur[j-1] + gapCost(t[j-1].r); c < best {
				best, from = c, cfrom[j-1]
			}
			if i >= 2 && merged(a.form[i-2], ar, t[j-1].r) {
				if c := pp[j-1] + 0.5; c < best {
					best, from = c, ppfrom[j-1]
				}
			}
			cur[j], cfrom[j] = best, from
		}
		pp, prev, cur = prev, cur, pp
		ppfrom, pfrom, cfrom = pfrom, cfrom, ppfrom
	}
	bestJ, bestC := -1, inf
	for j := 0; j <= n; j++ {
		if prev[j] > a.budget || pfrom[j] >= j {
			continue
		}
		// End at a word end unless the anchor ends in punctuation.
		if m < longAnchor && isAlnum(a.form[m-1]) && j < n && isAlnum(t[j].r) && isAlnum(t[j-1].r) {
			continue
		}
		if prev[j] < bestC || prev[j] == bestC && bestJ >= 0 && pfrom[j] < pfrom[bestJ] {
			bestJ, bestC = j, prev[j]
		}
	}
	if bestJ < 0 {
		return anchorHit{}, false
	}
	s := pfrom[bestJ]
	h := anchorHit{start: t[s].start, end: t[bestJ-1].end, score: 1, anchor: a}
	if bestC > 0 {
		h.score = max(0.5, 1-bestC/float64(m))
	}
	if a.digit && !digitFollows(line[h.end:]) {
		return anchorHit{}, false
	}
	if a.punct && !closedByMark(line[h.start:], h.end-h.start) {
		return anchorHit{}, false
	}
	return h, true
}

// digitFollows reports whether s starts, after spaces and punctuation, with
// a digit or a letter OCR reads for one (O, o, l, I).
func digitFollows(s string) bool {
	for _, r := range s {
		switch {
		case unicode.IsDigit(r) || strings.ContainsRune("OolI", r):
			return true
		case unicode.IsSpace(r) || strings.ContainsRune(":;.,", r):
			continue
		default:
			return false
		}
	}
	return false
}

// closedByMark reports whether a punctuation mark ends the first n bytes
// of s or directly follows them.
func closedByMark(s string, n int) bool {
	end := strings.TrimRight(s[:n], " ")
	rest := strings.TrimLeft(s[n:], " ")
	return strings.ContainsAny(end[max(0, len(end)-1):], ":;.,") || rest != "" && strings.ContainsAny(rest[:1], ":;.,")
}

// anchorSet is a named group of phrases (one role on the page).
type anchorSet []anchor

// find returns the best match of any phrase of the set in line.
func (s anchorSet) find(line string) (anchorHit, bool) {
	var best anchorHit
	ok := false
	for i := range s {
		if h, found := s[i].find(line); found && (!ok || h.score > best.score || h.score == best.score && h.end-h.start > best.end-best.start) {
			best, ok = h, true
		}
	}
	return best, ok
}
