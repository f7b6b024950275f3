package extract

import (
	"regexp"
	"strings"
)

// A subject that quotes another document ("… Quyết định số 247/QĐ-UBND
// ngày 13/06/2020 …") carries slashes that OCR reads as a look-alike glyph
// (I, l, J, !, |): the slashes of a date and of a quoted number and symbol
// are restored; the words of the subject are left alone.

// slashGlyphs are the glyphs OCR reads for a slash.
const slashGlyphs = "IlJ!|"

// reSlashDate is a date whose separators may be misread slashes.
var reSlashDate = regexp.MustCompile(`\b([0-3]?[0-9])([/IlJ!|])([01]?[0-9])([/IlJ!|])((?:19|20)[0-9]{2})\b`)

// reQuotedNumber is "số N" and the symbol glued to it by a misread slash
// ("số 247IQĐ-UBND"), or a Party number's symbol ("số 249-KLITU").
var reQuotedNumber = regexp.MustCompile(`(?i:\bs[oố])\s+([0-9]{1,5})([IlJ!|]|-)([A-ZĐ][A-Za-zĐ]{1,11})`)

// repairRefSlashes restores the misread slashes of dates and quoted
// numbers and symbols in s.
func repairRefSlashes(s string) (string, bool) {
	out := reSlashDate.ReplaceAllStringFunc(s, func(m string) string {
		g := reSlashDate.FindStringSubmatch(m)
		return g[1] + "/" + g[3] + "/" + g[5]
	})
	out = reQuotedNumber.ReplaceAllStringFunc(out, func(m string) string {
		g := reQuotedNumber.FindStringSubmatchIndex(m)
		sep, sym := m[g[4]:g[5]], m[g[6]:g[7]]
		if sep == "-" {
			// Party: the type abbreviation, a misread slash, the issuer.
			for k := 1; k < len(sym)-1; k++ {
				if strings.ContainsRune(slashGlyphs, rune(sym[k])) && knownTypeAbbr(key(sym[:k])) {
					return m[:g[6]] + sym[:k] + "/" + sym[k+1:]
				}
			}
			return m
		}
		// State: a slash between the number and a symbol of capitals.
		if strings.ToUpper(sym) != sym && !knownTypeAbbr(key(sym)) {
			return m
		}
		return m[:g[4]] + "/" + sym
	})
	return out, out != s
}
