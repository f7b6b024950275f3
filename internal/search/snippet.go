package search

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"
)

// DefaultSnippetRunes is the snippet length used when Snippet is given 0.
const DefaultSnippetRunes = 240

// Snippet cuts a fragment of about maxRunes runes (0: DefaultSnippetRunes)
// out of text around the densest group of words matching the free-text
// query, and returns it as HTML: matching words wrapped in <mark></mark>,
// everything else escaped, runs of white space collapsed to one space.
// Words match when their folded forms are equal, or, for query words of at
// least FuzzyMinRunes runes, one edit apart with the same first FuzzyPrefixRunes letters, as
// the backends' typo tolerance. The fragment is always cut from text: it
// never contains words the text does not have. Without a match the fragment
// is the start of text.
func Snippet(text, query string, maxRunes int) string {
	if maxRunes <= 0 {
		maxRunes = DefaultSnippetRunes
	}
	if text == "" {
		return ""
	}
	words := scanWords(text)
	terms := Words(Fold(query))
	if len(terms) > 0 {
		for i := range words {
			words[i].term = matchTerm(FoldWord(text[words[i].start:words[i].end]), terms)
		}
	}

	// Pick the window with the most distinct matched terms, then the most
	// matches, then the earliest.
	from := 0
	bestDistinct, bestCount, candidates := 0, 0, 0
	lead := maxRunes / 5
	for i, w := range words {
		if w.term < 0 {
			continue
		}
		if candidates++; candidates > 200 {
			break
		}
		s := i
		for s > 0 && w.runeStart-words[s-1].runeStart <= lead {
			s--
		}
		seen := map[int]bool{}
		count := 0
		for j := s; j < len(words) && words[j].runeEnd-words[s].runeStart <= maxRunes; j++ {
			if words[j].term >= 0 {
				seen[words[j].term] = true
				count++
			}
		}
		if len(seen) > bestDistinct || (len(seen) == bestDistinct && count > bestCount) {
			bestDistinct, bestCount, from = len(seen), count, s
		}
	}
	if len(words) == 0 {
		return html.EscapeString(collapseSpace(truncateRunes(text, maxRunes)))
	}

	var b strings.Builder
	pos := words[from].start
	if from == 0 {
		pos = 0 // keep leading punctuation such as an opening quote
	}
	limit := words[from].runeStart + maxRunes
	for j := from; j < len(words) && words[j].runeEnd <= limit; j++ {
		w := words[j]
		b.WriteString(html.EscapeString(collapseSpace(text[pos:w.start])))
		word := html.EscapeString(text[w.start:w.end])
		if w.term >= 0 {
			b.WriteString("<mark>")
			b.WriteString(word)
			b.WriteString("</mark>")
		} else {
			b.WriteString(word)
		}
		pos = w.end
	}
	if from == 0 && words[len(words)-1].runeEnd <= limit {
		b.WriteString(html.EscapeString(collapseSpace(text[pos:])))
	}
	return strings.TrimSpace(b.String())
}

type scannedWord struct {
	start, end         int // byte offsets in text
	runeStart, runeEnd int // rune offsets in text
	term               int // index of the matched query term, -1 if none
}

func scanWords(text string) []scannedWord {
	var words []scannedWord
	in := false
	runeIdx := 0
	var cur scannedWord
	for i, r := range text {
		if isWordRune(r) {
			if !in {
				cur = scannedWord{start: i, runeStart: runeIdx, term: -1}
				in = true
			}
		} else if in {
			cur.end, cur.runeEnd = i, runeIdx
			words = append(words, cur)
			in = false
		}
		runeIdx++
	}
	if in {
		cur.end, cur.runeEnd = len(text), runeIdx
		words = append(words, cur)
	}
	return words
}

// matchTerm returns the index of the first query term that the folded word
// matches, or -1.
func matchTerm(word string, terms []string) int {
	for i, t := range terms {
		if word == t {
			return i
		}
	}
	for i, t := range terms {
		if utf8.RuneCountInString(t) >= FuzzyMinRunes && withinOneEdit(word, t) {
			return i
		}
	}
	return -1
}

// withinOneEdit reports whether a and b share their first FuzzyPrefixRunes
// runes and are at most one insertion, deletion or substitution apart.
func withinOneEdit(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if len(ra) < FuzzyPrefixRunes || len(rb) < FuzzyPrefixRunes || string(ra[:FuzzyPrefixRunes]) != string(rb[:FuzzyPrefixRunes]) {
		return false
	}
	if len(ra) < len(rb) {
		ra, rb = rb, ra
	}
	if len(ra)-len(rb) > 1 {
		return false
	}
	i := 0
	for i < len(rb) && ra[i] == rb[i] {
		i++
	}
	if i == len(rb) {
		return true // equal, or ra has one extra rune at the end
	}
	if len(ra) == len(rb) {
		return string(ra[i+1:]) == string(rb[i+1:])
	}
	return string(ra[i+1:]) == string(rb[i:])
}

func collapseSpace(s string) string {
	if !strings.ContainsFunc(s, unicode.IsSpace) {
		return s
	}
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	if space {
		b.WriteByte(' ')
	}
	return b.String()
}

func truncateRunes(s string, n int) string {
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos]
		}
		i++
	}
	return s
}
