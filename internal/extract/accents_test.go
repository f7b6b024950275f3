package extract

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sohoa/sohoa/internal/domain"
)

func TestRepairName(t *testing.T) {
	v := newNameVocab()
	for _, tc := range []struct{ in, want string }{
		{"Pham Van Khai", "Phạm Văn Khải"},
		{"Thái Thi Nguyét", "Thái Thị Nguyệt"},
		{"Trần Hồng My Giang", "Trần Hồng Mỹ Giang"},
		{"Nguyễn Văn An", "Nguyễn Văn An"},
		{"Le Van Tài", "Lê Văn Tài"},
		{"Xyz Abc", "Xyz Abc"},
	} {
		if got, _ := v.repairName(tc.in); got != tc.want {
			t.Errorf("repairName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestRepairTextFromDocument(t *testing.T) {
	pages := []*page{preparePage(&domain.Page{No: 1, Text: "Ủy ban nhân dân tỉnh Cà Mau\nđịa chỉ tỉnh Cà Mau\nCa Mau, ngày 1 tháng 2 năm 2020\nlưu trữ hồ sơ, tài liệu\nthu hồi đất\nthủ trưởng\nthủ trưởng\nthủ trưởng\n"})}
	wv := docVariants(pages)
	for _, tc := range []struct{ in, want string }{
		{"Ca Mau", "Cà Mau"},           // the document writes Cà Mau twice
		{"thu hồi đất", "thu hồi đất"}, // "thủ" is frequent but never before "hồi"
		{"sở tài nguyên", "sở tài nguyên"},
	} {
		if got, _ := wv.repairText(tc.in); got != tc.want {
			t.Errorf("repairText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestRepairVocabularies(t *testing.T) {
	for _, tc := range []struct {
		name string
		fn   func(string) (string, bool)
		in   string
		want string
	}{
		{"position", repairPosition, "PHO CHU TICH", "PHÓ CHỦ TỊCH"},
		{"position garbled mark", repairPosition, "CHỮ TỊCH", "CHỦ TỊCH"},
		{"position unknown", repairPosition, "THƯ KÝ HỘI NGHỊ", "THƯ KÝ HỘI NGHỊ"}, {"position noisy", repairPosition, "ERO CHU TICH", "PHÓ CHỦ TỊCH"},
		{"issuer", repairIssuer, "UY BAN NHAN DAN TINH CA MAU", "ỦY BAN NHÂN DÂN TỈNH CA MAU"},
		{"issuer department", repairIssuer, "SO NONG NGHIEP VA PHAT TRIEN NONG THON", "SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN"},
		{"province", repairProvinces, "UBND TINH CA MAU", "UBND TINH CÀ MAU"},
		{"province title case", repairProvinces, "Bac Lieu", "Bạc Liêu"},
		{"land purpose", repairLandPurpose, "Đất trồng cây lầu năm (CLN)", "Đất trồng cây lâu năm (CLN)"},
		{"land purpose other text kept", repairLandPurpose, "Đất vườn (CLN)", "Đất vườn (CLN)"},
		{"land purpose split code", repairLandPurpose, "Đất ở tại nông thôn (ON T)", "Đất ở tại nông thôn (ONT)"},
		{"land purpose code with a mark", repairLandPurpose, "Đất chuyên trồng lúa nước (LŨC)", "Đất chuyên trồng lúa nước (LUC)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got, _ := tc.fn(tc.in); got != tc.want {
				t.Errorf("%q -> %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestRepairSymbolFromIssuerInitials(t *testing.T) {
	if got := initials("SỞ GIÁO DỤC VÀ ĐÀO TẠO TỈNH CÀ MAU"); got != "SGDĐT" {
		t.Errorf("initials = %q", got)
	}
	fields := map[string]Field{"doc_symbol": {Value: "BC-SGDDT", Confidence: 1}, "issuer": {Value: "SỞ GIÁO DỤC VÀ ĐÀO TẠO TỈNH CÀ MAU"}}
	repairSymbol(fields)
	if diff := cmp.Diff("BC-SGDĐT", fields["doc_symbol"].Value); diff != "" {
		t.Errorf("symbol (-want +got):\n%s", diff)
	}
}
