package extract

import (
	"regexp"
	"strings"
	"unicode"
)

var (
	// reQueryID is a run of six or more digits, possibly grouped by spaces,
	// dots or dashes: citizen IDs, phone numbers, serials.
	reQueryID = regexp.MustCompile(`\d(?:[ .\-]?\d){5,}`)
	// reQueryDate is a written date (a birth date typed as a query).
	reQueryDate = regexp.MustCompile(`\b\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}\b`)
)

// RedactQuery returns a search query as the audit log may keep it: ID-like
// numbers, dates and personal names (two to five words starting with a
// Vietnamese family name, in any case and with or without marks) are
// replaced by placeholders. The audit log records who searched for what
// without holding the personal values themselves.
func RedactQuery(q string) string {
	q = reQueryID.ReplaceAllString(q, "[số]")
	q = reQueryDate.ReplaceAllString(q, "[ngày]")
	words := strings.Fields(q)
	var out []string
	for i := 0; i < len(words); i++ {
		// A document type's name ("quyet dinh") is never the start of a
		// personal name ("Đinh ...").
		if n := typeNameRun(words[i:]); n > 0 {
			out = append(out, words[i:i+n]...)
			i += n - 1
			continue
		}
		if n := nameRun(words[i:]); n >= 2 {
			out = append(out, "[họ tên]")
			i += n - 1
			continue
		}
		out = append(out, words[i])
	}
	return strings.Join(out, " ")
}

// nameRun returns how many of the first words form a personal name: a
// family name followed by one to four name syllables, or 0. Words typed
// with their marks must be spelled as the name syllable ("định" is not the
// family name Đinh); words typed without marks match any spelling.
func nameRun(words []string) int {
	if len(words) < 2 || !nameSyllable(queryNames.family, words[0]) {
		return 0
	}
	n := 1
	for n < len(words) && n < 5 && nameSyllable(queryNames.known, words[n]) {
		n++
	}
	// Typed without marks, two syllables are too often ordinary words
	// ("dinh thu" in "quyet dinh thu hoi dat"): a name needs three.
	if n < 2 || n == 2 && fold(words[0]) == words[0] && fold(words[1]) == words[1] {
		return 0
	}
	return n
}

var queryNames = defaultNameVocab()

// typeNameRun returns how many of the first words spell a document type
// (vocab/doc_types.yaml), the longest, or 0.
func typeNameRun(words []string) int {
	for n := min(4, len(words)); n >= 2; n-- {
		ws := make([]string, n)
		for i, w := range words[:n] {
			ws[i] = trimWord(w)
		}
		if typeNames[key(strings.Join(ws, " "))] != "" {
			return n
		}
	}
	return 0
}

func nameSyllable(m map[string][]string, w string) bool {
	w = trimWord(w)
	spellings := m[strings.ToLower(fold(w))]
	if len(spellings) == 0 {
		return false
	}
	if fold(w) == w {
		return true // typed without marks
	}
	for _, s := range spellings {
		if strings.EqualFold(nfc(s), nfc(w)) {
			return true
		}
	}
	return false
}

func trimWord(w string) string {
	return strings.TrimFunc(w, func(r rune) bool { return unicode.IsPunct(r) || r == '"' })
}
