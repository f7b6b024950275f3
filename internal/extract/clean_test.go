package extract

import "testing"

func TestCleanName(t *testing.T) {
	tests := []struct {
		name string
		in   string
		kind nameKind
		want string
	}{
		{"person: lone capital before the name", "Ì Lâm Văn Hiếu", personName, "Lâm Văn Hiếu"},
		{"person: symbols at both ends", "¡«Nguyễn Hoàng Phúc»;", personName, "Nguyễn Hoàng Phúc"},
		{"person: bidi and zero-width characters", "\u202eNguyễn\u200b Hoàng\u202c Phúc\u2066", personName, "Nguyễn Hoàng Phúc"},
		{"person: trailing consonant speck", "Trần Thị Mai L", personName, "Trần Thị Mai"},
		{"person: trailing junk word", "Trần Thị Mai ŸŸ", personName, "Trần Thị Mai"},
		{"person: one-vowel given name stays", "Nguyễn Như Ý", personName, "Nguyễn Như Ý"},
		{"person: Y prefix stays", "Y Ngông Niê Kdăm", personName, "Y Ngông Niê Kdăm"},
		{"person: minority names stay", "Ksor H'Bia", personName, "Ksor H'Bia"},
		{"person: upper case", "NGUYỄN HOÀNG PHÚC", personName, "NGUYỄN HOÀNG PHÚC"},
		{"person: only debris", "Ì ¡ ~", personName, ""},
		{"body: debris glued to the first word", "¡uuỦŸ BAN NHÂN DÂN TỈNH CÀ MAU", bodyName, "ỦY BAN NHÂN DÂN TỈNH CÀ MAU"},
		{"body: abbreviation stays", "UBND HUYỆN TRẦN VĂN THỜI", bodyName, "UBND HUYỆN TRẦN VĂN THỜI"},
		{"body: abbreviation with a sign", "PHÒNG GD&ĐT", bodyName, "PHÒNG GD&ĐT"},
		{"body: number at the end stays", "TRƯỜNG THPT SỐ 2", bodyName, "TRƯỜNG THPT SỐ 2"},
		{"body: lone letter at the ends", "I SỞ TƯ PHÁP Ì", bodyName, "SỞ TƯ PHÁP"},
		{"body: bidi override", "SỞ TƯ PHÁP\u202e", bodyName, "SỞ TƯ PHÁP"},
		{"body: mixed case", "Ủy ban nhân dân xã Đông Hòa", bodyName, "Ủy ban nhân dân xã Đông Hòa"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := cleanName(tc.in, tc.kind); got != tc.want {
				t.Errorf("cleanName(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// TestNamesCleanedWhereNormalised: the person-name normaliser, which every
// person_names value goes through, drops the debris.
func TestNamesCleanedWhereNormalised(t *testing.T) {
	tests := []struct{ raw, want string }{
		{"Ì Lâm Văn Hiếu", "Lâm Văn Hiếu"},
		{"¡LÂM VĂN HIẾU", "Lâm Văn Hiếu"},
		{"Lâm\u202e Văn Hiếu\u200b sinh năm 1969", "Lâm Văn Hiếu"},
		{"Ì Lâm", ""},
	}
	for _, tc := range tests {
		t.Run(tc.raw, func(t *testing.T) {
			r, ok := normPersonName(tc.raw, normCtx{})
			if r.value != tc.want || ok != (tc.want != "") {
				t.Errorf("normPersonName(%q) = %q, %v, want %q", tc.raw, r.value, ok, tc.want)
			}
		})
	}
}

// TestExtractedNamesAndIssuerClean: through the whole engine, OCR debris on
// the issuer's first line and before a person's name reaches neither the
// issuer (a facet) nor person_names (blind-index tokens).
func TestExtractedNamesAndIssuerClean(t *testing.T) {
	text := "¡uuỦŸ BAN NHÂN DÂN\nTỈNH CÀ MAU\nSố: 12/QĐ-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n" +
		"Cà Mau, ngày 14 tháng 7 năm 2022\nQUYẾT ĐỊNH\nĐiều 1. Thu hồi đất của ông Ì Lâm Văn Hiếu, sinh năm 1969.\n"
	r := extractText(t, text, "")
	if got := r.Fields["issuer"].Value; got != "ỦY BAN NHÂN DÂN TỈNH CÀ MAU" {
		t.Errorf("issuer = %q, want ỦY BAN NHÂN DÂN TỈNH CÀ MAU", got)
	}
	names := r.Fields["person_names"]
	all := append([]string{names.Value}, names.Values...)
	for _, n := range all {
		if n != "" && n != "Lâm Văn Hiếu" {
			t.Errorf("person_names holds %q, want Lâm Văn Hiếu (all: %q)", n, all)
		}
	}
	if names.Value == "" {
		t.Errorf("person_names empty: %+v", names)
	}
}
