package ocr

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/sohoa/sohoa/internal/domain"
)

// Reading Vietnamese with Tesseract's combined "vie+eng" model is worse than
// with "vie" alone: Tesseract tries the language that won the previous word
// first and keeps it when the word is "acceptable", so after one English
// word the Vietnamese words that follow lose their diacritics ("Hồ sơ gồm"
// reads "H6 so gom"). Measured on generated 300-dpi pages: CER 0.29 % with
// vie against 0.83 % with vie+eng, and vie is faster. English is still read
// well by vie on clean pages, but on poor scans of English text eng is far
// better (CER 8.6 % against 18.5 %).
//
// So when the first configured language is Vietnamese and others follow, a
// page is read with Vietnamese alone, and only a page that does not read as
// Vietnamese (most of its words are not Vietnamese syllables) is read again
// with every language; the better reading is kept.

// minVietnameseShare is the share of a page's words that must be Vietnamese
// syllables for a Vietnamese reading to stand. Vietnamese pages score 0.85
// and more (abbreviations such as UBND and numbers are the rest); English
// pages, even read with the Vietnamese model, score under 0.45.
const minVietnameseShare = 0.6

// syllable matches a Vietnamese syllable without its tone mark: an optional
// initial consonant, one to three vowels, an optional final consonant.
var syllable = regexp.MustCompile(`^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?` +
	`[aăâeêioôơuưy]{1,3}(ch|ng|nh|[cmnpt])?$`)

// toneMarks are the five Vietnamese tone marks (NFD combining characters).
var toneMarks = map[rune]bool{'\u0300': true, '\u0301': true, '\u0303': true, '\u0309': true, '\u0323': true}

// vowelMarks are the marks that make Vietnamese vowels (â ê ô, ă, ơ ư).
var vowelMarks = map[rune]bool{'\u0302': true, '\u0306': true, '\u031B': true}

// isVietnameseSyllable reports whether w (letters only) is a well-formed
// Vietnamese syllable: at most one tone mark, only Vietnamese letters, and
// initial, vowels and final in Vietnamese order. "Quyết", "định", "the" and
// "a" are; "and", "data", "sháre" and "ïn" are not.
func isVietnameseSyllable(w string) bool {
	var b strings.Builder
	tones := 0
	for _, r := range norm.NFD.String(strings.ToLower(w)) {
		switch {
		case toneMarks[r]:
			tones++
		case vowelMarks[r]:
			b.WriteRune(r)
		case unicode.Is(unicode.Mn, r):
			return false // ä, ñ, š ...: not a Vietnamese letter
		default:
			b.WriteRune(r)
		}
	}
	if tones > 1 {
		return false
	}
	return syllable.MatchString(norm.NFC.String(b.String()))
}

// vietnameseShare is the share of the page's words of letters that are
// Vietnamese syllables. Words with digits or other symbols are left out;
// a page with no words of letters scores 1 (nothing says it is not).
func vietnameseShare(p domain.Page) float64 {
	n, ok := 0, 0
	for _, w := range p.Words {
		t := strings.TrimFunc(w.Text, func(r rune) bool { return !unicode.IsLetter(r) })
		if t == "" || strings.IndexFunc(t, func(r rune) bool { return !unicode.IsLetter(r) }) >= 0 {
			continue
		}
		n++
		if isVietnameseSyllable(t) {
			ok++
		}
	}
	if n == 0 {
		return 1
	}
	return float64(ok) / float64(n)
}
