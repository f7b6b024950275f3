package extract

import "testing"

// A body printed under its parent takes the parent's locality; words that
// fold like a unit word ("quản lý" like "quận") are not its locality.
func TestIssuerUnderParent(t *testing.T) {
	tests := []struct {
		name, head, want string
	}{
		{"project board under the province", "ỦY BAN NHÂN DÂN\nTỈNH KON TUM\nBAN QUẢN LÝ DỰ ÁN\nGIAO THÔNG\n", "BAN QUẢN LÝ DỰ ÁN GIAO THÔNG TỈNH KON TUM"},
		{"board read with wrong marks", "ỦY BAN NHÂN DÂN\nTỈNH KON TUM\nBẠN QUẦN LÝ DỰ ÂN\nĐẦU TƯ XÂY DỰNG\n", "BAN QUẢN LÝ DỰ ÁN ĐẦU TƯ XÂY DỰNG TỈNH KON TUM"},
		{"department under the province", "ỦY BAN NHÂN DÂN\nTỈNH KON TUM\nSỞ TƯ PHÁP\n", "SỞ TƯ PHÁP TỈNH KON TUM"},
		{"a district's own name", "ỦY BAN NHÂN DÂN\nQUẬN BA ĐÌNH\n", "ỦY BAN NHÂN DÂN QUẬN BA ĐÌNH"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := tt.head + "Số: 12/BC-BQLDA\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nKon Tum, ngày 3 tháng 4 năm 2019\nBÁO CÁO\nKết quả thực hiện dự án năm 2019\n"
			r := extractText(t, text, "")
			if got := r.Fields["issuer"].Value; got != tt.want {
				t.Errorf("issuer = %q, want %q", got, tt.want)
			}
		})
	}
}
