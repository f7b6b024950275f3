package extract

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

type normCase struct {
	name  string
	in    string
	ctx   normCtx
	want  string
	parts map[string]string
	ok    bool
	// repaired: quality must be below 1.
	repaired bool
}

func runNorm(t *testing.T, fn normalizer, cases []normCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := fn(tc.in, tc.ctx)
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v (value %q)", ok, tc.ok, got.value)
			}
			if !ok {
				return
			}
			if diff := cmp.Diff(tc.want, got.value); diff != "" {
				t.Errorf("value (-want +got):\n%s", diff)
			}
			if tc.parts != nil {
				if diff := cmp.Diff(tc.parts, got.parts); diff != "" {
					t.Errorf("parts (-want +got):\n%s", diff)
				}
			}
			if tc.repaired != (got.quality < 1) {
				t.Errorf("quality = %v, repaired want %v", got.quality, tc.repaired)
			}
		})
	}
}

func TestNormDate(t *testing.T) {
	runNorm(t, normDate, []normCase{
		{name: "full", in: "ngày 14 tháng 7 năm 2022", want: "2022-07-14", ok: true},
		{name: "leading zeros", in: "ngày 05 tháng 01 năm 2020", want: "2020-01-05", ok: true},
		{name: "with place", in: "Cà Mau, ngày 14 tháng 7 năm 2022", want: "2022-07-14", ok: true},
		{name: "no accents", in: "ngay 14 thang 7 nam 2022", want: "2022-07-14", ok: true},
		{name: "capital", in: "Ngày 3 Tháng 12 Năm 1999", want: "1999-12-03", ok: true},
		{name: "OCR O for 0", in: "ngày O5 tháng 01 năm 2020", want: "2020-01-05", ok: true, repaired: true},
		{name: "wrong tone marks", in: "ngáy 14 thắng 7 nằm 2022", want: "2022-07-14", ok: true},
		{name: "dmy", in: "05/03/1998", want: "1998-03-05", ok: true},
		{name: "dmy dashes", in: "5-3-1998", want: "1998-03-05", ok: true},
		{name: "dmy dots", in: "05.03.1998", want: "1998-03-05", ok: true},
		{name: "year only", in: "sinh năm 1969", want: "1969", ok: true},
		{name: "year OCR l", in: "sinh năm l969", want: "1969", ok: true, repaired: true},
		{name: "invalid day", in: "ngày 31 tháng 02 năm 2020", want: "2020", ok: true},
		{name: "invalid dmy falls to year", in: "32/13/2020", want: "2020", ok: true},
		{name: "nothing", in: "không có ngày", ok: false},
		{name: "empty", in: "", ok: false},
	})
}

func TestNormNumberSymbol(t *testing.T) {
	qd := normCtx{typeAbbr: "QĐ"}
	runNorm(t, normNumberSymbol, []normCase{
		{name: "decision", in: "Số: 1929/QĐ-UBND", ctx: qd, want: "1929/QĐ-UBND", parts: map[string]string{"number": "1929", "symbol": "QĐ-UBND"}, ok: true},
		{name: "decision D repaired from title", in: "Số: 1929/QD-UBND", ctx: qd, want: "1929/QĐ-UBND", parts: map[string]string{"number": "1929", "symbol": "QĐ-UBND"}, ok: true, repaired: true},
		{name: "decision D repaired from list", in: "Số: 12/QD-UBND", want: "12/QĐ-UBND", parts: map[string]string{"number": "12", "symbol": "QĐ-UBND"}, ok: true, repaired: true},
		{name: "legal with year", in: "30/2020/NĐ-CP", want: "30/2020/NĐ-CP", parts: map[string]string{"number": "30", "symbol": "2020/NĐ-CP"}, ok: true},
		{name: "legal OCR ND", in: "Số: 30/2020/ND-CP", want: "30/2020/NĐ-CP", parts: map[string]string{"number": "30", "symbol": "2020/NĐ-CP"}, ok: true, repaired: true},
		{name: "party", in: "Số 05-NQ/TU", want: "05-NQ/TU", parts: map[string]string{"number": "05", "symbol": "NQ/TU"}, ok: true},
		{name: "official letter", in: "Số: 12/UBND-VX", want: "12/UBND-VX", parts: map[string]string{"number": "12", "symbol": "UBND-VX"}, ok: true},
		{name: "spaces from OCR", in: "Số : 215 / TTr - STNMT", want: "215/TTr-STNMT", parts: map[string]string{"number": "215", "symbol": "TTr-STNMT"}, ok: true},
		{name: "mixed case kept", in: "Số: 7/QyĐ-UBND", want: "7/QyĐ-UBND", parts: map[string]string{"number": "7", "symbol": "QyĐ-UBND"}, ok: true},
		{name: "O in number", in: "Số: 1O5/TB-UBND", want: "105/TB-UBND", parts: map[string]string{"number": "105", "symbol": "TB-UBND"}, ok: true, repaired: true},
		{name: "Đề án keeps ĐA", in: "Số: 3/DA-UBND", ctx: normCtx{typeAbbr: "ĐA"}, want: "3/ĐA-UBND", parts: map[string]string{"number": "3", "symbol": "ĐA-UBND"}, ok: true, repaired: true},
		{name: "Dự án keeps DA", in: "Số: 3/DA-UBND", ctx: normCtx{typeAbbr: "DA"}, want: "3/DA-UBND", parts: map[string]string{"number": "3", "symbol": "DA-UBND"}, ok: true},
		{name: "HĐND", in: "Số: 45/NQ-HDND", want: "45/NQ-HĐND", parts: map[string]string{"number": "45", "symbol": "NQ-HĐND"}, ok: true, repaired: true},
		{name: "symbol ends at text", in: "Số: 45/NQ-HĐND ngày 3", want: "45/NQ-HĐND", parts: map[string]string{"number": "45", "symbol": "NQ-HĐND"}, ok: true},
		{name: "no symbol", in: "Số: 45", ok: false},
		{name: "garbage", in: "////", ok: false},
	})
}

func TestNormArea(t *testing.T) {
	runNorm(t, normArea, []normCase{
		{name: "vn decimal", in: "1.250,5 m²", want: "1250.5", ok: true},
		{name: "m2", in: "1.250,5 m2", want: "1250.5", ok: true},
		{name: "degree sign", in: "1.250,5 m°", want: "1250.5", ok: true, repaired: true},
		{name: "small", in: "85,3 m²", want: "85.3", ok: true},
		{name: "integer", in: "300 m2 (Bằng chữ: ba trăm mét vuông)", want: "300", ok: true},
		{name: "thousands only", in: "12.345 m²", want: "12345", ok: true},
		{name: "hectare", in: "1,2 ha", want: "12000", ok: true},
		{name: "no unit", in: "450,0", want: "450", ok: true, repaired: true},
		{name: "space thousands", in: "1 250,5 m²", want: "1250.5", ok: true},
		{name: "decimal point", in: "250.5 m2", want: "250.5", ok: true},
		{name: "english thousands", in: "1,250.5 m² (one thousand ...)", want: "1250.5", ok: true},
		{name: "english, no thousands", in: "Area: 96.4 sq m", want: "96.4", ok: true, repaired: true},
		{name: "comma read as j/", in: "362j/7m2", want: "362.7", ok: true, repaired: true},
		{name: "comma read as ;", in: "1.599;8 m2", want: "1599.8", ok: true, repaired: true},
		{name: "none", in: "không rõ", ok: false},
	})
}

func TestNormCCCD(t *testing.T) {
	runNorm(t, normCCCD, []normCase{
		{name: "plain", in: "096069001234", want: "096069001234", ok: true},
		{name: "groups", in: "0960 6900 1234", want: "096069001234", ok: true},
		{name: "dots", in: "096.069.001.234", want: "096069001234", ok: true},
		{name: "OCR O and l", in: "O96O69OO1234", want: "096069001234", ok: true, repaired: true},
		{name: "not Cà Mau", in: "001085012345", want: "001085012345", ok: true},
		{name: "century matches", in: "096069001234", ctx: normCtx{birthYear: 1969}, want: "096069001234", ok: true},
		{name: "century mismatch", in: "096269001234", ctx: normCtx{birthYear: 1969}, want: "096269001234", ok: true, repaired: true},
		{name: "female 2000s", in: "095305123456", ctx: normCtx{birthYear: 2005}, want: "095305123456", ok: true},
		{name: "unknown province", in: "099069001234", ok: false},
		{name: "province 003 does not exist", in: "003069001234", ok: false},
		{name: "too short", in: "09606900123", ok: false},
		{name: "too long", in: "0960690012345", ok: false},
	})
	if len(provinceCodes) != 63 {
		t.Errorf("province list has %d codes, want 63", len(provinceCodes))
	}
}

func TestNormCMND(t *testing.T) {
	runNorm(t, normCMND, []normCase{
		{name: "nine", in: "381234567", want: "381234567", ok: true},
		{name: "groups", in: "381 234 567", want: "381234567", ok: true},
		{name: "twelve", in: "381234567890", want: "381234567890", ok: true, repaired: true},
		{name: "eight", in: "38123456", ok: false},
	})
}

func TestNormPersonName(t *testing.T) {
	runNorm(t, normPersonName, []normCase{
		{name: "upper", in: "NGUYỄN VĂN AN", want: "Nguyễn Văn An", ok: true},
		{name: "honorific", in: "Ông NGUYỄN VĂN AN", want: "Nguyễn Văn An", ok: true},
		{name: "trailing text", in: "Nguyễn Văn An, sinh năm 1969", want: "Nguyễn Văn An", ok: true},
		{name: "lower words cut", in: "Trần Thị Bích sinh ngày", want: "Trần Thị Bích", ok: true},
		{name: "decomposed input", in: "NGUYE\u0302\u0303N VA\u0306N AN", want: "Nguyễn Văn An", ok: true},
		{name: "old tone placement", in: "HOÀNG THỊ THUỶ", want: "Hoàng Thị Thủy", ok: true},
		{name: "one word", in: "An", ok: false},
		{name: "lower", in: "nguyễn văn an", ok: false},
	})
}

func TestNormSerial(t *testing.T) {
	runNorm(t, normSerial, []normCase{
		{name: "serial", in: "BS 123456", want: "BS 123456", ok: true},
		{name: "no space", in: "BS123456", want: "BS 123456", ok: true},
		{name: "Đ kept", in: "CĐ 654321", want: "CĐ 654321", ok: true},
		{name: "book", in: "CH 00120", want: "CH 00120", ok: true, repaired: true},
		{name: "OCR O", in: "CH OO120", want: "CH 00120", ok: true, repaired: true},
		{name: "none", in: "không số", ok: false},
	})
}

func TestNormBookEntry(t *testing.T) {
	runNorm(t, normBookEntry, []normCase{
		{name: "with space", in: "CH 00120", want: "CH 00120", ok: true},
		{name: "as written, no space", in: "CS25071", want: "CS25071", ok: true},
		{name: "handwritten letters apart", in: "C S25071", want: "CS25071", ok: true},
		{name: "handwritten digits apart", in: "CH0611 1", want: "CH06111", ok: true, repaired: true},
		{name: "OCR O", in: "VP O0457 Hà Tĩnh", want: "VP 00457", ok: true, repaired: true},
		{name: "thin third letter", in: "CHÍ 07670", want: "CH 07670", ok: true, repaired: true},
		{name: "none", in: "không có", ok: false},
	})
}

func TestNormPhoneTokenCodes(t *testing.T) {
	runNorm(t, normPhone, []normCase{
		{name: "mobile", in: "0912 345 678", want: "0912345678", ok: true},
		{name: "intl", in: "+84 912 345 678", want: "0912345678", ok: true},
		{name: "none", in: "12345", ok: false},
	})
	runNorm(t, normToken, []normCase{
		{name: "parcel", in: " 217a; Tờ bản đồ số: 17", want: "217a", ok: true},
		{name: "sheet", in: ": C44;", want: "C44", ok: true},
		{name: "empty", in: " ; ", ok: false},
	})
	runNorm(t, normCodeList, []normCase{
		{name: "code", in: "Đất ở tại nông thôn (ONT)", want: "ONT", ok: true},
		{name: "two", in: "ONT+CLN", want: "ONT+CLN", ok: true},
		{name: "text", in: "Đất trồng lúa", want: "Đất trồng lúa", ok: true, repaired: true},
	})
}

func TestNormPlaceDate(t *testing.T) {
	runNorm(t, normPlaceDate, []normCase{
		{name: "place", in: "Cà Mau, ngày 14 tháng 7 năm 2022", want: "2022-07-14", parts: map[string]string{"date": "2022-07-14", "place": "Cà Mau"}, ok: true},
		{name: "no place", in: "ngày 14 tháng 7 năm 2022", want: "2022-07-14", parts: map[string]string{"date": "2022-07-14"}, ok: true},
	})
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Quyết Định":  "Quyet Dinh",
		"ĐẢNG CỘNG":   "DANG CONG",
		"Thửa đất số": "Thua dat so",
		"m²":          "m²",
		"Ư ơ":         "U o",
		"a\u0301b":    "ab",
	} {
		if got := fold(in); got != want {
			t.Errorf("fold(%q) = %q, want %q", in, got, want)
		}
	}
	f := newFolded("Số: 1929/QĐ-UBND")
	if f.text != "So: 1929/QD-UBND" {
		t.Fatalf("folded %q", f.text)
	}
	s, e := f.rawRange(9, 11)
	if got := f.raw[s:e]; got != "QĐ" {
		t.Errorf("rawRange = %q, want QĐ", got)
	}
}

func TestNFCTone(t *testing.T) {
	for in, want := range map[string]string{
		"UỶ BAN":     "ỦY BAN",
		"Cộng hoà":   "Cộng hòa",
		"quý":        "quý",
		"hoàn thành": "hoàn thành",
		"khoẻ":       "khỏe",
	} {
		if got := nfc(in); got != want {
			t.Errorf("nfc(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormLandPurpose(t *testing.T) {
	runNorm(t, normLandPurpose, []normCase{
		{name: "name and code", in: "Đất ở tại đô thị (ODT)", want: "Đất ở tại đô thị (ODT)", ok: true},
		{name: "next item on the line", in: "Đất ở tại nông thôn (ONT) e) Thời hạn sử dụng: Lâu dài", want: "Đất ở tại nông thôn (ONT)", ok: true},
		{name: "code alone", in: "CLN", want: "Đất trồng cây lâu năm (CLN)", ok: true, repaired: true},
		{name: "two codes", in: "ONT+CLN", want: "ONT+CLN", ok: true, repaired: true},
		{name: "name alone", in: "Đất nuôi trồng thủy sản.", want: "Đất nuôi trồng thủy sản (NTS)", ok: true, repaired: true},
		{name: "other text", in: "Đất ở và vườn", want: "Đất ở và vườn", ok: true, repaired: true},
		{name: "empty", in: " - ", ok: false},
	})
}
