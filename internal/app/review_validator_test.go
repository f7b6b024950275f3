package app

import (
	"slices"
	"testing"
)

// TestFieldValidator pins which checks refuse a reviewer's correction: the
// structure of IDs, dates and symbols refuses; the extractor's doubts about
// its own reading (an unlisted family name, a symbol without the issuer's
// abbreviation) do not.
func TestFieldValidator(t *testing.T) {
	others := map[string]string{"issuer": "ỦY BAN NHÂN DÂN TỈNH CÀ MAU"}
	tests := []struct {
		field, value string
		refused      bool
	}{
		{"cccd", "096085000123", false},
		{"cccd", "999085000123", true}, // no province has code 999
		{"cccd", "09608500012", true},  // 11 digits
		{"issued_date", "2024-02-30", true},
		{"issued_date", "2099-01-01", true},
		{"issued_date", "2024-02-29", false},
		{"doc_symbol", "QĐ-UBND", false},
		{"doc_symbol", "QĐ UBND !!", true},
		{"doc_symbol", "QĐ-STP", false}, // another body's abbreviation: a doubt, not a refusal
		{"person_names", "Ksor H'Bia", false},
		{"signer_name", "Y Ngọc Niê", false},
	}
	v := fieldValidator{}
	for _, tt := range tests {
		codes := v.ValidateField(tt.field, tt.value, others)
		if (len(codes) > 0) != tt.refused {
			t.Errorf("%s %q: codes %v, refused want %v", tt.field, tt.value, codes, tt.refused)
		}
		for _, c := range codes {
			if txt := v.ReasonText(c, "vi"); txt == c || txt == "" {
				t.Errorf("%s: no Vietnamese text for %s", tt.field, c)
			}
		}
	}
	if !slices.Contains(refusing, "validator:cccd_province") {
		t.Error("the CCCD province check must refuse")
	}
}
