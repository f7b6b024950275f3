package api

import (
	"strings"
	"time"
)

// LocalValidator is the stand-in FieldValidator until the extraction
// engine's validators are wired in (MERGE: the lead replaces it with an
// adapter over extract.ValidateField and extract.ReasonText, contract14).
// It checks what a reviewer most often types: dates (issued_date, *_date,
// birth_dates: YYYY-MM-DD, or a year for birth dates; not in the future)
// and identity numbers (cccd: 12 digits; cmnd: 9 or 12 digits).
type LocalValidator struct {
	// Now is the current time; default time.Now.
	Now func() time.Time
}

// The codes LocalValidator returns.
const (
	codeDateFormat = "validator:date_format"
	codeDateFuture = "validator:date_future"
	codeCCCDDigits = "validator:cccd_digits"
	codeCMNDDigits = "validator:cmnd_digits"
)

var localReasons = map[string][2]string{
	codeDateFormat: {"ngày phải có dạng YYYY-MM-DD và là ngày có thật", "a date must be YYYY-MM-DD and exist"},
	codeDateFuture: {"ngày nằm trong tương lai", "the date is in the future"},
	codeCCCDDigits: {"số CCCD phải gồm đúng 12 chữ số", "a CCCD number has exactly 12 digits"},
	codeCMNDDigits: {"số CMND phải gồm 9 hoặc 12 chữ số", "a CMND number has 9 or 12 digits"},
}

// ValidateField returns the reason codes for value in field name, none
// when it is valid or the field is not one LocalValidator knows.
func (v LocalValidator) ValidateField(name, value string, _ map[string]string) []string {
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	switch {
	case name == "cccd":
		if !digits(value, 12) {
			return []string{codeCCCDDigits}
		}
	case name == "cmnd":
		if !digits(value, 9) && !digits(value, 12) {
			return []string{codeCMNDDigits}
		}
	case name == "birth_dates" || strings.HasSuffix(name, "_date"):
		layout := "2006-01-02"
		if name == "birth_dates" && len(value) == 4 {
			layout = "2006"
		}
		t, err := time.Parse(layout, value)
		switch {
		case err != nil:
			return []string{codeDateFormat}
		case t.After(now()):
			return []string{codeDateFuture}
		}
	}
	return nil
}

// ReasonText returns code's sentence in lang ("vi" or "en"); the code
// itself when unknown.
func (LocalValidator) ReasonText(code, lang string) string {
	t, ok := localReasons[code]
	switch {
	case !ok:
		return code
	case lang == "en":
		return t[1]
	}
	return t[0]
}

func digits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
