package corpus

import "image"

// inkColor is a colour to draw with; y is the grey level used on greyscale
// pages.
type inkColor struct{ r, g, b, y uint8 }

var (
	black   = inkColor{0, 0, 0, 0}
	stampRd = inkColor{200, 30, 35, 70}
)

// canvas is a white page, greyscale or RGB, that text is blended onto.
type canvas struct {
	gray *image.Gray
	rgba *image.RGBA
	w, h int
}

func newCanvas(w, h int, colour bool) *canvas {
	c := &canvas{w: w, h: h}
	if colour {
		c.rgba = image.NewRGBA(image.Rect(0, 0, w, h))
		for i := range c.rgba.Pix {
			c.rgba.Pix[i] = 255
		}
	} else {
		c.gray = image.NewGray(image.Rect(0, 0, w, h))
		for i := range c.gray.Pix {
			c.gray.Pix[i] = 255
		}
	}
	return c
}

// image returns the page as *image.Gray or *image.RGBA.
func (c *canvas) image() image.Image {
	if c.gray != nil {
		return c.gray
	}
	return c.rgba
}

func blend(d, ink, a uint8) uint8 {
	return uint8((uint32(d)*uint32(255-a) + uint32(ink)*uint32(a) + 127) / 255)
}

// mask blends ink through the w×h alpha mask m placed at (x0, y0).
func (c *canvas) mask(x0, y0, w, h int, m []byte, ink inkColor) {
	for y := 0; y < h; y++ {
		py := y0 + y
		if py < 0 || py >= c.h {
			continue
		}
		row := m[y*w : (y+1)*w]
		for x, a := range row {
			px := x0 + x
			if a == 0 || px < 0 || px >= c.w {
				continue
			}
			if c.gray != nil {
				o := py*c.gray.Stride + px
				c.gray.Pix[o] = blend(c.gray.Pix[o], ink.y, a)
			} else {
				o := py*c.rgba.Stride + px*4
				p := c.rgba.Pix[o : o+3 : o+3]
				p[0] = blend(p[0], ink.r, a)
				p[1] = blend(p[1], ink.g, a)
				p[2] = blend(p[2], ink.b, a)
			}
		}
	}
}

// fillRect paints r with ink.
func (c *canvas) fillRect(r image.Rectangle, ink inkColor) {
	r = r.Intersect(image.Rect(0, 0, c.w, c.h))
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if c.gray != nil {
				c.gray.Pix[y*c.gray.Stride+x] = ink.y
			} else {
				o := y*c.rgba.Stride + x*4
				c.rgba.Pix[o], c.rgba.Pix[o+1], c.rgba.Pix[o+2] = ink.r, ink.g, ink.b
			}
		}
	}
}
