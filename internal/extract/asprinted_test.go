package extract

import (
	"strings"
	"testing"
)

// A letter typed without diacritics keeps its values as printed (the few
// marks OCR put on it are noise); the same letter whose OCR lost the marks
// of some words only has them restored.
func TestAccentlessKeepsAsPrinted(t *testing.T) {
	accentless := strings.Join([]string{
		"UY BAN NHAN DAN", "TINH KON TUM", "So: 412/UBND-VP",
		"CONG HOA XA HOI CHU NGHIA VIET NAM", "Doc lap - Tu do - Hanh phuc",
		"Kon Tum, ngay 12 thang 5 nam 2021",
		"V/v tăng cuong kiem tra cong tac phong chong thien tai tren dia ban tính",
		"Kinh gui: Cac so, ban, nganh thuoc tinh.",
		"Thuc hien chi dao cua Thu tuong Chinh phu ve cong tac phong chong thien tai,",
		"Uy ban nhan dan tinh de nghi cac so, ban, nganh kiem tra, ra soat cac cong trinh",
		"tren dia ban, bao cao ket qua truoc ngay 30 thang 5 nam 2021 de tong hop.",
		"Noi nhan:", "- Nhu tren;", "- Luu: VT.",
		"KT. CHU TICH", "PHO CHU TICH", "", "Pham Van Hung",
	}, "\n")
	marked := strings.Join([]string{
		"ỦY BAN NHÂN DÂN", "TỈNH KON TUM", "Số: 412/UBND-VP",
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
		"Kon Tum, ngày 12 tháng 5 năm 2021",
		"V/v tăng cường kiểm tra công tác phòng chống thiên tai trên địa bàn tỉnh",
		"Kính gửi: Các sở, ban, ngành thuộc tỉnh.",
		"Thực hiện chỉ đạo của Thủ tướng Chính phủ về công tác phòng chống thiên tai,",
		"Ủy ban nhân dân tỉnh đề nghị các sở, ban, ngành kiểm tra, rà soát các công trình",
		"trên địa bàn, báo cáo kết quả trước ngày 30 tháng 5 năm 2021 để tổng hợp.",
		"Nơi nhận:", "- Như trên;", "- Lưu: VT.",
		"KT. CHỦ TỊCH", "PHO CHU TICH", "", "Phạm Văn Hùng",
	}, "\n")
	tests := []struct {
		name, text string
		want       map[string]string
	}{
		{"typed without diacritics", accentless, map[string]string{
			"issuer":          "UY BAN NHAN DAN TINH KON TUM",
			"subject":         "tang cuong kiem tra cong tac phong chong thien tai tren dia ban tinh",
			"signer_position": "PHO CHU TICH",
			"signer_name":     "Pham Van Hung",
			"doc_type":        "công văn",
		}},
		{"OCR lost the marks of one line", marked, map[string]string{
			"issuer":          "ỦY BAN NHÂN DÂN TỈNH KON TUM",
			"signer_position": "PHÓ CHỦ TỊCH",
			"signer_name":     "Phạm Văn Hùng",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := extractText(t, tt.text, "")
			for f, want := range tt.want {
				got := r.Fields[f]
				if got.Value != want {
					t.Errorf("%s = %q, want %q", f, got.Value, want)
				}
				for _, why := range got.Reasons {
					if why == ReasonAccentsRestored {
						t.Errorf("%s carries %s on a value read as printed", f, why)
					}
				}
			}
		})
	}
}
