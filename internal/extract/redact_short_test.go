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
