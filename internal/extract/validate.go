package extract

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/sohoa/sohoa/pipelines"
)

// Reason codes of the validators (Field.Reasons). ReasonText words them for
// staff.
const (
	ReasonCCCDLength       = "validator:cccd_length"
	ReasonCCCDProvince     = "validator:cccd_province"
	ReasonCCCDCentury      = "validator:cccd_century"
	ReasonCCCDBirthYear    = "validator:cccd_birth_year"
	ReasonCMNDLength       = "validator:cmnd_length"
	ReasonDateInvalid      = "validator:date_invalid"
	ReasonDateFuture       = "validator:date_future"
	ReasonDateTooEarly     = "validator:date_too_early"
	ReasonSymbolGrammar    = "validator:symbol_grammar"
	ReasonSymbolCopy       = "validator:symbol_copy"
	ReasonSymbolIssuer     = "validator:symbol_issuer"
	ReasonNamePlace        = "validator:name_place"
	ReasonLandPurpose      = "validator:land_purpose"
	ReasonAddressProvince  = "validator:address_province"
	ReasonNameFamily       = "validator:name_family"
	ReasonNumberGrammar    = "validator:number_grammar"
	ReasonNumberSymbol     = "validator:number_symbol_mismatch"
	ReasonAreaNotNumber    = "validator:area_not_number"
	ReasonAreaImplausible  = "validator:area_implausible"
	ReasonParcelNotNumber  = "validator:parcel_not_number"
	ReasonSheetNotNumber   = "validator:sheet_not_number"
	ReasonLowOCRConfidence = "low_ocr_confidence"
	ReasonHandwriting      = "handwriting"
)

// cccdData is pipelines/vocab/cccd_codes.yaml.
type cccdData struct {
	// Codes maps the three-digit province code to the province's name.
	Codes map[string]string `yaml:"codes"`
	// CenturyDigit maps the fourth digit to the century of birth.
	CenturyDigit map[string]int `yaml:"century_digit"`
}

var loadCCCD = sync.OnceValue(func() cccdData {
	var d cccdData
	if err := yaml.Unmarshal(pipelines.CCCDCodes, &d); err != nil {
		// The file is embedded and checked by TestCCCDCodes: a broken
		// file is a build defect, not an input error.
		panic(fmt.Sprintf("pipelines/vocab/cccd_codes.yaml: %v", err))
	}
	return d
})

// now is the clock of the date validators (a test may fix it).
var now = time.Now

// earliestIssued is the first day a document of the Democratic Republic
// of Vietnam can bear: issued dates before it are misreadings.
var earliestIssued = time.Date(1945, 1, 1, 0, 0, 0, 0, time.UTC)

// earliestBirth is the earliest plausible birth date in a record.
var earliestBirth = time.Date(1880, 1, 1, 0, 0, 0, 0, time.UTC)

// dateFields are the fields holding ISO dates (or a lone year), with the
// earliest date each may hold.
var dateFields = map[string]time.Time{
	"issued_date": earliestIssued, "birth_dates": earliestBirth, "registration_date": earliestIssued,
	"dates": earliestBirth,
}

// ValidateField checks a field's normalised value against the rules an
// archivist would apply to it, and returns reason codes ("validator:...")
// for each rule broken; nil means the value is plausible. others holds the
// document's other field values by name (list fields may hold several
// values separated by newlines); a CCCD's birth year is checked against
// others["birth_dates"] when the document gives both. Unknown fields are
// always valid.
func ValidateField(name, value string, others map[string]string) []string {
	value = strings.TrimSpace(value)
	switch name {
	case "cccd":
		return validateCCCD(value, others["birth_dates"])
	case "cmnd":
		if !allDigits(value) || (len(value) != 9 && len(value) != 12) {
			return []string{ReasonCMNDLength}
		}
		if len(value) == 12 {
			// Twelve-digit CMND (2012-2016) have the CCCD structure.
			return validateCCCD(value, others["birth_dates"])
		}
	case "doc_symbol":
		if !validSymbol(value) {
			return []string{ReasonSymbolGrammar}
		}
		var out []string
		if n := others["doc_number"]; n != "" {
			if lead := symbolNumber(value); lead != "" && strings.TrimLeft(lead, "0") != strings.TrimLeft(n, "0") {
				out = append(out, ReasonNumberSymbol)
			}
		}
		return append(out, symbolSource(value, others["issuer"])...)
	case "doc_number":
		if !reDocNumber.MatchString(value) {
			return []string{ReasonNumberGrammar}
		}
		// The number is read with the symbol: a copy's number or one
		// of another body is not this document's.
		if sym := others["doc_symbol"]; sym != "" && validSymbol(sym) {
			return symbolSource(sym, others["issuer"])
		}
	case "signer_name", "person_names":
		return validateName(value)
	case "addresses":
		// An address ends with its province: "…, tỉnh Hà" is cut short.
		segs := strings.Split(key(value), ",")
		if last := strings.TrimSpace(segs[len(segs)-1]); strings.HasPrefix(last, "TINH ") && !isProvince(strings.TrimPrefix(last, "TINH ")) {
			return []string{ReasonAddressProvince}
		}
	case "land_purpose":
		// A purpose is land ("Đất ở tại đô thị") or its code ("ODT"),
		// not the label of the next line ("Thời hạn sử dụng").
		if !strings.HasPrefix(key(value), "DAT ") && !slices.ContainsFunc(strings.FieldsFunc(key(value), func(r rune) bool { return !unicode.IsLetter(r) }), func(w string) bool { return landCodes[w] }) {
			return []string{ReasonLandPurpose}
		}
	case "area_m2":
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return []string{ReasonAreaNotNumber}
		}
		// A parcel of less than a square metre or more than 1 000 ha is
		// a misplaced decimal separator or a number that is not the area.
		if v < 1 || v > 1e7 {
			return []string{ReasonAreaImplausible}
		}
	case "parcel_no":
		if !reParcel.MatchString(value) {
			return []string{ReasonParcelNotNumber}
		}
	case "map_sheet":
		if !reSheet.MatchString(value) {
			return []string{ReasonSheetNotNumber}
		}
	default:
		if earliest, ok := dateFields[name]; ok {
			return validateDate(value, earliest)
		}
	}
	return nil
}

var (
	reDocNumber = regexp.MustCompile(`^[0-9]{1,5}[a-z]?$`)
	reParcel    = regexp.MustCompile(`^[0-9]{1,5}[a-zA-Z]?$`)
	// reSheet: a sheet number, with a letter prefix on some cadastral
	// series ("C44") and an optional letter suffix.
	reSheet = regexp.MustCompile(`^[A-Z]{0,2}[0-9]{1,4}[a-zA-Z]?$`)
	// reSymbolLead is the number (and year) opening a symbol written in
	// full: "12/", "45-", "01/2021/".
	reSymbolLead = regexp.MustCompile(`^([0-9]{1,5})(?:/((?:19|20)[0-9]{2}))?[/\-]`)
)

// validateCCCD checks the structure of a 12-digit citizen identity number
// (Thông tư 59/2021/TT-BCA): a province code, a century and sex digit, the
// last two digits of the birth year.
func validateCCCD(v, birthDates string) []string {
	if len(v) != 12 || !allDigits(v) {
		return []string{ReasonCCCDLength}
	}
	data := loadCCCD()
	var out []string
	if _, ok := data.Codes[v[:3]]; !ok {
		out = append(out, ReasonCCCDProvince)
	}
	century := data.CenturyDigit[v[3:4]]
	yy, _ := strconv.Atoi(v[4:6])
	year := century + yy
	if century == 0 || year > now().Year() {
		out = append(out, ReasonCCCDCentury)
		return out
	}
	var years []int
	for _, d := range strings.Split(birthDates, "\n") {
		d = strings.TrimSpace(d)
		if len(d) >= 4 {
			if y, err := strconv.Atoi(d[:4]); err == nil {
				years = append(years, y)
			}
		}
	}
	if len(years) > 0 {
		match := false
		for _, y := range years {
			match = match || y == year
		}
		if !match {
			out = append(out, ReasonCCCDBirthYear)
		}
	}
	return out
}

// validateDate checks an ISO date (or a lone year) is a calendar date,
// not in the future and not before earliest.
func validateDate(v string, earliest time.Time) []string {
	var t time.Time
	var err error
	if len(v) == 4 {
		t, err = time.Parse("2006", v)
	} else {
		t, err = time.Parse("2006-01-02", v)
	}
	if err != nil {
		return []string{ReasonDateInvalid}
	}
	if t.After(now()) {
		return []string{ReasonDateFuture}
	}
	if t.Before(earliest) {
		return []string{ReasonDateTooEarly}
	}
	return nil
}

// validSymbol reports whether s follows the symbol grammar of NĐ 30/2020
// (Appendix I): an optional number (and year), then abbreviations joined
// by hyphens, the type first ("QĐ-UBND", "UBND-VX", "12/QĐ-UBND",
// "01/2021/TT-BCA"); Party documents put the number before a hyphen and
// the issuer after a slash ("45-TB/TU", Hướng dẫn 36-HD/VPTW).
func validSymbol(s string) bool {
	if m := reSymbolLead.FindStringIndex(s); m != nil {
		s = s[m[1]:]
	}
	if s == "" {
		return false
	}
	segs := strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '/' })
	if len(segs) == 0 || len(segs) > 4 || strings.Count(s, "-")+strings.Count(s, "/") != len(segs)-1 {
		return false
	}
	for _, seg := range segs {
		if !validAbbr(seg) {
			return false
		}
	}
	return true
}

// validAbbr reports whether seg is an abbreviation: up to 12 letters or
// digits, starting with a capital, mostly capitals (NĐ 30 writes a few
// with a small letter: "TTr", "CTr", "HD").
func validAbbr(seg string) bool {
	n := utf8.RuneCountInString(seg)
	if n == 0 || n > 12 {
		return false
	}
	first, _ := utf8.DecodeRuneInString(seg)
	if !unicode.IsUpper(first) {
		return false
	}
	lower := 0
	for _, r := range seg {
		switch {
		case unicode.IsLower(r):
			lower++
		case unicode.IsUpper(r), unicode.IsDigit(r):
		default:
			return false
		}
	}
	return lower <= 1 || lower*3 <= n
}

// symbolNumber returns the number a symbol written in full opens with.
func symbolNumber(s string) string {
	if m := reSymbolLead.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	return ""
}

// symbolSource checks that a symbol is the document's own: not the
// number of a copy ("SY-UBND", the SAO Y block's), and, when the issuer
// is known, ending with the issuer's abbreviation or part of it (a
// "NĐ-CP" quoted from the body is not a department's symbol). NĐ 30 writes
// the issuer's abbreviation last.
func symbolSource(sym, issuer string) []string {
	if m := reSymbolLead.FindStringIndex(sym); m != nil {
		sym = sym[m[1]:]
	}
	parts := strings.FieldsFunc(sym, func(r rune) bool { return r == '-' || r == '/' })
	if len(parts) == 0 {
		return nil
	}
	for _, t := range shippedConfidence().Validators.CopySymbolTypes {
		if key(parts[0]) == key(t) {
			return []string{ReasonSymbolCopy}
		}
	}
	ini := key(symbolLetters(initials(issuer)))
	if len([]rune(ini)) < 2 || (len(parts) > 1 && !isTypeAbbr(parts[0])) {
		// Forms numbered by their own series (civil-status extracts'
		// "TLKS-BS") are not NĐ 30 symbols.
		return nil
	}
	for _, p := range parts {
		k := key(p)
		// "UBND" of "Ủy ban nhân dân", "TNMT" of "Phòng Tài nguyên và Môi
		// trường": the abbreviation may leave out the unit word.
		if len(k) >= 2 && (strings.HasPrefix(ini, k) || strings.HasPrefix(k, ini)) || len(k) >= 3 && strings.Contains(ini, k) {
			return nil
		}
	}
	return []string{ReasonSymbolIssuer}
}

// isTypeAbbr reports whether s abbreviates a document type of NĐ 30
// (Appendix III: "QĐ", "TB", "TTr" ...).
func isTypeAbbr(s string) bool {
	for _, a := range typeAbbrs {
		if a != "" && key(a) == key(s) {
			return true
		}
	}
	return false
}

// nameVocabOnce is the name syllable vocabulary, built once.
var nameVocabOnce = sync.OnceValue(defaultNameVocab)

// validateName checks a Vietnamese person's name: not a province's name
// (a place line read as the signer), and opening with a family name.
// Names of one word or of more than six are not checked (foreign names,
// titles), nor names in capitals with no Vietnamese family name in the
// vocabulary at all.
func validateName(v string) []string {
	if isProvince(v) {
		return []string{ReasonNamePlace}
	}
	words := strings.Fields(v)
	if len(words) < 2 || len(words) > 6 {
		return nil
	}
	if !nameVocabOnce().surnames[strings.ToLower(fold(words[0]))] {
		return []string{ReasonNameFamily}
	}
	return nil
}

// isProvince reports whether s names a province (the 63 of the CCCD codes,
// which keep every name the 2025 reorganisation kept), in any spelling.
func isProvince(s string) bool {
	letters := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) {
				return r
			}
			return -1
		}, key(s))
	}
	k := letters(s)
	for _, prov := range loadCCCD().Codes {
		if k == letters(prov) {
			return true
		}
	}
	return false
}
