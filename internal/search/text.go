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
	if f, ok := foldFast(s); ok {
		return f
	}
	return foldSlow(s)
}

// foldSlow folds normalised text with the Unicode machinery: decompose,
// drop the combining marks, map the letters that do not decompose.
func foldSlow(s string) string {
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

// foldTableSize covers Latin, the combining marks and Vietnamese letters
// (Latin Extended Additional ends at U+1EFF).
const foldTableSize = 0x1F00

// Special values in foldTable.
const (
	foldNone rune = -1 // fold with foldSlow
	foldDrop rune = -2 // a combining mark: dropped
)

// foldTable maps each rune below foldTableSize to its folded form computed
// by foldSlow: a rune, foldDrop for a mark that folding drops, or foldNone
// when the folded form is not a single rune. It is built once and never
// modified.
var foldTable = func() []rune {
	t := make([]rune, foldTableSize)
	for r := rune(0); r < foldTableSize; r++ {
		if r < 0x80 {
			t[r] = unicode.ToLower(r)
			continue
		}
		f := []rune(foldSlow(string(r)))
		switch {
		case unicode.Is(unicode.Mn, r):
			t[r] = foldDrop
		case len(f) == 1:
			t[r] = f[0]
		default:
			t[r] = foldNone
		}
	}
	return t
}()

// foldFast folds normalised text rune by rune through foldTable. It reports
// false when a rune is outside the table, and the caller must use foldSlow.
func foldFast(s string) (string, bool) {
	var b strings.Builder
	b.Grow(len(s))
	dropped := false
	for _, r := range s {
		if r >= foldTableSize {
			return "", false
		}
		switch f := foldTable[r]; f {
		case foldNone:
			return "", false
		case foldDrop:
			dropped = true
		default:
			b.WriteRune(f)
		}
	}
	if dropped {
		// A mark standing alone after a space leaves that space at the edge.
		return strings.Join(strings.Fields(b.String()), " "), true
	}
	return b.String(), true
}

// FoldWord folds one word of text that is already NFC, without the
// white-space handling of Fold: it is the fast path snippets use on every
// word of a record.
func FoldWord(w string) string {
	if isASCII(w) {
		return strings.ToLower(w)
	}
	var b strings.Builder
	b.Grow(len(w))
	for _, r := range w {
		if r >= foldTableSize || foldTable[r] == foldNone {
			return Fold(w)
		}
		if f := foldTable[r]; f != foldDrop {
			b.WriteRune(f)
		}
	}
	return b.String()
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
