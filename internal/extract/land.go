package extract

import (
	"regexp"
	"strings"
)

// reBookEntry is a book entry number ("Số vào sổ cấp GCN"): two letters
// and four to eight digits. Written in by hand, its characters may stand
// apart ("C S25071", "CH0611 1"); a third thin letter is a stroke of noise
// or a split letter ("CHÍ 07670", class thin_strokes of
// vocab/ocr_confusions.yaml).
var reBookEntry = regexp.MustCompile(`(?:^|[^\pL])(\pL)[ \t]?(\pL)(\pL?)([ \t]?[-:.]?[ \t]?)([0-9OIl](?:[ \t]?[0-9OIl]){3,7})(?:[^0-9]|$)`)

// normBookEntry reads the number of a certificate's entry in the
// registry's issuance book as the office wrote it: "CH 00120" or
// "CS25071" (kept with or without the space after the letters, since
// offices write both); spaces handwriting left between letters or
// between digits are dropped, O/I/l among the digits read as digits.
func normBookEntry(raw string, _ normCtx) (normResult, bool) {
	s := strings.ToUpper(nfc(raw))
	for _, m := range reBookEntry.FindAllStringSubmatch(s, -1) {
		q := 1.0
		if m[3] != "" {
			if !strings.Contains(voc.thinStrokes, m[3]) {
				continue
			}
			q = 0.85
		}
		d, rep := ocrDigits(strings.Join(strings.Fields(m[5]), ""))
		if rep || strings.ContainsAny(strings.TrimSpace(m[5]), " \t") {
			q = 0.85
		}
		sep := ""
		if m[4] != "" {
			sep = " "
		}
		return normResult{value: m[1] + m[2] + sep + d, quality: q}, true
	}
	return normResult{}, false
}
