package extract

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// This file cleans names (person names, issuing bodies) of OCR debris before
// they become record values, blind-index tokens and facets: invisible format
// characters, symbols at the ends, and words at the ends that cannot be
// written Vietnamese ("Ì Lâm Văn Hiếu", "¡uuỦŸ BAN NHÂN DÂN ...").

// vietMarks are the combining marks written Vietnamese uses: the five tone
// marks and the circumflex, breve and horn.
var vietMarks = map[rune]bool{
	'\u0300': true, '\u0301': true, '\u0303': true, '\u0309': true, '\u0323': true,
	'\u0302': true, '\u0306': true, '\u031B': true,
}

// reSyllable matches one Vietnamese syllable folded to lower case without
// diacritics: an optional initial consonant, a vowel group Vietnamese
// writes and an optional final consonant.
var reSyllable = regexp.MustCompile(`^(?:ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdghklmnprstvx])?` +
	`(?:ieu|yeu|oai|oay|oeo|uoi|uou|uya|uye|uyu|uay|ai|ao|au|ay|eo|eu|ia|ie|iu|oa|oe|oi|oo|ua|ue|ui|uo|uu|uy|ye|a|e|i|o|u|y)` +
	`(?:ng|nh|ch|[cmnpt])?$`)

// stripFormat removes format characters (category Cf: zero-width spaces and
// joiners, bidi controls such as U+202E, the BOM), which are invisible and
// let two equal-looking values differ.
func stripFormat(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, s)
}

// nameKind says which words a cleaned value may start or end with.
type nameKind int

const (
	personName nameKind = iota // "Nguyễn Văn An": syllables only
	bodyName                   // "UBND HUYỆN ...": syllables, capital abbreviations, numbers
)

// cleanName returns s (NFC) without format characters and with the words at
// both ends that cannot be written Vietnamese dropped, each end word first
// losing the symbols on its outer side. What is left may be "".
func cleanName(s string, kind nameKind) string {
	words := strings.Fields(norm.NFC.String(stripFormat(s)))
	for len(words) > 0 {
		if w := edgeWord(words[0], kind, true); w != "" {
			words[0] = w
			break
		}
		words = words[1:]
	}
	for len(words) > 0 {
		last := len(words) - 1
		if w := edgeWord(words[last], kind, false); w != "" {
			words[last] = w
			break
		}
		words = words[:last]
	}
	return strings.Join(words, " ")
}

// edgeWord returns the first (first=true) or last word of a name with the
// symbols on its outer side removed, repaired when OCR added a mark
// Vietnamese does not use ("ỦŸ") or glued debris in front of it
// ("uuỦY"), or "" when it cannot be a word of the name.
func edgeWord(w string, kind nameKind, first bool) string {
	notWordRune := func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r) }
	if first {
		w = strings.TrimLeftFunc(w, notWordRune)
	} else {
		w = strings.TrimRightFunc(w, func(r rune) bool { return notWordRune(r) && r != ')' })
	}
	if w == "" {
		return ""
	}
	tries := []string{w, dropForeignMarks(w)}
	if first {
		if i := lastLowerUpper(tries[1]); i > 0 {
			tries = append(tries, tries[1][i:])
		}
	}
	for _, t := range tries {
		if nameWord(t, kind, first) {
			return t
		}
	}
	return ""
}

// dropForeignMarks removes combining marks that Vietnamese does not write
// (diaeresis, cedilla, ring, ...), which on a name are OCR noise.
func dropForeignMarks(w string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(w) {
		if unicode.Is(unicode.Mn, r) && !vietMarks[r] {
			continue
		}
		b.WriteRune(r)
	}
	return norm.NFC.String(b.String())
}

// lastLowerUpper returns the byte offset of the last upper-case letter that
// follows a lower-case one in w ("uuỦY" -> 2), or -1.
func lastLowerUpper(w string) int {
	at, prevLower := -1, false
	for i, r := range w {
		if unicode.IsUpper(r) && prevLower {
			at = i
		}
		prevLower = unicode.IsLower(r)
	}
	return at
}

// nameWord reports whether w can be the first or last word of a name of
// kind: a Vietnamese syllable in lower, upper or title case; for bodies
// also a number or a capital abbreviation ("UBND", "GD&ĐT", "NĐ-CP"); for
// persons also a syllable of a minority language in Vietnamese letters. A
// lone letter ends only a person's name (a one-vowel given name, "Ý") or
// starts it as Y (the Ê Đê and Jrai men's prefix): family names and bodies'
// names are longer, and a lone capital there is a speck or a rule read as a
// letter.
func nameWord(w string, kind nameKind, first bool) bool {
	core := strings.TrimRight(w, ".)")
	if kind == bodyName && allDigits(core) {
		return true
	}
	pieces := strings.FieldsFunc(core, func(r rune) bool { return strings.ContainsRune("&-/.'", r) })
	if len(pieces) == 0 {
		return false
	}
	for i, p := range pieces {
		if !vietLetters(p) || !plainCase(p) {
			return false
		}
		f := strings.ToLower(fold(p))
		n := utf8.RuneCountInString(p)
		switch {
		case reSyllable.MatchString(f):
		case kind == bodyName && n >= 2 && strings.ToUpper(p) == p:
			// A capital abbreviation.
		case kind == personName && n >= 2 && strings.ContainsAny(f, "aeiouy") && strings.Trim(f, "aeiouy") != "":
			// A syllable of a minority language written in Vietnamese
			// letters ("Ksor", "Mlô").
		case kind == personName && n == 1 && i < len(pieces)-1:
			// A prefix joined by an apostrophe ("H'Bia").
		case kind == bodyName && i > 0 && i == len(pieces)-1 && (p == "S" || p == "s") && strings.HasSuffix(core, "'"+p):
			// The possessive of an English translation's header
			// ("PEOPLE'S COMMITTEE OF ... COMMUNE").
		default:
			return false
		}
	}
	if utf8.RuneCountInString(core) == 1 {
		// A lone letter: a person's given name may be one vowel ("Ý").
		return kind == personName && (!first || core == "Y")
	}
	return true
}

// vietLetters reports whether w holds only letters of the Vietnamese
// alphabet (Latin letters and đ with Vietnamese marks).
func vietLetters(w string) bool {
	for _, r := range norm.NFD.String(w) {
		switch {
		case r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'):
		case r == 'đ' || r == 'Đ':
		case vietMarks[r]:
		default:
			return false
		}
	}
	return true
}

// plainCase reports whether w is in lower case, upper case or title case.
func plainCase(w string) bool {
	if strings.ToLower(w) == w || strings.ToUpper(w) == w {
		return true
	}
	r, size := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r) && strings.ToLower(w[size:]) == w[size:]
}
