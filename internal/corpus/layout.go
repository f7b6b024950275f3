package corpus

import (
	"fmt"
	"image"
	"math"
	"sort"
	"strconv"
	"strings"
)

// align is the horizontal alignment of a line within its column.
type align uint8

const (
	alignLeft align = iota
	alignCenter
	alignRight
	alignJustify
)

// nbsp joins words that must stay on one line (personal values, numbers
// with their labels); it is rendered and recorded as a plain space.
const nbsp = "\u00a0"

// lineSpec is one line of text with its typography.
type lineSpec struct {
	text      string
	st        style
	size      float64 // points
	align     align
	underline float64 // rule under the text, as a fraction of the text width; 0 = none
	boxed     bool    // frame around the text (stamps)
	red       bool    // stamp ink
	gapBefore float64 // extra space above, points
}

// blockKind says how a block is laid out.
type blockKind uint8

const (
	bkPara    blockKind = iota // text wrapped over the content width
	bkLines                    // fixed lines, kept on one page
	bkColumns                  // two columns side by side, kept on one page
	bkSpace                    // vertical space
)

// block is a unit of page content.
type block struct {
	kind        blockKind
	para        lineSpec   // bkPara: text and typography
	indent      float64    // bkPara: first-line indent, mm
	hang        float64    // bkPara: left indent of every line, mm
	lines       []lineSpec // bkLines
	left, right []lineSpec // bkColumns
	split       float64    // bkColumns: left column's share of the content width
	space       float64    // bkSpace: points
}

// pageGeom is the page size and margins in pixels at the page resolution.
type pageGeom struct {
	dpi                      float64
	w, h                     int
	top, bottom, left, right int // margins
	spacing                  float64
}

func (g pageGeom) mm(v float64) float64 { return v / 25.4 * g.dpi }
func (g pageGeom) pt(v float64) float64 { return v / 72 * g.dpi }

// lineHeight is the advance from one line to the next for a size in points.
func (g pageGeom) lineHeight(size float64) int { return int(math.Round(g.pt(size * g.spacing))) }

// placed is a line positioned on a page.
type placed struct {
	spec    lineSpec
	x0, x1  int // column extent
	indent  int // left indent within the column
	y       int // top of the line box
	justify bool
}

// layoutPage is the positioned content of one page.
type layoutPage struct {
	lines []placed
}

// text returns the page's ground-truth text: every rendered line in reading
// order, joined with "\n".
func (p layoutPage) text() string {
	ls := make([]string, 0, len(p.lines))
	for _, l := range p.lines {
		ls = append(ls, plain(l.spec.text))
	}
	return strings.Join(ls, "\n")
}

// plain turns the layout-only non-breaking spaces into ordinary spaces.
func plain(s string) string { return strings.ReplaceAll(s, nbsp, " ") }

// layouter positions blocks on pages.
type layouter struct {
	g      pageGeom
	fs     *faceSet
	pages  []layoutPage
	y      int
	pageNo bool // print page numbers from page 2
	numSz  float64
}

func (l *layouter) newPage() {
	l.pages = append(l.pages, layoutPage{})
	l.y = l.g.top
	n := len(l.pages)
	if n > 1 && l.pageNo {
		h := l.g.lineHeight(l.numSz)
		l.cur().lines = append(l.cur().lines, placed{
			spec: lineSpec{text: strconv.Itoa(n), size: l.numSz, align: alignCenter},
			x0:   l.g.left, x1: l.g.w - l.g.right, y: l.g.top - 2*h,
		})
	}
}

func (l *layouter) cur() *layoutPage { return &l.pages[len(l.pages)-1] }

func (l *layouter) room() int { return l.g.h - l.g.bottom - l.y }

// linesHeight is the height of a stack of lines.
func (l *layouter) linesHeight(ls []lineSpec) int {
	h := 0
	for _, s := range ls {
		h += int(math.Round(l.g.pt(s.gapBefore))) + l.g.lineHeight(s.size)
	}
	return h
}

// fit wraps lines wider than width pixels onto several lines of the same
// style; the rule under a line goes under its last part.
func (l *layouter) fit(ls []lineSpec, width int, shrink bool) ([]lineSpec, error) {
	var out []lineSpec
	for _, s := range ls {
		f, err := l.fs.face(s.st, s.size)
		if err != nil {
			return nil, err
		}
		if s.text == "" || f.width(s.text) <= float64(width) {
			out = append(out, s)
			continue
		}
		// Header lines are set smaller rather than broken when a little
		// too long, as typists do with wide fonts.
		if shrunk := s.size * float64(width) / f.width(s.text); shrink && shrunk >= s.size*0.8 {
			s.size = math.Floor(shrunk*2) / 2
			if g, err := l.fs.face(s.st, s.size); err == nil && g.width(s.text) <= float64(width) {
				out = append(out, s)
				continue
			}
		}
		parts := wrap(f, s.text, float64(width), 0)
		for i, p := range parts {
			q := s
			q.text = p
			if i > 0 {
				q.gapBefore = 0
			}
			if i < len(parts)-1 {
				q.underline = 0
			}
			out = append(out, q)
		}
	}
	return out, nil
}

// stack places lines in the column [x0, x1) from y; it returns the new y.
func (l *layouter) stack(ls []lineSpec, x0, x1, y int) int {
	for _, s := range ls {
		y += int(math.Round(l.g.pt(s.gapBefore)))
		if s.text != "" {
			l.cur().lines = append(l.cur().lines, placed{spec: s, x0: x0, x1: x1, y: y})
		}
		y += l.g.lineHeight(s.size)
	}
	return y
}

// layout positions all blocks and returns the pages.
func (l *layouter) layout(blocks []block) ([]layoutPage, error) {
	l.pages = nil
	l.newPage()
	x0, x1 := l.g.left, l.g.w-l.g.right
	for _, b := range blocks {
		switch b.kind {
		case bkSpace:
			l.y += int(math.Round(l.g.pt(b.space)))
		case bkLines:
			lines, err := l.fit(b.lines, x1-x0, false)
			if err != nil {
				return nil, err
			}
			if h := l.linesHeight(lines); h > l.room() && l.y > l.g.top {
				l.newPage()
			}
			l.y = l.stack(lines, x0, x1, l.y)
		case bkColumns:
			split := x0 + int(float64(x1-x0)*b.split)
			pad := int(l.g.mm(2))
			left, err := l.fit(b.left, split-x0-pad, true)
			if err != nil {
				return nil, err
			}
			right, err := l.fit(b.right, x1-split-pad, true)
			if err != nil {
				return nil, err
			}
			h := max(l.linesHeight(left), l.linesHeight(right))
			if h > l.room() && l.y > l.g.top {
				l.newPage()
			}
			// Reading order is by rows: OCR engines read a line of the left
			// column and the line of the right column beside it together.
			first := len(l.cur().lines)
			l.stack(left, x0, split, l.y)
			l.stack(right, split, x1, l.y)
			rows := l.cur().lines[first:]
			sort.SliceStable(rows, func(i, j int) bool {
				if d := rows[i].y - rows[j].y; d > l.g.lineHeight(rows[i].spec.size)/2 || -d > l.g.lineHeight(rows[i].spec.size)/2 {
					return rows[i].y < rows[j].y
				}
				return rows[i].x0 < rows[j].x0
			})
			l.y += h
		case bkPara:
			f, err := l.fs.face(b.para.st, b.para.size)
			if err != nil {
				return nil, err
			}
			hang := int(math.Round(l.g.mm(b.hang)))
			ind := int(math.Round(l.g.mm(b.indent)))
			lines := wrap(f, b.para.text, float64(x1-x0-hang), float64(ind))
			gap := int(math.Round(l.g.pt(b.para.gapBefore)))
			lh := l.g.lineHeight(b.para.size)
			for i, t := range lines {
				if i == 0 {
					l.y += gap
				}
				if l.y+lh > l.g.h-l.g.bottom {
					l.newPage()
				}
				s := b.para
				s.text = t
				p := placed{spec: s, x0: x0 + hang, x1: x1, y: l.y}
				if i == 0 {
					p.indent = ind
				}
				if s.align == alignJustify && i == len(lines)-1 {
					p.spec.align = alignLeft
				}
				p.justify = p.spec.align == alignJustify
				l.cur().lines = append(l.cur().lines, p)
				l.y += lh
			}
		default:
			return nil, fmt.Errorf("layout: unknown block kind %d", b.kind)
		}
	}
	return l.pages, nil
}

// wrap breaks text into lines no wider than width pixels; the first line
// is narrower by indent.
func wrap(f *face, text string, width, indent float64) []string {
	var words []string
	for _, w := range strings.Fields(strings.ReplaceAll(text, nbsp, "\x00")) {
		w = strings.ReplaceAll(w, "\x00", nbsp)
		if strings.Contains(w, nbsp) && f.width(w) > width {
			// An unbreakable phrase longer than a whole line must break after all.
			words = append(words, strings.Split(w, nbsp)...)
			continue
		}
		words = append(words, w)
	}
	space := f.width(" ")
	var lines []string
	var cur []string
	w := 0.0
	avail := width - indent
	for _, wd := range words {
		ww := f.width(wd)
		if len(cur) > 0 && w+space+ww > avail {
			lines = append(lines, strings.Join(cur, " "))
			cur, w, avail = nil, 0, width
		}
		if len(cur) > 0 {
			w += space
		}
		cur = append(cur, wd)
		w += ww
	}
	if len(cur) > 0 {
		lines = append(lines, strings.Join(cur, " "))
	}
	return lines
}

// render draws a laid-out page.
func render(g pageGeom, fs *faceSet, p layoutPage, colour bool) (*canvas, error) {
	c := newCanvas(g.w, g.h, colour)
	for _, pl := range p.lines {
		f, err := fs.face(pl.spec.st, pl.spec.size)
		if err != nil {
			return nil, err
		}
		ink := black
		if pl.spec.red {
			ink = stampRd
		}
		lh := g.lineHeight(pl.spec.size)
		base := pl.y + int(math.Round(float64(lh)*0.5+f.sizePx*0.33))
		x0 := float64(pl.x0 + pl.indent)
		colW := float64(pl.x1) - x0
		tw := f.width(pl.spec.text)
		var x float64
		switch pl.spec.align {
		case alignCenter:
			x = x0 + (colW-tw)/2
		case alignRight:
			x = x0 + colW - tw
		default:
			x = x0
		}
		if pl.justify {
			words := strings.Split(pl.spec.text, " ")
			if len(words) > 1 {
				sum := 0.0
				for _, w := range words {
					sum += f.width(w)
				}
				gap := (colW - sum) / float64(len(words)-1)
				if gap > 3*f.width(" ") { // a line with very few words: do not stretch
					gap = f.width(" ")
				}
				for _, w := range words {
					f.draw(c, x, base, w, ink)
					x += f.width(w) + gap
				}
			} else {
				f.draw(c, x, base, pl.spec.text, ink)
			}
		} else {
			f.draw(c, x, base, pl.spec.text, ink)
		}
		thick := max(1, int(math.Round(g.pt(0.6))))
		if pl.spec.underline > 0 {
			uw := tw * pl.spec.underline
			ux := x + (tw-uw)/2
			if pl.spec.align == alignCenter {
				ux = x0 + (colW-uw)/2
			}
			uy := base + int(math.Round(f.sizePx*0.3))
			c.fillRect(image.Rect(int(ux), uy, int(ux+uw), uy+thick), ink)
		}
		if pl.spec.boxed {
			pad := int(math.Round(f.sizePx * 0.35))
			top := base - int(math.Round(f.sizePx*0.95)) - pad/2
			bot := base + int(math.Round(f.sizePx*0.25)) + pad/2
			l, r := int(x)-pad, int(x+tw)+pad
			bt := thick + 1
			c.fillRect(image.Rect(l, top, r, top+bt), ink)
			c.fillRect(image.Rect(l, bot-bt, r, bot), ink)
			c.fillRect(image.Rect(l, top, l+bt, bot), ink)
			c.fillRect(image.Rect(r-bt, top, r, bot), ink)
		}
	}
	return c, nil
}
