package extract

import (
	"regexp"
	"strings"
)

// ocrClass returns a regular-expression alternation matching one
// character of an OCR confusion class (vocab/ocr_confusions.yaml); the one
// function through which the normalisers read the classes.
func ocrClass(chars []string) string {
	if len(chars) == 0 {
		return `(?:\x00)` // an empty class matches nothing in text
	}
	quoted := make([]string, len(chars))
	for i, c := range chars {
		quoted[i] = regexp.QuoteMeta(c)
	}
	return `(?:` + strings.Join(quoted, "|") + `)`
}

// signPrefixRegexp matches the authority line that opens a signature block
// ("TM.", "KT.", "TUQ.", "T/M"; vocab/signing.yaml), allowing one thin
// stroke OCR inserts between two letters ("TIM." for "TM."; class
// thin_strokes of vocab/ocr_confusions.yaml).
func signPrefixRegexp() *regexp.Regexp {
	thin := ocrClass(strings.Split(voc.thinStrokes, ""))
	alts := make([]string, 0, len(voc.authority))
	for _, a := range sortedByLenDesc(voc.authority) {
		rs := []rune(a)
		var b strings.Builder
		for i, r := range rs {
			b.WriteString(regexp.QuoteMeta(string(r)))
			if i < len(rs)-1 && r != '/' && rs[i+1] != '/' {
				b.WriteString(thin + `?`)
			}
		}
		alts = append(alts, b.String())
	}
	return regexp.MustCompile(`^(?:` + strings.Join(alts, "|") + `)\s*[.:]`)
}

func sortedByLenDesc(xs []string) []string {
	out := append([]string(nil), xs...)
	sortByLenDesc(out)
	return out
}

// multiWord returns the entries of list made of more than one word.
func multiWord(list []string) []string {
	var out []string
	for _, s := range list {
		if strings.Contains(s, " ") {
			out = append(out, s)
		}
	}
	return out
}
