// Package evalcorpus generates an evaluation corpus of Vietnamese
// administrative records by a different method from internal/corpus, so
// that the extractor can be measured on documents it was not tuned on.
//
// Each document is an HTML page (Go html/template, templates/doc.html)
// filled from this package's own vocabulary (other provinces, agencies,
// names and wording), printed to PDF by headless Chromium, rasterised by
// Poppler's pdftoppm and degraded in Go by its own route (JPEG round trip,
// blur, ink spread, speckle, uneven light, small rotation, bilevel pages,
// a phone-photo style with a grey surround and shear). Layouts the first
// generator lacks are drawn: NĐ 30 headers in real proportions with parent
// bodies on two lines, lower-case "v/v", certified-copy blocks (SAO Y,
// BẢN SAO) with their own number, received stamps over the header, subjects
// quoting other documents, numbers and days filled in by hand, annexes
// listing people, English translations of civil-status records with
// accentless names, documents typed without diacritics, signatures on the
// second page, recipients beside the signature, official letters about
// land, table-form land certificates and birth extracts, citizens'
// petitions, a commune's certification of copies, TL. signatures and
// "(Đã ký)" on electronic copies. Document.Features lists what each
// document drew; Summary counts them.
//
// The corpus is split by seed into a development half (seeds 1000+i) and a
// test half (seeds 2000+i). The same seed gives the same document. Rendered
// pages are cached under Options.CacheDir keyed by Version and seed.
package evalcorpus

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/sohoa/sohoa/internal/corpus"
)

// Version names the generator's output; bump it when a change alters the
// documents, so cached pages are not reused.
const Version = "e3"

// Halves of the corpus.
const (
	HalfDev  = "dev"
	HalfTest = "test"
)

// DPI is the resolution pages are rasterised at.
const DPI = 200

// Options selects a part of the corpus.
type Options struct {
	// Half is HalfDev or HalfTest.
	Half string
	// Documents is the number of documents (default 40).
	Documents int
	// CacheDir holds rendered pages (default: SOHOA_EVAL_CACHE, else
	// os.UserCacheDir()/sohoa/evalcorpus). "-" disables the cache.
	CacheDir string
	// Chromium is the browser binary (default: found on PATH).
	Chromium string
}

// Document is one generated document.
type Document struct {
	Half  string
	Seed  int64
	Truth corpus.Truth
	Pages []image.Image
	// Handwritten names the fields whose values were written by hand.
	Handwritten []string
	// Features are the layout features drawn (Feat* constants).
	Features []string
}

// Seed is the seed of document i of a half.
func Seed(half string, i int) int64 {
	if half == HalfTest {
		return 2000 + int64(i)
	}
	return 1000 + int64(i)
}

// schedule is the class of each document in a cycle of 40, so every half
// has the same mix. "official_letter_land" is an official letter about land.
var schedule = []string{
	"decision", "official_letter", "land_certificate", "notice", "official_letter_land", "report", "birth_extract", "party",
	"submission", "official_letter", "decision", "plan", "civil_status_other", "other_administrative", "official_letter", "land_certificate",
	"birth_extract_en", "notice", "party", "decision", "official_letter_land", "submission", "report", "other_administrative",
	"official_letter", "land_certificate", "birth_extract", "decision", "notice", "plan", "party", "civil_status_other",
	"official_letter_land", "report", "submission", "land_certificate", "birth_extract_en", "decision", "official_letter", "generic",
}

// DefaultCacheDir is where rendered pages are cached by default.
func DefaultCacheDir() string {
	if d := os.Getenv("SOHOA_EVAL_CACHE"); d != "" {
		return d
	}
	d, err := os.UserCacheDir()
	if err != nil {
		d = os.TempDir()
	}
	return filepath.Join(d, "sohoa", "evalcorpus")
}

// Generate renders the documents of a half (from the cache when present).
func Generate(ctx context.Context, o Options) ([]Document, error) {
	if o.Half != HalfDev && o.Half != HalfTest {
		return nil, fmt.Errorf("evalcorpus: half %q is not %q or %q", o.Half, HalfDev, HalfTest)
	}
	if o.Documents == 0 {
		o.Documents = 40
	}
	if o.CacheDir == "" {
		o.CacheDir = DefaultCacheDir()
	}
	var r *renderer
	defer func() {
		if r != nil {
			r.close()
		}
	}()
	out := make([]Document, 0, o.Documents)
	for i := 0; i < o.Documents; i++ {
		seed := Seed(o.Half, i)
		dir := ""
		if o.CacheDir != "-" {
			dir = filepath.Join(o.CacheDir, Version, fmt.Sprint(seed))
			if d, err := loadCached(dir); err == nil {
				d.Half = o.Half
				out = append(out, d)
				continue
			}
		}
		if r == nil {
			var err error
			if r, err = newRenderer(ctx, o.Chromium); err != nil {
				return nil, err
			}
		}
		d, err := generateOne(ctx, r, o.Half, i, seed)
		if err != nil {
			return nil, fmt.Errorf("evalcorpus: document %d (seed %d): %w", i, seed, err)
		}
		if dir != "" {
			if err := saveCached(dir, d); err != nil {
				return nil, err
			}
		}
		out = append(out, d)
	}
	return out, nil
}

// compose builds the page description and truth of a seed.
func compose(half string, i int, seed int64) (*builder, string) {
	kind := schedule[i%len(schedule)]
	class := kind
	switch kind {
	case "official_letter_land":
		class = "official_letter"
	case "birth_extract_en":
		class = "birth_extract"
	}
	b := newBuilder(seed, class)
	b.force = forced[i%len(forced)]
	switch kind {
	case "official_letter_land":
		b.admin(true)
	case "land_certificate":
		b.landCertificate()
	case "birth_extract":
		b.birthExtract()
	case "birth_extract_en":
		b.englishTranslation(false)
	case "civil_status_other":
		b.englishTranslation(true)
	case "party":
		b.party()
	case "generic":
		b.petition()
	default:
		b.admin(false)
	}
	if b.feats[FeatTranslation] || b.accentless {
		b.page.Font = pick(b.r, []string{"Liberation Sans", "DejaVu Sans", "Liberation Serif"})
	}
	return b, class
}

func generateOne(ctx context.Context, r *renderer, half string, i int, seed int64) (Document, error) {
	b, class := compose(half, i, seed)
	html, err := b.page.render(b.accentless)
	if err != nil {
		return Document{}, err
	}
	if b.accentless {
		b.feat(FeatAccentless)
		for f, vs := range b.fields {
			if f == "doc_type" { // the class's type word, not printed text
				continue
			}
			for j, v := range vs {
				vs[j] = fold(v)
			}
			b.fields[f] = vs
		}
		for j, v := range b.personal {
			b.personal[j] = fold(v)
		}
	}
	pdf, err := r.print(ctx, html)
	if err != nil {
		return Document{}, err
	}
	imgs, texts, err := rasterise(ctx, pdf, DPI)
	if err != nil {
		return Document{}, err
	}
	style := pickDegrade(b.r)
	tr := corpus.Truth{ID: fmt.Sprintf("eval-%s-%04d", half, seed), Class: class, PipelineHint: pipelineOf(class), Font: b.page.Font,
		DPI: DPI, Fields: b.fields, PersonalValues: b.personal, Secret: len(b.fields["secrecy"]) > 0, Degrade: style}
	pages := make([]image.Image, len(imgs))
	for j, im := range imgs {
		g, skew := degrade(im, style, seed*31+int64(j))
		pages[j] = g
		tr.Pages = append(tr.Pages, corpus.PageTruth{No: j + 1, Text: texts[j], SkewDeg: skew})
	}
	var feats []string
	for f := range b.feats {
		feats = append(feats, f)
	}
	sort.Strings(feats)
	hand := slices.Compact(slices.Sorted(slices.Values(b.hand)))
	return Document{Half: half, Seed: seed, Truth: tr, Pages: pages, Handwritten: hand, Features: feats}, nil
}

func pipelineOf(class string) string {
	switch class {
	case "land_certificate":
		return "land"
	case "birth_extract", "civil_status_other":
		return "civil_status"
	case "generic":
		return "generic"
	}
	return "administrative"
}

// cached is the metadata file of a cached document.
type cached struct {
	Truth       corpus.Truth `json:"truth"`
	Handwritten []string     `json:"handwritten,omitempty"`
	Features    []string     `json:"features,omitempty"`
	Seed        int64        `json:"seed"`
}

func loadCached(dir string) (Document, error) {
	data, err := os.ReadFile(filepath.Join(dir, "doc.json"))
	if err != nil {
		return Document{}, err
	}
	var c cached
	if err := json.Unmarshal(data, &c); err != nil {
		return Document{}, err
	}
	d := Document{Seed: c.Seed, Truth: c.Truth, Handwritten: c.Handwritten, Features: c.Features}
	for j := range c.Truth.Pages {
		f, err := os.Open(filepath.Join(dir, fmt.Sprintf("page-%d.png", j+1)))
		if err != nil {
			return Document{}, err
		}
		im, err := png.Decode(f)
		f.Close()
		if err != nil {
			return Document{}, err
		}
		d.Pages = append(d.Pages, im)
	}
	if len(d.Pages) == 0 {
		return Document{}, errors.New("no pages")
	}
	return d, nil
}

func saveCached(dir string, d Document) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("evalcorpus: cache: %w", err)
	}
	for j, im := range d.Pages {
		var b bytes.Buffer
		if err := png.Encode(&b, im); err != nil {
			return fmt.Errorf("evalcorpus: cache: %w", err)
		}
		if err := writeAtomic(filepath.Join(dir, fmt.Sprintf("page-%d.png", j+1)), b.Bytes()); err != nil {
			return err
		}
	}
	data, err := json.MarshalIndent(cached{Truth: d.Truth, Handwritten: d.Handwritten, Features: d.Features, Seed: d.Seed}, "", " ")
	if err != nil {
		return err
	}
	// doc.json last: its presence marks a complete entry.
	return writeAtomic(filepath.Join(dir, "doc.json"), data)
}

// writeAtomic writes through a temporary file and a rename, so another
// process reading the shared cache never sees half a file.
func writeAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("evalcorpus: cache: %w", err)
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("evalcorpus: cache: %w", err)
	}
	return nil
}

// Summary counts classes, features and degradation styles of documents.
func Summary(docs []Document) string {
	classes, feats, styles := map[string]int{}, map[string]int{}, map[string]int{}
	for _, d := range docs {
		classes[d.Truth.Class]++
		styles[d.Truth.Degrade]++
		for _, f := range d.Features {
			feats[f]++
		}
	}
	var b strings.Builder
	for _, m := range []struct {
		name string
		m    map[string]int
	}{{"classes", classes}, {"features", feats}, {"degradation", styles}} {
		keys := make([]string, 0, len(m.m))
		for k := range m.m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		fmt.Fprintf(&b, "%s:", m.name)
		for _, k := range keys {
			fmt.Fprintf(&b, " %s %d;", k, m.m[k])
		}
		b.WriteString("\n")
	}
	return b.String()
}
