package child_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sohoa/sohoa/internal/child"
	"github.com/sohoa/sohoa/internal/child/childsrv"
	"github.com/sohoa/sohoa/internal/corpus"
	"github.com/sohoa/sohoa/internal/domain"
	"github.com/sohoa/sohoa/internal/ocr"
	"github.com/sohoa/sohoa/internal/pages"
)

// TestMain lets this test binary serve as the pools' children.
func TestMain(m *testing.M) {
	childsrv.Main()
	os.Exit(m.Run())
}

var (
	pageOnce sync.Once
	pagePNG  []byte
	pagePDF  []byte
)

// goodPage is a generated page of Vietnamese text, as PNG and as a one-page PDF.
func goodPage(t testing.TB) ([]byte, []byte) {
	t.Helper()
	pageOnce.Do(func() {
		docs, err := corpus.Generate(corpus.Options{Seed: 3, Documents: 1, DPI: 150, Classes: []string{"notice"}})
		if err != nil {
			t.Fatal(err)
		}
		var b, p bytes.Buffer
		if err := corpus.WritePNG(&b, docs[0].Pages[0], 150); err != nil {
			t.Fatal(err)
		}
		if err := corpus.WritePDF(&p, []image.Image{docs[0].Pages[0], docs[0].Pages[0]}, 150); err != nil {
			t.Fatal(err)
		}
		pagePNG, pagePDF = b.Bytes(), p.Bytes()
	})
	return pagePNG, pagePDF
}

// truncatedJPEG is a JPEG cut after 640 bytes: its header is valid, its
// data is not. Tesseract (through gosseract) crashes reading it on a client
// that read a page before.
func truncatedJPEG(t *testing.T) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 800, 1000))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()[:640]
}

func newPool(t *testing.T, cfg child.Config) *child.Pool {
	t.Helper()
	p, err := child.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func rejectionCode(err error) string {
	var rej *domain.Rejection
	if errors.As(err, &rej) {
		return rej.Code
	}
	return ""
}

// TestChildRunsWithThreadLimitAndMemoryCap proves the OMP_THREAD_LIMIT=1
// rule and the address-space cap hold inside the children.
func TestChildRunsWithThreadLimitAndMemoryCap(t *testing.T) {
	p := newPool(t, child.Config{MemoryMB: 512})
	pong, err := p.Ping(ctxT(t), true)
	if err != nil {
		t.Fatal(err)
	}
	if pong.ThreadLimit != 1 {
		t.Errorf("OpenMP thread limit in the child = %d, want 1", pong.ThreadLimit)
	}
	if pong.MemoryCap <= 0 && !raceDetector {
		t.Errorf("no address-space cap in the child")
	}
	if pong.PID == os.Getpid() {
		t.Errorf("ping answered by the test process itself")
	}
}

// TestCrashCostsOnePage reads a good page, then the truncated JPEG that
// crashes Tesseract, then a good page again: the crash fails only its page,
// with a reason for staff, and a new child reads the next page.
func TestCrashCostsOnePage(t *testing.T) {
	good, _ := goodPage(t)
	p := newPool(t, child.Config{})
	ctx := ctxT(t)
	first, err := p.Recognize(ctx, good, domain.ReadOptions{})
	if err != nil || len(first.Words) < 20 {
		t.Fatalf("good page: %d words, %v", len(first.Words), err)
	}
	pid1 := ping(t, p).PID
	_, err = p.Recognize(ctx, truncatedJPEG(t), domain.ReadOptions{})
	died := errors.Is(err, domain.ErrReaderDied)
	if err == nil {
		t.Fatal("no error for the truncated JPEG")
	}
	if !errors.Is(err, domain.ErrReaderDied) && rejectionCode(err) != "unreadable_image" {
		t.Fatalf("truncated JPEG: %v, want a dead reader or an unreadable image", err)
	}
	var rej *domain.Rejection
	if !errors.As(err, &rej) || rej.VI == "" || rej.EN == "" {
		t.Fatalf("no reason for staff: %v", err)
	}
	t.Logf("truncated JPEG: code %s: %s / %s", rej.Code, rej.VI, rej.EN)
	again, err := p.Recognize(ctx, good, domain.ReadOptions{})
	if err != nil {
		t.Fatalf("good page after the crash: %v", err)
	}
	if again.Text != first.Text {
		t.Errorf("the new child reads the good page differently:\n%s\n---\n%s", first.Text, again.Text)
	}
	if died {
		if pid2 := ping(t, p).PID; pid2 == pid1 {
			t.Errorf("the child that died was not replaced (pid %d)", pid1)
		}
		if p.Restarts() != 1 {
			t.Errorf("restarts = %d, want 1", p.Restarts())
		}
	}
}

func ping(t *testing.T, p *child.Pool) *child.Response {
	t.Helper()
	r, err := p.Ping(ctxT(t), false)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestTimeLimit kills a child that takes longer than the pool allows.
func TestTimeLimit(t *testing.T) {
	good, _ := goodPage(t)
	p := newPool(t, child.Config{Timeout: 50 * time.Millisecond})
	_, err := p.Recognize(ctxT(t), good, domain.ReadOptions{})
	if !errors.Is(err, domain.ErrReaderDied) || rejectionCode(err) != "reader_timeout" {
		t.Fatalf("err = %v, want reader_timeout wrapping ErrReaderDied", err)
	}
	if !strings.Contains(err.Error(), "50ms") {
		t.Errorf("the reason does not say the limit: %v", err)
	}
}

// TestMemoryCap reads a page too large for the child's memory cap: the
// child fails, the pool survives and the next page is read.
func TestMemoryCap(t *testing.T) {
	big := image.NewGray(image.Rect(0, 0, 9000, 9000))
	for y := 0; y < 9000; y += 40 {
		for x := 0; x < 9000; x++ {
			big.SetGray(x, y, color.Gray{})
		}
	}
	for i := range big.Pix {
		if big.Pix[i] == 0 && i%40 != 0 {
			big.Pix[i] = 255
		}
	}
	var b bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&b, big); err != nil {
		t.Fatal(err)
	}
	p := newPool(t, child.Config{MemoryMB: 160})
	ctx := ctxT(t)
	_, err := p.Recognize(ctx, b.Bytes(), domain.ReadOptions{})
	if err == nil {
		t.Fatal("a 81-megapixel page was read within a 160 MiB cap")
	}
	if !errors.Is(err, domain.ErrReaderDied) && rejectionCode(err) != "reader_memory" {
		t.Errorf("err = %v, want a memory refusal or a dead reader", err)
	}
	t.Logf("81-megapixel page under a 160 MiB cap: %v", err)
	good, _ := goodPage(t)
	if _, err := p.Recognize(ctx, good, domain.ReadOptions{}); err != nil {
		t.Fatalf("good page after the memory failure: %v", err)
	}
}

// TestSplitInChild opens documents and takes their pages in a child.
func TestSplitInChild(t *testing.T) {
	_, pdf := goodPage(t)
	p := newPool(t, child.Config{Name: "split"})
	ctx := ctxT(t)
	d, err := p.Open(ctx, bytes.NewReader(pdf), int64(len(pdf)), pages.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Pages() != 2 {
		t.Fatalf("pages = %d, want 2", d.Pages())
	}
	for n := domain.PageNo(1); n <= 2; n++ {
		img, err := d.Page(ctx, n)
		if err != nil || len(img.Data) == 0 || img.Width == 0 {
			t.Fatalf("page %d: %d bytes, %dx%d, %v", n, len(img.Data), img.Width, img.Height, err)
		}
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		data []byte
		code string
	}{
		{"truncated PDF", pdf[:len(pdf)/3], "corrupt_file"},
		{"not a document", []byte("xin chào"), "unsupported_type"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := p.Open(ctx, bytes.NewReader(c.data), int64(len(c.data)), pages.Limits{})
			if got := rejectionCode(err); got != c.code {
				t.Fatalf("code %q (%v), want %q", got, err, c.code)
			}
		})
	}
}

// TestNoChildInChild refuses to make pools inside a child, so a binary
// that forgot childsrv.Main cannot start copies of itself without end.
func TestNoChildInChild(t *testing.T) {
	t.Setenv(child.EnvChild, "1")
	if _, err := child.New(child.Config{}); err == nil {
		t.Fatal("a pool was made inside a child")
	}
}

// BenchmarkRecognize reads the same page in-process and in a reader child:
// the ratio of the two is what isolation costs per page (sending the image
// over a pipe, the answer back). Run: go test -bench Recognize ./internal/child
func BenchmarkRecognize(b *testing.B) {
	good, _ := goodPage(b)
	eng, err := ocr.New(ocr.Config{Workers: 1})
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close()
	p, err := child.New(child.Config{})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	ctx := context.Background()
	if _, err := p.Recognize(ctx, good, domain.ReadOptions{}); err != nil { // start the child
		b.Fatal(err)
	}
	b.Run("in-process", func(b *testing.B) {
		for b.Loop() {
			if _, err := eng.Recognize(ctx, good, ocr.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("child", func(b *testing.B) {
		for b.Loop() {
			if _, err := p.Recognize(ctx, good, domain.ReadOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
