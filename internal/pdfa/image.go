package pdfa

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	_ "image/png" // decoding PNGs that cannot be passed through

	_ "golang.org/x/image/bmp"  // decoding other stored page formats
	_ "golang.org/x/image/tiff" // decoding other stored page formats
	_ "golang.org/x/image/webp" // decoding other stored page formats
)

// pdfImage is an image XObject ready to write.
type pdfImage struct {
	dict          string // dictionary entries besides /Length
	data          []byte // stream bytes, already filtered
	width, height int
}

// encodeImage turns a stored page image into an image XObject without
// losing anything: JPEG bytes are embedded as they are (DCTDecode), PNG
// sample data is copied from its IDAT chunks (FlateDecode with the PNG
// predictor), and other formats are decoded and deflated.
func encodeImage(b []byte) (pdfImage, error) {
	switch {
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		if im, ok, err := jpegImage(b); ok || err != nil {
			return im, err
		}
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		if im, ok := pngImage(b); ok {
			return im, nil
		}
	}
	m, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return pdfImage{}, fmt.Errorf("decode image: %w", err)
	}
	return rawImage(m), nil
}

// jpegImage embeds a grey or YCbCr/RGB JPEG as is. CMYK JPEGs report
// ok=false: they are decoded and stored as RGB, since the output intent is sRGB.
func jpegImage(b []byte) (pdfImage, bool, error) {
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return pdfImage{}, false, fmt.Errorf("decode jpeg header: %w", err)
	}
	var cs string
	switch cfg.ColorModel {
	case color.GrayModel:
		cs = "/DeviceGray"
	case color.YCbCrModel, color.RGBAModel:
		cs = "/DeviceRGB"
	default:
		return pdfImage{}, false, nil
	}
	return pdfImage{
		dict:  fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s /BitsPerComponent 8 /Filter /DCTDecode", cfg.Width, cfg.Height, cs),
		data:  b,
		width: cfg.Width, height: cfg.Height,
	}, true, nil
}

// pngImage passes a non-interlaced grey, RGB or palette PNG through: its
// concatenated IDAT data is a zlib stream of predictor-tagged rows, exactly
// what FlateDecode with /Predictor 15 reads. Transparency (tRNS) is dropped,
// as PDF/A page images are opaque.
func pngImage(b []byte) (pdfImage, bool) {
	const sig = 8
	var (
		width, height    int
		depth, colorType byte
		interlace        byte
		palette          []byte
		idat             bytes.Buffer
		seenIHDR         bool
	)
	for p := sig; p+12 <= len(b); {
		n := int(binary.BigEndian.Uint32(b[p:]))
		if n < 0 || p+12+n > len(b) {
			return pdfImage{}, false
		}
		typ := string(b[p+4 : p+8])
		data := b[p+8 : p+8+n]
		if crc32.ChecksumIEEE(b[p+4:p+8+n]) != binary.BigEndian.Uint32(b[p+8+n:]) {
			return pdfImage{}, false
		}
		switch typ {
		case "IHDR":
			if n != 13 {
				return pdfImage{}, false
			}
			width = int(binary.BigEndian.Uint32(data[0:]))
			height = int(binary.BigEndian.Uint32(data[4:]))
			depth, colorType, interlace = data[8], data[9], data[12]
			seenIHDR = true
		case "PLTE":
			palette = data
		case "IDAT":
			idat.Write(data)
		}
		p += 12 + n
		if typ == "IEND" {
			break
		}
	}
	if !seenIHDR || interlace != 0 || idat.Len() == 0 || width <= 0 || height <= 0 {
		return pdfImage{}, false
	}
	var cs string
	colors := 1
	switch {
	case colorType == 0 && (depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16):
		cs = "/DeviceGray"
	case colorType == 2 && (depth == 8 || depth == 16):
		cs, colors = "/DeviceRGB", 3
	case colorType == 3 && depth <= 8 && len(palette) >= 3 && len(palette)%3 == 0:
		cs = fmt.Sprintf("[ /Indexed /DeviceRGB %d <%X> ]", len(palette)/3-1, palette)
	default: // alpha channels and anything unusual: decode instead
		return pdfImage{}, false
	}
	return pdfImage{
		dict: fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s /BitsPerComponent %d /Filter /FlateDecode /DecodeParms << /Predictor 15 /Colors %d /BitsPerComponent %d /Columns %d >>",
			width, height, cs, depth, colors, depth, width),
		data:  idat.Bytes(),
		width: width, height: height,
	}, true
}

// rawImage stores decoded pixels, grey when the image is grey, else RGB
// composited on white.
func rawImage(m image.Image) pdfImage {
	r := m.Bounds()
	w, h := r.Dx(), r.Dy()
	var (
		pix []byte
		cs  string
	)
	if g, ok := m.(*image.Gray); ok {
		cs = "/DeviceGray"
		pix = make([]byte, 0, w*h)
		for y := r.Min.Y; y < r.Max.Y; y++ {
			pix = append(pix, g.Pix[(y-r.Min.Y)*g.Stride:(y-r.Min.Y)*g.Stride+w]...)
		}
	} else {
		cs = "/DeviceRGB"
		pix = make([]byte, 0, 3*w*h)
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				c := color.NRGBAModel.Convert(m.At(x, y)).(color.NRGBA)
				a := uint32(c.A)
				blend := func(v uint8) byte { return byte((uint32(v)*a + 255*(255-a) + 127) / 255) }
				pix = append(pix, blend(c.R), blend(c.G), blend(c.B))
			}
		}
	}
	return pdfImage{
		dict:  fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s /BitsPerComponent 8 /Filter /FlateDecode", w, h, cs),
		data:  deflate(pix),
		width: w, height: h,
	}
}

func deflate(b []byte) []byte {
	var buf bytes.Buffer
	zw, err := zlib.NewWriterLevel(&buf, zlib.BestSpeed)
	if err != nil {
		panic(err) // only for an invalid level
	}
	if _, err := zw.Write(b); err != nil {
		panic(errors.Join(errors.New("pdfa: deflate into memory"), err))
	}
	if err := zw.Close(); err != nil {
		panic(errors.Join(errors.New("pdfa: deflate into memory"), err))
	}
	return buf.Bytes()
}
