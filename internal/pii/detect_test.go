package pii

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func detector(t testing.TB) *Detector {
	t.Helper()
	d, err := Default()
	if err != nil {
		t.Fatalf("Default: %v", err)
	}
	return d
}

// redacted replaces every detected span with its kind, for assertions.
func redacted(d *Detector, text string) string {
	var b strings.Builder
	cur := 0
	for _, s := range d.Detect(text) {
		b.WriteString(text[cur:s.Start])
		b.WriteString("[" + string(s.Kind) + "]")
		cur = s.End
	}
	b.WriteString(text[cur:])
	return b.String()
}

type detCase struct {
	name, text string
	gone       []string // must not survive
	keep       []string // must survive
}

func runCases(t *testing.T, cases []detCase) {
	t.Helper()
	d := detector(t)
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			got := redacted(d, tt.text)
			for _, g := range tt.gone {
				if strings.Contains(got, g) {
					t.Errorf("%q survived:\n%s", g, got)
				}
			}
			for _, k := range tt.keep {
				if !strings.Contains(got, k) {
					t.Errorf("%q was redacted:\n%s", k, got)
				}
			}
		})
	}
}

func TestDetectIDs(t *testing.T) {
	runCases(t, []detCase{
		{"cccd plain", "CCCD số 096185004321 cấp ngày", []string{"096185004321"}, []string{"CCCD số"}},
		{"cccd spaced", "ID No.: 079 190 012 345, issued", []string{"079 190 012 345"}, nil},
		{"cccd dotted", "số định danh 001.301.004.567", []string{"001.301.004.567"}, nil},
		{"cccd in English", "Citizen identity card number 096091846821 of the mother", []string{"096091846821"}, []string{"mother"}},
		{"cmnd", "CMND số 381234567 do Công an tỉnh Cà Mau cấp", []string{"381234567"}, []string{"Công an tỉnh Cà Mau"}},
		{"passport", "Passport No. C1234567 issued", []string{"C1234567"}, []string{"Passport No."}},
		{"phone", "điện thoại 0912 345 678", []string{"0912 345 678"}, nil},
		{"money is not an id", "số tiền 150.000.000 đồng", nil, []string{"150.000.000"}},
		{"document number stays", "Số: 123/QĐ-UBND ngày 12/3/2024", nil, []string{"123/QĐ-UBND", "12/3/2024"}},
		{"parcel stays", "thửa đất số 123, tờ bản đồ số 45, diện tích 150,5 m2", nil, []string{"thửa đất số 123", "tờ bản đồ số 45", "150,5 m2"}},
	})
}

func TestValidCCCD(t *testing.T) {
	d := detector(t)
	for _, tt := range []struct {
		n    string
		want bool
	}{
		{"096185004321", true}, {"001301004567", true}, {"097185004321", false}, {"003185004321", false},
		{"096485004321", false}, {"096399004321", false},
	} {
		if got := d.validCCCD(tt.n); got != tt.want {
			t.Errorf("validCCCD(%s) = %v, want %v", tt.n, got, tt.want)
		}
	}
}

func TestDetectBirthDates(t *testing.T) {
	runCases(t, []detCase{
		{"numeric after sinh", "bà Võ Thị Lan, sinh ngày 05/03/1980, trú tại", []string{"05/03/1980"}, nil},
		{"words", "sinh ngày 5 tháng 3 năm 1980 tại", []string{"5 tháng 3 năm 1980"}, nil},
		{"english", "Date of birth: 05 March 1980", []string{"05 March 1980"}, []string{"Date of birth"}},
		{"english us order", "born on March 5, 1980 in Ca Mau", []string{"March 5, 1980"}, nil},
		{"accentless", "NGAY SINH: 12-11-1975", []string{"12-11-1975"}, nil},
		{"year of birth", "ông Lâm Văn Tư, sinh năm 1962", []string{"1962"}, nil},
		{"year after a label with a stray dot", "Father's full name: LE VAN TAM\nYear. of birth: 1971\n", []string{"1971"}, nil},
		{"date after a label with a stray dot", "Date. of birth: 21/10/1999", []string{"21/10/1999"}, nil},
		{"year of a date stays whole", "Ngày sinh: 12/10/1987", []string{"12/10/1987"}, nil},
		{"year of an event stays", "Ngày sinh: 12/10/1987, đăng ký năm 2020", []string{"12/10/1987"}, []string{"2020"}},
		{"beside a name", "Trần Thị Bé Ba    14/07/1991    Ấp 4", []string{"14/07/1991"}, nil},
		{"date of issue stays", "Cà Mau, ngày 5 tháng 3 năm 2024", nil, []string{"Cà Mau, ngày 5 tháng 3 năm 2024"}},
		{"decision date stays", "Căn cứ Quyết định số 12/QĐ-UBND ngày 02/01/2024 của", nil, []string{"02/01/2024"}},
	})
}

func TestDetectNames(t *testing.T) {
	runCases(t, []detCase{
		{"title case", "đơn của Quách Hồng Diệu gửi", []string{"Quách Hồng Diệu"}, []string{"đơn của", "gửi"}},
		{"upper", "HỌ TÊN: NGUYỄN VĂN AN", []string{"NGUYỄN VĂN AN"}, nil},
		{"accentless upper", "HO TEN CHONG: TRAN MINH KHOA", []string{"TRAN MINH KHOA"}, nil},
		{"accentless lower after a label", "ho ten: nguyen hoang phuc, sinh nam 1990", []string{"nguyen hoang phuc"}, nil},
		{"accentless lower in brackets", "Ba Vuong Thi Lai (viet tay: vuong thi lai)", []string{"vuong thi lai"}, nil},
		{"accented lower after a label", "Em tên phan quốc bảy, sinh năm 2001", []string{"phan quốc bảy"}, nil},
		{"accentless prose stays", "nang cap tuyen duong giao thong nong thon; dien tich da duoc do dac chinh quy", nil, []string{"duong giao thong", "do dac chinh quy"}},
		{"heading stays", "TRÍCH LỤC KHAI SINH\nHỢP ĐỒNG CHUYỂN NHƯỢNG QUYỀN SỬ DỤNG ĐẤT\n- Lưu Văn phòng Tỉnh ủy.", nil, []string{"TRÍCH LỤC KHAI SINH", "HỢP ĐỒNG CHUYỂN NHƯỢNG", "Lưu Văn phòng"}},
		{"english order", "Mother: Dieu Hong QUACH, born", []string{"Dieu Hong QUACH"}, nil},
		{"family name upper given title", "Full name: NGUYEN Thi Kim Loan", []string{"NGUYEN Thi Kim Loan"}, nil},
		{"rare family name", "ông Khưu Văn Lực và bà Thạch Thị Sa Rết", []string{"Khưu Văn Lực", "Thạch Thị Sa"}, nil},
		{"weak given name is redacted", "cháu Lý Tuệ Nhiên và Lưu Khởi", []string{"Lý Tuệ Nhiên", "Lưu Khởi"}, nil},
		{"motto stays", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc", nil, []string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"}},
		{"accentless motto stays", "CONG HOA XA HOI CHU NGHIA VIET NAM", nil, []string{"CONG HOA XA HOI CHU NGHIA VIET NAM"}},
		{"bodies stay", "ỦY BAN NHÂN DÂN TỈNH CÀ MAU\nSở Tài nguyên và Môi trường\nPhó Chủ tịch Ủy ban", nil, []string{"ỦY BAN NHÂN DÂN TỈNH CÀ MAU", "Sở Tài nguyên và Môi trường", "Phó Chủ tịch"}},
		{"places stay", "UBND xã Quách Phẩm, huyện Đầm Dơi.\nCông trình trên đường Trần Hưng Đạo.\nThành phố Hồ Chí Minh.\nQuach Pham Commune People's Committee", nil, []string{"Quách Phẩm", "Trần Hưng Đạo", "Hồ Chí Minh", "Quach Pham Commune"}},
		{"words that fold like names stay", "Tổng cộng 12 hộ. Xã Tân Ân. Lý do: hồ sơ", nil, []string{"Tổng cộng", "Xã Tân Ân", "Lý do"}},
		{"bodies named like people stay", "Ban Thường vụ Đoàn Thanh niên xã; LỰC LƯỢNG VŨ TRANG NHÂN DÂN", nil, []string{"Đoàn Thanh niên", "LỰC LƯỢNG VŨ TRANG"}},
		{"a person named after a place is redacted", "ông Trần Quang Trung và bà Nguyễn Thị Mai Hương, anh Hoàng Mai Anh", []string{"Trần Quang Trung", "Nguyễn Thị Mai Hương", "Hoàng Mai Anh"}, nil},
		{"official signer stays", "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\n(Đã ký)\n\nTrương Minh Hoàng\n", nil, []string{"Trương Minh Hoàng"}},
		{"petitioner is redacted", "Người làm đơn\n(ký, ghi rõ họ tên)\n\nĐoàn Thị Mỹ Lệ\n", []string{"Đoàn Thị Mỹ Lệ"}, nil},
		{"a name ends before the next field's label", "Ho ten nguoi benh: PHAM BICH LE Nam sinh: 1986\nHo ten chu ho: DO NGOC HIEU Quan he voi chu ho: Con",
			[]string{"PHAM BICH LE", "DO NGOC HIEU"}, []string{"Nam sinh", "Quan he"}},
		{"an accented label must be spelled as one", "Họ tên: Nguyễn Văn An Năm sinh: 1980; bà Trần Thị Nam sinh viên", []string{"Nguyễn Văn An", "Trần Thị Nam"}, []string{"Năm sinh", "sinh viên"}},
	})
}

func TestDetectAddresses(t *testing.T) {
	runCases(t, []detCase{
		{"chain", "thường trú Ấp 9, xã Quách Phẩm, huyện Đầm Dơi, tỉnh Cà Mau.", []string{"Ấp 9", "Quách Phẩm", "Đầm Dơi"}, nil},
		{"unlabelled chain", "hộ ông A ở khóm 3, thị trấn Sông Đốc, huyện Trần Văn Thời về việc", []string{"khóm 3", "Sông Đốc"}, []string{"về việc"}},
		{"folded chain", "AP TAN LOI, XA TAN AN, HUYEN NGOC HIEN", []string{"AP TAN LOI", "XA TAN AN"}, nil},
		{"english", "residing in Hamlet 9, Quach Pham Commune, Dam Doi District, Ca Mau Province", []string{"Hamlet 9", "Quach Pham Commune", "Dam Doi District"}, nil},
		{"house and street", "ở số 45 đường Lý Thường Kiệt, phường 7, thành phố Cà Mau", []string{"45 đường Lý Thường Kiệt", "phường 7"}, nil},
		{"across a line", "trú tại tổ 5, khóm 2,\nphường 8, TP Cà Mau", []string{"tổ 5", "phường 8"}, nil},
		{"labelled", "Address: 12 Nguyen Trai Street, Ward 9", []string{"Nguyen Trai Street", "Ward 9"}, nil},
		{"body stays", "ỦY BAN NHÂN DÂN XÃ TÂN ÂN, HUYỆN NGỌC HIỂN", nil, []string{"XÃ TÂN ÂN, HUYỆN NGỌC HIỂN"}},
		{"issuer place stays", "UBND huyện Đầm Dơi, tỉnh Cà Mau", nil, []string{"huyện Đầm Dơi, tỉnh Cà Mau"}},
	})
}

func TestDetectTables(t *testing.T) {
	runCases(t, []detCase{
		{"row cells", "STT | Họ và tên | Năm sinh | Địa chỉ\n1 | Lâm Thị Sa | 1958 | Ấp Tân Lợi\n", []string{"Lâm Thị Sa", "1958", "Ấp Tân Lợi"}, []string{"Năm sinh", "STT"}},
		{"wide gaps", "3    Phan Văn Út Nhỏ    12/05/1949    Khóm 4    Nam", []string{"Phan Văn Út Nhỏ", "12/05/1949", "Khóm 4"}, []string{"Nam"}},
		{"weak name in a personal row", "7\tKhổng Mẫn Nhi\t096301007712\tTổ 3", []string{"Khổng Mẫn Nhi", "Tổ 3"}, nil},
		{"one cell a line", "Họ tên chủ hộ\nTrịnh Văn Hiếu\n1971\nẤp Cái Cám\n", []string{"Trịnh Văn Hiếu", "1971", "Ấp Cái Cám"}, nil},
	})
}

func BenchmarkDetect(b *testing.B) {
	d := detector(b)
	page := strings.Repeat("ỦY BAN NHÂN DÂN XÃ TÂN ÂN\nCăn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;\n"+
		"Xét đề nghị của ông Nguyễn Văn Bình, sinh năm 1970, thường trú ấp 3, xã Tân Ân, huyện Ngọc Hiển, tỉnh Cà Mau, CCCD số 096070001234;\n"+
		"1 | Lê Thị Hoa | 12/03/1985 | Ấp 4 | 150,5 m2\n", 8)
	b.SetBytes(int64(len(page)))
	b.ResetTimer()
	for b.Loop() {
		d.Detect(page)
	}
}

// FuzzDetect: spans are sorted, disjoint, inside the text and on rune
// boundaries, whatever the input (OCR text is often invalid UTF-8).
func FuzzDetect(f *testing.F) {
	for _, s := range []string{
		"Ông Nguyễn Văn An, sinh ngày 05/03/1980, CCCD 096080001234, trú tại ấp 9, xã Quách Phẩm",
		"1 | Lê Thị Hoa | 1958 | Ấp 4\n", "Full name: TRAN VAN A\nDate of birth: 05 March 1980",
		"NGUYE\u0302\u0303N VA\u0306N \xff\xfe B", "\f\n\t|  |",
		"STT Họ và tên Ngày/năm sinh Nơi ở\n7 Lầm Minh Trọng 09/10/1955 Ấp Kinh Hội\nnặng 540.000\n8 Tô Sa Rết 1942 Khóm\n",
		"STT\n\nHọ tên chủ hộ\nNăm sinh\n\nĐịa chỉ\n\n1\n\nTrần Phước Dũng\n1967\n\nKhóm 7\n\n2\n",
		"Em tên phan quốc bảy, sinh 05/01/1993, CCCD 091093466972, ở ấp 10, xã\nKhánh Thuận.\nEm xin tạm hoãn Nguyễn\nVăn",
	} {
		f.Add(s)
	}
	d := detector(f)
	f.Fuzz(func(t *testing.T, s string) {
		prev := 0
		for _, sp := range d.Detect(s) {
			if sp.Start < prev || sp.End <= sp.Start || sp.End > len(s) {
				t.Fatalf("bad span %+v (prev end %d) in %q", sp, prev, s)
			}
			if !utf8.RuneStart(s[sp.Start]) || (sp.End < len(s) && !utf8.RuneStart(s[sp.End])) {
				t.Fatalf("span %+v splits a rune in %q", sp, s)
			}
			prev = sp.End
		}
	})
}

// BenchmarkDetectCorpus runs the detector over every page of
// testdata/privacy and reports the time per page.
func BenchmarkDetectCorpus(b *testing.B) {
	d := detector(b)
	files, err := filepath.Glob("../../testdata/privacy/*.txt")
	if err != nil || len(files) == 0 {
		b.Fatalf("no corpus: %v", err)
	}
	var pages []string
	size := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		for _, p := range strings.Split(string(data), "\f") {
			pages = append(pages, p)
			size += len(p)
		}
	}
	b.SetBytes(int64(size / len(pages)))
	b.ResetTimer()
	n := 0
	for b.Loop() {
		d.Detect(pages[n%len(pages)])
		n++
	}
}
