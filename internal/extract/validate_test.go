package extract

import (
	"slices"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/sohoa/sohoa/pipelines"
)

func TestValidateField(t *testing.T) {
	defer func(f func() time.Time) { now = f }(now)
	now = func() time.Time { return time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC) }
	tests := []struct {
		name, field, value string
		others             map[string]string
		want               []string
	}{
		{"cccd valid", "cccd", "001085012345", nil, nil},
		{"cccd Cà Mau, woman born 2003", "cccd", "096303001234", nil, nil},
		{"cccd 11 digits", "cccd", "00108501234", nil, []string{ReasonCCCDLength}},
		{"cccd letter", "cccd", "00108501234O", nil, []string{ReasonCCCDLength}},
		{"cccd province 003 does not exist", "cccd", "003085012345", nil, []string{ReasonCCCDProvince}},
		{"cccd province 099 does not exist", "cccd", "099085012345", nil, []string{ReasonCCCDProvince}},
		{"cccd born 2185", "cccd", "001485012345", nil, []string{ReasonCCCDCentury}},
		{"cccd born 2099", "cccd", "001299012345", nil, []string{ReasonCCCDCentury}},
		{"cccd born 1885 is structurally valid", "cccd", "001885012345", nil, nil},
		{"cccd agrees with birth date", "cccd", "001085012345", map[string]string{"birth_dates": "1985-03-02"}, nil},
		{"cccd agrees with one of the birth dates", "cccd", "001085012345", map[string]string{"birth_dates": "1990-01-01\n1985-03-02"}, nil},
		{"cccd disagrees with birth date", "cccd", "001085012345", map[string]string{"birth_dates": "1986-03-02"}, []string{ReasonCCCDBirthYear}},
		{"cccd century disagrees", "cccd", "001285012345", map[string]string{"birth_dates": "1985-03-02"}, []string{ReasonCCCDCentury}},
		{"cccd year only", "cccd", "001203012345", map[string]string{"birth_dates": "2003"}, nil},
		{"cmnd 9 digits", "cmnd", "381234567", nil, nil},
		{"cmnd 12 digits has the cccd structure", "cmnd", "096085012345", nil, nil},
		{"cmnd 12 digits bad province", "cmnd", "097085012345", nil, []string{ReasonCCCDProvince}},
		{"cmnd 10 digits", "cmnd", "3812345678", nil, []string{ReasonCMNDLength}},
		{"issued date", "issued_date", "2021-03-15", nil, nil},
		{"issued date in the future", "issued_date", "2027-01-02", nil, []string{ReasonDateFuture}},
		{"issued date before 1945", "issued_date", "1938-05-01", nil, []string{ReasonDateTooEarly}},
		{"issued date not on the calendar", "issued_date", "2021-02-30", nil, []string{ReasonDateInvalid}},
		{"issued date garbage", "issued_date", "15/03/2021", nil, []string{ReasonDateInvalid}},
		{"birth date 1930", "birth_dates", "1930-07-01", nil, nil},
		{"birth year", "birth_dates", "1969", nil, nil},
		{"birth date in the future", "birth_dates", "2030-01-01", nil, []string{ReasonDateFuture}},
		{"symbol decision", "doc_symbol", "QĐ-UBND", nil, nil},
		{"symbol letter of a division", "doc_symbol", "UBND-VX", nil, nil},
		{"symbol in full", "doc_symbol", "12/QĐ-UBND", nil, nil},
		{"symbol with year", "doc_symbol", "01/2021/TT-BCA", nil, nil},
		{"symbol of a Party document", "doc_symbol", "45-TB/TU", nil, nil},
		{"symbol submission", "doc_symbol", "TTr-STC", nil, nil},
		{"symbol matches number", "doc_symbol", "12/QĐ-UBND", map[string]string{"doc_number": "12"}, nil},
		{"symbol number with zeros", "doc_symbol", "05/UBND-VX", map[string]string{"doc_number": "5"}, nil},
		{"symbol number differs", "doc_symbol", "12/QĐ-UBND", map[string]string{"doc_number": "13"}, []string{ReasonNumberSymbol}},
		{"symbol of small letters", "doc_symbol", "Sxa-vv", nil, []string{ReasonSymbolGrammar}},
		{"symbol with a space", "doc_symbol", "QĐ UBND", nil, []string{ReasonSymbolGrammar}},
		{"symbol with a doubled hyphen", "doc_symbol", "QĐ--UBND", nil, []string{ReasonSymbolGrammar}},
		{"symbol only a number", "doc_symbol", "12/", nil, []string{ReasonSymbolGrammar}},
		{"symbol of a copy", "doc_symbol", "SY-UBND", nil, []string{ReasonSymbolCopy}},
		{"symbol of an extract copy", "doc_symbol", "67/TrS-VP", nil, []string{ReasonSymbolCopy}},
		{"symbol ends with the issuer", "doc_symbol", "TTr-STC", map[string]string{"issuer": "Sở Tài chính tỉnh Cà Mau"}, nil},
		{"symbol of a division of the issuer", "doc_symbol", "UBND-VX", map[string]string{"issuer": "Ủy ban nhân dân tỉnh Cà Mau"}, nil},
		{"symbol of a Party committee", "doc_symbol", "TB/TU", map[string]string{"issuer": "Tỉnh ủy Cà Mau"}, nil},
		{"symbol with Đ read as D", "doc_symbol", "BC-SGDDT", map[string]string{"issuer": "Sở Giáo dục và Đào tạo"}, nil},
		{"symbol quoted from the body", "doc_symbol", "2020/NĐ-CP", map[string]string{"issuer": "Sở Nông nghiệp và Môi trường tỉnh Lâm Đồng"}, []string{ReasonSymbolIssuer}},
		{"symbol of a department without its unit word", "doc_symbol", "TNMT", map[string]string{"issuer": "Phòng Tài nguyên và Môi trường huyện Gia Bình"}, nil},
		{"civil-status form series", "doc_symbol", "TLKS-BS", map[string]string{"issuer": "Ủy ban nhân dân phường Thạch Linh"}, nil},
		{"number of a copy", "doc_number", "67", map[string]string{"doc_symbol": "SY-UBND"}, []string{ReasonSymbolCopy}},
		{"number with its symbol", "doc_number", "67", map[string]string{"doc_symbol": "QĐ-UBND", "issuer": "Ủy ban nhân dân huyện Đầm Dơi"}, nil},
		{"signer", "signer_name", "Nguyễn Văn An", nil, nil},
		{"signer accentless", "signer_name", "DINH MINH THANG", nil, nil},
		{"signer is a province", "signer_name", "Cần Thơ", nil, []string{ReasonNamePlace}},
		{"signer without family name", "signer_name", "Thị Oanh", nil, []string{ReasonNameFamily}},
		{"one-word name not judged", "person_names", "Oanh", nil, nil},
		{"address", "addresses", "Khu phố 2, xã Đồng Tiến, tỉnh Hà Tĩnh", nil, nil},
		{"address accentless", "addresses", "Khu pho 2, xa Dong Tien, tinh Ha Tinh", nil, nil},
		{"address without province", "addresses", "Ấp 8, xã Tạ An Khương, huyện Đầm Dơi", nil, nil},
		{"address in Bà Rịa Vũng Tàu", "addresses", "Phường 1, thành phố Vũng Tàu, tỉnh Bà Rịa Vũng Tàu", nil, nil},
		{"address cut short", "addresses", "Khu phố 2, xã Đồng Tiến, tỉnh Hà", nil, []string{ReasonAddressProvince}},
		{"land purpose", "land_purpose", "Đất ở tại đô thị (ODT)", nil, nil},
		{"land purpose codes", "land_purpose", "ONT+CLN", nil, nil},
		{"land purpose is a label", "land_purpose", "Thời hạn sử dụng", nil, []string{ReasonLandPurpose}},
		{"number", "doc_number", "125", nil, nil},
		{"number with letters", "doc_number", "1A5", nil, []string{ReasonNumberGrammar}},
		{"area", "area_m2", "1250.5", nil, nil},
		{"area zero", "area_m2", "0", nil, []string{ReasonAreaImplausible}},
		{"area too large", "area_m2", "250000000", nil, []string{ReasonAreaImplausible}},
		{"area text", "area_m2", "m2", nil, []string{ReasonAreaNotNumber}},
		{"parcel", "parcel_no", "217", nil, nil},
		{"parcel with letter", "parcel_no", "217a", nil, nil},
		{"parcel words", "parcel_no", "thửa", nil, []string{ReasonParcelNotNumber}},
		{"sheet", "map_sheet", "17", nil, nil},
		{"sheet with prefix", "map_sheet", "C44", nil, nil},
		{"sheet text", "map_sheet", "số", nil, []string{ReasonSheetNotNumber}},
		{"unknown field", "subject", "V/v anything", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ValidateField(tt.field, tt.value, tt.others)
			if !slices.Equal(got, tt.want) {
				t.Errorf("ValidateField(%q, %q, %v) = %v, want %v", tt.field, tt.value, tt.others, got, tt.want)
			}
			for _, code := range got {
				if ReasonText(code, "vi") == code || ReasonText(code, "en") == code {
					t.Errorf("reason %q has no sentence", code)
				}
			}
		})
	}
}

// TestCCCDCodes checks the shipped province list: the 63 codes of TT
// 59/2021 from 001 (Hà Nội) to 096 (Cà Mau), and ten century digits.
func TestCCCDCodes(t *testing.T) {
	var d cccdData
	if err := yaml.Unmarshal(pipelines.CCCDCodes, &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Codes) != 63 || d.Codes["001"] != "Hà Nội" || d.Codes["096"] != "Cà Mau" || d.Codes["079"] != "Hồ Chí Minh" {
		t.Errorf("codes: %d entries, 001=%q 096=%q 079=%q", len(d.Codes), d.Codes["001"], d.Codes["096"], d.Codes["079"])
	}
	for code := range d.Codes {
		if len(code) != 3 || !allDigits(code) {
			t.Errorf("code %q is not three digits", code)
		}
	}
	want := map[string]int{"0": 1900, "1": 1900, "2": 2000, "3": 2000, "4": 2100, "5": 2100, "6": 2200, "7": 2200, "8": 1800, "9": 1800}
	for k, v := range want {
		if d.CenturyDigit[k] != v {
			t.Errorf("century digit %s = %d, want %d", k, d.CenturyDigit[k], v)
		}
	}
}
