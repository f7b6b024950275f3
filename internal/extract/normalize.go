package extract

import (
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// normCtx is what a normaliser may know about the document besides the text.
type normCtx struct {
	// typeAbbr is the type abbreviation implied by the document's title word
	// ("QĐ" for QUYẾT ĐỊNH), "" when unknown.
	typeAbbr string
	// birthYear is the holder's birth year when already known, else 0.
	birthYear int
}

// normResult is one normalised value.
type normResult struct {
	value string
	// parts holds sub-values for normalisers that split (number_symbol:
	// "number", "symbol"; date_place: "place", "date").
	parts map[string]string
	// quality multiplies the OCR confidence: 1 for a value that passed every
	// check, lower when repairs were needed or a check failed.
	quality float64
}

// normalizer turns raw text into a canonical value; ok is false when the
// text holds no acceptable value.
type normalizer func(raw string, c normCtx) (normResult, bool)

// normalizers lists every normaliser by the name used in pipeline files.
func normalizers() map[string]normalizer {
	return map[string]normalizer{
		"text":          normText,
		"upper":         normUpper,
		"person_name":   normPersonName,
		"date_vi":       normDate,
		"year":          normYear,
		"number_symbol": normNumberSymbol,
		"area_m2":       normArea,
		"cccd":          normCCCD,
		"cmnd":          normCMND,
		"phone":         normPhone,
		"token":         normToken,
		"sheet":         normSheet,
		"code_list":     normCodeList,
		"serial":        normSerial,
		"book_entry":    normBookEntry,
		"land_purpose":  normLandPurpose,
		"place_date":    normPlaceDate,
		"digits":        normDigits,
		"address":       normAddress,
	}
}

// trimPunct strips white space and punctuation other than closing brackets
// from both ends.
func trimPunct(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || (unicode.IsPunct(r) && r != ')' && r != '(') || r == '|' || r == '_' || r == '~' || r == '°'
	})
}

func normText(raw string, _ normCtx) (normResult, bool) {
	v := trimPunct(nfc(raw))
	if v == "" {
		return normResult{}, false
	}
	return normResult{value: v, quality: 1}, true
}

func normUpper(raw string, c normCtx) (normResult, bool) {
	r, ok := normText(raw, c)
	r.value = norm.NFC.String(strings.ToUpper(r.value))
	return r, ok
}

// honorifics are words that precede a name but are not part of it
// (vocab/words.yaml).
var honorifics = voc.honorifics

// normPersonName writes a name in Vietnamese capitalisation ("NGUYỄN VĂN AN"
// -> "Nguyễn Văn An"). Names are 2 to 6 words of letters, cleaned of OCR
// debris at the ends (cleanName).
func normPersonName(raw string, _ normCtx) (normResult, bool) {
	s := cleanName(nfc(raw), personName)
	// Cut at the first character that cannot be in a name.
	if i := strings.IndexFunc(s, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) || r == ' ' || r == '-' || r == '\'')
	}); i >= 0 {
		s = s[:i]
	}
	words := strings.Fields(s)
	for len(words) > 0 && honorifics[key(words[0])] {
		words = words[1:]
	}
	// The name is the leading run of capitalised words ("Nguyễn Văn An
	// sinh năm 1969" -> "Nguyễn Văn An").
	for i, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) {
			words = words[:i]
			break
		}
	}
	if len(words) < 2 || len(words) > 6 {
		return normResult{}, false
	}
	q := 1.0
	for i, w := range words {
		w = strings.Trim(w, "-'")
		if w == "" {
			return normResult{}, false
		}
		lower := strings.ToLower(w)
		r, size := utf8.DecodeRuneInString(lower)
		words[i] = norm.NFC.String(string(unicode.ToUpper(r)) + lower[size:])
	}
	// OCR debris at the ends ("Ì Lâm Văn Hiếu") is no part of the name.
	v := cleanName(strings.Join(words, " "), personName)
	if strings.Count(v, " ") < 1 {
		return normResult{}, false
	}
	return normResult{value: v, quality: q}, true
}

// ocrDigits repairs letters OCR confuses with digits (O->0, l/I->1; the
// class digits of vocab/ocr_confusions.yaml) inside a run that is mostly
// digits. It reports whether it changed anything.
func ocrDigits(s string) (string, bool) {
	changed := false
	out := strings.Map(func(r rune) rune {
		if d, ok := voc.digitOf[r]; ok {
			changed = true
			return d
		}
		return r
	}, s)
	return out, changed
}

var (
	reDateVI  = regexp.MustCompile(`(?i)ng[a-z]{0,2}y\s*[:.,]?\s*([0-9OoIl](?:[ \t]?[0-9OoIl])?)\s*[,.]?\s*th[a-z]{0,2}ng\s*[:.,]?\s*([0-9OoIl](?:[ \t]?[0-9OoIl])?)\s*[,.]?\s*n[a-z]{0,2}m\s*[:.,]?\s*([0-9OoIl]{4})`)
	reDateNum = regexp.MustCompile(`(?:^|[^0-9])([0-9]{1,2})\s?[/.\-]\s?([0-9]{1,2})\s?[/.\-]\s?((?:19|20)[0-9]{2})(?:[^0-9]|$)`)
	reYear    = regexp.MustCompile(`(?:^|[^0-9])((?:18|19|20)[0-9]{2})(?:[^0-9]|$)`)
)

// normDate turns a Vietnamese or numeric date into ISO 8601 (2022-07-14);
// a lone year ("sinh năm 1969") stays a year.
func normDate(raw string, _ normCtx) (normResult, bool) {
	f := fold(raw)
	if m := reDateVI.FindStringSubmatch(f); m != nil {
		// OCR splits two-digit days and months: "ngày 1 8 tháng".
		d, r1 := ocrDigits(strings.Join(strings.Fields(m[1]), ""))
		mo, r2 := ocrDigits(strings.Join(strings.Fields(m[2]), ""))
		y, r3 := ocrDigits(m[3])
		if iso, ok := isoDate(y, mo, d); ok {
			q := 1.0
			if r1 || r2 || r3 {
				q = 0.85
			}
			return normResult{value: iso, quality: q}, true
		}
	}
	if m := reDateNum.FindStringSubmatch(f); m != nil {
		if iso, ok := isoDate(m[3], m[2], m[1]); ok {
			return normResult{value: iso, quality: 1}, true
		}
	}
	return normYear(raw, normCtx{})
}

func normYear(raw string, _ normCtx) (normResult, bool) {
	f, repaired := ocrDigits(fold(raw))
	m := reYear.FindStringSubmatch(f)
	if m == nil {
		return normResult{}, false
	}
	y, _ := strconv.Atoi(m[1])
	if y < 1850 || y > 2100 {
		return normResult{}, false
	}
	q := 1.0
	if repaired && !reYear.MatchString(fold(raw)) {
		q = 0.85
	}
	return normResult{value: m[1], quality: q}, true
}

func isoDate(y, m, d string) (string, bool) {
	yi, err1 := strconv.Atoi(y)
	mi, err2 := strconv.Atoi(m)
	di, err3 := strconv.Atoi(d)
	if err1 != nil || err2 != nil || err3 != nil || yi < 1800 || yi > 2100 {
		return "", false
	}
	t := time.Date(yi, time.Month(mi), di, 0, 0, 0, 0, time.UTC)
	if t.Year() != yi || int(t.Month()) != mi || t.Day() != di {
		return "", false
	}
	return t.Format("2006-01-02"), true
}

// typeAbbrs maps administrative document type names (key form) to their
// abbreviation in the symbol (NĐ 30/2020/NĐ-CP, annex III), from
// vocab/doc_types.yaml.
var typeAbbrs = voc.typeAbbrs

// dRepairs lists symbol parts that OCR commonly reads without the stroke of
// Đ and that are unambiguous, with their correct spelling
// (vocab/doc_types.yaml).
var dRepairs = voc.dParts

var reNumSym = regexp.MustCompile(`([0-9OoIl]{1,6})\s*([/\-!|])\s*([\p{L}0-9][\p{L}0-9\s/\-.]*[\p{L}0-9])`)

// normNumberSymbol splits "Số: 1929/QĐ-UBND" into number 1929 and symbol
// QĐ-UBND; "30/2020/NĐ-CP" keeps the year in the symbol (2020/NĐ-CP) and
// Party numbers "05-NQ/TU" give 05 and NQ/TU. A stroke lost by OCR on Đ is
// restored from the title word (c.typeAbbr) and a list of known parts.
func normNumberSymbol(raw string, c normCtx) (normResult, bool) {
	s := nfc(raw)
	// Drop a leading "Số" label if the caller passed it.
	if i := strings.IndexAny(s, ":"); i >= 0 && i < 6 {
		s = s[i+1:]
	}
	m := reNumSym.FindStringSubmatchIndex(s)
	if m == nil {
		return normResult{}, false
	}
	num, rep := ocrDigits(s[m[2]:m[3]])
	if _, err := strconv.Atoi(num); err != nil {
		return normResult{}, false
	}
	sym := s[m[6]:m[7]]
	// The symbol ends at the first space not surrounded by separators.
	sym = collapseSymbol(sym)
	if sym == "" {
		return normResult{}, false
	}
	q := 1.0
	if rep {
		q = 0.85
	}
	// Symbols are written in Latin capitals and Đ: a mark OCR put on
	// another letter is noise ("NQ/HŨ" -> "NQ/HU").
	sym = symbolLetters(sym)
	// A separator lost between the type and the issuer ("BCHU" for a Party
	// "BC/HU", "QĐUBND" for "QĐ-UBND"): split after the title's type.
	if !strings.ContainsAny(sym, "-/") && c.typeAbbr != "" {
		if ta := key(c.typeAbbr); len(sym) > len(ta)+1 && strings.HasPrefix(key(sym), ta) {
			sep := "-"
			if s[m[4]] == '-' {
				sep = "/" // Party: 05-NQ/TU
			}
			sym = c.typeAbbr + sep + sym[len(ta):]
			q = min(q, 0.85)
		}
	}
	parts := strings.FieldsFunc(sym, func(r rune) bool { return r == '-' || r == '/' })
	if len(parts) == 0 {
		return normResult{}, false
	}
	seps := symbolSeps(sym)
	typeIdx := 0
	if len(parts) > 1 && len(parts[0]) == 4 && allDigits(parts[0]) {
		typeIdx = 1 // year inside the symbol
	}
	for i, p := range parts {
		up := p
		if strings.ToUpper(up) != up && !knownMixed(up) {
			// Mixed case only exists in a few abbreviations (QyĐ, CTr, TTr, TrS).
			up = strings.ToUpper(up)
		}
		// One letter misread in the type ("TIr" for "TTr" under TỜ TRÌNH).
		if i == typeIdx && c.typeAbbr != "" && len(up) >= 2 && key(up) != key(c.typeAbbr) &&
			len(up) == len(key(c.typeAbbr)) && levenshtein(key(up), key(c.typeAbbr)) == 1 {
			up = c.typeAbbr
			q = min(q, 0.85)
		}
		if i == typeIdx && c.typeAbbr != "" && key(up) == key(c.typeAbbr) && up != c.typeAbbr {
			if strings.ToUpper(up) != strings.ToUpper(c.typeAbbr) {
				q = min(q, 0.9)
			}
			up = c.typeAbbr
		} else if r, ok := dRepairs[key(up)]; ok && up != r && !(i == typeIdx && c.typeAbbr != "" && key(c.typeAbbr) == key(up)) {
			if i == typeIdx && c.typeAbbr != "" && up == strings.ToUpper(c.typeAbbr) {
				// e.g. DA for Dự án: already right.
			} else {
				up = r
				q = min(q, 0.9)
			}
		}
		parts[i] = up
	}
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			b.WriteByte(seps[i-1])
		}
		b.WriteString(p)
	}
	sym = b.String()
	// Party documents: "05-NQ/TU" -> the separator after the number is '-'.
	return normResult{
		value:   num + string(s[m[4]]) + sym,
		parts:   map[string]string{"number": num, "symbol": sym},
		quality: q,
	}, true
}

// symbolLetters removes marks from every letter but Đ.
func symbolLetters(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == 'Đ' || r == 'đ' {
			b.WriteRune(r)
			continue
		}
		b.WriteRune(foldRune(r))
	}
	return b.String()
}

// knownMixed reports whether s is an abbreviation written in mixed case
// (QyĐ, CTr, TTr; vocab/doc_types.yaml).
func knownMixed(s string) bool { return voc.mixed[s] }

var reSymbolSep = regexp.MustCompile(`\s*([/\-])\s*`)

// collapseSymbol removes spaces around separators and cuts the symbol at the
// first remaining space ("QĐ - UBND ngày" -> "QĐ-UBND").
func collapseSymbol(s string) string {
	s = reSymbolSep.ReplaceAllString(s, "$1")
	if i := strings.IndexFunc(s, unicode.IsSpace); i >= 0 {
		s = s[:i]
	}
	return strings.Trim(s, "-/.")
}

func symbolSeps(s string) []byte {
	var out []byte
	for i := 0; i < len(s); i++ {
		if s[i] == '-' || s[i] == '/' {
			out = append(out, s[i])
		}
	}
	return out
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

var (
	// A decimal comma read as another mark (class decimal_comma of
	// vocab/ocr_confusions.yaml): "362;7m2", "362j/7m2".
	reAreaComma = regexp.MustCompile(`([0-9])` + ocrClass(voc.decimalComma) + `{1,2}([0-9]{1,2})([^0-9/]|$)`)
	// m² with the raised 2 read as another mark (class superscript_two).
	// "1,250.5 m²" (English translations) before "1.250,5 m²".
	reArea = regexp.MustCompile(`([0-9]{1,3}(?:,[0-9]{3})+\.[0-9]+|[0-9OoIl]{1,3}(?:[.\s][0-9]{3})+(?:,[0-9]+)?|[0-9OoIl]*[0-9][0-9OoIl]*(?:[.,][0-9]+)?)\s*(m\s?` + ocrClass(voc.superscriptTwo) + `|m\b|ha\b)?`)
)

// normArea reads an area written the Vietnamese way ("1.250,5 m²", OCR
// "1.250,5 m2") as a plain number of square metres ("1250.5").
func normArea(raw string, _ normCtx) (normResult, bool) {
	f := fold(raw)
	// A decimal comma read as "j/" or ";" ("362j/7m2" for "362,7 m²").
	garbled := reAreaComma.MatchString(f)
	f = reAreaComma.ReplaceAllString(f, "$1,$2$3")
	for _, m := range reArea.FindAllStringSubmatch(f, -1) {
		numText, rep := ocrDigits(m[1])
		unit := strings.ToLower(strings.ReplaceAll(m[2], " ", ""))
		v, ok := parseVNNumber(numText)
		if !ok {
			continue
		}
		q := 1.0
		switch {
		case unit == "ha":
			v *= 10000
		case unit == "m²" || unit == "m2":
		case unit == "":
			q = 0.85
		default:
			q = 0.9
		}
		if rep || garbled {
			q = min(q, 0.85)
		}
		if v <= 0 {
			continue
		}
		return normResult{value: strconv.FormatFloat(v, 'f', -1, 64), quality: q}, true
	}
	return normResult{}, false
}

// parseVNNumber parses "1.250,5", "1 250,5", "1250.5" and "1250"; with
// both marks, the last is the decimal one, so an English translation's
// "1,250.5" reads 1250.5 too.
func parseVNNumber(s string) (float64, bool) {
	s = strings.ReplaceAll(s, " ", "")
	if c, d := strings.LastIndex(s, ","), strings.LastIndex(s, "."); c >= 0 && d > c {
		s = strings.ReplaceAll(s, ",", "")
	} else if strings.Contains(s, ",") {
		s = strings.ReplaceAll(s, ".", "")
		s = strings.Replace(s, ",", ".", 1)
	} else if i := strings.LastIndex(s, "."); i >= 0 {
		// A dot followed by exactly three digits is a thousands separator.
		if len(s)-i-1 == 3 {
			s = strings.ReplaceAll(s, ".", "")
		} else if strings.Count(s, ".") > 1 {
			return 0, false
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false
	}
	return v, true
}

// provinceCodes are the 63 birth-registration province codes that open a
// 12-digit personal identification number (Thông tư 59/2021/TT-BCA), from
// pipelines/vocab/cccd_codes.yaml.
var provinceCodes = loadCCCD().Codes

// reIDDigits finds runs of digits (and digit look-alikes) possibly split by
// single spaces or dots, as OCR and forms write ID numbers.
var reIDDigits = regexp.MustCompile(`[0-9OolI](?:[ .]?[0-9OolI]){7,13}`)

// idDigits extracts candidate digit strings of length n from s.
func idDigits(s string, n int) (digits string, repaired bool, ok bool) {
	for _, m := range reIDDigits.FindAllString(fold(s), -1) {
		compact := strings.NewReplacer(" ", "", ".", "").Replace(m)
		// Letters only count when digits dominate.
		letters := 0
		for _, r := range compact {
			if r < '0' || r > '9' {
				letters++
			}
		}
		if letters > 4 || letters*2 > len(compact) {
			continue
		}
		d, rep := ocrDigits(compact)
		if len(d) == n {
			return d, rep, true
		}
	}
	return "", false, false
}

// cccdCheck validates a 12-digit number's province code and century digit;
// it returns the quality and whether the number is plausible at all.
func cccdCheck(d string, birthYear int) (float64, bool) {
	if len(d) != 12 || !allDigits(d) {
		return 0, false
	}
	if _, ok := provinceCodes[d[:3]]; !ok {
		return 0, false
	}
	q := 1.0
	if birthYear > 0 {
		century := loadCCCD().CenturyDigit[d[3:4]]
		yy, _ := strconv.Atoi(d[4:6])
		if century+yy != birthYear {
			q = 0.7
		}
	}
	return q, true
}

// normCCCD reads a 12-digit citizen ID, tolerating groups ("0960 8500
// 1234") and OCR look-alikes; the province code must be on the official list.
func normCCCD(raw string, c normCtx) (normResult, bool) {
	d, rep, ok := idDigits(raw, 12)
	if !ok {
		return normResult{}, false
	}
	q, ok := cccdCheck(d, c.birthYear)
	if !ok {
		return normResult{}, false
	}
	if rep {
		q *= 0.85
	}
	return normResult{value: d, quality: q}, true
}

// normCMND reads a 9-digit identity card number (old CMND); 12-digit
// numbers are accepted as the newer CMND form.
func normCMND(raw string, _ normCtx) (normResult, bool) {
	if d, rep, ok := idDigits(raw, 9); ok {
		q := 1.0
		if rep {
			q = 0.85
		}
		return normResult{value: d, quality: q}, true
	}
	if d, rep, ok := idDigits(raw, 12); ok {
		q := 0.9
		if rep {
			q = 0.8
		}
		return normResult{value: d, quality: q}, true
	}
	return normResult{}, false
}

var rePhone = regexp.MustCompile(`(?:\+84|\b0)(?:[ .\-]?[0-9]){9,10}\b`)

// normPhone reads a Vietnamese phone number as digits with a leading 0.
func normPhone(raw string, _ normCtx) (normResult, bool) {
	m := rePhone.FindString(raw)
	if m == "" {
		return normResult{}, false
	}
	d := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, m)
	if strings.HasPrefix(m, "+84") {
		d = "0" + d[2:]
	}
	return normResult{value: d, quality: 1}, true
}

// normToken keeps the first word (letters and digits) of the text, e.g. a
// parcel number "217a" or a map sheet "C44".
func normToken(raw string, _ normCtx) (normResult, bool) {
	s := nfc(raw)
	fields := strings.FieldsFunc(s, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '/' || r == '-')
	})
	if len(fields) == 0 {
		return normResult{}, false
	}
	v := strings.Trim(fields[0], "/-")
	if v == "" {
		return normResult{}, false
	}
	return normResult{value: v, quality: 1}, true
}

// normSheet reads a cadastral map sheet number: digits with an optional
// capital prefix ("17", "C44"). Sheets do not end in a small letter, as
// parcels may ("217a"): one read there is a speck ("17g" -> "17").
func normSheet(raw string, c normCtx) (normResult, bool) {
	r, ok := normToken(raw, c)
	if !ok {
		return r, false
	}
	v := strings.TrimRightFunc(r.value, unicode.IsLower)
	if v == "" || !unicode.IsDigit([]rune(v)[len([]rune(v))-1]) {
		return normResult{}, false
	}
	if v != r.value {
		r.quality = 0.85
	}
	r.value = v
	return r, true
}

func normDigits(raw string, _ normCtx) (normResult, bool) {
	s, rep := ocrDigits(strings.TrimSpace(fold(raw)))
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else if b.Len() > 0 && r != ' ' && r != '.' {
			break
		}
	}
	if b.Len() == 0 {
		return normResult{}, false
	}
	q := 1.0
	if rep {
		q = 0.85
	}
	return normResult{value: b.String(), quality: q}, true
}

// landCodes are the land-use purpose codes of the cadastral regulations
// (vocab/land_use.yaml).
var landCodes = voc.landCodes

var reCode = regexp.MustCompile(`\b[A-Z0]{3}\b`)

// normCodeList reads land-use purpose codes ("ONT", "ONT+CLN"); text without
// a known code is kept as text with a lower quality.
func normCodeList(raw string, c normCtx) (normResult, bool) {
	var codes []string
	seen := map[string]bool{}
	for _, m := range reCode.FindAllString(fold(raw), -1) {
		m = strings.ReplaceAll(m, "0", "O")
		if landCodes[m] && !seen[m] {
			seen[m] = true
			codes = append(codes, m)
		}
	}
	if len(codes) == 0 {
		r, ok := normText(raw, c)
		r.quality = 0.8
		return r, ok
	}
	return normResult{value: strings.Join(codes, "+"), quality: 1}, true
}

var reSerial = regexp.MustCompile(`\b([A-Z]{2})\s?([0-9OIl]{6,8})\b`)

var reSerialLoose = regexp.MustCompile(`(?:^|[^\pL])(\pL{1,3})\s?[-:]?\s?([0-9OIl]{5,8})(?:[^0-9]|$)`)

// normSerial reads a certificate serial or book number: one to three
// capital letters and 5-8 digits ("BS 123456", "CĐ 123456", "CH 00120"),
// written with one space. Letters keep their Đ from the original text.
func normSerial(raw string, _ normCtx) (normResult, bool) {
	s := strings.ToUpper(nfc(raw))
	m := reSerialLoose.FindStringSubmatch(s)
	if m == nil {
		return normResult{}, false
	}
	d, rep := ocrDigits(m[2])
	q := 1.0
	if rep {
		q = 0.85
	}
	// Serial and book prefixes are two letters; a third thin letter is
	// usually a stroke of noise or a split letter (class thin_strokes of
	// vocab/ocr_confusions.yaml): "BTI 999571", "CHÍ 07670".
	if l := []rune(m[1]); len(l) == 3 && strings.ContainsRune(voc.thinStrokes, l[2]) && unicode.IsUpper(l[2]) {
		m[1] = string(l[:2])
		q = min(q, 0.85)
	}
	if !reSerial.MatchString(fold(m[1]) + " " + d) {
		q = min(q, 0.9)
	}
	return normResult{value: m[1] + " " + d, quality: q}, true
}

var rePlaceDate = regexp.MustCompile(`(?i)^\s*([^,\n]{2,40}?)\s*,\s*ng[a-z]{0,2}y\b`)

// normPlaceDate splits "Cà Mau, ngày 14 tháng 7 năm 2022" into place "Cà
// Mau" and date 2022-07-14 (parts "place" and "date"; value is the date).
func normPlaceDate(raw string, c normCtx) (normResult, bool) {
	s := nfc(raw)
	d, ok := normDate(s, c)
	if !ok || len(d.value) != 10 {
		return normResult{}, false
	}
	res := normResult{value: d.value, quality: d.quality, parts: map[string]string{"date": d.value}}
	f := newFolded(s)
	if m := rePlaceDate.FindStringSubmatchIndex(f.text); m != nil {
		a, b := f.rawRange(m[2], m[3])
		place := trimPunct(s[a:b])
		// Drop what belongs to the left column when OCR merged the lines.
		if i := strings.LastIndex(place, "  "); i >= 0 {
			place = strings.TrimSpace(place[i:])
		}
		if place != "" {
			res.parts["place"] = place
		}
	}
	return res, true
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// addressUnits start the parts of a Vietnamese address after the first
// (key form, followed by a space or a digit; vocab/admin_units.yaml).
var addressUnits = voc.addressUnits

func isAddressUnit(seg string) bool {
	k := key(seg)
	if strings.HasPrefix(k, "SO ") && !(len(k) > 3 && k[3] >= '0' && k[3] <= '9') {
		return false // "Số định danh", not "Số 12"
	}
	for _, u := range addressUnits {
		if k == u || strings.HasPrefix(k, u+" ") || strings.HasPrefix(k, u+".") || (strings.HasPrefix(k, u) && len(k) > len(u) && k[len(u)] >= '0' && k[len(u)] <= '9') {
			return true
		}
	}
	return false
}

// isBareUnit reports whether seg is a unit word whose name is on the next
// line ("..., tỉnh" / "Cà Mau").
func isBareUnit(seg string) bool { return slices.Contains(addressUnits, key(seg)) }

// normAddress keeps the address at the start of the text: its first part
// and the following comma-separated parts that begin with an
// administrative unit ("Ấp 3, xã Tân Lộc, huyện Thới Bình, tỉnh Cà Mau,
// kiến nghị ..." -> up to "tỉnh Cà Mau"). Line breaks inside are spaces.
func normAddress(raw string, _ normCtx) (normResult, bool) {
	// A line break ends the address unless the address visibly goes on:
	// the line ends with a comma, or the next one starts in lower case or
	// with an administrative unit.
	lines := strings.Split(strings.TrimSpace(raw), "\n")
	// What is left of a garbled label ("Địa chỉ thường TT,") on a line of
	// its own, with the address on the next line.
	if len(lines) > 1 {
		first := strings.Trim(lines[0], " \t,.:;|")
		if !isAddressUnit(first) && !strings.ContainsAny(first, "0123456789") && len(strings.Fields(first)) <= 3 &&
			isAddressUnit(strings.TrimSpace(lines[1])) {
			lines = lines[1:]
		}
	}
	s := lines[0]
	for _, next := range lines[1:] {
		next = strings.TrimSpace(next)
		r, _ := utf8.DecodeRuneInString(next)
		segs := strings.Split(s, ",")
		lastSeg := strings.TrimSpace(segs[len(segs)-1])
		midUnit := len(segs) > 1 && (isAddressUnit(lastSeg) || isBareUnit(lastSeg)) && !strings.ContainsAny(lastSeg, ".;:")
		label := strings.Contains(firstN(next, 40), ":") || reNumbering.MatchString(next)
		if label || !(strings.HasSuffix(strings.TrimSpace(s), ",") || unicode.IsLower(r) || isAddressUnit(next) || midUnit) {
			break
		}
		s += " " + next
	}
	s = nfc(s)
	if i := strings.IndexAny(s, ";"); i >= 0 {
		s = s[:i]
	}
	segs := strings.Split(s, ",")
	var out []string
	for i, seg := range segs {
		seg = strings.TrimSpace(seg)
		if i == 0 {
			if j := strings.Index(seg, ". "); j >= 0 {
				seg = seg[:j]
			}
			seg = strings.TrimRight(seg, ".")
			if seg == "" || len(seg) > 80 {
				return normResult{}, false
			}
			out = append(out, seg)
			continue
		}
		if !isAddressUnit(seg) {
			break
		}
		// A unit's name is a few capitalised words; cut the rest of a sentence.
		words := strings.Fields(seg)
		keep := 1
		for keep < len(words) && keep < 6 {
			w := words[keep]
			r, _ := utf8.DecodeRuneInString(w)
			digitOK := unicode.IsDigit(r) && keep == 1 // "Ấp 5", not "tỉnh Cà Mau 2"
			if !(unicode.IsUpper(r) || digitOK) && !(keep == 1 && (key(words[0]) == "THI" || key(words[0]) == "THANH" || key(words[0]) == "KHU")) {
				break
			}
			keep++
		}
		for i, w := range words[:keep] {
			if strings.HasSuffix(w, ".") && len([]rune(w)) > 2 {
				keep = i + 1 // a sentence ends here
				break
			}
		}
		seg = strings.TrimRight(strings.Join(words[:keep], " "), ".")
		out = append(out, seg)
		if keep < len(words) {
			break
		}
	}
	v := trimPunct(strings.Join(out, ", "))
	if v == "" || len(out) < 2 && !isAddressUnit(v) {
		return normResult{}, false
	}
	q := 1.0
	if len(out) < 2 {
		q = 0.8
	}
	return normResult{value: v, quality: q}, true
}

// reNumbering starts a numbered section or item ("2.", "II.", "a)").
var reNumbering = regexp.MustCompile(`^(?:[0-9]+|[IVXivx]+|[a-zđ])[.)]\s`)

// firstN returns at most n bytes of s, cut at a rune boundary.
func firstN(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
