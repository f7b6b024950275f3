package extract

import "testing"

func TestRepairPlaces(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Ủy ban nhân dân huyện Ngọc Hiến", "Ủy ban nhân dân huyện Ngọc Hiển"},
		{"HUYỆN ỦY TRẤN VĂN TIHƠI", "HUYỆN ỦY TRẦN VĂN THỜI"}, // the Party committee of a district
		{"HUYỆN ỦY) NGỌC HIẾN", "HUYỆN ỦY) NGỌC HIỂN"},
		{"ỦY BAN NHÂN DÂN HUYỆN TRẤN VĂN TIHƠI", "ỦY BAN NHÂN DÂN HUYỆN TRẦN VĂN THỜI"},
		{"Ấp 12, xã Tân Ấn, huyện Ngọc Hiển, tỉnh Cà Mau", "Ấp 12, xã Tân Ân, huyện Ngọc Hiển, tỉnh Cà Mau"},
		{"ấp 3, xã tân an, huyện ngọc hiển", "ấp 3, xã Tân Ân, huyện Ngọc Hiển"},
		{"xã Tân Ân Tây, huyện Ngọc Hiển", "xã Tân Ân Tây, huyện Ngọc Hiển"},
		{"xã Tân An, huyện Tân Thạnh, tỉnh Long An", "xã Tân An, huyện Tân Thạnh, tỉnh Long An"}, // another province
		{"Ủy ban nhân dân xã Phòng Lạc", "Ủy ban nhân dân xã Phong Lạc"},
		{"thị trấn Sông Đốc.", "thị trấn Sông Đốc."},
		{"kinh phí của huyện Phú Tần", "kinh phí của huyện Phú Tân"},
	}
	for _, tt := range tests {
		if got, _ := repairPlaces(tt.in); got != tt.want {
			t.Errorf("repairPlaces(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got, ok := repairPlaceName("Đầm Doi"); !ok || got != "Đầm Dơi" {
		t.Errorf("repairPlaceName(Đầm Doi) = %q %v", got, ok)
	}
}

func TestEndAtProvince(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ỦY BAN NHÂN DÂN TỈNH CÀ MAU H CA 1", "ỦY BAN NHÂN DÂN TỈNH CÀ MAU"},
		{"SỞ TƯ PHÁP TỈNH CÀ MAU", "SỞ TƯ PHÁP TỈNH CÀ MAU"},
		{"TỈNH ỦY CÀ MAU", "TỈNH ỦY CÀ MAU"},
		{"Sở Y tế tỉnh Bà Rịa - Vũng Tàu", "Sở Y tế tỉnh Bà Rịa - Vũng Tàu"},
	}
	for _, tt := range tests {
		if got := endAtProvince(tt.in); got != tt.want {
			t.Errorf("endAtProvince(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNormSheet(t *testing.T) {
	tests := []struct{ in, want string }{{"17", "17"}, {"C44", "C44"}, {"17g;", "17"}, {"abc", ""}}
	for _, tt := range tests {
		r, ok := normSheet(tt.in, normCtx{})
		if ok != (tt.want != "") || r.value != tt.want {
			t.Errorf("normSheet(%q) = %q %v, want %q", tt.in, r.value, ok, tt.want)
		}
	}
}
