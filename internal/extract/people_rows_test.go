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

// TestAddressRules: the rules that complete or cut a person's address.
func TestAddressRules(t *testing.T) {
	t.Run("ownAddress", func(t *testing.T) {
		for _, c := range []struct{ in, want string }{
			// Two columns printing the same residence, read as one line.
			{"Thôn Phú Mỹ, xã Tân Lộc Thôn Phú Mỹ, xã Tân Lộc", "Thôn Phú Mỹ, xã Tân Lộc"},
			// The second column cut by the normaliser after its first word.
			{"Xóm Bến, phường Vĩnh Xóm", "Xóm Bến, phường Vĩnh"},
			{"Ấp 4, xã Tân Lộc, huyện Thới Bình, tỉnh Cà Mau", "Ấp 4, xã Tân Lộc, huyện Thới Bình, tỉnh Cà Mau"},
		} {
			if got := ownAddress(c.in); got != c.want {
				t.Errorf("ownAddress(%q) = %q, want %q", c.in, got, c.want)
			}
		}
	})
	t.Run("cellGoesOn", func(t *testing.T) {
		for _, c := range []struct {
			in   string
			want bool
		}{
			{"Số 9 đường Lê Văn", true},                 // cut inside a street's name
			{"Ấp 4, xã Tân Lộc, huyện Thới Bình", true}, // before its province
			{"Ấp 4, xã Tân Lộc, huyện Thới Bình, tỉnh Cà Mau", false},
			{"Khu vực 2, phường Cái Khế, thành phố Cần Thơ", false}, // a city under the centre
		} {
			if got := cellGoesOn(c.in); got != c.want {
				t.Errorf("cellGoesOn(%q) = %v, want %v", c.in, got, c.want)
			}
		}
	})
	t.Run("unitBefore", func(t *testing.T) {
		raw := "Nơi ở: Tố dân phố Hòa Bình, phường Mỹ Long"
		start := strings.Index(raw, "phố Hòa")
		if got := raw[unitBefore(raw, start):]; !strings.HasPrefix(got, "Tố dân phố") {
			t.Errorf("unitBefore: %q", got)
		}
		raw = "Ông Nguyễn Văn Tố sống tại phố Hàng Bạc"
		start = strings.Index(raw, "phố")
		if got := unitBefore(raw, start); got != start {
			t.Errorf("unitBefore moved a street's start: %q", raw[got:])
		}
	})
}

// TestAddressesWrapped: a residence is read whole where the page wraps it:
// in prose whose line ends inside a unit's name or after a comma, in a
// list of people whose address cell runs over four lines, and in a form
// whose unit OCR misread ("Tố dân phố").
func TestAddressesWrapped(t *testing.T) {
	e := defaultEngine(t)
	prose := domain.Page{No: 1, Text: "ỦY BAN NHÂN DÂN XÃ TÂN LỘC\nSố: 12/UBND\nV/v hồ sơ đất đai\n" +
		"Ủy ban nhân dân xã nhận được hồ sơ của ông Lê Văn Bình, sinh ngày\n" +
		"02/03/1960, CCCD: 096060111222, thường trú tại Khu phố Bàu\nSen, phường Tân Thành, tỉnh Cà Mau đối\nvới thửa đất số 12.\n" +
		"Bà Trần Thị Lan, sinh ngày 05/06/1970, CCCD: 096170333444, thường trú tại\nẤp Mới, xã Tân Hưng, huyện Cái Nước,\ntỉnh Cà Mau.\n"}
	r, err := e.Extract(context.Background(), []domain.Page{prose}, "official_letter")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Khu phố Bàu Sen, phường Tân Thành, tỉnh Cà Mau", "Ấp Mới, xã Tân Hưng, huyện Cái Nước, tỉnh Cà Mau"}
	if got := slices.Sorted(slices.Values(r.Fields["addresses"].Values)); !slices.Equal(got, slices.Sorted(slices.Values(want))) {
		t.Errorf("prose: addresses %q, want %q", got, want)
	}

	annex := placedPage([]placedLine{
		{0, []cell{{"DANH SÁCH CÁC HỘ ĐƯỢC HỖ TRỢ", 600}}},
		{1, []cell{{"1 Lê Thị Hồng", 100}, {"| 14/02/1981", 500}, {"| 096181222333", 700}, {"| Số 9 đường Lê Văn", 1000}}},
		{2, []cell{{"Tám, phường Tân Thành,", 1000}}},
		{3, []cell{{"thành phố Cà Mau, tỉnh", 1000}}},
		{4, []cell{{"Cà Mau", 1000}}},
		{6, []cell{{"2 Trịnh Văn Bé", 100}, {"| 03/07/1975", 500}, {"| 096075333444", 700}, {"| Ấp Mới, xã Tân Hưng, huyện Cái Nước, tỉnh Cà Mau", 1000}}},
	})
	r, err = e.Extract(context.Background(), []domain.Page{annex}, "decision")
	if err != nil {
		t.Fatal(err)
	}
	want = []string{"Số 9 đường Lê Văn Tám, phường Tân Thành, thành phố Cà Mau, tỉnh Cà Mau", "Ấp Mới, xã Tân Hưng, huyện Cái Nước, tỉnh Cà Mau"}
	if got := r.Fields["addresses"].Values; !slices.Equal(got, want) {
		t.Errorf("annex: addresses %q, want %q", got, want)
	}
}

// TestFormInTwoBlocks: a form whose labels and values OCR read as two
// separate blocks (every label first, then every value) still gives its
// people: each value is paired with the label on its row by the boxes.
func TestFormInTwoBlocks(t *testing.T) {
	e := defaultEngine(t)
	form := placedPage([]placedLine{
		{0, []cell{{"EXTRACT OF BIRTH REGISTRATION", 500}}},
		{2, []cell{{"Full name:", 100}}},
		{3, []cell{{"Date of birth:", 100}}},
		{4, []cell{{"Sex:", 100}}},
		{6, []cell{{"Mother's full name:", 100}}},
		{7, []cell{{"Year of birth:", 100}}},
		{8, []cell{{"Place of residence:", 100}}},
		{2, []cell{{"TRẦN MINH KHOA", 500}}},
		{3, []cell{{"12/10/2015", 500}}},
		{4, []cell{{"Male", 500}}},
		{6, []cell{{"PHẠM THỊ HẠNH", 500}}},
		{7, []cell{{"1988", 500}}},
		{8, []cell{{"Ấp 4, xã Tân Lộc, huyện Thới Bình, tỉnh", 500}}},
		{9, []cell{{"Cà Mau", 500}}},
		{12, []cell{{"CHAIRMAN", 900}}},
	})
	if rows := formLabelRows(preparePage(&form)); !strings.Contains(rows, "Mother's full name: PHẠM THỊ HẠNH\n") ||
		!strings.Contains(rows, "Place of residence: Ấp 4, xã Tân Lộc, huyện Thới Bình, tỉnh Cà Mau\n") {
		t.Errorf("form rows:\n%s", rows)
	}
	r, err := e.Extract(context.Background(), []domain.Page{form}, "birth_extract")
	if err != nil {
		t.Fatal(err)
	}
	got := slices.Sorted(slices.Values(r.Fields["person_names"].Values))
	if want := []string{"Phạm Thị Hạnh", "Trần Minh Khoa"}; !slices.Equal(got, want) {
		t.Errorf("person_names %q, want %q", got, want)
	}
}

// TestFormCapitals: on a form that labels a person's name, a name in
// capitals alone on its line is one of its people; the signer's name under
// the signature note is not.
func TestFormCapitals(t *testing.T) {
	e := defaultEngine(t)
	p := domain.Page{No: 1, Text: "TRÍCH LỤC KHAI SINH\nHọ, chữ đệm và tên: NGUYỄN MINH TÂM\nNgày, tháng, năm sinh: 03/04/2010\n" +
		"Họ, chữ đệm, tên người cha\n\nLÊ VĂN HÙNG\n\nPHÓ CHỦ TỊCH\n(Ký, ghi rõ họ, chữ đệm, tên và đóng dấu)\n\nĐỖ THANH BÌNH\n"}
	r, err := e.Extract(context.Background(), []domain.Page{p}, "birth_extract")
	if err != nil {
		t.Fatal(err)
	}
	got := r.Fields["person_names"].Values
	if !slices.Contains(got, "Lê Văn Hùng") || slices.Contains(got, "Đỗ Thanh Bình") {
		t.Errorf("person_names %q: want the father, not the signer", got)
	}

	// An English translation, its labels and values on separate lines:
	// a labelled birth date makes it a form about people.
	p = domain.Page{No: 1, Text: "CERTIFICATE OF MARRIAGE\n(Translation from Vietnamese)\nDate of birth | 12/10/1980\n\nTRAN VAN KHOA\n\n" +
		"CHAIRMAN\n(signed and sealed)\n\nLE THI HOA\n"}
	r, err = e.Extract(context.Background(), []domain.Page{p}, "civil_status_other")
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, v := range r.Fields["person_names"].Values {
		keys = append(keys, key(v))
	}
	if !slices.Contains(keys, "TRAN VAN KHOA") || slices.Contains(keys, "LE THI HOA") {
		t.Errorf("person_names %q: want the husband, not the signer", r.Fields["person_names"].Values)
	}
}
