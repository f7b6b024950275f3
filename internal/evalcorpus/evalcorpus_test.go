package evalcorpus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/sohoa/sohoa/internal/domain"
	"github.com/sohoa/sohoa/internal/ocr"
	"github.com/sohoa/sohoa/internal/testenv"
)

var (
	tagRE  = regexp.MustCompile(`<[^>]*>`)
	spanRE = regexp.MustCompile(`</?span[^>]*>`)
)

// pageText is the visible text of a rendered page, tags removed.
func pageText(t *testing.T, b *builder) string {
	t.Helper()
	s, err := b.page.render(b.accentless)
	if err != nil {
		t.Fatal(err)
	}
	if i := strings.Index(s, "</style>"); i >= 0 {
		s = s[i:]
	}
	return strings.Join(strings.Fields(html.UnescapeString(tagRE.ReplaceAllString(spanRE.ReplaceAllString(s, ""), " "))), " ")
}

// TestCompose checks every document of both halves without rendering:
// personal values are printed, the class mix is the schedule's, and every
// layout feature occurs at least twice in each half.
func TestCompose(t *testing.T) {
	allFeats := []string{FeatVvLower, FeatVvUpper, FeatCopyTop, FeatCopyBottom, FeatReceivedStamp, FeatQuotedRef, FeatParentTwoLines,
		FeatHandwritten, FeatAnnexPeople, FeatTranslation, FeatAccentless, FeatSignPage2, FeatRecipientsSide, FeatLandLetter,
		FeatTableForm, FeatUrgency, FeatUnit2025, FeatCertified, FeatSignTL, FeatSignedNote}
	for _, half := range []string{HalfDev, HalfTest} {
		t.Run(half, func(t *testing.T) {
			feats := map[string]int{}
			classes := map[string]int{}
			for i := 0; i < 40; i++ {
				b, class := compose(half, i, Seed(half, i))
				classes[class]++
				text := pageText(t, b)
				if b.accentless {
					b.feat(FeatAccentless)
				}
				for f := range b.feats {
					feats[f]++
				}
				for _, v := range b.personal {
					if b.accentless {
						v = fold(v)
					}
					// Names printed in capitals are listed in both forms.
					if !strings.Contains(strings.ToUpper(text), strings.ToUpper(v)) {
						t.Errorf("%s %d (%s): personal value %q not printed", half, i, class, v)
					}
				}
				for _, f := range []string{"doc_number", "signer_name", "cccd", "parcel_no", "certificate_serial", "signer_position"} {
					for _, v := range b.fields[f] {
						if b.accentless {
							v = fold(v)
						}
						if !strings.Contains(strings.ToLower(text), strings.ToLower(v)) {
							t.Errorf("%s %d (%s): %s %q not printed", half, i, class, f, v)
						}
					}
				}
				if class != "generic" && (len(b.fields["doc_type"]) != 1 || len(b.fields["issuer"]) != 1 || len(b.fields["issued_date"]) != 1) {
					t.Errorf("%s %d (%s): doc_type, issuer and issued_date must have one value: %v", half, i, class, b.fields)
				}
			}
			for _, f := range allFeats {
				if feats[f] < 2 {
					t.Errorf("%s half: feature %s occurs %d times, want at least 2", half, f, feats[f])
				}
			}
			t.Logf("%s classes: %v", half, classes)
			t.Logf("%s features: %v", half, feats)
		})
	}
}

// generate renders documents; a missing Chromium or Poppler skips, or fails
// under CI.
func generate(t *testing.T, o Options) []Document {
	t.Helper()
	docs, err := Generate(context.Background(), o)
	if errors.Is(err, ErrNoChromium) || errors.Is(err, ErrNoPoppler) {
		testenv.Missing(t, err.Error())
	}
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

// TestRender renders three documents without the cache and checks that the
// pages are A4 at DPI and that the same seed gives the same truth.
func TestRender(t *testing.T) {
	if testing.Short() {
		t.Skip("renders with Chromium")
	}
	docs := generate(t, Options{Half: HalfDev, Documents: 3, CacheDir: "-"})
	for _, d := range docs {
		if len(d.Pages) == 0 || len(d.Pages) != len(d.Truth.Pages) {
			t.Fatalf("%s: %d pages, %d page truths", d.Truth.ID, len(d.Pages), len(d.Truth.Pages))
		}
		b := d.Pages[0].Bounds()
		if w := b.Dx(); w < 8*DPI || w > 9*DPI {
			t.Errorf("%s: page width %d px at %d dpi is not A4", d.Truth.ID, w, DPI)
		}
		if !strings.Contains(d.Truth.Pages[0].Text, "CỘNG HÒA") && !strings.Contains(d.Truth.Pages[0].Text, "REPUBLIC") {
			t.Errorf("%s: page text lacks the motto: %q", d.Truth.ID, d.Truth.Pages[0].Text)
		}
	}
	if dir := os.Getenv("SOHOA_EVAL_PNG"); dir != "" {
		for _, d := range docs {
			for j, p := range d.Pages {
				f, _ := os.Create(filepath.Join(dir, fmt.Sprintf("%s-%d.png", d.Truth.ID, j+1)))
				_ = png.Encode(f, p)
				f.Close()
			}
		}
	}
}

// evalDoc is the format of internal/extract's evaluation directories
// (internal/extract/evaldir_test.go).
type evalDoc struct {
	Half        string        `json:"half"`
	Truth       any           `json:"truth"`
	Pages       []domain.Page `json:"pages"`
	Handwritten []string      `json:"handwritten,omitempty"`
	Features    []string      `json:"features,omitempty"`
}

// TestWriteEval generates a half (SOHOA_EVAL_HALF, default dev; "all" for
// both), reads it with the product's OCR and writes one JSON per document
// to SOHOA_EVAL_OUT:
//
//	SOHOA_EVAL_OUT=/work/wt/evaldata SOHOA_EVAL_HALF=dev go test -run TestWriteEval -timeout 60m ./internal/evalcorpus
func TestWriteEval(t *testing.T) {
	out := os.Getenv("SOHOA_EVAL_OUT")
	if out == "" {
		t.Skip("SOHOA_EVAL_OUT names the directory to write OCR'd documents to")
	}
	halves := []string{os.Getenv("SOHOA_EVAL_HALF")}
	switch halves[0] {
	case "":
		halves = []string{HalfDev}
	case "all":
		halves = []string{HalfDev, HalfTest}
	}
	n := 40
	if v := os.Getenv("SOHOA_EVAL_DOCS"); v != "" {
		fmt.Sscan(v, &n)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	eng, err := ocr.New(ocr.Config{Workers: runtime.NumCPU(), Languages: []string{"vie", "eng"}})
	if err != nil {
		testenv.Missing(t, "tesseract: "+err.Error())
	}
	defer eng.Close()
	for _, half := range halves {
		start := time.Now()
		docs := generate(t, Options{Half: half, Documents: n})
		gen := time.Since(start)
		pages, err := OCR(context.Background(), eng, docs, DefaultCacheDir())
		if err != nil {
			t.Fatal(err)
		}
		np := 0
		for i, d := range docs {
			np += len(d.Pages)
			data, err := json.MarshalIndent(evalDoc{Half: half, Truth: d.Truth, Pages: pages[i], Handwritten: d.Handwritten, Features: d.Features}, "", " ")
			if err != nil {
				t.Fatal(err)
			}
			// Atomic: helpers may be reading the directory.
			if err := writeAtomic(filepath.Join(out, d.Truth.ID+".json"), data); err != nil {
				t.Fatal(err)
			}
		}
		t.Logf("%s: %d documents, %d pages, generated in %s, OCR'd in %s; written to %s", half, len(docs), np, gen.Round(time.Second), (time.Since(start) - gen).Round(time.Second), out)
		t.Log(Summary(docs))
	}
}
