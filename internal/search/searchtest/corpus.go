package searchtest

import (
	"time"

	"github.com/sohoa/sohoa/internal/search"
)

// Blind index tokens of the corpus: what the vault would derive from
// personal values with its HMAC key. The suite only needs them to be opaque.
const (
	blindCCCD3 = "cccd:5f1c0a9e3b7d4e2a8c6b1f0e9d8c7b6a5f4e3d2c1b0a99887766554433221100"
	blindCCCD4 = "cccd:0a1b2c3d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeeff0"
	blindName3 = "name:7e57ab1e0ddba11c0ffee0ddf00dfacade5eed1e55c0de0b5e55ed0ff1ce0042"
	// blindName4 is the exact token of a name on gcn-413 whose folded token,
	// blindFolded, gcn-412 holds too (its name differs only in diacritics).
	blindName4  = "person_names:4d1e0b5e55ed0ff1ce00427e57ab1e0ddba11c0ffee0ddf00dfacade5eed1e55c"
	blindFolded = "person_names_folded:f01dedf01ded0ff1ce00427e57ab1e0ddba11c0ffee0ddf00dfacade5eed1e5"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// Corpus returns the records the suite indexes, in a fixed order. Their
// texts are written so that each case's expected hits can be read off them:
//   - qd-cds and qd-ocr carry the same decision, one spelt correctly and one
//     as OCR without diacritics;
//   - cv-dat and gcn-412 both mention đất ở ... nông thôn, but only cv-dat
//     has the phrase "đất ở nông thôn";
//   - bc-typo has "chuyểu đổi số" (an OCR error for "chuyển đổi số") and
//     "thông tin", as cv-dat; qd-cds has "tháng", "trong" and "tin" (each
//     one letter from "thông") but no "thông"; "khuyến" is one letter
//     from "chuyển" but with other first letters and occurs nowhere.
func Corpus() []search.Record {
	common := "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; " +
		"Căn cứ Nghị định số 30/2020/NĐ-CP của Chính phủ về công tác văn thư; " +
		"Theo đề nghị của Giám đốc Sở Nội vụ."
	return []search.Record{
		{
			ID: "qd-cds", BatchID: "batch-a", Name: "qd-1929.pdf", Pipeline: "admin",
			Title:   "Quyết định phê duyệt Kế hoạch chuyển đổi số tỉnh Cà Mau",
			DocType: "quyet_dinh", Class: "decision", Issuer: "UBND tỉnh Cà Mau", IssuedDate: date(2022, 7, 14), Pages: 3,
			Text: "ỦY BAN NHÂN DÂN TỈNH CÀ MAU\nSố: 1929/QĐ-UBND\nCà Mau, ngày 14 tháng 7 năm 2022\n" +
				"QUYẾT ĐỊNH\nVề việc phê duyệt Kế hoạch chuyển đổi số tỉnh Cà Mau năm 2022\n" + common +
				"\nĐiều 1. Phê duyệt Kế hoạch chuyển đổi số, trong đó ưu tiên ứng dụng tin học trong cơ quan nhà nước." +
				"\nĐiều 2. Quyết định chuyển đổi số này có hiệu lực kể từ ngày ký.",
			Fields: map[string][]string{
				"doc_number": {"1929"}, "doc_symbol": {"QĐ-UBND"}, "issued_date": {"2022-07-14"},
				"issue_place": {"Cà Mau"}, "signer_name": {"Nguyễn Văn Sự"},
			},
		},
		{
			ID: "qd-ocr", BatchID: "batch-a", Name: "qd-1929-copy.pdf", Pipeline: "admin",
			Title:   "Quyet dinh phe duyet Ke hoach chuyen doi so tinh Ca Mau",
			DocType: "quyet_dinh", Class: "decision", Issuer: "UBND Tỉnh  Cà Mau", IssuedDate: date(2022, 7, 15), Pages: 3,
			Text: "UY BAN NHAN DAN TINH CA MAU\nSo: 1930/QD-UBND\nCa Mau, ngay 15 thang 7 nam 2022\n" +
				"QUYET DINH\nVe viec phe duyet Ke hoach chuyen doi so tinh Ca Mau nam 2022\n" + common +
				"\nDieu 1. Phe duyet Ke hoach chuyen doi so, uu tien ung dung cong nghe trong co quan nha nuoc." +
				"\nDieu 2. Quyet dinh chuyen doi so nay co hieu luc ke tu ngay ky.",
			Fields: map[string][]string{"doc_number": {"1930"}, "doc_symbol": {"QD-UBND"}, "issued_date": {"2022-07-15"}},
		},
		{
			ID: "cv-dat", BatchID: "batch-a", Name: "cv-12.pdf", Pipeline: "admin",
			Title:   "V/v hướng dẫn cấp giấy chứng nhận đất ở nông thôn",
			DocType: "cong_van", Class: "official_letter", Issuer: "Sở Tài nguyên và Môi trường", IssuedDate: date(2023, 3, 5), Pages: 2,
			Text: "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG\nSố: 12/STNMT-ĐĐ\nV/v hướng dẫn cấp giấy chứng nhận đất ở nông thôn\n" +
				"Kính gửi: Ủy ban nhân dân các huyện.\nĐể đồng bộ việc cấp giấy chứng nhận quyền sử dụng đất ở nông thôn, " +
				"Sở đề nghị các huyện cập nhật thông tin thửa đất vào cơ sở dữ liệu đất đai. " +
				"Hồ sơ gồm đơn đăng ký & bản sao <giấy tờ> hợp lệ.\nNơi nhận: Như trên; Lưu: VT.",
			Fields: map[string][]string{"doc_number": {"12"}, "doc_symbol": {"STNMT-ĐĐ"}},
		},
		{
			ID: "gcn-412", BatchID: "batch-b", Name: "gcn-412.pdf", Pipeline: "land",
			Title:   "Giấy chứng nhận quyền sử dụng đất thửa 412",
			DocType: "giay_chung_nhan", Class: "land_certificate", Issuer: "UBND huyện Trần Văn Thời", IssuedDate: date(2019, 11, 2), Pages: 4,
			Text: "GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT\nI. Người sử dụng đất: [HỌ TÊN], CCCD số [CCCD]\n" +
				"II. Thửa đất\nThửa đất số: 412 Tờ bản đồ số: 28\nĐịa chỉ: ấp Rạch Ráng, xã Khánh Bình\n" +
				"Diện tích: 1.250,5 m2\nMục đích sử dụng: Đất ở tại nông thôn (ONT)\nThời hạn sử dụng: Lâu dài",
			Fields: map[string][]string{
				"parcel_no": {"412"}, "map_sheet": {"28"}, "area_m2": {"1250.5"}, "land_purpose": {"ONT"},
				"certificate_serial": {"BS 123456"},
			},
			Blind: []string{blindCCCD3, blindName3, blindFolded},
		},
		{
			ID: "gcn-413", BatchID: "batch-b", Name: "gcn-413.pdf", Pipeline: "land",
			Title:   "Giấy chứng nhận quyền sử dụng đất thửa 413",
			DocType: "giay_chung_nhan", Class: "land_certificate", Issuer: "UBND huyện Trần Văn Thời", IssuedDate: date(2020, 1, 20), Pages: 4,
			Text: "GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT\nI. Người sử dụng đất: [HỌ TÊN], CCCD số [CCCD]\n" +
				"II. Thửa đất\nThửa đất số: 413 Tờ bản đồ số: 28\nĐịa chỉ: ấp Kênh Mới, xã Khánh Bình\n" +
				"Diện tích: 80 m2\nMục đích sử dụng: Đất trồng cây lâu năm (CLN)\nThời hạn sử dụng: đến ngày 20/01/2070",
			Fields: map[string][]string{
				"parcel_no": {"413"}, "map_sheet": {"28"}, "area_m2": {"80"}, "land_purpose": {"CLN"},
			},
			Blind: []string{blindCCCD4, blindName4, blindFolded},
		},
		{
			ID: "bc-typo", BatchID: "batch-c", Name: "bc-05.tif", Pipeline: "admin",
			Title:   "Báo cáo tình hình ứng dụng công nghệ",
			DocType: "bao_cao", Issuer: "Sở Nội vụ", Pages: 1,
			Text: "SỞ NỘI VỤ\nBÁO CÁO\nTình hình ứng dụng công nghệ thông tin và kế hoạch chuyểu đổi số năm 2021 tại các cơ quan.\n" +
				"Tỷ lệ hồ sơ được số hoá đạt 85 phần trăm.",
			Fields: map[string][]string{"doc_number": {"05"}},
		},
	}
}
