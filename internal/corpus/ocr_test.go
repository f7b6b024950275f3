package corpus

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
)

func TestCER(t *testing.T) {
	tests := []struct {
		name     string
		truth    string
		ocr      string
		cer, wer float64
	}{
		{"identical", "Cà Mau, ngày 14 tháng 7", "Cà Mau, ngày 14 tháng 7", 0, 0},
		{"line breaks and spaces collapse", "Cà Mau,\nngày 14", "Cà  Mau, ngày\n\n14", 0, 0},
		{"NFD input is normalised", "Hạnh phúc", norm.NFD.String("Hạnh phúc"), 0, 0},
		{"lost tone mark", "Hạnh phúc", "Hanh phúc", 1.0 / 9, 1.0 / 2},
		{"one insertion", "abcd", "abxcd", 1.0 / 4, 1},
		{"deletion", "Số: 1929/QĐ-UBND", "Số: 1929/Q-UBND", 1.0 / 16, 1.0 / 2},
		{"empty both", "", "", 0, 0},
		{"empty truth", "", "x", 1, 1},
		{"empty ocr", "ab cd", "", 1, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := CER(tc.truth, tc.ocr); !near(got, tc.cer) {
				t.Errorf("CER(%q, %q) = %.4f, want %.4f", tc.truth, tc.ocr, got, tc.cer)
			}
			if got := WER(tc.truth, tc.ocr); !near(got, tc.wer) {
				t.Errorf("WER(%q, %q) = %.4f, want %.4f", tc.truth, tc.ocr, got, tc.wer)
			}
		})
	}
}

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }

// ocrPage runs the tesseract CLI on one page image.
func ocrPage(ctx context.Context, bin, png, lang string) (string, error) {
	cmd := exec.CommandContext(ctx, bin, png, "-", "-l", lang)
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("tesseract %s: %w: %s", png, err, errb.String())
	}
	return out.String(), nil
}

// TestOCRRoundTrip renders pages at 300 dpi, reads them back with Tesseract
// (vie+eng) and measures the character error rate against the truth. Clean
// pages must stay under 5 % (the target is 2 %); degraded pages are logged.
func TestOCRRoundTrip(t *testing.T) {
	bin := needTool(t, "tesseract", "tesseract-ocr tesseract-ocr-vie")
	if out, err := exec.Command(bin, "--list-langs").CombinedOutput(); err != nil || !bytes.Contains(out, []byte("vie")) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("tesseract lacks Vietnamese data (tesseract-ocr-vie): %v %s", err, out)
		}
		t.Skipf("tesseract lacks Vietnamese data: %s", out)
	}
	type page struct {
		level, lang, id, font, truth, ocr, png string
		no                                     int
		err                                    error
	}
	var pages []*page
	dir := t.TempDir()
	levels := []string{DegradeNone, DegradeLight, DegradeHeavy}
	for _, level := range levels {
		// Two clean pages; one page per degradation level keeps the test
		// fast under the race detector (degrading a 300-dpi page is
		// pixel-heavy). The numbers are logged, not asserted.
		n := 2
		if level != DegradeNone {
			n = 1
		}
		docs := generate(t, Options{Seed: 2026, Documents: n, Degrade: level, Classes: []string{ClassDecision, ClassOfficialLetter, ClassBirthExtract, ClassLandCertificate, ClassReport}})
		for _, d := range docs {
			for i, img := range d.Pages {
				p := &page{level: level, id: d.Truth.ID, no: i + 1, font: d.Truth.Font, truth: d.Truth.Pages[i].Text}
				p.png = filepath.Join(dir, fmt.Sprintf("%s-%s-%d.png", level, d.Truth.ID, i+1))
				f, err := os.Create(p.png)
				if err != nil {
					t.Fatal(err)
				}
				if err := WritePNG(f, img, 300); err != nil {
					t.Fatal(err)
				}
				if err := f.Close(); err != nil {
					t.Fatal(err)
				}
				p.lang = "vie+eng"
				pages = append(pages, p)
				if level == DegradeNone { // for comparison: Vietnamese alone
					q := *p
					q.lang = "vie"
					pages = append(pages, &q)
				}
			}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for _, p := range pages {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			p.ocr, p.err = ocrPage(ctx, bin, p.png, p.lang)
		}()
	}
	wg.Wait()
	for _, run := range []struct{ level, lang string }{
		{DegradeNone, "vie+eng"}, {DegradeNone, "vie"}, {DegradeLight, "vie+eng"}, {DegradeHeavy, "vie+eng"},
	} {
		var dist, n int
		for _, p := range pages {
			if p.level != run.level || p.lang != run.lang {
				continue
			}
			if p.err != nil {
				t.Fatal(p.err)
			}
			c := CER(p.truth, p.ocr)
			t.Logf("%-5s %-7s %s p%d (%s): CER %.2f%% WER %.2f%%", run.level, run.lang, p.id, p.no, p.font, 100*c, 100*WER(p.truth, p.ocr))
			tr := []rune(normalizeForRate(p.truth))
			dist += levenshtein(tr, []rune(normalizeForRate(p.ocr)))
			n += len(tr)
		}
		cer := float64(dist) / float64(n)
		t.Logf("%-5s %-7s overall CER %.2f%% over %d characters", run.level, run.lang, 100*cer, n)
		if run.level == DegradeNone && run.lang == "vie+eng" && cer > 0.05 {
			t.Errorf("clean pages: CER %.2f%% > 5%%", 100*cer)
		}
	}
}
