package extract

import (
	"sort"
	"strings"

	"github.com/sohoa/sohoa/internal/domain"
)

// layoutPage rebuilds a page's text from its word boxes so that the
// columns of the NĐ 30 header and signature block do not run together:
// Tesseract often reads "Số: 12/UBND-VX" and "Cà Mau, ngày ..." as one line,
// or "Nơi nhận:" and "KT. CHỦ TỊCH". Each OCR line is cut where the gap
// between two words is much wider than a word space; the pieces become
// lines of their own, ordered top to bottom and left to right, and a blank
// line marks a wide vertical gap. Pages without words keep their text.
func layoutPage(src *domain.Page) *page {
	if len(src.Words) == 0 {
		return preparePage(src)
	}
	width := src.Width
	if width <= 0 {
		// The OCR stage may leave the size unset: the words' extent will do.
		for _, w := range src.Words {
			width = max(width, w.Box.Max.X)
		}
		if width <= 0 {
			return preparePage(src)
		}
	}
	type seg struct {
		words []*domain.Word
		x, y  int // left, top of the OCR line it came from
		top   int // own top
		bot   int
		h     int
	}
	type lineKey struct{ block, line int }
	var order []lineKey
	lines := map[lineKey][]*domain.Word{}
	for i := range src.Words {
		w := &src.Words[i]
		if strings.TrimSpace(w.Text) == "" {
			continue
		}
		k := lineKey{w.Block, w.Line}
		if _, ok := lines[k]; !ok {
			order = append(order, k)
		}
		lines[k] = append(lines[k], w)
	}
	// Skew: the median slope of long OCR lines, so that rows are compared
	// on a deskewed page (a long skewed line must not sort above the short
	// label line printed over it).
	var slopes []float64
	for _, k := range order {
		ws := lines[k]
		if len(ws) < 5 {
			continue
		}
		a, b := ws[0], ws[len(ws)-1]
		dx := float64(b.Box.Min.X+b.Box.Max.X-a.Box.Min.X-a.Box.Max.X) / 2
		if dx < float64(width)/4 {
			continue
		}
		dy := float64(b.Box.Min.Y+b.Box.Max.Y-a.Box.Min.Y-a.Box.Max.Y) / 2
		slopes = append(slopes, dy/dx)
	}
	slope := 0.0
	if len(slopes) > 0 {
		sort.Float64s(slopes)
		slope = slopes[len(slopes)/2]
	}
	adj := func(w *domain.Word, y int) int {
		return y - int(slope*float64(w.Box.Min.X+w.Box.Max.X)/2)
	}
	var segs []*seg
	for _, k := range order {
		ws := lines[k]
		sort.SliceStable(ws, func(i, j int) bool { return ws[i].Box.Min.X < ws[j].Box.Min.X })
		heights := make([]int, len(ws))
		top := adj(ws[0], ws[0].Box.Min.Y)
		for i, w := range ws {
			heights[i] = w.Box.Dy()
			top = min(top, adj(w, w.Box.Min.Y))
		}
		sort.Ints(heights)
		h := max(heights[len(heights)/2], 1)
		gapMax := max(2*h, width/40)
		cur := &seg{x: ws[0].Box.Min.X, y: top, top: adj(ws[0], ws[0].Box.Min.Y), bot: adj(ws[0], ws[0].Box.Max.Y), h: h}
		for i, w := range ws {
			if i > 0 && w.Box.Min.X-ws[i-1].Box.Max.X > gapMax {
				segs = append(segs, cur)
				cur = &seg{x: w.Box.Min.X, y: top, top: adj(w, w.Box.Min.Y), bot: adj(w, w.Box.Max.Y), h: h}
			}
			cur.words = append(cur.words, w)
			cur.top = min(cur.top, adj(w, w.Box.Min.Y))
			cur.bot = max(cur.bot, adj(w, w.Box.Max.Y))
		}
		segs = append(segs, cur)
	}
	if len(segs) == 0 {
		return preparePage(src)
	}
	// Rows: segments whose lines start at about the same height.
	rows := rowsByTop(segs, func(s *seg) (int, int) { return s.y, s.h })
	var b strings.Builder
	var spans []wordSpan
	lastBot := -1
	for _, row := range rows {
		sort.SliceStable(row, func(i, j int) bool { return row[i].x < row[j].x })
		for _, s := range row {
			if lastBot >= 0 && s.top-lastBot > s.h*3/2 && b.Len() > 0 {
				b.WriteByte('\n')
			}
			for i, w := range s.words {
				if i > 0 {
					b.WriteByte(' ')
				}
				t := strings.TrimSpace(w.Text)
				spans = append(spans, wordSpan{start: b.Len(), end: b.Len() + len(t), word: w})
				b.WriteString(t)
			}
			b.WriteByte('\n')
			lastBot = max(lastBot, s.bot)
			if s.bot < lastBot-3*s.h {
				lastBot = s.bot
			}
		}
	}
	view := *src
	view.Text = b.String()
	view.Words = nil
	pg := preparePage(&view)
	pg.src = src
	pg.words = spans
	return pg
}
