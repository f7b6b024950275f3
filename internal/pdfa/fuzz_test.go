package pdfa

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/sohoa/sohoa/internal/domain"
)

// FuzzEncodeImage feeds arbitrary bytes to the page-image encoder, which
// parses PNG chunks itself: it must return an image or an error, never
// panic, and a passed-through PNG must declare a sane size.
func FuzzEncodeImage(f *testing.F) {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 3, 2))); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE0})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		im, err := encodeImage(data)
		if err == nil && (im.width <= 0 || im.height <= 0 || im.dict == "") {
			t.Fatalf("encoded image without size: %+v", im.dict)
		}
	})
}

// BenchmarkBuild measures writing one A4 300-dpi page with 400 words, from
// a JPEG (bytes passed through) and from a PNG (IDAT passed through).
func BenchmarkBuild(b *testing.B) {
	img := image.NewGray(image.Rect(0, 0, 2480, 3508))
	for i := range img.Pix {
		img.Pix[i] = byte(200 + i%56)
	}
	var pngb, jpgb bytes.Buffer
	if err := png.Encode(&pngb, img); err != nil {
		b.Fatal(err)
	}
	if err := jpeg.Encode(&jpgb, img, &jpeg.Options{Quality: 85}); err != nil {
		b.Fatal(err)
	}
	var words []domain.Word
	for line := 0; line < 40; line++ {
		for w := 0; w < 10; w++ {
			x, y := 300+w*200, 300+line*75
			words = append(words, domain.Word{Text: "Quyết", Box: image.Rect(x, y, x+150, y+45), Line: line})
		}
	}
	for _, bc := range []struct {
		name string
		data []byte
	}{{"jpeg", jpgb.Bytes()}, {"png", pngb.Bytes()}} {
		b.Run(bc.name, func(b *testing.B) {
			pages := []Page{{Image: bc.data, DPI: 300, Words: words}}
			b.SetBytes(int64(len(bc.data)))
			for b.Loop() {
				if _, err := Build(context.Background(), Metadata{Title: "x"}, pages); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
