package extract

import (
	"context"
	"errors"
	"image"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/sohoa/sohoa/internal/domain"
)

const header = "ỦY BAN NHÂN DÂN\nTỈNH CÀ MAU\nSố: 12/QĐ-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nCà Mau, ngày 14 tháng 7 năm 2022\n"

func extractText(t *testing.T, text, hint string) Result {
	t.Helper()
	r, err := defaultEngine(t).Extract(context.Background(), textPages(text), hint)
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	return r
}

func TestStamps(t *testing.T) {
	tests := []struct {
		name, text       string
		secrecy, urgency string
		quarantine       bool
	}{
		{"mật alone", header + "MẬT\nQUYẾT ĐỊNH\nVề việc x\n", "MẬT", "", true},
		{"tối mật", header + "TỐI MẬT\nQUYẾT ĐỊNH\n", "TỐI MẬT", "", true},
		{"tuyệt mật boxed by OCR", header + "| TUYỆT MẬT |\nQUYẾT ĐỊNH\n", "TUYỆT MẬT", "", true},
		{"no accents", header + "TOI MAT\nQUYET DINH\n", "TỐI MẬT", "", true},
		{"stamp after the symbol on one line", "ỦY BAN NHÂN DÂN\nSố: 12/QĐ-UBND MẬT\nQUYẾT ĐỊNH\n", "MẬT", "", true},
		{"độ mật label", header + "Độ mật: Tối mật\n", "TỐI MẬT", "", true},
		{"access mode 03", header + "Chế độ sử dụng: 03\n", "MẬT", "", true},
		{"access mode 01 is public", header + "Chế độ sử dụng: 01\n", "", "", false},
		{"bí mật nhà nước in the body", header + "QUYẾT ĐỊNH\nĐiều 1. Bảo vệ bí mật nhà nước; tài liệu mật được quản lý.\n", "", "", false},
		{"title about secrets", header + "QUY CHẾ\nBẢO VỆ BÍ MẬT NHÀ NƯỚC\n", "", "", false},
		{"MẶT is not MẬT", header + "MẶT\nMẶT TRƯỚC\n", "", "", false},
		{"khẩn", header + "KHẨN\nQUYẾT ĐỊNH\n", "", "KHẨN", false},
		{"hỏa tốc beats khẩn", header + "KHẨN\nHỎA TỐC\n", "", "HỎA TỐC", false},
		{"khẩn trương is a word", header + "Các cơ quan khẩn trương thực hiện.\n", "", "", false},
		{"độ khẩn label", header + "Độ khẩn: Thượng khẩn\n", "", "THƯỢNG KHẨN", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := extractText(t, tc.text, "")
			if r.Secrecy != tc.secrecy || r.Urgency != tc.urgency || (r.QuarantineReason != "") != tc.quarantine {
				t.Errorf("secrecy %q urgency %q quarantine %q; want %q %q %v", r.Secrecy, r.Urgency, r.QuarantineReason, tc.secrecy, tc.urgency, tc.quarantine)
			}
			if tc.quarantine && !strings.Contains(r.QuarantineReason, "không được số hoá trên hệ thống nối mạng") {
				t.Errorf("reason %q", r.QuarantineReason)
			}
			if tc.secrecy != "" && r.Fields["secrecy"].Value != tc.secrecy {
				t.Errorf("secrecy field %+v", r.Fields["secrecy"])
			}
		})
	}
}

func TestRedact(t *testing.T) {
	tests := []struct {
		name      string
		text      string
		hint      string
		gone      []string // must not remain
		kept      []string // must remain (public)
		wantPlace []string
	}{
		{
			name:      "name repeated and CCCD split in groups",
			text:      header + "QUYẾT ĐỊNH\nĐiều 1. Thu hồi đất của ông Nguyễn Văn An, sinh năm 1969, CCCD số 096069001234.\nĐiều 2. Ông NGUYEN VAN AN và ông Nguyễn  Văn\nAn bàn giao đất; số CCCD 0960 6900 1234.\n",
			gone:      []string{"Nguyễn Văn An", "NGUYEN VAN AN", "Nguyễn  Văn\nAn", "096069001234", "0960 6900 1234", "1969"},
			kept:      []string{"Số: 12/QĐ-UBND", "Cà Mau, ngày 14 tháng 7 năm 2022"},
			wantPlace: []string{"[họ tên]", "[cccd]", "[ngày sinh]"},
		},
		{
			name:      "generic detectors on an unknown document",
			text:      "GIẤY XÁC NHẬN\nXác nhận bà Trần Thị Bích, sinh ngày 21/09/1975, số 381234567, điện thoại 0918 222 333.\nĐịa chỉ: Ấp 2, xã Tân Lộc, huyện Thới Bình, tỉnh Cà Mau\nSố định danh: 0950 7512 3456\nDân tộc: Khmer; Tôn giáo: Phật giáo\n",
			gone:      []string{"Trần Thị Bích", "21/09/1975", "381234567", "0918 222 333", "Ấp 2, xã Tân Lộc", "0950 7512 3456", "Khmer", "Phật giáo"},
			kept:      []string{"GIẤY XÁC NHẬN"},
			wantPlace: []string{"[họ tên]", "[ngày sinh]", "[cmnd]", "[số điện thoại]", "[địa chỉ]", "[cccd]", "[dân tộc]", "[tôn giáo]"},
		},
		{
			name: "officials signing stay public",
			text: header + "QUYẾT ĐỊNH\nVề việc x\nĐiều 1. Nội dung.\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\nLê Thị Hồng Vân\n",
			kept: []string{"Lê Thị Hồng Vân", "CHỦ TỊCH"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pages := textPages(tc.text)
			r, err := defaultEngine(t).Extract(context.Background(), pages, tc.hint)
			if err != nil {
				t.Fatal(err)
			}
			red := strings.Join(Redact(pages, r), "\f")
			for _, g := range tc.gone {
				if strings.Contains(red, g) {
					t.Errorf("%q left in:\n%s", g, red)
				}
			}
			for _, k := range tc.kept {
				if !strings.Contains(red, k) {
					t.Errorf("%q redacted:\n%s", k, red)
				}
			}
			for _, p := range tc.wantPlace {
				if !strings.Contains(red, p) {
					t.Errorf("no placeholder %q in:\n%s", p, red)
				}
			}
			// Spans are valid byte ranges of the page text.
			for _, s := range r.Spans {
				txt := pages[s.Page-1].Text
				if s.Start < 0 || s.End > len(txt) || s.Start >= s.End || !s.Sensitivity.Protected() {
					t.Errorf("bad span %+v", s)
				}
			}
		})
	}
}

func TestRedactIgnoresStaleSpans(t *testing.T) {
	pages := []domain.Page{{No: 1, Text: "abc"}}
	r := Result{Spans: []Span{{Page: 1, Start: 1, End: 99, Field: "cccd", Sensitivity: domain.Personal}, {Page: 7, Start: 0, End: 1, Sensitivity: domain.Personal}}}
	if got := Redact(pages, r); got[0] != "abc" {
		t.Errorf("Redact = %q", got)
	}
}

func TestDuplicateKey(t *testing.T) {
	f := func(num, sym, issuer, date string) Result {
		r := Result{Fields: map[string]Field{}}
		for k, v := range map[string]string{"doc_number": num, "doc_symbol": sym, "issuer": issuer, "issued_date": date} {
			if v != "" {
				r.Fields[k] = Field{Value: v}
			}
		}
		return r
	}
	a := DuplicateKey(f("05", "QĐ-UBND", "ỦY BAN NHÂN DÂN TỈNH CÀ MAU", "2022-07-14"))
	if a == "" {
		t.Fatal("empty key for a complete result")
	}
	for name, tc := range map[string]struct {
		r    Result
		same bool
	}{
		"OCR spelling": {f("5", "QD-UBND", "Uy ban nhan dan tinh Ca Mau", "2022-01-01"), true},
		"other number": {f("6", "QĐ-UBND", "ỦY BAN NHÂN DÂN TỈNH CÀ MAU", "2022-07-14"), false},
		"other issuer": {f("05", "QĐ-UBND", "ỦY BAN NHÂN DÂN HUYỆN THỚI BÌNH", "2022-07-14"), false},
		"other year":   {f("05", "QĐ-UBND", "ỦY BAN NHÂN DÂN TỈNH CÀ MAU", "2023-07-14"), false},
	} {
		if got := DuplicateKey(tc.r) == a; got != tc.same {
			t.Errorf("%s: same = %v, want %v", name, got, tc.same)
		}
	}
	if k := DuplicateKey(f("05", "", "X", "")); k != "" {
		t.Errorf("incomplete result gave %q", k)
	}
}

func TestExtractHints(t *testing.T) {
	land := "Thửa đất số: 12; Tờ bản đồ số: 3;\nDiện tích: 100 m2\n"
	if r := extractText(t, land, ""); r.Class != "land_certificate" {
		t.Errorf("auto class %q", r.Class)
	}
	if r := extractText(t, land, "land_certificate"); r.Class != "land_certificate" || r.ClassConfidence != 1 {
		t.Errorf("class hint: %q %v", r.Class, r.ClassConfidence)
	}
	if r := extractText(t, "Nội dung không rõ", "land"); r.Class != "land_certificate" {
		t.Errorf("pipeline hint: %q", r.Class)
	}
	if r := extractText(t, "Nội dung không rõ", ""); r.Class != "generic" || r.Pipeline != "generic" {
		t.Errorf("unknown: %q %q", r.Pipeline, r.Class)
	}
	if _, err := defaultEngine(t).Extract(context.Background(), textPages("x"), "nope"); err == nil {
		t.Error("unknown hint accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := defaultEngine(t).Extract(ctx, textPages("x"), ""); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled ctx: %v", err)
	}
	if r, err := defaultEngine(t).Extract(context.Background(), nil, ""); err != nil || r.Class != "generic" {
		t.Errorf("no pages: %v %v", r.Class, err)
	}
}

// TestWordsLayout checks that a page with word boxes whose OCR lines run
// the two header columns together is read like the printed layout, and
// that word confidences reach the fields.
func TestWordsLayout(t *testing.T) {
	type w struct {
		text       string
		x, y, line int
		conf       float64
	}
	words := []w{
		{"ỦY", 100, 100, 0, 95}, {"BAN", 160, 100, 0, 95}, {"NHÂN", 230, 100, 0, 95}, {"DÂN", 310, 100, 0, 95},
		{"CỘNG", 1300, 100, 0, 90}, {"HÒA", 1400, 100, 0, 90}, {"XÃ", 1480, 100, 0, 90}, {"HỘI", 1540, 100, 0, 90},
		{"CHỦ", 1610, 100, 0, 90}, {"NGHĨA", 1690, 100, 0, 90}, {"VIỆT", 1800, 100, 0, 90}, {"NAM", 1880, 100, 0, 90},
		{"TỈNH", 150, 150, 1, 95}, {"CÀ", 240, 150, 1, 95}, {"MAU", 300, 150, 1, 95},
		{"Số:", 120, 250, 2, 80}, {"7/QĐ-UBND", 190, 250, 2, 60},
		{"Cà", 1350, 250, 2, 90}, {"Mau,", 1400, 250, 2, 90}, {"ngày", 1480, 250, 2, 90}, {"05", 1560, 250, 2, 90},
		{"tháng", 1610, 250, 2, 90}, {"01", 1700, 250, 2, 90}, {"năm", 1750, 250, 2, 90}, {"2020", 1830, 250, 2, 90},
		{"QUYẾT", 1000, 400, 3, 96}, {"ĐỊNH", 1120, 400, 3, 96},
	}
	p := domain.Page{No: 1, Width: 2480, Height: 3508}
	var text strings.Builder
	line := -1
	for _, x := range words {
		if x.line != line {
			if line >= 0 {
				text.WriteByte('\n')
			}
			line = x.line
		} else {
			text.WriteByte(' ')
		}
		text.WriteString(x.text)
		p.Words = append(p.Words, domain.Word{Text: x.text, Box: image.Rect(x.x, x.y, x.x+len(x.text)*15, x.y+40), Conf: x.conf, Line: x.line})
	}
	p.Text = text.String() + "\n"
	r, err := defaultEngine(t).Extract(context.Background(), []domain.Page{p}, "")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, k := range []string{"doc_number", "doc_symbol", "issued_date", "issue_place", "issuer", "doc_type"} {
		got[k] = r.Fields[k].Value
	}
	want := map[string]string{"doc_number": "7", "doc_symbol": "QĐ-UBND", "issued_date": "2020-01-05", "issue_place": "Cà Mau",
		"issuer": "ỦY BAN NHÂN DÂN TỈNH CÀ MAU", "doc_type": "Quyết định"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	if c := r.Fields["doc_symbol"].Confidence; c < 0.5 || c > 0.75 {
		t.Errorf("doc_symbol confidence %v, want about 0.7 (OCR words 80 and 60)", c)
	}
}

func TestZoneField(t *testing.T) {
	fsys := fstestMap(`pipeline: z
classes:
  - id: z
    fallback: true
    fields:
      - {name: top_right, kind: zone, zone: {top: 0, bottom: 0.2, left: 0.5, right: 1}, normalize: text}
      - {name: top_date, kind: zone, zone: {top: 0, bottom: 0.5, left: 0, right: 1}, pattern: '(?P<value>ngày \d+ tháng \d+ năm \d{4})', normalize: date_vi}
      - {name: needed, kind: anchor, labels: [Không có], required: true}
`)
	e, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	// With words: only the words whose centre is in the zone.
	p := domain.Page{No: 1, Width: 1000, Height: 1000, Text: "TRÁI PHẢI\nngày 5 tháng 6 năm 2021\nthân\nthân\n"}
	for i, w := range []struct {
		s    string
		x, y int
	}{{"TRÁI", 100, 50}, {"PHẢI", 700, 50}, {"ngày", 100, 300}, {"5", 200, 300}, {"tháng", 250, 300}, {"6", 350, 300}, {"năm", 400, 300}, {"2021", 480, 300}} {
		p.Words = append(p.Words, domain.Word{Text: w.s, Box: image.Rect(w.x, w.y, w.x+60, w.y+30), Conf: 80, Line: i / 2})
	}
	r, err := e.Extract(context.Background(), []domain.Page{p}, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Fields["top_right"].Value; got != "PHẢI" {
		t.Errorf("zone with words = %q, want PHẢI", got)
	}
	if got := r.Fields["top_date"].Value; got != "2021-06-05" {
		t.Errorf("zone pattern = %q", got)
	}
	if diff := cmp.Diff([]string{"needed"}, r.Missing); diff != "" {
		t.Errorf("missing (-want +got):\n%s", diff)
	}
	// Without words the zone is a band of lines (left/right cannot apply).
	p.Words = nil
	r, err = e.Extract(context.Background(), []domain.Page{p}, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Fields["top_right"].Value; got != "TRÁI PHẢI" {
		t.Errorf("zone without words = %q", got)
	}
}

func fstestMap(yaml string) fstest.MapFS {
	return fstest.MapFS{"p.yaml": &fstest.MapFile{Data: []byte(yaml)}}
}

// TestConcurrentExtract shares one Engine between goroutines (run with
// -race): Extract keeps no state between calls.
func TestConcurrentExtract(t *testing.T) {
	e := defaultEngine(t)
	want, err := e.Extract(context.Background(), textPages(seeds[0]), "")
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		go func() {
			for j := 0; j < 5; j++ {
				got, err := e.Extract(context.Background(), textPages(seeds[0]), "")
				if err != nil {
					errs <- err
					return
				}
				if diff := cmp.Diff(want, got); diff != "" {
					errs <- errors.New(diff)
					return
				}
			}
			errs <- nil
		}()
	}
	for i := 0; i < 4; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
