package extract

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/sohoa/sohoa/internal/corpus"
	"github.com/sohoa/sohoa/internal/domain"
)

// evalDoc is one already-OCR'd document of an evaluation directory: the
// pages as the OCR stage returned them and the values a person reads on the
// page. Directories of these are written by other corpus generators than
// internal/corpus, so the extractor can be measured on documents it was
// not written against.
type evalDoc struct {
	// Half is "dev" (may be looked at while tuning) or "test" (measured
	// only when a change is finished).
	Half  string        `json:"half"`
	Truth corpus.Truth  `json:"truth"`
	Pages []domain.Page `json:"pages"`
	// Handwritten names the fields whose values were written by hand.
	Handwritten []string `json:"handwritten,omitempty"`
}

// loadEvalDir reads every *.json evalDoc of dir whose half is half ("" for
// all), sorted by ID.
func loadEvalDir(t testing.TB, dir, half string) []evalDoc {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var out []evalDoc
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var d evalDoc
		if err := json.Unmarshal(data, &d); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if half != "" && d.Half != half {
			continue
		}
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Truth.ID < out[j].Truth.ID })
	return out
}

// TestAccuracyDir scores the extractor on the OCR'd documents of
// SOHOA_EVAL_DIR (half SOHOA_EVAL_HALF, default dev; "all" for both). It is
// the quick loop for tuning on an evaluation corpus without re-running OCR.
func TestAccuracyDir(t *testing.T) {
	dir := os.Getenv("SOHOA_EVAL_DIR")
	if dir == "" {
		t.Skip("SOHOA_EVAL_DIR names a directory of OCR'd evaluation documents")
	}
	half := os.Getenv("SOHOA_EVAL_HALF")
	switch half {
	case "":
		half = "dev"
	case "all":
		half = ""
	}
	docs := loadEvalDir(t, dir, half)
	if len(docs) == 0 {
		t.Fatalf("no documents of half %q in %s", half, dir)
	}
	e := defaultEngine(t)
	s := newScorer()
	for _, d := range docs {
		r, err := e.Extract(context.Background(), d.Pages, "")
		if err != nil {
			t.Fatalf("%s: %v", d.Truth.ID, err)
		}
		s.add(d.Truth, r, Redact(d.Pages, r))
	}
	name := "eval dir " + strings.TrimSpace(half)
	s.report(t, name, 0.9)
	t.Logf("F1 over all fields %.3f, class accuracy %.3f", s.micro(), ratio(s.classOK, s.docs))
	s.calib.report(t, name, e.ConfidenceThreshold())
}
