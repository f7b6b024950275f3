package extract

import (
	"context"
	"strings"
	"testing"

	"github.com/sohoa/sohoa/internal/domain"
)

// TestRedactShortValuesOnlyWhereExtracted: the sex "Nam" is personal, but
// "Việt Nam" and "năm" elsewhere on the page are not.
func TestRedactShortValuesOnlyWhereExtracted(t *testing.T) {
	e, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	text := "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nTRÍCH LỤC KHAI SINH\n" +
		"Họ, chữ đệm, tên: NGUYỄN VĂN BÌNH\nNgày, tháng, năm sinh: 12/03/1990\n" +
		"Giới tính: Nam; Dân tộc: Kinh; Quốc tịch: Việt Nam\nNơi sinh: Bệnh viện Đa khoa tỉnh Cà Mau\n" +
		"Cà Mau, ngày 27 tháng 9 năm 2024\n"
	pages := []domain.Page{{No: 1, Text: text}}
	r, err := e.Extract(context.Background(), pages, "")
	if err != nil {
		t.Fatal(err)
	}
	red := Redact(pages, r)[0]
	for _, keep := range []string{"VIỆT NAM", "Quốc tịch: Việt Nam", "năm 2024"} {
		if !strings.Contains(red, keep) {
			t.Errorf("redacted text lost %q:\n%s", keep, red)
		}
	}
	for _, gone := range []string{"NGUYỄN VĂN BÌNH", "12/03/1990", "Giới tính: Nam"} {
		if strings.Contains(red, gone) {
			t.Errorf("redacted text still has %q:\n%s", gone, red)
		}
	}
}

// TestRedactAfterGarbledLabels: OCR of poor scans garbles the labels that
// anchor personal values; the generic detectors must still find the values
// (each case leaked before them).
func TestRedactAfterGarbledLabels(t *testing.T) {
	tests := []struct{ name, text, gone string }{
		{"name after a comma and a line break", "cơ quan nhận được đơn của bà,\nVõ Tuyết Hà, sinh năm 1972, kiến nghị", "Võ Tuyết Hà"},
		{"name after debris", "đơn của bà,\n\n. Hoàng Thị Linh, sinh năm 1953", "Hoàng Thị Linh"},
		{"address after label debris", "địa chỉ\nthường trú tại | :\nẤp Thành Tâm, xã Tạ An Khương, huyện Đầm Dơi, tỉnh Cà Mau, kiến nghị", "Tạ An Khương"},
		{"address without a label", "kiến nghị của hộ dân Ấu 6. xã Tân Ân, huyện Ngọc Hiển, tỉnh Cà Mau về việc", "Tân Ân, huyện Ngọc Hiển"},
		{"birth date across lines", "của bà Đinh Mỹ Hà, sinh -\nngày 11/10/1990, thường trú", "11/10/1990"},
		{"serial after a dash", "Số vào sổ cấp GCN: CH 13775 :\n\n- BS 150742\n", "150742"},
		{"book entry", "Số vào sổ cấp GCN: CH 13775 :\n", "13775"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pages := []domain.Page{{No: 1, Text: "CÔNG VĂN\n" + tt.text + "\n"}}
			red := Redact(pages, Result{})[0]
			if strings.Contains(red, tt.gone) {
				t.Errorf("redacted text still has %q:\n%s", tt.gone, red)
			}
		})
	}
}

// TestRedactWithoutClassLabels: issue 18 found an annex table of households
// and English translations of civil-status records with every personal
// value in the indexed text, because redaction followed the class's
// labels. The detector finds them whatever the class (each case leaked
// before it).
func TestRedactWithoutClassLabels(t *testing.T) {
	tests := []struct {
		name, text string
		gone, keep []string
	}{
		{"annex table row", "DANH SÁCH KÈM THEO QUYẾT ĐỊNH SỐ 1482/QĐ-UBND\nSTT | Họ và tên chủ hộ | Năm sinh | Số CCCD | Nơi cư trú\n" +
			"7 | Quách Hồng Diệu | 1962 | 096162004518 | Ấp Tân Lợi\n8 | Khưu Văn Lực | 12/04/1958 | 096058001234 | Khóm 4\n",
			[]string{"Quách Hồng Diệu", "1962", "096162004518", "Ấp Tân Lợi", "Khưu Văn Lực", "12/04/1958", "Khóm 4"},
			[]string{"1482/QĐ-UBND", "Họ và tên chủ hộ"}},
		{"english translation", "EXTRACT OF BIRTH REGISTRATION\nFull name: TRAN NGOC BAO HAN\nDate of birth: 05 March 2012\n" +
			"Mother's full name: Dieu Hong QUACH\nPlace of residence: Hamlet 9, Quach Pham Commune, Dam Doi District, Ca Mau Province\n",
			[]string{"TRAN NGOC BAO HAN", "05 March 2012", "Dieu Hong QUACH", "Hamlet 9", "Quach Pham Commune"},
			[]string{"EXTRACT OF BIRTH REGISTRATION"}},
		{"accentless OCR", "CONG HOA XA HOI CHU NGHIA VIET NAM\nXet don cua ong LAM VAN TU, sinh nam 1962, CCCD so 096 062 001 234, thuong tru Ap Kinh Hoi, xa Tan Thuan\n",
			[]string{"LAM VAN TU", "1962", "096 062 001 234", "Ap Kinh Hoi"},
			[]string{"CONG HOA XA HOI CHU NGHIA VIET NAM"}},
		{"official signer stays", "Nơi nhận:                    KT. CHỦ TỊCH\n- Lưu: VT.                   PHÓ CHỦ TỊCH\n\n                             Huỳnh Quốc Việt\n",
			nil, []string{"Huỳnh Quốc Việt", "Lưu: VT"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			red := Redact([]domain.Page{{No: 1, Text: tt.text}}, Result{})[0]
			for _, g := range tt.gone {
				if strings.Contains(red, g) {
					t.Errorf("redacted text still has %q:\n%s", g, red)
				}
			}
			for _, k := range tt.keep {
				if !strings.Contains(red, k) {
					t.Errorf("redacted text lost %q:\n%s", k, red)
				}
			}
		})
	}
}
