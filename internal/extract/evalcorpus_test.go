package extract

import (
	"context"
	"errors"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/sohoa/sohoa/internal/evalcorpus"
	"github.com/sohoa/sohoa/internal/ocr"
	"github.com/sohoa/sohoa/internal/testenv"
)

// Issue 14's targets on the test half of the independent corpus.
const (
	evalF1Target    = 0.90
	evalFieldFloor  = 0.75
	evalClassTarget = 0.95
)

// TestAccuracyEval scores the extractor on the independent evaluation
// corpus (internal/evalcorpus: HTML printed by Chromium, degraded by its own
// route, read by the product's OCR), both halves. Pages and OCR results
// are cached (SOHOA_EVAL_CACHE), so only the first run renders and reads.
//
// The dev half's table and misses are printed; the test half prints only
// its table (SOHOA_EVAL_SHOW_TEST=1 shows its misses). With
// SOHOA_EVAL_JUDGE=1 (make accuracy) the targets are asserted on
// the test half: F1 over all fields >= 0.90, no field with five or more
// values below 0.75, class accuracy >= 0.95. Otherwise the test fails only
// on errors: generation or OCR failures and personal values left after
// redaction.
//
// It renders and reads 80 documents on a first run (several minutes), so
// it runs only when asked: SOHOA_EVAL=1, SOHOA_EVAL_JUDGE=1 or CI=true.
func TestAccuracyEval(t *testing.T) {
	judge := os.Getenv("SOHOA_EVAL_JUDGE") == "1"
	if testing.Short() {
		t.Skip("the evaluation corpus needs Chromium, Tesseract and minutes")
	}
	if !judge && os.Getenv("SOHOA_EVAL") != "1" && !testenv.CI() {
		t.Skip("set SOHOA_EVAL=1 (or SOHOA_EVAL_JUDGE=1, as make accuracy does) to score the evaluation corpus")
	}
	if raceDetector {
		t.Skip("rendering and degrading pages is pixel work, far slower under -race; make accuracy runs it without")
	}
	e := defaultEngine(t)
	eng, err := ocr.New(ocr.Config{Workers: runtime.NumCPU(), Languages: []string{"vie", "eng"}})
	if err != nil {
		testenv.Missing(t, "tesseract: "+err.Error())
	}
	defer eng.Close()
	cache := evalcorpus.DefaultCacheDir()
	for _, half := range []string{evalcorpus.HalfDev, evalcorpus.HalfTest} {
		t.Run(half, func(t *testing.T) {
			start := time.Now()
			docs, err := evalcorpus.Generate(context.Background(), evalcorpus.Options{Half: half})
			if errors.Is(err, evalcorpus.ErrNoChromium) || errors.Is(err, evalcorpus.ErrNoPoppler) {
				testenv.Missing(t, err.Error())
			}
			if err != nil {
				t.Fatalf("generate %s half: %v", half, err)
			}
			gen := time.Since(start)
			pages, err := evalcorpus.OCR(context.Background(), eng, docs, cache)
			if err != nil {
				t.Fatalf("ocr %s half: %v", half, err)
			}
			t.Log(evalcorpus.Summary(docs))
			t.Logf("%s half: %d documents generated in %s, read in %s (cache %s)", half, len(docs), gen.Round(time.Second), (time.Since(start) - gen).Round(time.Second), cache)
			s := newScorer()
			for i, d := range docs {
				s.extract(t, e, d.Truth, pages[i])
			}
			if half == evalcorpus.HalfTest && os.Getenv("SOHOA_EVAL_SHOW_TEST") != "1" {
				// The test half is measured, not studied: its table only,
				// and how many personal values leaked but not which.
				s.misses = map[string][]string{}
				for i := range s.leaks {
					s.leaks[i] = "a value of the test half (SOHOA_EVAL_SHOW_TEST=1 shows it)"
				}
			}
			below := s.report(t, "evaluation corpus, "+half+" half", evalF1Target)
			micro, class := s.micro(), ratio(s.classOK, s.docs)
			t.Logf("%s half: F1 over all fields %.3f (target %.2f), class accuracy %.3f (target %.2f)", half, micro, evalF1Target, class, evalClassTarget)
			if !judge || half != evalcorpus.HalfTest {
				return
			}
			var weak []string
			for _, b := range below {
				f := strings.Fields(b)[0]
				if c := s.counts[f]; c.tp+c.fn >= 5 && c.f1() < evalFieldFloor {
					weak = append(weak, b)
				}
			}
			if micro < evalF1Target {
				t.Errorf("test half: F1 over all fields %.3f, below the target %.2f", micro, evalF1Target)
			}
			if len(weak) > 0 {
				t.Errorf("test half: fields below %.2f: %s", evalFieldFloor, strings.Join(weak, ", "))
			}
			if class < evalClassTarget {
				t.Errorf("test half: class accuracy %.3f, below the target %.2f", class, evalClassTarget)
			}
		})
	}
}
