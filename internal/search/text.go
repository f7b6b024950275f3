package search

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Normalize returns s in Unicode NFC, lower-cased, with every run of white
// space collapsed to one ASCII space and no leading or trailing space. It is
// the form used for exact matching of text and field values in every
// backend. Invalid UTF-8 bytes are replaced by U+FFFD.
func Normalize(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = norm.NFC.String(s)
	s = strings.ToLower(s)
	// ToLower may produce decomposed sequences for a few scripts; recompose.
	s = norm.NFC.String(s)
	return strings.Join(strings.Fields(s), " ")
}

// Fold returns Normalize(s) with all tone and diacritic marks removed and
// đ mapped to d, so that "Quyết định" folds to "quyet dinh". Backends index
// and query a folded copy of the text for accent-insensitive matching.
func Fold(s string) string {
	s = Normalize(s)
	if isASCII(s) {
		return s
	}
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), runes.Map(foldRune), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		// The transformers above never fail on valid UTF-8, which Normalize
		// guarantees; fall back to the normalised form rather than losing text.
		return s
	}
	// A mark standing alone after a space leaves that space at the edge.
	return strings.Join(strings.Fields(out), " ")
}

// foldRune maps letters whose marks are not combining characters in NFD.
func foldRune(r rune) rune {
	switch r {
	case 'đ', 'Đ', 'ð', 'Ð':
		return 'd'
	case 'ø':
		return 'o'
	case 'ł':
		return 'l'
	}
	return r
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
