package extract

import (
	"context"
	"errors"
	"image"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"github.com/sohoa/sohoa/internal/domain"
)

// cellsPage lays out lines of words at given columns: each line is a list
// of (text, x) cells, 30 pixels a line, 12 pixels a letter; the page text
// is the lines joined as OCR writes them.
func cellsPage(lines [][]struct {
	text string
	x    int
}) domain.Page {
	p := domain.Page{No: 1, Width: 2000, Height: 3000}
	var text []string
	for li, cells := range lines {
		var parts []string
		for _, c := range cells {
			x := c.x
			for _, w := range strings.Fields(c.text) {
				wd := 12 * utf8.RuneCountInString(w)
				p.Words = append(p.Words, domain.Word{Text: w, Conf: 90, Line: li,
					Box: image.Rect(x, 100+30*li, x+wd, 120+30*li)})
				x += wd + 10
			}
			parts = append(parts, c.text)
		}
		text = append(text, strings.Join(parts, " "))
	}
	p.Text = strings.Join(text, "\n") + "\n"
	return p
}

type cell = struct {
	text string
	x    int
}

// TestPeopleFromDetector: the people of an annex table, whose name and
// address cells wrap onto the row's next line, are listed with their
// birth dates, ID numbers and addresses; the official who signs is not.
func TestPeopleFromDetector(t *testing.T) {
	e := defaultEngine(t)
	annex := cellsPage([][]cell{
		{{"DANH SÁCH CÁC HỘ ĐƯỢC HỖ TRỢ", 600}},
		{{"(Kèm theo Quyết định số 45/QĐ-UBND ngày 02/03/2024 của Ủy ban nhân dân xã Tân Lộc)", 200}},
		{{"1 Lê Thị", 100}, {"| 14/02/1981", 500}, {"| 096181222333", 700}, {"| Ấp 4, xã Tân Lộc, huyện Thới", 1000}},
		{{"Hồng", 120}, {"Bình, tỉnh Cà Mau", 1010}},
		{{"2 Trịnh Văn Bé", 100}, {"| 03/07/1975", 500}, {"| 096075333444", 700}, {"| Ấp Mới, xã Tân Hưng, huyện Cái Nước, tỉnh Cà Mau", 1000}},
		{{"KT. CHỦ TỊCH", 1300}},
		{{"PHÓ CHỦ TỊCH", 1300}},
		{{"Võ Minh Đạt", 1320}},
	})
	head := domain.Page{No: 1, Text: "ỦY BAN NHÂN DÂN\nXÃ TÂN LỘC\nSố: 45/QĐ-UBND\nQUYẾT ĐỊNH\nVề việc hỗ trợ các hộ gia đình\nĐiều 1. Hỗ trợ các hộ có tên trong danh sách kèm theo.\n"}
	annex.No = 2
	r, err := e.Extract(context.Background(), []domain.Page{head, annex}, "decision")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"person_names": {"Lê Thị Hồng", "Trịnh Văn Bé"},
		"birth_dates":  {"1981-02-14", "1975-07-03"},
		"cccd":         {"096181222333", "096075333444"},
		"addresses":    {"Ấp 4, xã Tân Lộc, huyện Thới Bình, tỉnh Cà Mau", "Ấp Mới, xã Tân Hưng, huyện Cái Nước, tỉnh Cà Mau"},
	}
	for field, vs := range want {
		got := r.Fields[field].Values
		for _, v := range vs {
			if !slices.Contains(got, v) {
				t.Errorf("%s: %q missing from %q", field, v, got)
			}
		}
		if len(got) != len(vs) {
			t.Errorf("%s: got %q, want %q", field, got, vs)
		}
	}
}

// TestDetectorEvidence: the detector's findings are listed only with
// evidence, and their confidence says which.
func TestDetectorEvidence(t *testing.T) {
	e := defaultEngine(t)
	tests := []struct {
		name, text, field string
		want              []string
	}{
		{"labelled name in an English translation", "Full name: TRAN VAN KHOA\nDate of birth: 09/09/1999\n", "birth_dates", []string{"1999-09-09"}},
		{"a name alone under the recipients is not listed", "Nơi nhận:\n- Như trên;\n- Lưu: VT.\n\nĐặng Văn Lâm\n", "person_names", nil},
		{"the birth place is no residence", "Họ và tên: Lý Thị Mai\nNơi sinh: Ấp 3, xã Khánh Hải, huyện Trần Văn Thời, tỉnh Cà Mau\n", "addresses", nil},
		{"an address whose unit's name the line's wrap cut", "Ông Phạm Văn Lực, CCCD số 096062111222, nơi cư trú: Thôn Phi Nam, xã Phú Hội, huyện Đức\nTrọng, tỉnh Lâm Đồng, đề nghị cấp giấy chứng nhận.\n", "addresses", []string{"Thôn Phi Nam, xã Phú Hội, huyện Đức Trọng, tỉnh Lâm Đồng"}},
		{"an event date is no birth date", "Ngày 12 tháng 12 năm 2019, Ủy ban nhận đơn của bà Lý Thị Mai, CMND số 381234567.\n", "birth_dates", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := e.Extract(context.Background(), []domain.Page{{No: 1, Text: tt.text}}, "generic")
			if err != nil {
				t.Fatal(err)
			}
			got := r.Fields[tt.field].Values
			if !slices.Equal(got, tt.want) {
				t.Errorf("%s = %q, want %q", tt.field, got, tt.want)
			}
		})
	}
	t.Run("two columns of a form on one line", func(t *testing.T) {
		p := cellsPage([][]cell{
			{{"WIFE", 500}, {"HUSBAND", 1100}},
			{{"Full name |", 100}, {"LY PHUONG THAO", 500}, {"HO VAN DUC TUNG", 1100}},
			{{"Date of birth |", 100}, {"27/04/1978", 500}, {"07/05/1968", 1100}},
		})
		r, err := e.Extract(context.Background(), []domain.Page{p}, "generic")
		if err != nil {
			t.Fatal(err)
		}
		got := r.Fields["person_names"].Values
		// Compared without diacritics: the person_name repair restores
		// marks a name lost (pipelines/README.md, "OCR repairs").
		var folded []string
		for _, g := range got {
			folded = append(folded, key(g))
		}
		for _, v := range []string{"Ly Phuong Thao", "Ho Van Duc Tung"} {
			if !slices.Contains(folded, key(v)) {
				t.Errorf("person_names: %q missing from %q", v, got)
			}
		}
	})
}

func TestDetectorFieldYAML(t *testing.T) {
	ok := `pipeline: a
classes:
  - id: a
    fallback: true
    fields:
      - {name: person_names, kind: detector, detector: person, list: true, normalize: person_name}
      - {name: cccd, kind: regex, pattern: 'CCCD (?P<value>[0-9]{12})', detector: cccd, list: true, normalize: cccd}
`
	e, err := Load(fstest.MapFS{"a.yaml": {Data: []byte(ok)}})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	r, err := e.Extract(context.Background(), []domain.Page{{No: 1, Text: "Ông Phạm Văn Lực, CCCD 096062111222\n"}}, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Fields["person_names"].Values; !slices.Equal(got, []string{"Phạm Văn Lực"}) {
		t.Errorf("person_names = %q", got)
	}
	if got := r.Fields["cccd"].Values; !slices.Equal(got, []string{"096062111222"}) {
		t.Errorf("cccd = %q (the regex and the detector find the same number once)", got)
	}
	bad := `pipeline: a
classes:
  - id: a
    fallback: true
    fields:
      - {name: person_names, kind: detector, list: true}
      - {name: cccd, kind: detector, detector: fingerprint, list: true}
`
	_, err = Load(fstest.MapFS{"a.yaml": {Data: []byte(bad)}})
	var le *LoadError
	if !errors.As(err, &le) {
		t.Fatalf("Load: %v, want a LoadError", err)
	}
	for _, w := range []string{"fields[0].detector: a detector field names the detector's kind", `fields[1].detector: unknown kind "fingerprint"`} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}
}
