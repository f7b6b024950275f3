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

// reLandPurposeEnd is the code in brackets that closes a land-use purpose
// ("Đất ở tại nông thôn (ONT)"), the code possibly with a second one
// ("(ONT+CLN)") or O read as 0.
var reLandPurposeEnd = regexp.MustCompile(`\(\s*[A-Z0]{3}(?:\s*[+,]\s*[A-Z0]{3})*\s*\)`)

// normLandPurpose reads the purpose of a parcel as the cadastral
// regulations write it, its name and its code ("Đất ở tại nông thôn
// (ONT)"), from any of the ways a certificate or letter prints it:
//   - name and code: kept, and what follows the code (the next item of a
//     list read on the same line) is dropped;
//   - the code alone ("ONT"): the regulations' name is put before it;
//   - the name alone, a name of vocab/land_use.yaml: its code is put after
//     it.
//
// Completed values have a lower quality; other text is kept as text with a
// lower quality still.
func normLandPurpose(raw string, c normCtx) (normResult, bool) {
	r, ok := normText(raw, c)
	if !ok {
		return r, false
	}
	s := r.value
	if m := reLandPurposeEnd.FindStringIndex(fold(s)); m != nil {
		f := newFolded(s)
		_, e := f.rawRange(m[0], m[1])
		r.value = strings.TrimSpace(s[:e])
		return r, true
	}
	if codes := strings.FieldsFunc(fold(s), func(r rune) bool { return r == '+' || r == ',' || r == ' ' }); len(codes) > 0 {
		all := true
		for _, cd := range codes {
			all = all && landCodes[cd]
		}
		if all {
			if name := landPurposeNames[codes[0]]; len(codes) == 1 && name != "" {
				return normResult{value: name + " (" + codes[0] + ")", quality: 0.9}, true
			}
			return normResult{value: strings.Join(codes, "+"), quality: 0.9}, true
		}
	}
	k := key(strings.TrimRight(s, ".;,"))
	for code, name := range landPurposeNames {
		if key(name) == k {
			return normResult{value: name + " (" + code + ")", quality: 0.9}, true
		}
	}
	r.quality = 0.8
	return r, true
}
