package extract

import (
	"strings"
	"testing"
)

// letterPage builds a first page: the issuer, number line, motto and date,
// then the given lines (title, subject, body) and a signature.
func letterPage(number string, lines ...string) string {
	head := []string{
		"ỦY BAN NHÂN DÂN", "HUYỆN ĐAK HÀ", number,
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
		"Đak Hà, ngày 4 tháng 9 năm 2020",
	}
	tail := []string{
		"Ủy ban nhân dân huyện đề nghị các đơn vị phối hợp thực hiện các nội dung trên",
		"và báo cáo kết quả về Văn phòng trước ngày 30 tháng 9 năm 2020.",
		"Nơi nhận:", "- Như trên;", "- Lưu: VT.", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trịnh Văn Lâm",
	}
	return strings.Join(append(append(head, lines...), tail...), "\n")
}

// A document is classified by its own title and symbol: the "V/v" of a
// letter as a photo or a typist writes it, a title lost by OCR with the
// symbol still naming the type, a type title of the vocabulary, and never
// the title of a copy's form or a received stamp.
func TestClassifyOwnTitle(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"lower-case v/v", letterPage("Số: 215/UBND-VP", "v/v rà soát hồ sơ đất đai", "Kính gửi: Các xã, thị trấn."), "official_letter"},
		{"V/v read V/y", letterPage("Số: 215/UBND-VP", "V/y rà soát hồ sơ đất đai", "Kính gửi: Các xã, thị trấn."), "official_letter"},
		{"Vì is not V/v", letterPage("Số: 215/TB-UBND", "THÔNG BÁO", "Vì lý do thời tiết, lịch tiếp công dân thay đổi"), "notice"},
		{"submission title lost", letterPage("Số: 88/TTr-UBND", "Về việc phê duyệt dự toán kinh phí", "Kính gửi: Ủy ban nhân dân tỉnh."), "submission"},
		{"invitation", letterPage("Số: 31/GM-UBND", "GIẤY MỜI", "Dự hội nghị tổng kết công tác năm 2020"), "other_administrative"},
		{"received stamp is not a title", "CÔNG VĂN ĐẾN\nTHÔNG BÁO\nSố: 77\nNgày: 8/9/2020\n" +
			letterPage("Số: 215/UBND-VP", "V/v rà soát hồ sơ đất đai", "Kính gửi: Các xã, thị trấn."), "official_letter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := extractText(t, tt.text, "")
			if r.Class != tt.want {
				t.Errorf("class %s (%.2f), want %s", r.Class, r.ClassConfidence, tt.want)
			}
		})
	}
}
