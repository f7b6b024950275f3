package extract

import (
	"context"
	"testing"

	"github.com/sohoa/sohoa/internal/domain"
)

// issuerCase is one input of an issuer rule's test and the issuer wanted
// ("" for none).
type issuerCase struct{ name, in, want string }

// runIssuerCases extracts the pages pages builds from each case's input and
// checks the issuer read.
func runIssuerCases(t *testing.T, cases []issuerCase, pages func(t *testing.T, in string) []domain.Page) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := defaultEngine(t).Extract(context.Background(), pages(t, c.in), "")
			if err != nil {
				t.Fatal(err)
			}
			if got := r.Fields["issuer"].Value; got != c.want {
				t.Errorf("issuer = %q, want %q", got, c.want)
			}
		})
	}
}

// textAround returns a page builder putting the input between head and tail.
func textAround(head, tail string) func(*testing.T, string) []domain.Page {
	return func(_ *testing.T, in string) []domain.Page { return textPages(head + in + tail) }
}

// The header of an English translation of a civil-status record: the
// body's name wraps onto a second line beside the English motto, which is
// never part of it, and the possessive "PEOPLE'S" is a word of the name.
func TestIssuerEnglishTranslation(t *testing.T) {
	runIssuerCases(t, []issuerCase{
		{"motto on its own lines", "PEOPLE'S COMMITTEE OF\nPHU XUYEN COMMUNE\n\nSOCIALIST REPUBLIC OF VIETNAM\nIndependence - Freedom - Happiness\n", "PEOPLE'S COMMITTEE OF PHU XUYEN COMMUNE"},
		{"motto glued to both lines", "PEOPLE'S COMMITTEE OF AN HOA SOCIALIST REPUBLIC OF VIETNAM\nWARD Independence - Freedom - Happiness\n", "PEOPLE'S COMMITTEE OF AN HOA WARD"},
	}, textAround("", "\nNo.: 242/TLKS-BS\n\nEXTRACT OF BIRTH REGISTRATION\n(Translation from Vietnamese)\n\nFull name: MAI DINH SANG\nDate of birth: 21/10/1999\n"))
}

// A certificate without a header names its issuer over the authority line
// of the signature block, the locality on the line under the body; the
// certificate's book and serial numbers printed to their left, on the same
// lines or between them, are not part of it.
func TestIssuerOverAuthority(t *testing.T) {
	runIssuerCases(t, []issuerCase{
		{"own lines", "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG\nTỈNH HÀ TĨNH\nKT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\n", "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG TỈNH HÀ TĨNH"},
		{"numbers on the same lines", "Số vào sổ cấp GCN: CS 00308 SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG\nSố phát hành: CS 621910 TỈNH HÀ TĨNH\nKT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\n", "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG TỈNH HÀ TĨNH"},
		{"numbers between the lines", "Số vào sổ cấp GCN: CS 09028\nSỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG\nSố phát hành: BV 107652\nTỈNH HÀ TĨNH\nKT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\n", "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG TỈNH HÀ TĨNH"},
	}, textAround("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nGIẤY CHỨNG NHẬN\nQUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT\n"+
		"1. Thửa đất số: 205 Tờ bản đồ số: 37\n2. Địa chỉ: Thôn Đông Yên, xã Cẩm Vịnh, huyện Cẩm Xuyên, tỉnh Hà Tĩnh\n3. Diện tích: 2.519,1 m2\n\nHà Tĩnh, ngày 19 tháng 11 năm 2023\n", "\nPhan Hoàng Bảo Nhung\n"))
}

// A petition has no issuing body: its labelled numbers ("Số CCCD: ...")
// under the centred motto, whose label alone lies left of the motto's
// column, are fields of the form, not a body's name.
func TestIssuerNotFormField(t *testing.T) {
	page := boxPage(t, 1,
		placed{380, 100, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"}, placed{490, 130, "Độc lập - Tự do - Hạnh phúc"},
		placed{560, 180, "ĐƠN ĐỀ NGHỊ"},
		placed{270, 230, "Kính gửi: Ủy ban nhân dân phường Đông Lương, thành phố Đông Hà"},
		placed{300, 280, "Tôi tên là: Lại Thu Trinh"}, placed{300, 310, "Sinh ngày: 12/10/1979"},
		placed{300, 340, "Số CCCD: 045179723584"},
		placed{300, 370, "Nơi thường trú: Thôn Câu Nhi, xã Hải Phú, huyện Hải Lăng, tỉnh Quảng Trị"},
		placed{200, 420, "Tôi làm đơn này kính đề nghị cơ quan có thẩm quyền xem xét, giải quyết việc cấp lại bản sao giấy khai sinh."},
		placed{700, 480, "Đông Lương, ngày 05 tháng 02 năm 2025"}, placed{760, 510, "NGƯỜI LÀM ĐƠN"},
		placed{760, 600, "Lại Thu Trinh"},
	)
	r, err := defaultEngine(t).Extract(context.Background(), []domain.Page{page}, "")
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := r.Fields["issuer"]; ok {
		t.Errorf("issuer = %q, want none", got.Value)
	}
}

// When OCR lost the header, the body named in the signature block ("TM. ỦY
// BAN NHÂN DÂN") takes its province from the place of issue, a body dating
// its documents from its own seat; a city under the centre is a "thành
// phố"; a place that is no province adds nothing.
func TestIssuerLocalityFromPlace(t *testing.T) {
	runIssuerCases(t, []issuerCase{
		{"province", "Quảng Trị", "ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ"},
		{"city under the centre", "Cần Thơ", "ỦY BAN NHÂN DÂN THÀNH PHỐ CẦN THƠ"},
		{"not a province", "Hải Lăng", "ỦY BAN NHÂN DÂN"},
	}, func(t *testing.T, place string) []domain.Page {
		return []domain.Page{boxPage(t, 1,
			placed{600, 100, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"}, placed{650, 130, "Độc lập - Tự do - Hạnh phúc"},
			placed{650, 180, place + ", ngày 01 tháng 02 năm 2023"},
			placed{540, 240, "THÔNG BÁO"}, placed{300, 270, "Kiện toàn Ban Chỉ đạo công tác cải cách hành chính"},
			placed{100, 330, "Thời gian qua, các đơn vị đã tổ chức thực hiện nghiêm túc việc cập nhật cơ sở dữ liệu."},
			placed{100, 360, "Trân trọng./."},
			placed{60, 420, "Nơi nhận:"}, placed{760, 420, "TM. ỦY BAN NHÂN DÂN"},
			placed{60, 450, "- Các sở, ban, ngành;"}, placed{800, 450, "CHỦ TỊCH"},
			placed{60, 480, "- Lưu: VT."}, placed{780, 560, "Tôn Thu Trinh"},
		)}
	})
}

// Pieces of the national motto that a stamp or OCR left with garbled
// neighbours ("CỘNG HÒA XÃ HC HỦ NGHĨA", "XÃ HỘI CHỦ NGHĨA", "... - Hạnh
// phúc") are never part of the issuer, and do not end it.
func TestIssuerGarbledMotto(t *testing.T) {
	runIssuerCases(t, []issuerCase{
		{"motto's second word garbled", "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HC HỦ NGHĨA VIỆT NAM\nHUYỆN HẢI LĂNG Độc lập - Tự do - Hạnh phúc\n", "ỦY BAN NHÂN DÂN HUYỆN HẢI LĂNG"},
		{"stamp over the motto's second line", "ỦY BAN NHÂN DÂN\nCỘNG HỌA XÂ HC HỦ NGHĨA VIỆT NAM\nVĂN FHÔNG S lập _'Từ lo - Hạnh phúc\nXÃ ĐỒNG TIẾN\n", "ỦY BAN NHÂN DÂN XÃ ĐỒNG TIẾN"},
		{"motto's first words lost", "ỦY BAN NHÂN DÂN XÃ HỘI CHỦ NGHĨA VIỆT NAM\nHUYỆN HẢI LĂNG Độc lập - Tự do - Hạnh phúc\n", "ỦY BAN NHÂN DÂN HUYỆN HẢI LĂNG"},
	}, textAround("", "Số: 12/BC-UBND Hải Lăng, ngày 3 tháng 4 năm 2019\nBÁO CÁO\nKết quả thực hiện dự án năm 2019\n"))
}

// A people's committee is always named with its unit: when a stamp over
// the header left only "ỦY BAN NH", the signature block's body with its
// locality (from the place of issue) is the issuer.
func TestIssuerUnitLostInHeader(t *testing.T) {
	page := boxPage(t, 1,
		placed{80, 100, "ỦY BAN NH"}, placed{600, 100, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"},
		placed{650, 130, "Độc lập - Tự do - Hạnh phúc"},
		placed{80, 180, "Số: 42/UBND-VP"}, placed{650, 180, "Hà Tĩnh, ngày 1 tháng 2 năm 2016"},
		placed{540, 240, "GIẤY MỜI"}, placed{300, 270, "Về việc triển khai thực hiện chuyển đổi số"},
		placed{100, 330, "Ủy ban nhân dân tỉnh trân trọng kính mời các đồng chí dự hội nghị."},
		placed{60, 420, "Nơi nhận:"}, placed{760, 420, "TM. ỦY BAN NHÂN DÂN"},
		placed{60, 450, "- Như trên;"}, placed{800, 450, "CHỦ TỊCH"},
		placed{60, 480, "- Lưu: VT."}, placed{780, 560, "Tôn Thu Trinh"},
	)
	r, err := defaultEngine(t).Extract(context.Background(), []domain.Page{page}, "")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := r.Fields["issuer"].Value, "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH"; got != want {
		t.Errorf("issuer = %q, want %q", got, want)
	}
}

// A decision names its issuing authority in capitals between its title and
// its first "Căn cứ": when the header lost the committee's unit, that line
// is the issuer.
func TestIssuerDecisionAuthority(t *testing.T) {
	text := "ỦY BAN NH CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nSố: 1260/QĐ-UBND Cần Thơ, ngày 13 tháng 10 năm 2021\n\n" +
		"QUYẾT ĐỊNH\nVề việc cử cán bộ tham gia đoàn công tác\n\nỦY BAN NHÂN DÂN THÀNH PHỐ CẦN THƠ\n\n" +
		"Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;\n\nQUYẾT ĐỊNH:\nĐiều 1. Cử các ông, bà có tên sau tham gia đoàn công tác.\n"
	r := extractText(t, text, "")
	if got, want := r.Fields["issuer"].Value, "ỦY BAN NHÂN DÂN THÀNH PHỐ CẦN THƠ"; got != want {
		t.Errorf("issuer = %q, want %q", got, want)
	}
}
