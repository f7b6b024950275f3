package extract

import (
	"context"
	"image"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sohoa/sohoa/internal/domain"
)

// placedLine is a line of OCR text whose words sit at page line y (30
// pixels a line): the text order may differ from the page's.
type placedLine struct {
	y     int
	cells []cell
}

// placedPage writes lines in the given order with their words at their
// own places, as OCR writes a table whose cells it read as separate
// blocks.
func placedPage(lines []placedLine) domain.Page {
	p := domain.Page{No: 1, Width: 2000, Height: 3000}
	var text []string
	for li, l := range lines {
		var parts []string
		for _, c := range l.cells {
			x := c.x
			for _, w := range strings.Fields(c.text) {
				wd := 12 * utf8.RuneCountInString(w)
				p.Words = append(p.Words, domain.Word{Text: w, Conf: 90, Line: li,
					Box: image.Rect(x, 100+30*l.y, x+wd, 120+30*l.y)})
				x += wd + 10
			}
			parts = append(parts, c.text)
		}
		text = append(text, strings.Join(parts, " "))
	}
	p.Text = strings.Join(text, "\n") + "\n"
	return p
}

// TestRowNames: in a list of people, a row's name is the words of its
// name column between the row's top and the next row's, in reading order:
// a name wrapped over three lines of its cell, and a name OCR wrote after
// the table as another block, are read whole; a row whose name cell is
// empty gives no name.
func TestRowNames(t *testing.T) {
	e := defaultEngine(t)
	annex := placedPage([]placedLine{
		{0, []cell{{"DANH SÁCH CÁC HỘ ĐƯỢC HỖ TRỢ", 600}}},
		{1, []cell{{"1 |Nguyễn", 100}, {"| 14/02/1981", 500}, {"| 096181222333", 700}, {"| Ấp 4, xã Tân Lộc, huyện Thới Bình, tỉnh Cà Mau", 1000}}},
		{2, []cell{{"Thị Thanh", 120}}},
		{3, []cell{{"Hương", 120}}},
		{5, []cell{{"2", 60}, {"| 03/07/1975", 500}, {"| 096075333444", 700}, {"| Ấp Mới, xã Tân Hưng, huyện Cái Nước, tỉnh Cà Mau", 1000}}},
		{8, []cell{{"3", 60}, {"| 21/10/1990", 500}, {"| 096090111222", 700}, {"| Ấp Mới, xã Tân Hưng, huyện Cái Nước, tỉnh Cà Mau", 1000}}},
		// Row 2's name, written by OCR after the table.
		{5, []cell{{"Trịnh Văn", 100}}},
		{6, []cell{{"Bé", 100}}},
	})
	r, err := e.Extract(context.Background(), []domain.Page{annex}, "decision")
	if err != nil {
		t.Fatal(err)
	}
	got := r.Fields["person_names"].Values
	want := []string{"Nguyễn Thị Thanh Hương", "Trịnh Văn Bé"}
	for _, v := range want {
		if !slices.Contains(got, v) {
			t.Errorf("person_names: %q missing from %q", v, got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("person_names: got %q, want %q", got, want)
	}
	red := strings.Join(Redact([]domain.Page{annex}, r), "\n")
	for _, v := range []string{"Nguyễn", "Hương", "Trịnh", "096075333444"} {
		if strings.Contains(red, v) {
			t.Errorf("redacted text keeps %q:\n%s", v, red)
		}
	}
}
