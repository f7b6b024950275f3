package hostile_test

import (
	"bytes"
	"compress/zlib"
	"image"
	_ "image/jpeg"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"github.com/sohoa/sohoa/internal/testenv/hostile"
)

func init() { model.ConfigPath = "disable" }

func TestTruncatedJPEG(t *testing.T) {
	data := hostile.TruncatedJPEG()
	if len(data) != hostile.TruncatedJPEGSize {
		t.Fatalf("%d bytes, want %d", len(data), hostile.TruncatedJPEGSize)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || format != "jpeg" || cfg.Width != 1275 || cfg.Height != 1650 {
		t.Fatalf("header: %s %dx%d, %v; want a 1275x1650 jpeg", format, cfg.Width, cfg.Height, err)
	}
	sos := bytes.Index(data, []byte{0xff, 0xda})
	if sos < 0 || sos > len(data)-32 {
		t.Errorf("SOS at %d: want the scan to start well before the cut", sos)
	}
	if _, _, err := image.Decode(bytes.NewReader(data)); err == nil {
		t.Error("the truncated JPEG decodes")
	}
	if !bytes.Equal(data, hostile.TruncatedJPEG()) {
		t.Error("two calls differ")
	}
}

func TestPDFs(t *testing.T) {
	cases := []struct {
		name     string
		data     []byte
		min, max int // file size
	}{
		{"bomb", hostile.PDFBomb(), 250_000, 350_000},
		{"lying JPEG", hostile.LyingJPEGInPDF(), 500, 20_000},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if n := len(c.data); n < c.min || n > c.max {
				t.Errorf("%d bytes, want %d..%d", n, c.min, c.max)
			}
			conf := model.NewDefaultConfiguration()
			conf.ValidationMode = model.ValidationStrict
			ctx, err := api.ReadValidateAndOptimize(bytes.NewReader(c.data), conf)
			if err != nil {
				t.Fatalf("pdfcpu: %v", err)
			}
			if ctx.PageCount != 1 {
				t.Errorf("%d pages, want 1", ctx.PageCount)
			}
			if ctx.Read.UsingXRefStreams || len(ctx.Read.ObjectStreams) != 0 {
				t.Error("want a classic xref table")
			}
		})
	}
}

func TestPDFBombInflates(t *testing.T) {
	data := hostile.PDFBomb()
	from := bytes.Index(data, []byte("stream\n")) + len("stream\n")
	to := bytes.LastIndex(data, []byte("\nendstream"))
	zr, err := zlib.NewReader(bytes.NewReader(data[from:to]))
	if err != nil {
		t.Fatal(err)
	}
	var spaces, other int64
	buf := make([]byte, 1<<20)
	for {
		n, err := zr.Read(buf)
		for _, c := range buf[:n] {
			if c == ' ' {
				spaces++
			} else {
				other++
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if spaces != hostile.PDFBombInflated || other != 0 {
		t.Errorf("inflates to %d spaces and %d other bytes, want %d spaces", spaces, other, hostile.PDFBombInflated)
	}
	t.Logf("%d bytes inflate to %d (ratio %d)", len(data), spaces, spaces/int64(len(data)))
}

func TestLyingJPEGInPDF(t *testing.T) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(hostile.LyingJPEG()))
	if err != nil || cfg.Width != hostile.LyingJPEGSide || cfg.Height != hostile.LyingJPEGSide {
		t.Fatalf("JPEG header: %dx%d, %v; want %dx%[4]d", cfg.Width, cfg.Height, err, hostile.LyingJPEGSide)
	}
	conf := model.NewDefaultConfiguration()
	ctx, err := api.ReadValidateAndOptimize(bytes.NewReader(hostile.LyingJPEGInPDF()), conf)
	if err != nil {
		t.Fatal(err)
	}
	// The image entry's claim, as a header-only check reads it.
	stubs, err := pdfcpu.ExtractPageImages(ctx, 1, true)
	if err != nil || len(stubs) != 1 {
		t.Fatalf("page image entries: %d, %v; want 1", len(stubs), err)
	}
	for _, im := range stubs {
		if im.Width != hostile.LyingWidth || im.Height != hostile.LyingHeight {
			t.Errorf("image entry: %dx%d, want %dx%d", im.Width, im.Height, hostile.LyingWidth, hostile.LyingHeight)
		}
	}
	// The stream itself is the lying JPEG.
	imgs, err := pdfcpu.ExtractPageImages(ctx, 1, false)
	if err != nil || len(imgs) != 1 {
		t.Fatalf("page images: %d, %v; want 1", len(imgs), err)
	}
	for _, im := range imgs {
		cfg, _, err := image.DecodeConfig(im)
		if err != nil || im.FileType != "jpg" || cfg.Width != hostile.LyingJPEGSide || cfg.Height != hostile.LyingJPEGSide {
			t.Errorf("extracted %s stream: %dx%d, %v; want a jpg of %dx%[5]d", im.FileType, cfg.Width, cfg.Height, err, hostile.LyingJPEGSide)
		}
	}
}

func TestLargeUpload(t *testing.T) {
	for _, size := range []int64{0, 5, int64(len(hostile.LargeUploadHeader)), 1000, 3<<20 + 7} {
		got, err := io.ReadAll(hostile.LargeUpload(size))
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(got)) != size {
			t.Errorf("size %d: read %d bytes", size, len(got))
		}
		if !strings.HasPrefix(hostile.LargeUploadHeader, string(got)) && !bytes.HasPrefix(got, []byte(hostile.LargeUploadHeader)) {
			t.Errorf("size %d: starts %q, want the PDF header", size, got[:min(len(got), 16)])
		}
	}
	// 500 MiB streams through a small buffer.
	const big = 500 << 20
	n, err := io.CopyBuffer(io.Discard, hostile.LargeUpload(big), make([]byte, 64<<10))
	if err != nil || n != big {
		t.Errorf("500 MiB upload: %d bytes, %v", n, err)
	}
}

func TestOCRmyPDFCorpus(t *testing.T) {
	if dir := os.Getenv(hostile.OCRmyPDFCorpusEnv); dir != "" {
		files := hostile.OCRmyPDFCorpus(t)
		if len(files) != hostile.OCRmyPDFCorpusFiles || !slices.IsSorted(files) || !slices.Contains(files, filepath.Join(dir, "2400dpi.pdf")) {
			t.Errorf("%d files from %s, want %d sorted ones with 2400dpi.pdf", len(files), dir, hostile.OCRmyPDFCorpusFiles)
		}
	}
	// Outside CI, a missing or incomplete corpus leaves that part out.
	t.Setenv("CI", "")
	incomplete := t.TempDir()
	if err := os.WriteFile(filepath.Join(incomplete, "trivial.pdf"), []byte("%PDF-1.3\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"", filepath.Join(t.TempDir(), "missing"), incomplete} {
		t.Setenv(hostile.OCRmyPDFCorpusEnv, dir)
		if files := hostile.OCRmyPDFCorpus(t); files != nil {
			t.Errorf("%q: %d files, want none", dir, len(files))
		}
	}
}
