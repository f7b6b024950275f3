package corpus

import (
	"fmt"
	"image"
	"math"
	"os"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// style is a font style within a family.
type style uint8

const (
	regular style = iota
	bold
	italic
	boldItalic
)

// fontFamily is a serif family with its four styles parsed.
type fontFamily struct {
	name  string
	fonts [4]*opentype.Font
}

// familyCandidates lists, per family, the file sets tried in order (regular,
// bold, italic, bold italic). Liberation Serif 2 (Debian fonts-liberation2)
// comes first because Liberation 1.x (fonts-liberation) lacks the Vietnamese
// precomposed letters and is rejected by the coverage check.
var familyCandidates = []struct {
	name  string
	paths [][4]string
}{
	{"Liberation Serif", [][4]string{
		{"/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf", "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf", "/usr/share/fonts/truetype/liberation2/LiberationSerif-Italic.ttf", "/usr/share/fonts/truetype/liberation2/LiberationSerif-BoldItalic.ttf"},
		{"/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf", "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf", "/usr/share/fonts/truetype/liberation/LiberationSerif-Italic.ttf", "/usr/share/fonts/truetype/liberation/LiberationSerif-BoldItalic.ttf"},
	}},
	{"DejaVu Serif", [][4]string{
		{"/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Italic.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSerif-BoldItalic.ttf"},
	}},
	{"Noto Serif", [][4]string{
		{"/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf", "/usr/share/fonts/truetype/noto/NotoSerif-Bold.ttf", "/usr/share/fonts/truetype/noto/NotoSerif-Italic.ttf", "/usr/share/fonts/truetype/noto/NotoSerif-BoldItalic.ttf"},
	}},
}

// FontFamilies lists the family names the generator knows, in the order it
// prefers them. Which of them are usable depends on the fonts installed.
func FontFamilies() []string {
	names := make([]string, len(familyCandidates))
	for i, c := range familyCandidates {
		names[i] = c.name
	}
	return names
}

// vietnameseRepertoire is every letter a Vietnamese text can need, plus the
// symbols the generator prints; a family must have all of them.
func vietnameseRepertoire() []rune {
	rs := []rune("ĐđƠơƯưĂăÂâÊêÔôÀÁÃÈÉÌÍÒÓÕÙÚÝàáãèéìíòóõùúýĩĨũŨ²–/-.,;:()%*")
	for r := rune(0x1EA0); r <= 0x1EF9; r++ {
		rs = append(rs, r)
	}
	return rs
}

// loadFamilies parses the usable families among want (all when empty).
func loadFamilies(want []string) ([]*fontFamily, error) {
	for _, w := range want {
		if !contains(FontFamilies(), w) {
			return nil, fmt.Errorf("unknown font family %q (known: %v)", w, FontFamilies())
		}
	}
	rep := vietnameseRepertoire()
	var problems []string
	var fams []*fontFamily
	for _, c := range familyCandidates {
		if len(want) > 0 && !contains(want, c.name) {
			continue
		}
		var fam *fontFamily
		for _, set := range c.paths {
			f, err := loadSet(c.name, set, rep)
			if err != nil {
				problems = append(problems, err.Error())
				continue
			}
			fam = f
			break
		}
		if fam != nil {
			fams = append(fams, fam)
		}
	}
	if len(fams) == 0 {
		return nil, fmt.Errorf("no usable serif font with Vietnamese glyphs (install fonts-liberation2, fonts-dejavu-core or fonts-noto-core): %v", problems)
	}
	return fams, nil
}

func loadSet(name string, paths [4]string, rep []rune) (*fontFamily, error) {
	fam := &fontFamily{name: name}
	var buf sfnt.Buffer
	for i, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("font %s: %w", name, err)
		}
		f, err := opentype.Parse(b)
		if err != nil {
			return nil, fmt.Errorf("font %s: parse %s: %w", name, p, err)
		}
		for _, r := range rep {
			if gi, err := f.GlyphIndex(&buf, r); err != nil || gi == 0 {
				return nil, fmt.Errorf("font %s: %s has no glyph for %q", name, p, r)
			}
		}
		fam.fonts[i] = f
	}
	return fam, nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

// glyph is a rasterised glyph: an alpha mask placed at (ox, oy) relative to
// the dot on the baseline, and the advance to the next glyph.
type glyph struct {
	mask   []byte
	w, h   int
	ox, oy int
	adv    fixed.Int26_6
}

// face is one family, style and size at the page resolution, with a glyph
// cache. Not safe for concurrent use.
type face struct {
	f      font.Face
	glyphs map[rune]*glyph
	sizePx float64
}

// faceSet hands out faces of one family at one resolution.
type faceSet struct {
	fam   *fontFamily
	dpi   float64
	faces map[faceKey]*face
}

type faceKey struct {
	st   style
	size float64
}

func newFaceSet(fam *fontFamily, dpi int) *faceSet {
	return &faceSet{fam: fam, dpi: float64(dpi), faces: map[faceKey]*face{}}
}

func (s *faceSet) face(st style, size float64) (*face, error) {
	k := faceKey{st, size}
	if f, ok := s.faces[k]; ok {
		return f, nil
	}
	ff, err := opentype.NewFace(s.fam.fonts[st], &opentype.FaceOptions{Size: size, DPI: s.dpi, Hinting: font.HintingNone})
	if err != nil {
		return nil, fmt.Errorf("font %s size %.1f: %w", s.fam.name, size, err)
	}
	f := &face{f: ff, glyphs: map[rune]*glyph{}, sizePx: size * s.dpi / 72}
	s.faces[k] = f
	return f, nil
}

// glyph returns the cached glyph for r, rasterising it on first use.
func (f *face) glyph(r rune) *glyph {
	if r == '\u00a0' {
		r = ' '
	}
	if g, ok := f.glyphs[r]; ok {
		return g
	}
	dr, mask, mp, adv, ok := f.f.Glyph(fixed.Point26_6{}, r)
	g := &glyph{adv: adv}
	if ok {
		g.w, g.h, g.ox, g.oy = dr.Dx(), dr.Dy(), dr.Min.X, dr.Min.Y
		g.mask = make([]byte, g.w*g.h)
		if a, isAlpha := mask.(*image.Alpha); isAlpha {
			for y := 0; y < g.h; y++ {
				o := a.PixOffset(mp.X, mp.Y+y)
				copy(g.mask[y*g.w:(y+1)*g.w], a.Pix[o:o+g.w])
			}
		} else {
			for y := 0; y < g.h; y++ {
				for x := 0; x < g.w; x++ {
					_, _, _, al := mask.At(mp.X+x, mp.Y+y).RGBA()
					g.mask[y*g.w+x] = uint8(al >> 8)
				}
			}
		}
	}
	f.glyphs[r] = g
	return g
}

// width is the advance width of s in pixels, with kerning.
func (f *face) width(s string) float64 {
	var w fixed.Int26_6
	prev := rune(-1)
	for _, r := range s {
		if prev >= 0 {
			w += f.f.Kern(prev, r)
		}
		w += f.glyph(r).adv
		prev = r
	}
	return fixedToFloat(w)
}

func fixedToFloat(v fixed.Int26_6) float64 { return float64(v) / 64 }

// draw renders s with its left end of the baseline at (x, y) in pixels.
func (f *face) draw(c *canvas, x float64, y int, s string, ink inkColor) {
	prev := rune(-1)
	for _, r := range s {
		if prev >= 0 {
			x += fixedToFloat(f.f.Kern(prev, r))
		}
		g := f.glyph(r)
		if g.w > 0 {
			c.mask(int(math.Round(x))+g.ox, y+g.oy, g.w, g.h, g.mask, ink)
		}
		x += fixedToFloat(g.adv)
		prev = r
	}
}
