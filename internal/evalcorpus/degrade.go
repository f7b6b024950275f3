package evalcorpus

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"math"
	"math/rand/v2"
)

// Degradation styles. Each is a chain of operations on the greyscale page,
// by a route of its own (not internal/corpus's scanner model).
const (
	StyleJPEG     = "jpeg"      // a clean print kept as a low-quality JPEG
	StyleScan     = "scan"      // small rotation, blur, speckle, JPEG
	StyleScanDark = "scan_dark" // ink spread, uneven light, rotation, JPEG
	StyleBilevel  = "bilevel"   // fax-like black and white after blur and noise
	StylePhone    = "phone"     // a photo: grey surround, shear, vignette
)

func pickDegrade(r *rand.Rand) string {
	switch x := r.IntN(100); {
	case x < 12:
		return StyleJPEG
	case x < 50:
		return StyleScan
	case x < 70:
		return StyleScanDark
	case x < 85:
		return StyleBilevel
	default:
		return StylePhone
	}
}

// degrade applies style to a page; it returns the page and the rotation
// applied (degrees, counter-clockwise).
func degrade(src image.Image, style string, seed int64) (*image.Gray, float64) {
	r := rand.New(rand.NewPCG(uint64(seed), 0xdeca7))
	g := toGray(src)
	angle := 0.0
	switch style {
	case StyleJPEG:
		g = jpegTrip(g, 30+r.IntN(25))
	case StyleScan:
		angle = (r.Float64()*2 - 1) * 1.2
		g = warp(g, angle, 0, 0, 250)
		g = boxBlur(g, 1)
		speckle(g, r, 0.0004, 0.0002)
		g = jpegTrip(g, 35+r.IntN(30))
	case StyleScanDark:
		angle = (r.Float64()*2 - 1) * 1.8
		g = inkSpread(g)
		g = warp(g, angle, 0, 0, 235)
		light(g, r, 0.25)
		speckle(g, r, 0.0008, 0.0003)
		g = boxBlur(g, 1)
		g = jpegTrip(g, 25+r.IntN(20))
	case StyleBilevel:
		angle = (r.Float64()*2 - 1) * 0.8
		g = warp(g, angle, 0, 0, 255)
		g = boxBlur(g, 1)
		speckle(g, r, 0.001, 0.001)
		threshold(g, uint8(150+r.IntN(40)))
	case StylePhone:
		angle = (r.Float64()*2 - 1) * 2.5
		shear := (r.Float64()*2 - 1) * 0.035
		g = warp(g, angle, shear, 0.05, uint8(110+r.IntN(50)))
		light(g, r, 0.35)
		g = boxBlur(g, 1+r.IntN(2))
		g = jpegTrip(g, 40+r.IntN(25))
	}
	return g, angle
}

func toGray(src image.Image) *image.Gray {
	if g, ok := src.(*image.Gray); ok {
		out := image.NewGray(g.Rect)
		copy(out.Pix, g.Pix)
		return out
	}
	b := src.Bounds()
	g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(g, g.Rect, src, b.Min, draw.Src)
	return g
}

// warp rotates (degrees, counter-clockwise) and shears the page about its
// centre, optionally shrinking it by margin (a share of each side) onto a
// surround of grey level bg, with bilinear sampling.
func warp(src *image.Gray, angleDeg, shear, margin float64, bg uint8) *image.Gray {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	out := image.NewGray(image.Rect(0, 0, w, h))
	a := angleDeg * math.Pi / 180
	cos, sin := math.Cos(a), math.Sin(a)
	scale := 1 / (1 - 2*margin)
	cx, cy := float64(w)/2, float64(h)/2
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			dx, dy := (float64(x)-cx)*scale, (float64(y)-cy)*scale
			// inverse: undo rotation then shear
			sx := cos*dx - sin*dy
			sy := sin*dx + cos*dy
			sx -= shear * sy
			out.Pix[y*out.Stride+x] = sample(src, sx+cx, sy+cy, bg)
		}
	}
	return out
}

func sample(g *image.Gray, x, y float64, bg uint8) uint8 {
	x0, y0 := int(math.Floor(x)), int(math.Floor(y))
	if x0 < 0 || y0 < 0 || x0+1 >= g.Rect.Dx() || y0+1 >= g.Rect.Dy() {
		return bg
	}
	fx, fy := x-float64(x0), y-float64(y0)
	p := func(xx, yy int) float64 { return float64(g.Pix[yy*g.Stride+xx]) }
	v := p(x0, y0)*(1-fx)*(1-fy) + p(x0+1, y0)*fx*(1-fy) + p(x0, y0+1)*(1-fx)*fy + p(x0+1, y0+1)*fx*fy
	return uint8(v + 0.5)
}

// boxBlur blurs with a separable box of radius rad.
func boxBlur(g *image.Gray, rad int) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	tmp := make([]uint8, w*h)
	n := 2*rad + 1
	for y := 0; y < h; y++ {
		row := g.Pix[y*g.Stride : y*g.Stride+w]
		for x := 0; x < w; x++ {
			s := 0
			for k := -rad; k <= rad; k++ {
				s += int(row[clamp(x+k, w)])
			}
			tmp[y*w+x] = uint8(s / n)
		}
	}
	out := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			s := 0
			for k := -rad; k <= rad; k++ {
				s += int(tmp[clamp(y+k, h)*w+x])
			}
			out.Pix[y*out.Stride+x] = uint8(s / n)
		}
	}
	return out
}

func clamp(v, n int) int {
	if v < 0 {
		return 0
	}
	if v >= n {
		return n - 1
	}
	return v
}

// inkSpread thickens strokes: each pixel takes the darker of itself and
// its right and lower neighbours.
func inkSpread(g *image.Gray) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	out := image.NewGray(g.Rect)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := g.Pix[y*g.Stride+x]
			if x+1 < w {
				v = min(v, g.Pix[y*g.Stride+x+1])
			}
			if y+1 < h {
				v = min(v, g.Pix[(y+1)*g.Stride+x])
			}
			out.Pix[y*out.Stride+x] = v
		}
	}
	return out
}

// light darkens the page unevenly: a linear gradient in a random direction
// and a vignette, at most by strength.
func light(g *image.Gray, r *rand.Rand, strength float64) {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	dir := r.Float64() * 2 * math.Pi
	gx, gy := math.Cos(dir), math.Sin(dir)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			nx, ny := float64(x)/float64(w)-0.5, float64(y)/float64(h)-0.5
			lin := (nx*gx + ny*gy + 0.71) / 1.42
			vig := (nx*nx + ny*ny) * 2
			f := 1 - strength*(0.6*lin+0.4*vig)
			i := y*g.Stride + x
			g.Pix[i] = uint8(math.Max(0, float64(g.Pix[i])*f))
		}
	}
}

// speckle adds dark dust and white drop-outs.
func speckle(g *image.Gray, r *rand.Rand, dark, white float64) {
	n := len(g.Pix)
	for k := 0; k < int(float64(n)*dark); k++ {
		g.Pix[r.IntN(n)] = uint8(r.IntN(90))
	}
	for k := 0; k < int(float64(n)*white); k++ {
		g.Pix[r.IntN(n)] = 255
	}
}

func threshold(g *image.Gray, t uint8) {
	for i, v := range g.Pix {
		if v < t {
			g.Pix[i] = 0
		} else {
			g.Pix[i] = 255
		}
	}
}

// jpegTrip encodes and decodes the page as a JPEG of quality q.
func jpegTrip(g *image.Gray, q int) *image.Gray {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, g, &jpeg.Options{Quality: q}); err != nil {
		return g
	}
	im, err := jpeg.Decode(&b)
	if err != nil {
		return g
	}
	if gi, ok := im.(*image.Gray); ok {
		return gi
	}
	out := image.NewGray(im.Bounds())
	for y := 0; y < out.Rect.Dy(); y++ {
		for x := 0; x < out.Rect.Dx(); x++ {
			out.Pix[y*out.Stride+x] = color.GrayModel.Convert(im.At(x+im.Bounds().Min.X, y+im.Bounds().Min.Y)).(color.Gray).Y
		}
	}
	return out
}
