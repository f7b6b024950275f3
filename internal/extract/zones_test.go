package extract

import (
	"context"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sohoa/sohoa/internal/domain"
)

// placed is one OCR line of a synthetic page: its left and top in pixels.
type placed struct {
	x, y int
	text string
}

// boxPage builds an OCR page from placed lines: each line is a Tesseract
// line of its own with a word box per word (9 px a letter, 22 px high), and
// the page text lists the lines in the given order, as Tesseract would.
func boxPage(tb testing.TB, no int, lines ...placed) domain.Page {
	tb.Helper()
	p := domain.Page{No: domain.PageNo(no), Width: 1240, Height: 1754, Confidence: 90}
	var text []string
	for li, l := range lines {
		x := l.x
		for _, w := range strings.Fields(l.text) {
			wd := 9 * len([]rune(w))
			p.Words = append(p.Words, domain.Word{Text: w, Box: image.Rect(x, l.y, x+wd, l.y+22), Conf: 90, Block: li, Line: li})
			x += wd + 9
		}
		text = append(text, l.text)
	}
	p.Text = strings.Join(text, "\n")
	return p
}

// textPage is a page without word boxes (text-only OCR or a text layer).
func textPage(no int, text string) domain.Page {
	return domain.Page{No: domain.PageNo(no), Text: text, Confidence: 90}
}

// letterHeader is the header of a công văn of a district People's
// Committee, placed as NĐ 30 lays it out, from top y.
func letterHeader(y int, number string) []placed {
	return []placed{
		{80, y, "ỦY BAN NHÂN DÂN"}, {600, y, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"},
		{80, y + 30, "HUYỆN ĐẦM DƠI"}, {650, y + 30, "Độc lập - Tự do - Hạnh phúc"},
		{80, y + 80, number}, {650, y + 80, "Đầm Dơi, ngày 15 tháng 02 năm 2024"},
		{60, y + 110, "V/v triển khai Thông báo số 45-TB/TU"}, {60, y + 140, "của Ban Thường vụ Tỉnh ủy"},
		{300, y + 220, "Kính gửi: Các phòng, ban ngành thuộc huyện."},
		{100, y + 270, "Thực hiện Thông báo số 45-TB/TU ngày 10 tháng 02 năm 2024"},
		{60, y + 300, "của Ban Thường vụ Tỉnh ủy, Ủy ban nhân dân huyện đề nghị các cơ quan"},
		{60, y + 330, "triển khai thực hiện nghiêm túc."},
	}
}

// signatureBlock is the foot of a letter from top y: recipients at the
// left beside the signature block at the right.
func signatureBlock(y int) []placed {
	return []placed{
		{60, y, "Nơi nhận:"}, {760, y, "KT. CHỦ TỊCH"},
		{60, y + 30, "- Như trên;"}, {760, y + 30, "PHÓ CHỦ TỊCH"},
		{60, y + 60, "- Lưu: VT."},
		{760, y + 160, "Nguyễn Văn Bình"},
	}
}

// centred places a line centred on the page (1240 px wide) at y.
func centred(y int, text string) placed {
	return placed{620 - 9*len([]rune(text))/2, y, text}
}

func join(parts ...[]placed) []placed {
	var out []placed
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// TestZones checks that header fields are read inside their NĐ 30 zones:
// copy forms, received stamps and references quoted in the subject never
// supply them; subjects after "v/v" and a misread "V/v"; the signer on the
// signature page.
func TestZones(t *testing.T) {
	e := defaultEngine(t)
	letter := map[string]string{
		"doc_number": "215", "doc_symbol": "UBND-VP", "issued_date": "2024-02-15", "issue_place": "Đầm Dơi",
		"issuer": "ỦY BAN NHÂN DÂN HUYỆN ĐẦM DƠI", "subject": "triển khai Thông báo số 45-TB/TU của Ban Thường vụ Tỉnh ủy",
		"signer_name": "Nguyễn Văn Bình", "signer_position": "PHÓ CHỦ TỊCH",
	}
	tests := []struct {
		name   string
		pages  []domain.Page
		want   map[string]string
		absent []string
		class  string
		hint   string
	}{
		{
			// The case: a certified copy whose SAO Y form, above
			// the header, carries the copying office's number and date.
			name: "sao y block above the header",
			pages: []domain.Page{boxPage(t, 1, join([]placed{
				{700, 30, "SAO Y BẢN CHÍNH"}, {700, 60, "VĂN PHÒNG UBND TỈNH CÀ MAU"},
				{700, 90, "Số: 88/SY-VP"}, {700, 120, "Cà Mau, ngày 02 tháng 3 năm 2024"},
			}, letterHeader(230, "Số: 215/UBND-VP"), signatureBlock(900))...)},
			want: letter, class: "official_letter",
		},
		{
			// An electronic copy: the copying office's heading at the left,
			// "BẢN SAO" at the right and the digital-signature marks, all
			// above the motto's row.
			name: "copy form over both columns",
			pages: []domain.Page{boxPage(t, 1, join([]placed{
				{380, 30, "VĂN PHÒNG"}, {1000, 40, "BẢN SAO"}, {300, 60, "ỦY BAN NHÂN DÂN TỈNH CÀ MAU"},
				{830, 70, "Thời gian ký: 01/03/2024 14:40:23 +07:00"}, {420, 90, "Số: 13/SY-VP"},
				{280, 125, "Ký bởi: Văn Phòng Ủy Ban Nhân Dân Tỉnh Cà Mau"},
			}, letterHeader(200, "Số: 215/UBND-VP"), signatureBlock(900))...)},
			want: letter, class: "official_letter",
		},
		{
			// The own number is unreadable (handwritten): the number quoted
			// in the subject must not stand in for it, nor give the type.
			name:   "quoted reference in the subject is not the number",
			pages:  []domain.Page{boxPage(t, 1, join(letterHeader(100, "Số:     /UBND-VP"), signatureBlock(800))...)},
			want:   map[string]string{"issuer": letter["issuer"], "issued_date": "2024-02-15", "subject": letter["subject"]},
			absent: []string{"doc_number", "doc_symbol"},
			class:  "official_letter",
		},
		{
			name: "sao y block text only",
			pages: []domain.Page{textPage(1, "SAO Y BẢN CHÍNH\nVĂN PHÒNG UBND TỈNH CÀ MAU\nSố: 88/SY-VP\nCà Mau, ngày 02 tháng 3 năm 2024\n\n"+
				"ỦY BAN NHÂN DÂN\nHUYỆN ĐẦM DƠI\nSố: 215/UBND-VP\nV/v triển khai Thông báo số 45-TB/TU\ncủa Ban Thường vụ Tỉnh ủy\n\n"+
				"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nĐầm Dơi, ngày 15 tháng 02 năm 2024\n\n"+
				"Kính gửi: Các phòng, ban ngành thuộc huyện.\nThực hiện Thông báo số 45-TB/TU, đề nghị triển khai.\n\n"+
				"Nơi nhận:\n- Như trên;\n- Lưu: VT.\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nNguyễn Văn Bình")},
			want: letter, class: "official_letter",
		},
		{
			// A received stamp printed over the header.
			name: "received stamp over the header",
			pages: []domain.Page{boxPage(t, 1, join([]placed{
				{90, 20, "CÔNG VĂN ĐẾN"}, {90, 45, "Số: 1234/VP"}, {90, 70, "Ngày: 20/02/2024"}, {90, 95, "Chuyển: P.TCKH"},
			}, letterHeader(200, "Số: 215/UBND-VP"), signatureBlock(900))...)},
			want: letter, class: "official_letter",
		},
		{
			// A copy form above the header whose heading ("SAO LỤC") OCR
			// lost: its number's symbol type SL says what it is.
			name: "copy form known by its number",
			pages: []domain.Page{boxPage(t, 1, join([]placed{
				{90, 40, "HUYỆN ĐẦM DƠI"}, {90, 70, "Số: 16/SL-UBND"},
			}, letterHeader(200, "Số: 215/UBND-VP"), signatureBlock(900))...)},
			want: letter, class: "official_letter",
		},
		{
			// Subject after a lower-case "v/v".
			pages: []domain.Page{boxPage(t, 1, join(letterHeader(100, "Số: 215/UBND-VP")[:6], []placed{
				{60, 210, "v/v triển khai Thông báo số 45-TB/TU"}, {60, 240, "của Ban Thường vụ Tỉnh ủy"},
			}, letterHeader(100, "")[8:], signatureBlock(800))...)},
			want: letter, class: "official_letter",
		},
		{
			// A photo: "V/v" read "V/y", the colon of "Số" lost, "Nơi
			// nhận" without its marks, the dot of "KT." lost.
			name: "fuzzy anchors with OCR noise",
			pages: []domain.Page{boxPage(t, 1, join(letterHeader(100, "S6 215/UBND-VP")[:6], []placed{
				{60, 210, "V/y triển khai Thông báo số 45-TB/TU"}, {60, 240, "của Ban Thường vụ Tỉnh ủy"},
			}, letterHeader(100, "")[8:], []placed{
				{60, 800, "Noi nhan:"}, {760, 800, "KT CHỦ TỊCH"},
				{60, 830, "- Như trên;"}, {760, 830, "PHÓ CHỦ TỊCH"},
				{60, 860, "- Lưu: VT."}, {760, 960, "Nguyễn Văn Bình"},
			})...)},
			want: letter, class: "official_letter",
		},
		{
			// A note written in the left margin beside the header.
			name: "margin note",
			pages: []domain.Page{boxPage(t, 1, join([]placed{{8, 160, "Số 99/VT"}},
				letterHeader(100, "Số: 215/UBND-VP"), signatureBlock(800))...)},
			want: letter, class: "official_letter",
		},
		{
			// A number filled in by hand, its digits spaced apart; the
			// place's comma read as a semicolon.
			name: "handwritten spaced number",
			pages: []domain.Page{boxPage(t, 1, join(letterHeader(100, "Số: 2 1 5/UBND-VP")[:5], []placed{{650, 180, "Đầm Dơi; ngày 15 tháng 02 năm 2024"}},
				letterHeader(100, "")[6:], signatureBlock(800))...)},
			want: letter, class: "official_letter",
		},
		{
			// The day and month filled in by hand and lost by OCR: the
			// place under the motto is still read, the date is not guessed
			// from the body.
			name: "place before an unreadable date",
			pages: []domain.Page{boxPage(t, 1, join(letterHeader(100, "Số: 215/UBND-VP")[:5], []placed{{650, 180, "Đầm Dơi, ngày ] tháng Q năm 2024"}},
				letterHeader(100, "")[6:], signatureBlock(800))...)},
			want:   map[string]string{"issue_place": "Đầm Dơi", "doc_number": "215", "issuer": letter["issuer"]},
			absent: []string{"issued_date"},
			class:  "official_letter",
		},
		{
			// A subject wrapped over three lines of its column, a line
			// opening with the date of the document it quotes and one
			// with a capital; a received stamp's line beside it.
			name: "subject wrapped in its column",
			pages: []domain.Page{boxPage(t, 1, join(letterHeader(100, "Số: 215/UBND-VP")[:6], []placed{
				{60, 210, "V/v triển khai thực hiện Chỉ thị số 26/CT-TTg"}, {700, 225, "Ngày: 9/10/2019"},
				{60, 240, "ngày 03/08/2019 về kiểm tra việc cấp"}, {60, 270, "Giấy chứng nhận quyền sử dụng đất"},
			}, letterHeader(100, "")[8:], signatureBlock(800))...)},
			want:  map[string]string{"subject": "triển khai thực hiện Chỉ thị số 26/CT-TTg ngày 03/08/2019 về kiểm tra việc cấp Giấy chứng nhận quyền sử dụng đất", "doc_number": "215"},
			class: "official_letter",
		},
		{
			// A centred subject under the title, wrapped at a symbol's
			// hyphen and before a date; the body set close under it.
			name: "centred subject under the title",
			pages: []domain.Page{boxPage(t, 1, join(letterHeader(100, "Số: 215/TB-UBND")[:6], []placed{
				centred(240, "THÔNG BÁO"),
				centred(275, "Về việc triển khai thực hiện Công văn số 194/BNNMT-"),
				centred(305, "QLĐĐ ngày 12/09/2023 về tổ chức lấy ý kiến"),
				{100, 335, "Ngày 16/01/2024, cơ quan nhận được đơn của ông Cao Văn Hoàng, sinh năm 1953, đề nghị"},
				{60, 365, "giải quyết theo quy định."},
			}, signatureBlock(800))...)},
			want:  map[string]string{"subject": "triển khai thực hiện Công văn số 194/BNNMT-QLĐĐ ngày 12/09/2023 về tổ chức lấy ý kiến", "doc_number": "215"},
			class: "notice",
		},
		{
			// The parent body on two lines above the issuing office.
			name: "parent body on two lines",
			pages: []domain.Page{boxPage(t, 1, join([]placed{
				{80, 100, "ỦY BAN NHÂN DÂN"}, {600, 100, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"},
				{80, 130, "TỈNH CÀ MAU"}, {650, 130, "Độc lập - Tự do - Hạnh phúc"},
				{80, 160, "SỞ TƯ PHÁP"},
				{80, 210, "Số: 37/STP-HCTP"}, {650, 210, "Cà Mau, ngày 05 tháng 3 năm 2024"},
				{60, 240, "V/v hướng dẫn chứng thực bản sao"},
				{300, 320, "Kính gửi: Ủy ban nhân dân các huyện."},
			}, signatureBlock(700))...)},
			want:  map[string]string{"issuer": "SỞ TƯ PHÁP TỈNH CÀ MAU", "doc_number": "37", "doc_symbol": "STP-HCTP", "subject": "hướng dẫn chứng thực bản sao", "issue_place": "Cà Mau"},
			class: "official_letter",
		},
		{
			// The signature on page 2, followed by an annex listing people:
			// the signer is on the signature page, not the annex.
			name: "signature on page 2 before an annex",
			pages: []domain.Page{
				boxPage(t, 1, letterHeader(100, "Số: 215/UBND-VP")...),
				boxPage(t, 2, join([]placed{{60, 100, "Các cơ quan báo cáo kết quả trước ngày 30/3/2024./."}}, signatureBlock(300))...),
				boxPage(t, 3, []placed{
					{400, 100, "DANH SÁCH KÈM THEO"}, {80, 160, "STT Họ và tên Ghi chú"},
					{80, 190, "1 Trần Thị Hoa"}, {80, 220, "2 Lê Văn Tám"},
				}...),
			},
			want: letter, class: "official_letter",
		},
		{
			// The signature block split by the page break: the position
			// at the foot of page 1, the name at the top of page 2.
			name: "signature split across pages",
			pages: []domain.Page{
				boxPage(t, 1, join(letterHeader(100, "Số: 215/UBND-VP"), []placed{{760, 1650, "KT. CHỦ TỊCH"}, {760, 1680, "PHÓ CHỦ TỊCH"}})...),
				boxPage(t, 2, []placed{{760, 120, "Nguyễn Văn Bình"}, {60, 220, "Nơi nhận:"}, {60, 250, "- Như trên;"}, {60, 280, "- Lưu: VT."}}...),
			},
			want: letter, class: "official_letter",
		},
		{
			// A copy form under the signature that runs over to the next
			// page with its own recipients.
			name: "copy form running onto the next page",
			pages: []domain.Page{
				boxPage(t, 1, join(letterHeader(100, "Số: 215/UBND-VP"), signatureBlock(700), []placed{
					{80, 1450, "ỦY BAN NHÂN DÂN"}, {700, 1460, "SAO Y"}, {80, 1480, "HUYỆN ĐẦM DƠI"},
					{80, 1510, "Số: 88/SY-UBND"}, {700, 1600, "TL. CHỦ TỊCH"}, {700, 1630, "CHÁNH VĂN PHÒNG"},
				})...),
				boxPage(t, 2, []placed{{700, 60, "Lê Thị Mai"}, {60, 160, "Nơi nhận:"}, {60, 190, "- Như trên;"}, {60, 220, "- Lưu: VT."}}...),
			},
			want: letter, class: "official_letter",
		},
		{
			// A copy form after the signature, with the copying office's
			// own signer: the document's signer is the one above it.
			name: "copy form below the signature",
			pages: []domain.Page{boxPage(t, 1, join(letterHeader(100, "Số: 215/UBND-VP"), signatureBlock(700), []placed{
				{80, 1250, "SAO Y BẢN CHÍNH"}, {80, 1280, "Số: 88/SY-VP, ngày 02/3/2024"},
				{700, 1310, "TL. CHỦ TỊCH"}, {700, 1340, "CHÁNH VĂN PHÒNG"}, {700, 1440, "Lê Thị Mai"},
			})...)},
			want: letter, class: "official_letter",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := e.Extract(context.Background(), tc.pages, tc.hint)
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			if tc.class != "" && r.Class != tc.class {
				t.Errorf("class %q, want %q", r.Class, tc.class)
			}
			for f, want := range tc.want {
				if got := r.Fields[f].Value; got != want {
					t.Errorf("%s = %q, want %q", f, got, want)
				}
			}
			for _, f := range tc.absent {
				if v, ok := r.Fields[f]; ok {
					t.Errorf("%s = %q (confidence %.2f), want none", f, v.Value, v.Confidence)
				}
			}
			if got := r.Fields["doc_type"].Value; tc.class == "official_letter" && got != "" && got != "công văn" && got != "Công văn" {
				t.Errorf("doc_type = %q, want công văn", got)
			}
		})
	}
}

// TestFuzzyAnchor checks the anchor matcher on OCR readings of labels: one
// edit-distance rule, not one pattern per misreading.
func TestFuzzyAnchor(t *testing.T) {
	spec := func(at, upper, digit bool, phrases ...string) anchorSet {
		return anchorSpec{Phrases: phrases, AtStart: at, Upper: upper, Digit: digit}.compile()
	}
	vv := spec(true, false, false, "V/v", "Về việc")
	so := spec(true, false, true, "Số:")
	copyForm := spec(true, true, false, "SAO Y BẢN CHÍNH", "SAO Y", "BẢN SAO", "SAO LỤC", "TRÍCH SAO")
	recip := spec(true, false, false, "Nơi nhận:")
	motto := spec(false, false, false, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
	stampDate := anchorSpec{Phrases: []string{"Ngày:"}, AtStart: true, Digit: true, Punct: true}.compile()
	stampRoute := anchorSpec{Phrases: []string{"Chuyển:"}, AtStart: true, Punct: true}.compile()
	tests := []struct {
		name  string
		set   anchorSet
		line  string
		ok    bool
		exact bool
		rest  string // the text after the match
	}{
		{"exact V/v", vv, "V/v triển khai", true, true, "triển khai"},
		{"lower-case v/v", vv, "v/v triển khai", true, true, "triển khai"},
		{"slash read as 1", vv, "V1v triển khai", true, false, "triển khai"},
		{"v read as y", vv, "V/y triển khai", true, false, "triển khai"},
		{"spaced", vv, "V / v triển khai", true, false, "triển khai"},
		{"slash and v read as one W", vv, "vW giải quyết", true, false, "giải quyết"},
		{"Về việc", vv, "Về việc: giao đất", true, true, ": giao đất"},
		{"accentless", vv, "Ve viec giao dat", true, true, "giao dat"},
		{"a word is not V/v", vv, "Vì vậy, đề nghị", false, false, ""},
		{"not at the start", vv, "đề nghị V/v", false, false, ""},
		{"Số exact", so, "Số: 12/UBND-VX", true, true, " 12/UBND-VX"},
		{"So 6", so, "S6: 12/UBND-VX", true, false, " 12/UBND-VX"},
		{"Số without colon", so, "Số 12/UBND", true, false, " 12/UBND"},
		{"Sở is not Số", so, "SỞ TƯ PHÁP", false, false, ""},
		{"sao y with noise", copyForm, "SA0 Y BẢN CHÍNH", true, false, ""},
		{"sở y tế is no copy form", copyForm, "SỞ Y TẾ", false, false, ""},
		{"a sentence is no copy form", copyForm, "Bản sao giấy khai sinh", false, false, ""},
		{"Nơi nhận accentless", recip, "Noi nhan:", true, true, ""},
		{"motto glued to the issuer", motto, "UBND THÀNH PHỐ ĐÔNGCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", true, true, ""},
		{"Nơi nhận misread", recip, "Nơi nhạn;", true, false, ""},
		{"Nơi nhận lost colon", recip, "Nơi nhận", true, false, ""},
		{"stamp date", stampDate, "Ngày: 3/2/2016", true, true, "3/2/2016"},
		{"stamp date with a dot", stampDate, "Ngày. 28/8/2015", true, false, "28/8/2015"},
		{"a wrapped subject's date is no stamp", stampDate, "ngày 05/02/2019 về đẩy mạnh", false, false, ""},
		{"stamp route", stampRoute, "Chuyển: P, KT", true, true, "P, KT"},
		{"a wrapped subject is no stamp", stampRoute, "chuyển đổi số trong giải quyết", false, false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, ok := tc.set.find(tc.line)
			if ok != tc.ok {
				t.Fatalf("find(%q) ok = %v, want %v (hit %+v)", tc.line, ok, tc.ok, h)
			}
			if !ok {
				return
			}
			if (h.score == 1) != tc.exact {
				t.Errorf("find(%q) score %.2f, exact want %v", tc.line, h.score, tc.exact)
			}
			if h.score < 0.5 || h.score > 1 {
				t.Errorf("score %.2f out of range", h.score)
			}
			if tc.rest != "" && strings.TrimSpace(tc.line[h.end:]) != strings.TrimSpace(tc.rest) {
				t.Errorf("rest %q, want %q", tc.line[h.end:], tc.rest)
			}
		})
	}
}

// TestLayoutFiles checks the layout key: a layout beside the pipelines
// loaded with LoadDir, "none", and the problems reported for a missing or
// invalid layout.
func TestLayoutFiles(t *testing.T) {
	pipe := func(layout string) string {
		return "pipeline: letters\nlayout: " + layout + "\nclasses:\n  - id: letter\n    fallback: true\n    fields:\n" +
			"      - {name: doc_number, kind: builtin, builtin: number_symbol, part: number}\n"
	}
	tests := []struct {
		name    string
		files   map[string]string
		wantErr string
		zones   bool
	}{
		{"shipped nd30", map[string]string{"p.yaml": pipe("nd30")}, "", true},
		{"none", map[string]string{"p.yaml": pipe("none")}, "", false},
		{"own layout", map[string]string{"p.yaml": pipe("mine"), "layout/mine.yaml": "layout: mine\nanchors:\n  number: {phrases: [\"No.\"], at_start: true, digit: true}\n"}, "", true},
		{"missing layout", map[string]string{"p.yaml": pipe("nope")}, `layout "nope"`, false},
		{"unknown role", map[string]string{"p.yaml": pipe("bad"), "layout/bad.yaml": "layout: bad\nanchors:\n  stamp: {phrases: [X]}\n"}, "anchors.stamp: unknown role", false},
		{"misspelt key", map[string]string{"p.yaml": pipe("bad"), "layout/bad.yaml": "layout: bad\nanchor: {}\n"}, "field anchor not found", false},
		{"name differs", map[string]string{"p.yaml": pipe("bad"), "layout/bad.yaml": "layout: other\n"}, "differs from the file name", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, body := range tc.files {
				if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			e, err := LoadDir(dir)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("LoadDir error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("LoadDir: %v", err)
			}
			c := e.Pipelines()[0].classes[0]
			if (c.layout != nil) != tc.zones {
				t.Errorf("class layout %v, want zones %v", c.layout, tc.zones)
			}
		})
	}
}

// zonedDoc prepares pages as Extract does, read by the NĐ 30 layout.
func zonedDoc(pages ...domain.Page) *doc {
	d := &doc{titleLine: -1}
	for i := range pages {
		d.pages = append(d.pages, layoutPage(&pages[i]))
	}
	d.zones = findZones(d, defaultLayout)
	return d
}

// TestZoneAnchorQuality checks what the header builtins tell the
// confidence: the anchor's match quality and the reasons.
func TestZoneAnchorQuality(t *testing.T) {
	header := func(number, vv string, extra ...placed) domain.Page {
		lines := letterHeader(100, number)
		lines[6].text = vv + " triển khai Thông báo số 45-TB/TU"
		return boxPage(t, 1, append(lines, extra...)...)
	}
	tests := []struct {
		name        string
		page        domain.Page
		numAnchor   float64 // 1 exact, -1 below 1
		numReasons  []string
		subjAnchor  float64
		subjReasons []string
	}{
		{"exact", header("Số: 215/UBND-VP", "V/v"), 1, nil, 1, nil},
		{"fuzzy number and subject", header("S6 215/UBND-VP", "V/y"), -1, []string{"anchor_fuzzy"}, -1, []string{"anchor_fuzzy"}},
		{"two numbers in the number zone", header("Số: 215/UBND-VP", "V/v", placed{80, 196, "Số: 216/UBND-VP"}), 1, []string{"zone_ambiguous"}, 1, nil},
		{"handwritten number", header("Số: 2 1 5/UBND-VP", "V/v"), 1, []string{"handwriting"}, 1, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := zonedDoc(tc.page)
			num := builtinNumberSymbol(d)
			if num == nil {
				t.Fatal("no number")
			}
			if num.value != "215/UBND-VP" {
				t.Errorf("number %q, want 215/UBND-VP", num.value)
			}
			check := func(what string, got float64, reasons []string, want float64, wantReasons []string) {
				if want == 1 && got != 1 || want < 0 && (got >= 1 || got <= 0) {
					t.Errorf("%s anchor %.2f, want %v (-1: fuzzy, below 1)", what, got, want)
				}
				if strings.Join(reasons, ",") != strings.Join(wantReasons, ",") {
					t.Errorf("%s reasons %v, want %v", what, reasons, wantReasons)
				}
			}
			check("number", num.anchor, num.reasons, tc.numAnchor, tc.numReasons)
			subj, ok := subject(d)
			if !ok {
				t.Fatal("no subject")
			}
			check("subject", subj.anchor, subj.reasons, tc.subjAnchor, tc.subjReasons)
		})
	}
}

// TestStampLinesExcluded checks which lines of a page are excluded: a
// received stamp whose heading OCR lost (its "Số:" without a symbol,
// "Ngày:" with a numeric date, "Chuyển:"), a copy form known by its
// number's symbol type; never the document's own number or a subject
// wrapped onto a line starting "ngày …" or "chuyển đổi …".
func TestStampLinesExcluded(t *testing.T) {
	pg := boxPage(t, 1, join([]placed{
		{90, 20, "VĂN PHÒNG UBND TỈNH CÀ MAU"}, {90, 45, "Số: 16/SL-VP"},
	}, letterHeader(200, "Số: 215/UBND-VP")[:6], []placed{
		{700, 310, "Số: 46"}, {700, 335, "Ngày: 20/02/2024"}, {700, 360, "Chuyển: P.TCKH"},
		{60, 400, "V/v triển khai Kết luận số 12-KL/TU"}, {60, 430, "ngày 05/02/2019 về chuyển đổi số"},
		{60, 460, "chuyển đổi số trong giải quyết thủ tục"},
	}, signatureBlock(900))...)
	d := &doc{pages: []*page{layoutPage(&pg)}}
	z := findZones(d, defaultLayout)
	want := map[string]bool{
		"VĂN PHÒNG UBND TỈNH CÀ MAU": true, "Số: 16/SL-VP": true,
		"Số: 46": true, "Ngày: 20/02/2024": true, "Chuyển: P.TCKH": true,
		"Số: 215/UBND-VP": false, "ỦY BAN NHÂN DÂN": false, "HUYỆN ĐẦM DƠI": false,
		"ngày 05/02/2019 về chuyển đổi số": false, "chuyển đổi số trong giải quyết thủ tục": false,
	}
	p := d.pages[0]
	for i := range p.lines {
		raw := strings.TrimSpace(p.lineText(i))
		if w, ok := want[raw]; ok {
			if z.excl[0][i] != w {
				t.Errorf("line %q excluded = %v, want %v", raw, z.excl[0][i], w)
			}
			delete(want, raw)
		}
	}
	for raw := range want {
		t.Errorf("line %q not found on the page", raw)
	}
}
