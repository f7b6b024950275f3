package corpus

import (
	"bytes"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"math"
	"math/rand/v2"
)

// Degradation levels.
const (
	DegradeNone  = "none"
	DegradeLight = "light"
	DegradeHeavy = "heavy"
)

// degradeParams are the scanner effects applied to one page.
type degradeParams struct {
	paper      [3]float64 // paper colour, 0-255 per channel
	inkFloor   float64    // darkest ink level after fading
	specks     int        // dirt specks
	skewDeg    float64    // small rotation, degrees, positive = counter-clockwise
	quarter    int        // 0..3: page turned by quarter*90 degrees clockwise
	illum      float64    // strength of uneven illumination, 0..1
	blurSigma  float64    // gaussian blur, pixels at the page resolution
	noiseSigma float64    // gaussian noise, grey levels
	jpegQ      int        // 0 = no JPEG round trip
}

// drawDegrade picks the page's degradation from its own generator.
func drawDegrade(rng *rand.Rand, level string, maxSkew, rotateRatio float64, dpi int) degradeParams {
	p := degradeParams{paper: [3]float64{255, 255, 255}}
	scale := float64(dpi) / 300
	switch level {
	case DegradeLight:
		g := 238 + rng.Float64()*14
		p.paper = [3]float64{g, g, g - rng.Float64()*8}
		p.inkFloor = rng.Float64() * 25
		p.specks = rng.IntN(60)
		p.skewDeg = (rng.Float64()*2 - 1) * maxSkew / 2
		p.illum = rng.Float64() * 0.06
		if rng.IntN(2) == 0 {
			p.blurSigma = (0.4 + rng.Float64()*0.4) * scale
		}
		p.noiseSigma = 1 + rng.Float64()*2.5
		if rng.IntN(2) == 0 {
			p.jpegQ = 70 + rng.IntN(21)
		}
	case DegradeHeavy:
		g := 205 + rng.Float64()*30
		p.paper = [3]float64{g, g - 4 - rng.Float64()*8, g - 18 - rng.Float64()*22} // yellowed
		p.inkFloor = 30 + rng.Float64()*45
		p.specks = 300 + rng.IntN(900)
		p.skewDeg = (rng.Float64()*2 - 1) * maxSkew
		p.illum = 0.08 + rng.Float64()*0.14
		p.blurSigma = (0.7 + rng.Float64()*0.6) * scale
		p.noiseSigma = 8 + rng.Float64()*10
		p.jpegQ = 30 + rng.IntN(26)
	}
	if level != DegradeNone && rotateRatio > 0 && rng.Float64() < rotateRatio {
		p.quarter = 1 + rng.IntN(3)
	}
	return p
}

// pixBuf views a *image.Gray (n=1) or *image.RGBA (n=4, alpha untouched).
type pixBuf struct {
	pix    []byte
	w, h   int
	stride int
	n      int
}

func bufOf(img image.Image) pixBuf {
	switch m := img.(type) {
	case *image.Gray:
		return pixBuf{m.Pix, m.Rect.Dx(), m.Rect.Dy(), m.Stride, 1}
	case *image.RGBA:
		return pixBuf{m.Pix, m.Rect.Dx(), m.Rect.Dy(), m.Stride, 4}
	}
	panic(fmt.Sprintf("corpus: unsupported page image %T", img)) // programmer error: pages are Gray or RGBA
}

func chans(n int) int {
	if n == 4 {
		return 3
	}
	return 1
}

func clamp8(v float64) uint8 {
	switch {
	case v <= 0:
		return 0
	case v >= 255:
		return 255
	}
	return uint8(v + 0.5)
}

// degrade applies p to a rendered page and returns the scanned-looking page.
func degrade(img image.Image, p degradeParams, rng *rand.Rand) (image.Image, error) {
	if p == (degradeParams{paper: [3]float64{255, 255, 255}}) {
		return img, nil
	}
	tone(bufOf(img), p.paper, p.inkFloor)
	specks(bufOf(img), p.specks, rng, p.inkFloor)
	if p.skewDeg != 0 {
		img = rotateSmall(img, p.skewDeg, p.paper)
	}
	if p.illum > 0 {
		illuminate(bufOf(img), p.illum, rng)
	}
	if p.blurSigma > 0 {
		blur(bufOf(img), p.blurSigma)
	}
	if p.noiseSigma > 0 {
		noise(bufOf(img), p.noiseSigma, rng)
	}
	if p.quarter != 0 {
		img = rotateQuarter(img, p.quarter)
	}
	if p.jpegQ > 0 {
		var err error
		if img, err = jpegRoundTrip(img, p.jpegQ); err != nil {
			return nil, err
		}
	}
	return img, nil
}

// tone maps white to the paper colour and black to the faded ink level.
func tone(b pixBuf, paper [3]float64, ink float64) {
	var lut [3][256]uint8
	for c := 0; c < 3; c++ {
		pc := paper[c]
		if b.n == 1 {
			pc = (paper[0] + paper[1] + paper[2]) / 3
		}
		for v := 0; v < 256; v++ {
			lut[c][v] = clamp8(ink + float64(v)*(pc-ink)/255)
		}
	}
	nc := chans(b.n)
	for y := 0; y < b.h; y++ {
		row := b.pix[y*b.stride : y*b.stride+b.w*b.n]
		for x := 0; x < len(row); x += b.n {
			for c := 0; c < nc; c++ {
				row[x+c] = lut[c][row[x+c]]
			}
		}
	}
}

// specks drops small dark blobs (dust, toner) on the page.
func specks(b pixBuf, n int, rng *rand.Rand, ink float64) {
	nc := chans(b.n)
	for i := 0; i < n; i++ {
		cx, cy := rng.IntN(b.w), rng.IntN(b.h)
		r := 0.6 + rng.Float64()*rng.Float64()*3
		v := clamp8(ink + rng.Float64()*80)
		ri := int(math.Ceil(r))
		for y := cy - ri; y <= cy+ri; y++ {
			for x := cx - ri; x <= cx+ri; x++ {
				if x < 0 || y < 0 || x >= b.w || y >= b.h {
					continue
				}
				dx, dy := float64(x-cx), float64(y-cy)
				if dx*dx+dy*dy > r*r {
					continue
				}
				o := y*b.stride + x*b.n
				for c := 0; c < nc; c++ {
					if b.pix[o+c] > v {
						b.pix[o+c] = v
					}
				}
			}
		}
	}
}

// rotateSmall rotates the page by deg degrees about its centre with
// bilinear sampling; uncovered corners take the paper colour.
func rotateSmall(img image.Image, deg float64, paper [3]float64) image.Image {
	src := bufOf(img)
	var out image.Image
	if src.n == 1 {
		out = image.NewGray(image.Rect(0, 0, src.w, src.h))
	} else {
		out = image.NewRGBA(image.Rect(0, 0, src.w, src.h))
	}
	dst := bufOf(out)
	var fill [4]float64
	fill[0], fill[1], fill[2], fill[3] = paper[0], paper[1], paper[2], 255
	if src.n == 1 {
		fill[0] = (paper[0] + paper[1] + paper[2]) / 3
	}
	th := deg * math.Pi / 180
	cos, sin := math.Cos(th), math.Sin(th)
	cx, cy := float64(src.w)/2, float64(src.h)/2
	const fp = 1 << 16
	for y := 0; y < dst.h; y++ {
		dy := float64(y) + 0.5 - cy
		// source position for x = 0, then step per pixel (inverse rotation)
		sx0 := cos*(0.5-cx) - sin*dy + cx - 0.5
		sy0 := sin*(0.5-cx) + cos*dy + cy - 0.5
		sxi, syi := int64(sx0*fp), int64(sy0*fp)
		stepX, stepY := int64(cos*fp), int64(sin*fp)
		row := dst.pix[y*dst.stride:]
		for x := 0; x < dst.w; x++ {
			ix, iy := sxi>>16, syi>>16
			fx, fy := sxi&(fp-1), syi&(fp-1)
			o := x * dst.n
			if ix < 0 || iy < 0 || ix >= int64(src.w-1) || iy >= int64(src.h-1) {
				for c := 0; c < dst.n; c++ {
					row[o+c] = clamp8(fill[c])
				}
			} else {
				p := int(iy)*src.stride + int(ix)*src.n
				for c := 0; c < dst.n; c++ {
					a := int64(src.pix[p+c])
					bb := int64(src.pix[p+src.n+c])
					cc := int64(src.pix[p+src.stride+c])
					d := int64(src.pix[p+src.stride+src.n+c])
					top := a*(fp-fx) + bb*fx
					bot := cc*(fp-fx) + d*fx
					row[o+c] = uint8((top*(fp-fy) + bot*fy + (1 << 31)) >> 32)
				}
			}
			sxi += stepX
			syi += stepY
		}
	}
	return out
}

// illuminate darkens the page unevenly: a light gradient across the page
// and a vignette towards the corners.
func illuminate(b pixBuf, strength float64, rng *rand.Rand) {
	ang := rng.Float64() * 2 * math.Pi
	gx, gy := math.Cos(ang), math.Sin(ang)
	cx, cy := float64(b.w)*(0.3+0.4*rng.Float64()), float64(b.h)*(0.3+0.4*rng.Float64())
	diag := math.Hypot(float64(b.w), float64(b.h))
	nc := chans(b.n)
	colTerm := make([]float64, b.w)
	for x := range colTerm {
		dx := (float64(x) - cx) / diag
		colTerm[x] = dx * dx
	}
	for y := 0; y < b.h; y++ {
		dy := (float64(y) - cy) / diag
		row := b.pix[y*b.stride:]
		for x := 0; x < b.w; x++ {
			f := 1 - strength*(1.6*(colTerm[x]+dy*dy)+0.5*(1+gx*float64(x)/float64(b.w)+gy*float64(y)/float64(b.h))/2)
			if f < 0 {
				f = 0
			}
			m := uint32(f * 256)
			o := x * b.n
			for c := 0; c < nc; c++ {
				row[o+c] = uint8(uint32(row[o+c]) * m >> 8)
			}
		}
	}
}

// blur is a separable gaussian blur.
func blur(b pixBuf, sigma float64) {
	r := int(math.Ceil(2 * sigma))
	if r < 1 {
		return
	}
	k := make([]int32, 2*r+1)
	var sum float64
	fk := make([]float64, 2*r+1)
	for i := -r; i <= r; i++ {
		fk[i+r] = math.Exp(-float64(i*i) / (2 * sigma * sigma))
		sum += fk[i+r]
	}
	var isum int32
	for i := range fk {
		k[i] = int32(fk[i] / sum * 4096)
		isum += k[i]
	}
	k[r] += 4096 - isum
	nc := chans(b.n)
	line := make([]int32, max(b.w, b.h)+2*r)
	for c := 0; c < nc; c++ {
		for y := 0; y < b.h; y++ { // horizontal
			row := b.pix[y*b.stride:]
			for x := -r; x < b.w+r; x++ {
				xx := min(max(x, 0), b.w-1)
				line[x+r] = int32(row[xx*b.n+c])
			}
			for x := 0; x < b.w; x++ {
				var acc int32
				for i, kv := range k {
					acc += kv * line[x+i]
				}
				row[x*b.n+c] = uint8((acc + 2048) >> 12)
			}
		}
	}
	// Vertical pass, row by row: keep copies of the 2r+1 source rows that
	// output row y needs (rows are overwritten in place).
	rowLen := b.w * b.n
	ring := make([][]byte, 2*r+1)
	for i := range ring {
		ring[i] = make([]byte, rowLen)
	}
	src := func(y int) []byte {
		y = min(max(y, 0), b.h-1)
		return b.pix[y*b.stride : y*b.stride+rowLen]
	}
	for i := -r; i <= r; i++ {
		copy(ring[i+r], src(i))
	}
	acc := make([]int32, rowLen)
	for y := 0; y < b.h; y++ {
		clear(acc)
		for i, kv := range k {
			row := ring[(y+i)%len(ring)]
			for x, v := range row {
				acc[x] += kv * int32(v)
			}
		}
		out := b.pix[y*b.stride : y*b.stride+rowLen]
		for x := range out {
			if b.n == 4 && x%4 == 3 {
				continue // alpha
			}
			out[x] = uint8((acc[x] + 2048) >> 12)
		}
		// the ring slot of row y-r is no longer needed: load row y+r+1
		copy(ring[(y+2*r+1)%len(ring)], src(y+r+1))
	}
}

// noise adds gaussian sensor noise, drawing from a precomputed table.
func noise(b pixBuf, sigma float64, rng *rand.Rand) {
	const tn = 1 << 14
	var table [tn]int16
	for i := range table {
		table[i] = int16(math.Round(rng.NormFloat64() * sigma))
	}
	s := rng.Uint64() | 1
	nc := chans(b.n)
	for y := 0; y < b.h; y++ {
		row := b.pix[y*b.stride:]
		for x := 0; x < b.w; x++ {
			s ^= s << 13
			s ^= s >> 7
			s ^= s << 17
			d := int(table[s&(tn-1)])
			o := x * b.n
			for c := 0; c < nc; c++ {
				v := int(row[o+c]) + d
				if nc > 1 && c > 0 { // slightly different noise per channel
					v += int(table[(s>>(16*c))&(tn-1)]) / 2
				}
				row[o+c] = uint8(min(max(v, 0), 255))
			}
		}
	}
}

// rotateQuarter turns the page by q*90 degrees clockwise.
func rotateQuarter(img image.Image, q int) image.Image {
	src := bufOf(img)
	w, h := src.w, src.h
	if q%2 == 1 {
		w, h = h, w
	}
	var out image.Image
	if src.n == 1 {
		out = image.NewGray(image.Rect(0, 0, w, h))
	} else {
		out = image.NewRGBA(image.Rect(0, 0, w, h))
	}
	dst := bufOf(out)
	for y := 0; y < src.h; y++ {
		for x := 0; x < src.w; x++ {
			var dx, dy int
			switch q {
			case 1:
				dx, dy = src.h-1-y, x
			case 2:
				dx, dy = src.w-1-x, src.h-1-y
			default:
				dx, dy = y, src.w-1-x
			}
			copy(dst.pix[dy*dst.stride+dx*dst.n:dy*dst.stride+dx*dst.n+dst.n], src.pix[y*src.stride+x*src.n:y*src.stride+x*src.n+src.n])
		}
	}
	return out
}

// jpegRoundTrip encodes and decodes the page, leaving JPEG artefacts.
func jpegRoundTrip(img image.Image, q int) (image.Image, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
		return nil, fmt.Errorf("jpeg round trip: %w", err)
	}
	dec, err := jpeg.Decode(&buf)
	if err != nil {
		return nil, fmt.Errorf("jpeg round trip: %w", err)
	}
	switch m := dec.(type) {
	case *image.Gray:
		// The decoder pads rows to whole blocks; hand out a compact image.
		out := image.NewGray(image.Rect(0, 0, m.Rect.Dx(), m.Rect.Dy()))
		for y := 0; y < out.Rect.Dy(); y++ {
			copy(out.Pix[y*out.Stride:(y+1)*out.Stride], m.Pix[m.PixOffset(m.Rect.Min.X, m.Rect.Min.Y+y):])
		}
		return out, nil
	default:
		out := image.NewRGBA(image.Rect(0, 0, dec.Bounds().Dx(), dec.Bounds().Dy()))
		draw.Draw(out, out.Bounds(), dec, dec.Bounds().Min, draw.Src)
		return out, nil
	}
}
