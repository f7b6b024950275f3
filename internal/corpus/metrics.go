package corpus

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// normalizeForRate puts text in NFC and collapses every run of white space
// (including line breaks) into one space.
func normalizeForRate(s string) string {
	return strings.Join(strings.Fields(norm.NFC.String(s)), " ")
}

// CER is the character error rate of ocr against truth: the Levenshtein
// distance between the two, counted in NFC runes after collapsing white
// space, divided by the length of the truth. It is 0 for a perfect match
// and may exceed 1 when the OCR adds text. An empty truth gives 0 for an
// empty OCR and 1 otherwise.
func CER(truth, ocr string) float64 {
	t := []rune(normalizeForRate(truth))
	o := []rune(normalizeForRate(ocr))
	return rate(levenshtein(t, o), len(t), len(o))
}

// WER is the word error rate: the Levenshtein distance between the word
// sequences (NFC, split on white space) divided by the number of truth words.
func WER(truth, ocr string) float64 {
	t := strings.Fields(norm.NFC.String(truth))
	o := strings.Fields(norm.NFC.String(ocr))
	return rate(levenshtein(t, o), len(t), len(o))
}

func rate(dist, n, m int) float64 {
	if n == 0 {
		if m == 0 {
			return 0
		}
		return 1
	}
	return float64(dist) / float64(n)
}

// levenshtein is the edit distance (insertions, deletions, substitutions)
// between a and b, in O(len(b)) memory.
func levenshtein[T comparable](a, b []T) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
