package extract

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/sohoa/sohoa/internal/corpus"
	"github.com/sohoa/sohoa/internal/domain"
	"github.com/sohoa/sohoa/internal/ocr"
)

// Field F1 targets from issue 4.
const (
	cleanF1Target    = 0.95
	degradedF1Target = 0.85
)

// prf counts one field's matches.
type prf struct{ tp, fp, fn int }

func (c prf) precision() float64 { return ratio(c.tp, c.tp+c.fp) }
func (c prf) recall() float64    { return ratio(c.tp, c.tp+c.fn) }
func (c prf) f1() float64 {
	p, r := c.precision(), c.recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// scoredFields are the canonical fields the corpus records.
var scoredFields = []string{"doc_type", "doc_number", "doc_symbol", "issued_date", "issue_place", "issuer",
	"subject", "signer_name", "signer_position", "urgency", "secrecy", "person_names", "cccd", "cmnd",
	"birth_dates", "addresses", "parcel_no", "map_sheet", "area_m2", "land_purpose", "certificate_serial",
	"book_entry_no"}

// cmpForm is how values are compared: NFC, lower case, single spaces, no
// trailing punctuation (the API's "exact after normalisation"); areas as
// numbers.
func cmpForm(field, v string) string {
	v = strings.Join(strings.Fields(strings.ToLower(norm.NFC.String(v))), " ")
	v = strings.TrimRight(v, ".;,")
	if field == "area_m2" {
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return strconv.FormatFloat(f, 'f', -1, 64)
		}
	}
	return nfc(v)
}

// scorer accumulates per-field counts and reports them. folded counts
// compare without diacritics, to show which errors are only marks.
type scorer struct {
	counts  map[string]*prf
	folded  map[string]*prf
	classOK int
	docs    int
	leaks   []string
	misses  map[string][]string // field -> examples of errors
	calib   calibration         // (confidence, right) of every extracted value
}

func newScorer() *scorer {
	s := &scorer{counts: map[string]*prf{}, folded: map[string]*prf{}, misses: map[string][]string{}}
	for _, f := range scoredFields {
		s.counts[f] = &prf{}
		s.folded[f] = &prf{}
	}
	return s
}

// extract runs the engine over one document's pages, scores the result
// against truth and returns it.
func (s *scorer) extract(t testing.TB, e *Engine, truth corpus.Truth, pages []domain.Page) Result {
	t.Helper()
	r, err := e.Extract(context.Background(), pages, "")
	if err != nil {
		t.Fatalf("%s: %v", truth.ID, err)
	}
	s.add(truth, r, Redact(pages, r))
	return r
}

func (s *scorer) add(t corpus.Truth, r Result, redacted []string) {
	s.docs++
	if r.Class == t.Class {
		s.classOK++
	} else {
		s.misses["class"] = append(s.misses["class"], fmt.Sprintf("%s: want %s got %s (%.2f)", t.ID, t.Class, r.Class, r.ClassConfidence))
	}
	for _, f := range scoredFields {
		want := map[string]bool{}
		for _, v := range t.Fields[f] {
			want[cmpForm(f, v)] = true
		}
		got := map[string]bool{}
		if fv, ok := r.Fields[f]; ok {
			vs := fv.Values
			if len(vs) == 0 {
				vs = []string{fv.Value}
			}
			for _, v := range vs {
				got[cmpForm(f, v)] = true
			}
			for v := range got {
				s.calib.add(t.ID, f, fv, want[v])
			}
		}
		c := s.counts[f]
		var bad []string
		for v := range got {
			if want[v] {
				c.tp++
			} else {
				c.fp++
				bad = append(bad, "+"+v)
			}
		}
		for v := range want {
			if !got[v] {
				c.fn++
				bad = append(bad, "-"+v)
			}
		}
		fw, fg := map[string]bool{}, map[string]bool{}
		for v := range want {
			fw[key(v)] = true
		}
		for v := range got {
			fg[key(v)] = true
		}
		fc := s.folded[f]
		for v := range fg {
			if fw[v] {
				fc.tp++
			} else {
				fc.fp++
			}
		}
		for v := range fw {
			if !fg[v] {
				fc.fn++
			}
		}
		if len(bad) > 0 {
			sort.Strings(bad)
			s.misses[f] = append(s.misses[f], t.ID+" "+t.Class+": "+strings.Join(bad, " | "))
		}
	}
	// Every personal value printed must be gone from the redacted text.
	text := key(strings.Join(redacted, "\n"))
	for _, v := range t.PersonalValues {
		if len([]rune(v)) < 5 {
			continue
		}
		if strings.Contains(text, key(v)) {
			s.leaks = append(s.leaks, t.ID+": "+v)
		}
	}
}

// micro is the F1 over every scored field's counts together.
func (s *scorer) micro() float64 {
	var all prf
	for _, f := range scoredFields {
		c := s.counts[f]
		all.tp, all.fp, all.fn = all.tp+c.tp, all.fp+c.fp, all.fn+c.fn
	}
	return all.f1()
}

// report logs the table and returns the fields below target.
func (s *scorer) report(t *testing.T, name string, target float64) []string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d documents, class accuracy %.3f, leaks %d\n", name, s.docs, ratio(s.classOK, s.docs), len(s.leaks))
	fmt.Fprintf(&b, "%-20s %5s %5s %5s %7s %7s %7s %9s\n", "field", "tp", "fp", "fn", "prec", "recall", "F1", "F1 folded")
	type row struct {
		f  string
		f1 float64
	}
	var rows []row
	var below []string
	for _, f := range scoredFields {
		c := s.counts[f]
		if c.tp+c.fp+c.fn == 0 {
			continue
		}
		fmt.Fprintf(&b, "%-20s %5d %5d %5d %7.3f %7.3f %7.3f %9.3f\n", f, c.tp, c.fp, c.fn, c.precision(), c.recall(), c.f1(), s.folded[f].f1())
		rows = append(rows, row{f, c.f1()})
		if c.f1() < target {
			below = append(below, fmt.Sprintf("%s (%.3f)", f, c.f1()))
		}
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].f1 < rows[j].f1 })
	fmt.Fprintf(&b, "worst fields:")
	for i := 0; i < len(rows) && i < 4; i++ {
		fmt.Fprintf(&b, " %s %.3f;", rows[i].f, rows[i].f1)
	}
	t.Log(b.String())
	if testing.Verbose() {
		for _, f := range append([]string{"class"}, scoredFields...) {
			for i, m := range s.misses[f] {
				if i >= 6 {
					break
				}
				t.Logf("miss %s: %s", f, m)
			}
		}
	}
	for _, l := range s.leaks {
		t.Errorf("%s: personal value left after redaction: %s", name, l)
	}
	return below
}

// TestAccuracyTruthText extracts fields from the generator's ground-truth
// page text (perfect OCR) for every class and checks the clean target.
func TestAccuracyTruthText(t *testing.T) {
	e := defaultEngine(t)
	docs, err := corpus.Generate(corpus.Options{Seed: 11, Documents: 90, SecretRatio: 0.15, PagesPerDoc: [2]int{1, 3}, DPI: 100})
	if err != nil {
		t.Fatalf("corpus: %v", err)
	}
	s := newScorer()
	for _, d := range docs {
		pages := make([]domain.Page, len(d.Truth.Pages))
		for i, p := range d.Truth.Pages {
			pages[i] = domain.Page{No: domain.PageNo(p.No), Text: p.Text}
		}
		r := s.extract(t, e, d.Truth, pages)
		if d.Truth.Secret != (r.QuarantineReason != "") {
			t.Errorf("%s: secret %v, quarantine %q", d.Truth.ID, d.Truth.Secret, r.QuarantineReason)
		}
	}
	if below := s.report(t, "truth text", cleanF1Target); len(below) > 0 {
		t.Errorf("fields below F1 %.2f on ground-truth text: %s", cleanF1Target, strings.Join(below, ", "))
	}
}

// TestAccuracyOCR renders a clean and a lightly degraded set of 60
// documents each, reads them with the pipeline's OCR engine and checks the
// per-field F1 targets of issue 4 (0.95 clean, 0.85 degraded), the F1 over
// all fields, classification, and that no personal value survives
// redaction. SOHOA_ACCURACY_DOCS, SOHOA_ACCURACY_SEED and
// SOHOA_ACCURACY_DEGRADE=heavy measure other corpora.
func TestAccuracyOCR(t *testing.T) {
	if testing.Short() {
		t.Skip("OCR accuracy needs Tesseract and about two minutes")
	}
	e := defaultEngine(t)
	n, judge := 60, true
	if raceDetector {
		// Rendering and degrading pages is pixel work in Go, about eight
		// times slower under the race detector. With -race a small set
		// checks the code paths, the floor and leaks; make test runs the
		// 60-document acceptance without -race as well (make accuracy).
		n, judge = 10, false
	}
	if v, err := strconv.Atoi(os.Getenv("SOHOA_ACCURACY_DOCS")); err == nil && v > 0 {
		n = v
	}
	// SOHOA_ACCURACY_DEGRADE=heavy measures the heavy scanner effects
	// instead of the light ones.
	degraded := corpus.DegradeLight
	if os.Getenv("SOHOA_ACCURACY_DEGRADE") == corpus.DegradeHeavy {
		degraded = corpus.DegradeHeavy
	}
	sets := []struct {
		name    string
		degrade string
		seed    int64
		target  float64
		floor   float64
	}{
		{"clean", corpus.DegradeNone, 21, cleanF1Target, 0.98},
		{"degraded", degraded, 22, degradedF1Target, 0.95},
	}
	// SOHOA_ACCURACY_SEED measures other corpora than the test's own.
	seedOffset, _ := strconv.ParseInt(os.Getenv("SOHOA_ACCURACY_SEED"), 10, 64)
	for _, set := range sets {
		set.seed += seedOffset
		t.Run(set.name, func(t *testing.T) {
			docs, err := corpus.Generate(corpus.Options{Seed: set.seed, Documents: n, Degrade: set.degrade, SecretRatio: 0.15})
			if err != nil {
				t.Fatalf("corpus: %v", err)
			}
			ocrd := ocrDocs(t, docs, set.name)
			s := newScorer()
			for i, d := range docs {
				r := s.extract(t, e, d.Truth, ocrd[i])
				if d.Truth.Secret && r.QuarantineReason == "" {
					t.Errorf("%s: secret document not quarantined", d.Truth.ID)
				}
			}
			// The acceptance: every field at or above the target.
			// A field with fewer than five values in the set is reported
			// but not judged (one error would swing its F1 by 0.1 or more).
			// Heavy degradation (SOHOA_ACCURACY_DEGRADE=heavy) is reported
			// against the same targets but not judged.
			below := s.report(t, set.name, set.target)
			var judged []string
			for _, b := range below {
				f := strings.Fields(b)[0]
				if c := s.counts[f]; c.tp+c.fn >= 5 {
					judged = append(judged, b)
				}
			}
			if len(below) > 0 {
				t.Logf("below the issue's F1 target %.2f on %s OCR: %s", set.target, set.name, strings.Join(below, ", "))
			}
			if len(judged) > 0 && set.degrade != corpus.DegradeHeavy && judge {
				t.Errorf("fields below the F1 target %.2f on %s OCR: %s", set.target, set.name, strings.Join(judged, ", "))
			}
			micro := s.micro()
			t.Logf("%s OCR: F1 over all fields %.3f (floor %.2f)", set.name, micro, set.floor)
			if micro < set.floor && set.degrade != corpus.DegradeHeavy {
				t.Errorf("F1 over all fields on %s OCR is %.3f, below the floor %.2f", set.name, micro, set.floor)
			}
			if acc := ratio(s.classOK, s.docs); acc < 0.9 {
				t.Errorf("classification accuracy %.3f on %s OCR, want at least 0.9", acc, set.name)
			}
			if len(s.leaks) > 0 {
				t.Errorf("personal values left after redaction on %s OCR: %v", set.name, s.leaks)
			}
			// Issue 14: values above the calibrated threshold (with no
			// reason) are right at least 97 % of the time.
			prec, share := s.calib.report(t, set.name, e.ConfidenceThreshold())
			if prec < precisionAboveTarget && set.degrade != corpus.DegradeHeavy && judge {
				t.Errorf("%s OCR: precision of fields above the confidence threshold %.2f is %.3f (share %.3f), want at least %.2f",
					set.name, e.ConfidenceThreshold(), prec, share, precisionAboveTarget)
			}
		})
	}
}

// ocrDocs reads every page with the pipeline's own OCR engine (internal/ocr:
// vie+eng, one Tesseract client per core, the marks pass on first pages), so
// the figures are those of the product. When SOHOA_OCR_CACHE names a
// directory, pages are cached there as JSON (for iterating on the extractor
// without re-running Tesseract).
func ocrDocs(t *testing.T, docs []corpus.Document, set string) [][]domain.Page {
	t.Helper()
	langs := []string{"vie", "eng"}
	if v := os.Getenv("SOHOA_ACCURACY_LANGS"); v != "" {
		langs = strings.Split(v, "+")
	}
	eng, err := ocr.New(ocr.Config{Workers: runtime.NumCPU(), Languages: langs})
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("ocr engine: %v", err)
		}
		t.Skipf("ocr engine: %v", err)
	}
	defer eng.Close()
	cache := os.Getenv("SOHOA_OCR_CACHE")
	out := make([][]domain.Page, len(docs))
	errs := make([][]error, len(docs))
	var wg sync.WaitGroup
	for i, d := range docs {
		out[i] = make([]domain.Page, len(d.Pages))
		errs[i] = make([]error, len(d.Pages))
		for j := range d.Pages {
			wg.Add(1)
			// The engine's client pool bounds how many pages are read at
			// once; these goroutines only wait for a client.
			go func() {
				defer wg.Done()
				out[i][j], errs[i][j] = ocrPage(eng, docs[i], j, cache)
			}()
		}
	}
	wg.Wait()
	for i := range errs {
		for j, err := range errs[i] {
			if err != nil {
				t.Fatalf("ocr (%s) %s page %d: %v", set, docs[i].Truth.ID, j+1, err)
			}
		}
	}
	return out
}

// ocrPage reads page j of d, from the cache directory when it has it.
func ocrPage(eng *ocr.Engine, d corpus.Document, j int, cache string) (domain.Page, error) {
	cached := ""
	if cache != "" {
		// The truth text is in the key: a changed generator must not
		// reuse stale pages.
		sum := sha256.Sum256([]byte(d.Truth.Pages[j].Text + d.Truth.Degrade + eng.Languages()))
		cached = filepath.Join(cache, fmt.Sprintf("%s-%s-%d-%x.json", d.Truth.Degrade, d.Truth.ID, j+1, sum[:6]))
		var p domain.Page
		if data, err := os.ReadFile(cached); err == nil && json.Unmarshal(data, &p) == nil {
			p.No = domain.PageNo(j + 1)
			p.Width, p.Height = d.Pages[j].Bounds().Dx(), d.Pages[j].Bounds().Dy()
			return p, nil
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, d.Pages[j]); err != nil {
		return domain.Page{}, err
	}
	p, err := eng.Recognize(context.Background(), buf.Bytes(), ocr.Options{Marks: j == 0})
	if err != nil {
		return domain.Page{}, err
	}
	// The OCR stage sets the page size from the split stage's image.
	p.No = domain.PageNo(j + 1)
	p.Width, p.Height = d.Pages[j].Bounds().Dx(), d.Pages[j].Bounds().Dy()
	if cached != "" {
		data, _ := json.MarshalIndent(p, "", " ")
		_ = os.WriteFile(cached, data, 0o644)
		_ = os.WriteFile(strings.TrimSuffix(cached, ".json")+".txt", []byte(p.Text+"\n--- marks\n"+p.Marks), 0o644)
	}
	return p, nil
}
