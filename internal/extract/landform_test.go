package extract

import (
	"context"
	"image"
	"strings"
	"testing"

	"github.com/sohoa/sohoa/internal/domain"
)

// boxedLine is one OCR line of a synthetic page: its words start at x on
// the line at height y; "  " (two spaces) in text leaves a wide gap, as
// between two cells of a table.
type boxedLine struct {
	x, y int
	text string
}

// boxedPage lays out lines as OCR word boxes (20 px a letter, 30 px high),
// one OCR line each, and the page text Tesseract would give.
func boxedPage(t testing.TB, no int, lines []boxedLine) domain.Page {
	t.Helper()
	p := domain.Page{No: domain.PageNo(no), Width: 1600, Height: 2300, Confidence: 90}
	var text []string
	for li, l := range lines {
		x := l.x
		for _, cell := range strings.Split(l.text, "  ") {
			for _, w := range strings.Fields(cell) {
				wd := 20 * len([]rune(w))
				p.Words = append(p.Words, domain.Word{Text: w, Box: image.Rect(x, l.y, x+wd, l.y+30), Conf: 92, Block: li, Line: li})
				x += wd + 12
			}
			x += 200
		}
		text = append(text, strings.Join(strings.Fields(l.text), " "))
	}
	p.Text = strings.Join(text, "\n")
	return p
}

// certHead is the top of a certificate page: motto and title.
var certHead = []boxedLine{
	{500, 100, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"},
	{600, 150, "Độc lập - Tự do - Hạnh phúc"},
	{650, 230, "GIẤY CHỨNG NHẬN"},
	{300, 280, "QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT"},
}

func TestFormViewLandTables(t *testing.T) {
	e := defaultEngine(t)
	cases := []struct {
		name  string
		lines []boxedLine
		want  map[string]string
	}{{
		// A header row of labels, wrapped in their cells, over a row of
		// values; the purpose's code wraps under its name.
		name: "header row over values",
		lines: []boxedLine{
			{100, 400, "Thửa đất"}, {400, 400, "Tờ bản đồ"}, {700, 400, "Diện tích"}, {950, 400, "Mục đích sử dụng"},
			{130, 435, "số"}, {430, 435, "số"}, {720, 435, "(m²)"},
			{120, 500, "217"}, {430, 500, "14"}, {720, 500, "1.024,5"}, {950, 500, "Đất ở tại đô thị"},
			{950, 540, "(ODT)"},
			{100, 620, "Số vào sổ cấp GCN: CH 00457"},
			{100, 680, "Số phát hành: AK 102938"},
		},
		want: map[string]string{"parcel_no": "217", "map_sheet": "14", "area_m2": "1024.5",
			"land_purpose": "Đất ở tại đô thị (ODT)", "book_entry_no": "CH 00457", "certificate_serial": "AK 102938"},
	}, {
		// The header's second line of labels is read as a row of its own
		// ("Số" in capitals, a unit with a digit), and a value wraps onto
		// the row under the values.
		name: "header on two rows",
		lines: []boxedLine{
			{100, 400, "Thửa đất"}, {400, 400, "Tờ bản đồ"}, {700, 400, "Diện tích (m2)"}, {1050, 400, "Thời hạn sử dụng"},
			{130, 435, "Số"}, {430, 435, "Số"},
			{120, 500, "5"}, {430, 500, "C44"}, {720, 500, "2.519,1"}, {1050, 500, "Đến ngày"},
			{1050, 535, "01/07/2064"},
		},
		want: map[string]string{"parcel_no": "5", "map_sheet": "C44", "area_m2": "2519.1", "use_term": "Đến ngày 01/07/2064"},
	}, {
		// Labels in a left column, wrapped onto a second line, with the
		// value in the right column beside the label's first line.
		name: "label column beside value column",
		lines: []boxedLine{
			{100, 400, "1. Thửa đất số: 88"}, {600, 400, "Tờ bản đồ số: 6"},
			{100, 460, "3. Diện tích:"}, {600, 462, "305,0 m² (bằng chữ: ba trăm linh năm mét vuông)"},
			{100, 520, "5. Mục đích sử"}, {600, 522, "Đất trồng cây lâu năm (CLN)"},
			{100, 556, "dụng:"},
			{100, 620, "6. Thời hạn sử"}, {600, 622, "Lâu dài"},
			{100, 656, "dụng:"},
		},
		want: map[string]string{"parcel_no": "88", "map_sheet": "6", "area_m2": "305",
			"land_purpose": "Đất trồng cây lâu năm (CLN)", "use_term": "Lâu dài"},
	}, {
		// Two labels with colons side by side, their values under them;
		// then a label with its value in the cell beside it.
		name: "labels side by side",
		lines: []boxedLine{
			{100, 400, "Diện tích:"}, {700, 400, "Mục đích sử dụng:"},
			{100, 440, "120,0 m²"}, {700, 440, "Đất ở tại đô thị (ODT)"},
			{100, 520, "Hình thức sử dụng:"}, {700, 520, "Sử dụng chung"},
			{100, 580, "Thời hạn sử dụng:"}, {700, 580, "Lâu dài"},
		},
		want: map[string]string{"area_m2": "120", "land_purpose": "Đất ở tại đô thị (ODT)", "use_form": "Sử dụng chung", "use_term": "Lâu dài"},
	}, {
		// Lettered items one under another are separate cells, even
		// though the letter is small.
		name: "lettered list",
		lines: []boxedLine{
			{100, 400, "a) Thửa đất số: 12; Tờ bản đồ số: 3;"},
			{100, 440, "b) Diện tích: 96,4 m²"},
			{100, 480, "c) Mục đích sử dụng: Đất ở tại nông thôn (ONT)"},
			{100, 520, "d) Thời hạn sử dụng: Lâu dài"},
		},
		want: map[string]string{"parcel_no": "12", "map_sheet": "3", "area_m2": "96.4",
			"land_purpose": "Đất ở tại nông thôn (ONT)", "use_term": "Lâu dài"},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pg := boxedPage(t, 1, append(append([]boxedLine{}, certHead...), tc.lines...))
			r, err := e.Extract(context.Background(), []domain.Page{pg}, "")
			if err != nil {
				t.Fatal(err)
			}
			if r.Class != "land_certificate" {
				t.Fatalf("class %s, want land_certificate", r.Class)
			}
			for name, want := range tc.want {
				if got := r.Fields[name].Value; got != want {
					t.Errorf("%s = %q, want %q", name, got, want)
				}
			}
		})
	}
}

func TestContinuesCell(t *testing.T) {
	cases := map[string]bool{
		"dụng:": true, "số": true, "(LUC)": true, "(m²)": true,
		"e) Thời hạn": false, "đ) Nguồn gốc": false, "(b) Địa chỉ": false, "c. Diện tích": false,
		"Đất ở": false, "3.730,4": false, "2. Địa chỉ": false,
	}
	for s, want := range cases {
		if got := continuesCell(s); got != want {
			t.Errorf("continuesCell(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestCivilStatusTitles: a civil-status record is recognised by its title,
// in Vietnamese or in a certified English translation, and the title names
// its type.
func TestCivilStatusTitles(t *testing.T) {
	e := defaultEngine(t)
	head := "PEOPLE'S COMMITTEE OF TAN AN WARD\nSOCIALIST REPUBLIC OF VIETNAM\nIndependence - Freedom - Happiness\nNo.: 41\n"
	cases := []struct {
		name, text, class, docType string
	}{
		{"birth extract in English", head + "EXTRACT OF BIRTH REGISTRATION\n(Translation from Vietnamese)\nFull name: TRAN VAN AN\n", "birth_extract", "trích lục khai sinh"},
		{"marriage certificate in English", head + "CERTIFICATE OF MARRIAGE\n(Translation from Vietnamese)\nWIFE HUSBAND\n", "civil_status_other", "giấy chứng nhận kết hôn"},
		{"marriage certificate", "ỦY BAN NHÂN DÂN\nXÃ TÂN AN\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nGIẤY CHỨNG NHẬN KẾT HÔN\nHọ, chữ đệm, tên: Trần Thị Bình\n", "civil_status_other", "giấy chứng nhận kết hôn"},
		{"death extract", "ỦY BAN NHÂN DÂN\nXÃ TÂN AN\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTRÍCH LỤC KHAI TỬ\nHọ, chữ đệm, tên: Trần Văn Cường\n", "civil_status_other", "trích lục khai tử"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := e.Extract(context.Background(), []domain.Page{{No: 1, Text: tc.text}}, "")
			if err != nil {
				t.Fatal(err)
			}
			if r.Class != tc.class {
				t.Fatalf("class %s, want %s", r.Class, tc.class)
			}
			if got := r.Fields["doc_type"].Value; got != tc.docType {
				t.Errorf("doc_type %q, want %q", got, tc.docType)
			}
		})
	}
}

// TestLetterAboutLand: a letter that talks about a certificate and its
// parcel is a letter (V/v, Kính gửi, Nơi nhận), even with the certificate's
// title in capitals, and it gives the parcel's area and purpose.
func TestLetterAboutLand(t *testing.T) {
	e := defaultEngine(t)
	text := strings.Join([]string{
		"ỦY BAN NHÂN DÂN", "HUYỆN TÂN PHÚ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
		"Số: 77/UBND-TNMT", "Tân Phú, ngày 3 tháng 4 năm 2021", "V/v thu hồi",
		"GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT",
		"Kính gửi: Văn phòng đăng ký đất đai huyện.",
		"Ủy ban nhân dân huyện nhận được hồ sơ đối với thửa đất số 12, tờ bản đồ số 4, diện tích",
		"250,5 m2, mục đích sử dụng: Đất trồng cây", "lâu năm (CLN). Đề nghị đơn vị kiểm tra./.",
		"Nơi nhận:", "- Như trên;", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Văn Bình",
	}, "\n")
	r, err := e.Extract(context.Background(), []domain.Page{{No: 1, Text: text}}, "")
	if err != nil {
		t.Fatal(err)
	}
	if r.Class != "official_letter" {
		t.Fatalf("class %s, want official_letter", r.Class)
	}
	want := map[string]string{"parcel_no": "12", "map_sheet": "4", "area_m2": "250.5", "land_purpose": "Đất trồng cây lâu năm (CLN)"}
	for name, w := range want {
		if got := r.Fields[name].Value; got != w {
			t.Errorf("%s = %q, want %q", name, got, w)
		}
	}
}

// TestFormViewFuzzyLabels: labels misread beyond their marks are still
// labels, and their values have a lower confidence.
func TestFormViewFuzzyLabels(t *testing.T) {
	e := defaultEngine(t)
	lines := append(append([]boxedLine{}, certHead...),
		boxedLine{100, 400, "1. Thủa đat sô: 73"}, boxedLine{600, 400, "Tờ bàn đồ số: 9"},
		boxedLine{100, 460, "3. Diên tich:"}, boxedLine{600, 462, "412,6 m²"},
		boxedLine{100, 520, "5. Muc dich sừ dunq:"}, boxedLine{600, 522, "Đất ở tại nông thôn (ONT)"},
	)
	r, err := e.Extract(context.Background(), []domain.Page{boxedPage(t, 1, lines)}, "land_certificate")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"parcel_no": "73", "map_sheet": "9", "area_m2": "412.6", "land_purpose": "Đất ở tại nông thôn (ONT)"}
	for name, w := range want {
		if got := r.Fields[name].Value; got != w {
			t.Errorf("%s = %q, want %q", name, got, w)
		}
	}
	if lp, ps := r.Fields["land_purpose"].Confidence, r.Fields["map_sheet"].Confidence; lp >= ps {
		t.Errorf("land_purpose read after a misread label has confidence %v, not below the exact label's %v", lp, ps)
	}
}

// TestCivilStatusIDNumbers: every personal identification number of a
// civil-status record is found, whatever its label or layout (two spouses
// on one line of an English translation).
func TestCivilStatusIDNumbers(t *testing.T) {
	e := defaultEngine(t)
	text := "PEOPLE'S COMMITTEE OF TAN AN WARD\nSOCIALIST REPUBLIC OF VIETNAM\nCERTIFICATE OF MARRIAGE\n(Translation from Vietnamese)\n" +
		"WIFE HUSBAND\nFull name |TRAN THI BINH LE VAN CUONG\nID number |079185001234 001090004321\n"
	r, err := e.Extract(context.Background(), []domain.Page{{No: 1, Text: text}}, "")
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(r.Fields["cccd"].Values, ",")
	if got != "079185001234,001090004321" {
		t.Errorf("cccd %q, want both spouses' numbers", got)
	}
	red := Redact([]domain.Page{{No: 1, Text: text}}, r)[0]
	if strings.Contains(red, "079185001234") || strings.Contains(red, "001090004321") {
		t.Errorf("ID numbers left after redaction:\n%s", red)
	}
}
