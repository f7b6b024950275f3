package web

import (
	"image"
	"testing"

	"github.com/sohoa/sohoa/internal/domain"
)

// TestValueBoxes: a field's value is found on its page's words as a
// whole (a number inside a number-and-symbol word, not inside a longer
// number), whatever the case and Unicode form; a value the page does not
// spell has no boxes; the boxes are written in
// thousandths of the page, and none for a page OCR read turned.
func TestValueBoxes(t *testing.T) {
	box := func(x int) image.Rectangle { return image.Rect(x, 100, x+90, 130) }
	p := &domain.Page{No: 2, Width: 1000, Height: 2000, Words: []domain.Word{
		{Text: "Số:", Box: box(0)}, {Text: "1234/QĐ-UBND", Box: box(100)}, {Text: "—", Box: box(200)},
		{Text: "Ủy", Box: box(300)}, {Text: "ban", Box: box(400)}, {Text: "nhân", Box: box(500)}, {Text: "dân,", Box: box(600)},
	}}
	tests := []struct {
		value string
		want  []image.Rectangle
	}{
		{"1234/QĐ-UBND", []image.Rectangle{box(100)}},
		{"số: 1234/qđ-ubnd", []image.Rectangle{box(0), box(100)}},
		{"1234", []image.Rectangle{box(100)}},
		{"234", nil},
		{"ubnd", []image.Rectangle{box(100)}},
		{"Ủy ban nhân dân", []image.Rectangle{box(300), box(400), box(500), box(600)}},
		{"\u0055\u0309y ban", []image.Rectangle{box(300), box(400)}}, // decomposed Ủ
		{"ban dân", nil},
		{"", nil},
	}
	for _, tc := range tests {
		t.Run(tc.value, func(t *testing.T) {
			got := valueBoxes(p, tc.value)
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("box %d = %v, want %v", i, got[i], tc.want[i])
				}
			}
		})
	}
	if got := boxAttr(p, []image.Rectangle{box(100)}); got != "2:100,50,91,16" {
		t.Errorf("boxAttr = %q", got)
	}
	p.Orientation = 90
	if got := boxAttr(p, []image.Rectangle{box(100)}); got != "" {
		t.Errorf("boxAttr of a page read turned = %q, want none", got)
	}
}
