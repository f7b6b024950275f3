package pages

import (
	"bytes"
	"context"
	"errors"
	"image"
	_ "image/jpeg" // the reference decoder FuzzImageSize compares with
	_ "image/png"
	"testing"
	"time"

	"github.com/sohoa/sohoa/internal/domain"
)

// FuzzOpen: whatever bytes arrive as a document, Open and the first page
// never panic, refuse with a *domain.Rejection (or a context error) and
// hand out page images within the limits, of the size they say.
// pages.Open on a TIFF runs Leptonica (C): a crash there kills the fuzzer
// and is what the OCR child process isolates; keep such an input in
// testdata/crashers with a note.
func FuzzOpen(f *testing.F) {
	for _, b := range hostile(f) {
		f.Add(b)
	}
	lim := Limits{MaxPages: 3, MaxPixels: 4_000_000, RenderDPI: 30, MaxStreamBytes: 1 << 20, MaxDecodedBytes: 2 << 20}
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		src, err := Open(ctx, data, lim)
		if err != nil {
			checkRefusal(t, ctx, "Open", err)
			return
		}
		if n := src.Pages(); n < 1 || n > lim.MaxPages {
			t.Fatalf("Open accepted %d pages (limit %d)", n, lim.MaxPages)
		}
		img, err := src.Page(ctx, 1)
		if err != nil {
			checkRefusal(t, ctx, "Page(1)", err)
			return
		}
		if int64(img.Width)*int64(img.Height) > lim.MaxPixels {
			t.Fatalf("Page(1) is %dx%d, over the %d-pixel limit", img.Width, img.Height, lim.MaxPixels)
		}
		if w, h, f, err := ImageSize(img.Data); err == nil && (w != img.Width || h != img.Height || f != img.Format) {
			t.Fatalf("Page(1) says %dx%d %s, its data is %dx%d %s", img.Width, img.Height, img.Format, w, h, f)
		}
	})
}

func checkRefusal(t *testing.T, ctx context.Context, op string, err error) {
	t.Helper()
	var rej *domain.Rejection
	if !errors.As(err, &rej) && ctx.Err() == nil {
		t.Fatalf("%s: %v is neither a rejection nor a context error", op, err)
	}
}

// FuzzImageSize: ImageSize never panics, reports positive sizes, and
// agrees with Go's own decoders whenever they read the header too.
func FuzzImageSize(f *testing.F) {
	for _, b := range hostile(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		w, h, f, err := ImageSize(data)
		if err != nil {
			return
		}
		if w <= 0 || h <= 0 {
			t.Fatalf("ImageSize = %dx%d %s with no error", w, h, f)
		}
		if f != JPEG && f != PNG {
			return
		}
		cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
		if err == nil && (cfg.Width != w || cfg.Height != h) {
			t.Fatalf("ImageSize = %dx%d, image.DecodeConfig = %dx%d", w, h, cfg.Width, cfg.Height)
		}
	})
}
