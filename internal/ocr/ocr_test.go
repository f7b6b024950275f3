package ocr

import (
	"bytes"
	"context"
	"os"
	"sync"
	"testing"

	"github.com/sohoa/sohoa/internal/corpus"
	"github.com/sohoa/sohoa/internal/domain"
	"github.com/sohoa/sohoa/internal/extract"
	"github.com/sohoa/sohoa/internal/omp"
)

func TestMain(m *testing.M) {
	if err := omp.EnsureThreadLimit(); err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}

func newEngine(t testing.TB, workers int) *Engine {
	t.Helper()
	e, err := New(Config{Workers: workers})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// TestCharacterErrorRate reads clean generated 300-dpi pages of several
// classes and fonts and measures the character error rate against the
// ground truth. The target is under 2 %.
func TestCharacterErrorRate(t *testing.T) {
	if testing.Short() {
		t.Skip("OCR accuracy test")
	}
	docs, err := corpus.Generate(corpus.Options{Seed: 42, Documents: 4, Classes: []string{"decision", "official_letter", "land_certificate", "birth_extract"}})
	if err != nil {
		t.Fatal(err)
	}
	var (
		totalErr float64
		n        int
	)
	readFirstPages(t, newEngine(t, 2), docs, Options{}, func(d corpus.Document, p domain.Page) {
		cer := corpus.CER(d.Truth.Pages[0].Text, p.Text)
		t.Logf("%-18s font %-16s CER %.2f%% (mean word confidence %.1f, %.1fs)", d.Truth.Class, d.Truth.Font, cer*100, p.Confidence, p.OCRSeconds)
		totalErr += cer
		n++
	})
	if n == 0 {
		t.Fatal("no page read")
	}
	mean := totalErr / float64(n)
	t.Logf("mean CER on clean 300-dpi pages: %.2f%%", mean*100)
	if mean > 0.02 {
		t.Errorf("mean CER %.2f%% is above 2%%", mean*100)
	}
}

func TestUnreadableImage(t *testing.T) {
	e := newEngine(t, 1)
	for name, img := range map[string][]byte{
		"garbage":       []byte("this is not an image at all"),
		"truncated png": []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := e.Recognize(context.Background(), img, Options{})
			if err == nil {
				t.Fatal("no error for an unreadable image")
			}
		})
	}
}

func TestRecognizeHonoursContext(t *testing.T) {
	e := newEngine(t, 1)
	// Hold the only client so the next call must wait.
	w := <-e.workers
	defer func() { e.workers <- w }()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.Recognize(ctx, []byte("x"), Options{}); err != context.Canceled {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestMissingLanguage(t *testing.T) {
	if _, err := New(Config{Languages: []string{"xyz"}}); err == nil {
		t.Fatal("no error for a missing language")
	}
}

// TestTurnedPages reads pages scanned sideways or upside down: the second,
// orientation-detecting pass must recover them.
func TestTurnedPages(t *testing.T) {
	if testing.Short() {
		t.Skip("OCR accuracy test")
	}
	docs, err := corpus.Generate(corpus.Options{Seed: 9, Documents: 3, Classes: []string{"decision", "notice"}, Degrade: "light", RotateRatio: 1})
	if err != nil {
		t.Fatal(err)
	}
	readFirstPages(t, newEngine(t, 2), docs, Options{}, func(d corpus.Document, p domain.Page) {
		cer := corpus.CER(d.Truth.Pages[0].Text, p.Text)
		t.Logf("rotated %d°: CER %.2f%%, reread %v, %.1fs", d.Truth.Pages[0].Rotation, cer*100, p.Reread, p.OCRSeconds)
		if cer > 0.08 {
			t.Errorf("page rotated %d°: CER %.2f%%, want under 8%%", d.Truth.Pages[0].Rotation, cer*100)
		}
	})
}

// TestDegradedPages measures the character error rate on heavily degraded,
// skewed scans, where the second reading (upright, deskewed) matters.
func TestDegradedPages(t *testing.T) {
	if testing.Short() {
		t.Skip("OCR accuracy test")
	}
	docs, err := corpus.Generate(corpus.Options{Seed: 77, Documents: 4, Classes: []string{"decision", "notice", "report", "official_letter"}, Degrade: "heavy"})
	if err != nil {
		t.Fatal(err)
	}
	var total float64
	readFirstPages(t, newEngine(t, 2), docs, Options{}, func(d corpus.Document, p domain.Page) {
		cer := corpus.CER(d.Truth.Pages[0].Text, p.Text)
		total += cer
		t.Logf("heavy, skew %.1f°: CER %.2f%%, reread %v (skew corrected %.2f°), %.1fs", d.Truth.Pages[0].SkewDeg, cer*100, p.Reread, p.Skew, p.OCRSeconds)
	})
	mean := total / float64(len(docs))
	t.Logf("mean CER on heavily degraded pages: %.2f%%", mean*100)
	if mean > 0.08 {
		t.Errorf("mean CER %.2f%% on heavy pages, want under 8%%", mean*100)
	}
}

// TestSecrecyStampsFound is the OCR half of invariant 5: boxed secrecy
// stamps (MẬT, TỐI MẬT, TUYỆT MẬT), which Tesseract's page reading drops,
// are read by the marks pass on first pages, and extraction then
// quarantines every stamped document and no other.
func TestSecrecyStampsFound(t *testing.T) {
	if testing.Short() {
		t.Skip("OCR accuracy test")
	}
	docs, err := corpus.Generate(corpus.Options{Seed: 456, Documents: 10, Degrade: "heavy", SecretRatio: 0.7,
		Classes: []string{"decision", "official_letter", "notice", "party", "report"}})
	if err != nil {
		t.Fatal(err)
	}
	ex, err := extract.Default()
	if err != nil {
		t.Fatal(err)
	}
	var secret, found, falseAlarms int
	readFirstPages(t, newEngine(t, 2), docs, Options{Marks: true}, func(d corpus.Document, p domain.Page) {
		r, err := ex.Extract(context.Background(), []domain.Page{p}, "")
		if err != nil {
			t.Error(err)
			return
		}
		switch {
		case d.Truth.Secret:
			secret++
			if r.QuarantineReason != "" {
				found++
			} else {
				t.Errorf("%s stamped %v was not quarantined", d.Truth.ID, d.Truth.Fields["secrecy"])
			}
		case r.QuarantineReason != "":
			falseAlarms++
			t.Errorf("%s has no stamp but was quarantined (%s)", d.Truth.ID, r.Secrecy)
		}
	})
	t.Logf("heavily degraded scans: %d of %d stamped documents quarantined, %d false alarms", found, secret, falseAlarms)
	if secret < 4 {
		t.Fatalf("only %d stamped documents generated", secret)
	}
}

// TestReadingIndependentOfHistory is what invariant 6 needs from OCR: a
// page reads the same whatever the client read before (other pages, marks
// passes), so a retried or redistributed page gives an identical record.
func TestReadingIndependentOfHistory(t *testing.T) {
	docs, err := corpus.Generate(corpus.Options{Seed: 31, Documents: 4, PagesPerDoc: [2]int{2, 2}, DPI: 150,
		Classes: []string{"notice", "report", "official_letter"}})
	if err != nil {
		t.Fatal(err)
	}
	png := func(i, p int) []byte {
		var b bytes.Buffer
		if err := corpus.WritePNG(&b, docs[i].Pages[p], 150); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	ctx := context.Background()
	e := newEngine(t, 1)
	first, err := e.Recognize(ctx, png(3, 0), Options{Marks: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if _, err := e.Recognize(ctx, png(i, 1), Options{Marks: i%2 == 0}); err != nil {
			t.Fatal(err)
		}
	}
	again, err := e.Recognize(ctx, png(3, 0), Options{Marks: true})
	if err != nil {
		t.Fatal(err)
	}
	if first.Text != again.Text || first.Marks != again.Marks {
		t.Errorf("the same page read differently after other pages:\n%q\n%q", first.Text, again.Text)
	}
}

// readFirstPages reads the first page of every document, two at a time,
// and calls each with the document and its reading, one call at a time.
func readFirstPages(t *testing.T, e *Engine, docs []corpus.Document, opt Options, each func(corpus.Document, domain.Page)) {
	t.Helper()
	var (
		mu sync.Mutex
		wg sync.WaitGroup
	)
	for _, d := range docs {
		var buf bytes.Buffer
		if err := corpus.WritePNG(&buf, d.Pages[0], d.Truth.DPI); err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func(d corpus.Document, img []byte) {
			defer wg.Done()
			p, err := e.Recognize(context.Background(), img, opt)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			each(d, p)
		}(d, buf.Bytes())
	}
	wg.Wait()
}
