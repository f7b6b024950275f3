// Package corpus generates a deterministic test corpus of scanned-looking
// Vietnamese records with known text.
//
// Generate renders administrative documents laid out like Nghị định
// 30/2020/NĐ-CP (quyết định, công văn, tờ trình, thông báo, báo cáo, kế hoạch,
// Party documents), land-use right certificates and birth-registration
// extracts on A4 pages, with Vietnamese text in NFC and realistic but
// invented personal data (names, 12-digit CCCD with valid province and
// century digits, 9-digit CMND, addresses, phone numbers). It can stamp
// documents MẬT / TỐI MẬT / TUYỆT MẬT and KHẨN / THƯỢNG KHẨN / HỎA TỐC, and
// degrade pages like a scanner (skew, quarter turns, paper tone, uneven
// light, blur, noise, dust, JPEG artefacts).
//
// Every document comes with its ground truth (Truth): the exact text of each
// page (the rendered lines joined with "\n"), the canonical fields of
// API.md, and every personal value printed, so that OCR accuracy (CER, WER),
// field extraction and leak tests can be measured against it.
//
// The same Options always produce byte-identical images and files. Fonts
// come from the system: Liberation Serif 2 (Debian fonts-liberation2; the
// 1.x files of fonts-liberation lack Vietnamese letters and are skipped),
// DejaVu Serif and Noto Serif. Which families are installed decides which
// are drawn, so corpora are identical across machines with the same fonts.
//
// Generate returns all documents; Stream hands them over one at a time for
// corpora too large for memory (a 300-dpi page is about 9 MB).
//
// Writers: WritePDF (image-only PDF, one JPEG page image per page), WriteTIFF
// (multi-page, deflate), WritePNG and WriteJPEG (with resolution metadata),
// WriteDocument and WriteIndex, and WriteCorpus for a directory of files,
// truth JSON ("doc-0001.pdf.json") and index.json. CER and WER measure OCR
// output against Truth page texts. The command cmd/sohoa-corpus wraps them:
//
//	go run ./cmd/sohoa-corpus -out /tmp/corpus -n 20 -pages 1,3 -degrade light -formats pdf,tiff,png
//
// Typical use in a test:
//
//	docs, err := corpus.Generate(corpus.Options{Seed: 1, Documents: 2, PagesPerDoc: [2]int{3, 3}})
//	...
//	var buf bytes.Buffer
//	err = corpus.WritePDF(&buf, docs[0].Pages, docs[0].Truth.DPI)
package corpus

import (
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"time"

	"golang.org/x/text/unicode/norm"
)

// Options configures Generate. The zero value (after Documents is set)
// gives 300-dpi greyscale, undegraded, one-page documents of every class.
type Options struct {
	// Seed selects the corpus; the same Options give identical output.
	Seed int64
	// Documents is the number of documents (default 1).
	Documents int
	// PagesPerDoc is the inclusive range of pages per document
	// (default {1, 1}). Form classes fill extra pages with their
	// change-history sections.
	PagesPerDoc [2]int
	// Classes restricts the document classes (see Classes); empty = all.
	Classes []string
	// DPI is the page resolution (default 300; 200 is also common).
	DPI int
	// Degrade is "none" (default), "light" or "heavy".
	Degrade string
	// SecretRatio is the probability that an administrative or Party
	// document carries a secrecy stamp (default 0).
	SecretRatio float64
	// Color renders RGB pages with red stamps and tinted paper instead of
	// greyscale (default false).
	Color bool
	// MaxSkewDeg bounds the skew of heavy degradation in degrees (light
	// uses half of it); default 3.
	MaxSkewDeg float64
	// RotateRatio is the probability that a degraded page is turned by
	// 90, 180 or 270 degrees (default 0).
	RotateRatio float64
	// Fonts restricts the font families (see FontFamilies); empty = every
	// installed one.
	Fonts []string
}

// Truth is the ground truth of one document, as written to its JSON file.
type Truth struct {
	ID           string      `json:"id"`
	File         string      `json:"file,omitempty"`   // set by WriteCorpus: the document file (first page for PNG/JPEG)
	Files        []string    `json:"files,omitempty"`  // set by WriteCorpus for per-page formats
	Format       string      `json:"format,omitempty"` // pdf, tiff, png or jpeg; set by WriteCorpus
	Class        string      `json:"class"`
	PipelineHint string      `json:"pipeline_hint"`
	Font         string      `json:"font"`
	DPI          int         `json:"dpi"`
	Pages        []PageTruth `json:"pages"`
	// Fields maps canonical field names (API.md) to values: dates ISO
	// (birth_dates may hold a bare year), area_m2 with a decimal point,
	// doc_number as printed ("05"), subject without "V/v"/"Về việc",
	// person_names in Vietnamese capitalisation.
	Fields map[string][]string `json:"fields"`
	// PersonalValues lists every personal string exactly as printed
	// (names also in their ordinary capitalisation when printed in
	// capitals). Bare birth years are not listed: they are not unique
	// enough to search for.
	PersonalValues []string `json:"personal_values"`
	Secret         bool     `json:"secret"`
	Degrade        string   `json:"degrade"`
}

// PageTruth is the known content of one page.
type PageTruth struct {
	No   int    `json:"no"`
	Text string `json:"text"`
	// Rotation is the quarter turn applied to the scan, clockwise degrees
	// (0, 90, 180, 270); SkewDeg the small rotation (counter-clockwise).
	Rotation int     `json:"rotation"`
	SkewDeg  float64 `json:"skew_deg"`
}

// Text returns the text of all pages joined with "\n\n".
func (t Truth) Text() string {
	s := ""
	for i, p := range t.Pages {
		if i > 0 {
			s += "\n\n"
		}
		s += p.Text
	}
	return s
}

// Document is a generated document: its truth and page images
// (*image.Gray, or *image.RGBA when Options.Color is set).
type Document struct {
	Truth Truth
	Pages []image.Image
}

func (o Options) withDefaults() (Options, error) {
	if o.Documents == 0 {
		o.Documents = 1
	}
	if o.DPI == 0 {
		o.DPI = 300
	}
	if o.Degrade == "" {
		o.Degrade = DegradeNone
	}
	if o.PagesPerDoc == [2]int{} {
		o.PagesPerDoc = [2]int{1, 1}
	}
	if o.PagesPerDoc[1] < o.PagesPerDoc[0] {
		o.PagesPerDoc[1] = o.PagesPerDoc[0]
	}
	if o.MaxSkewDeg == 0 {
		o.MaxSkewDeg = 3
	}
	var problems []string
	if o.Documents < 0 {
		problems = append(problems, fmt.Sprintf("documents %d < 0", o.Documents))
	}
	if o.PagesPerDoc[0] < 1 || o.PagesPerDoc[1] > 500 {
		problems = append(problems, fmt.Sprintf("pages per document %v outside 1..500", o.PagesPerDoc))
	}
	if o.DPI < 72 || o.DPI > 1200 {
		problems = append(problems, fmt.Sprintf("dpi %d outside 72..1200", o.DPI))
	}
	if o.Degrade != DegradeNone && o.Degrade != DegradeLight && o.Degrade != DegradeHeavy {
		problems = append(problems, fmt.Sprintf("degrade %q is not none, light or heavy", o.Degrade))
	}
	if o.SecretRatio < 0 || o.SecretRatio > 1 || o.RotateRatio < 0 || o.RotateRatio > 1 {
		problems = append(problems, "secret and rotate ratios must lie in [0, 1]")
	}
	if o.MaxSkewDeg < 0 || o.MaxSkewDeg > 45 {
		problems = append(problems, fmt.Sprintf("max skew %.1f outside 0..45 degrees", o.MaxSkewDeg))
	}
	for _, c := range o.Classes {
		if !contains(Classes(), c) {
			problems = append(problems, fmt.Sprintf("unknown class %q (known: %v)", c, Classes()))
		}
	}
	if len(problems) > 0 {
		return o, fmt.Errorf("corpus options: %v", problems)
	}
	if len(o.Classes) == 0 {
		o.Classes = Classes()
	}
	return o, nil
}

// docPlan is a document laid out and ready to render.
type docPlan struct {
	fam   *fontFamily
	geom  pageGeom
	pages []layoutPage
}

// Generate renders opts.Documents documents and returns them all. It is
// deterministic: the same Options produce the same truth and identical
// pixels. Pages are rendered in parallel on all CPUs. A 300-dpi greyscale
// page takes about 9 MB of memory; use Stream for large corpora. Safe for
// concurrent use.
func Generate(opts Options) ([]Document, error) {
	var docs []Document
	err := Stream(opts, func(d Document) error {
		docs = append(docs, d)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return docs, nil
}

// Stream renders the same documents as Generate with the same Options, and
// hands them to fn one at a time, in order, holding only a few documents in
// memory. It stops at the first error from fn and returns it. Safe for
// concurrent use; fn is called from the calling goroutine.
func Stream(opts Options, fn func(Document) error) error {
	opts, err := opts.withDefaults()
	if err != nil {
		return err
	}
	fams, err := loadFamilies(opts.Fonts)
	if err != nil {
		return err
	}
	seed := uint64(opts.Seed)
	// Planning is cheap and sequential (citizens must be unique across the
	// corpus); rendering runs in groups of documents with enough pages to
	// keep every CPU busy.
	ppl := newPeople(nil)
	docs := make([]Document, opts.Documents)
	plans := make([]docPlan, opts.Documents)
	measure := map[*fontFamily]*faceSet{}
	for i := range docs {
		rng := rand.New(rand.NewPCG(seed, uint64(i)*2+1))
		ppl.rng = rng
		fam := fams[rng.IntN(len(fams))]
		if measure[fam] == nil {
			measure[fam] = newFaceSet(fam, opts.DPI)
		}
		truth, plan, err := planDoc(rng, ppl, opts, fam, measure[fam])
		if err != nil {
			return fmt.Errorf("document %d: %w", i+1, err)
		}
		truth.ID = fmt.Sprintf("doc-%04d", i+1)
		docs[i] = Document{Truth: truth, Pages: make([]image.Image, len(plan.pages))}
		plans[i] = plan
	}
	workers := min(runtime.GOMAXPROCS(0), 8)
	for start := 0; start < len(docs); {
		end, pages := start, 0
		for end < len(docs) && (end == start || pages < 2*workers) {
			pages += len(plans[end].pages)
			end++
		}
		if err := renderAll(opts, seed, docs[start:end], plans[start:end], start, workers); err != nil {
			return err
		}
		for i := start; i < end; i++ {
			if err := fn(docs[i]); err != nil {
				return err
			}
			docs[i] = Document{} // let the pages go
			plans[i] = docPlan{}
		}
		start = end
	}
	return nil
}

// planDoc composes a document, fills it to its page count and records its truth.
func planDoc(rng *rand.Rand, ppl *people, opts Options, fam *fontFamily, fs *faceSet) (Truth, docPlan, error) {
	class := opts.Classes[rng.IntN(len(opts.Classes))]
	b := &builder{rng: rng, ppl: ppl, class: class, fields: map[string][]string{}, colour: opts.Color, secretP: opts.SecretRatio}
	if class == ClassLandCertificate || class == ClassBirthExtract {
		b.secretP = 0
	}
	b.date = time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(3650))
	b.body = pick(rng, []float64{13, 13, 13.5, 14})
	b.head = pick(rng, []float64{12, 13})
	dpi := float64(opts.DPI)
	mm := func(v float64) int { return int(math.Round(v / 25.4 * dpi)) }
	g := pageGeom{
		dpi: dpi, w: mm(210), h: mm(297),
		top: mm(20 + rng.Float64()*5), bottom: mm(20 + rng.Float64()*5),
		left: mm(30 + rng.Float64()*5), right: mm(15 + rng.Float64()*5),
		spacing: 1.2 + rng.Float64()*0.15,
	}
	c := b.compose()
	want := opts.PagesPerDoc[0] + rng.IntN(opts.PagesPerDoc[1]-opts.PagesPerDoc[0]+1)
	lay := &layouter{g: g, fs: fs, pageNo: c.pageNumbers, numSz: b.body}
	run := func(body []block) ([]layoutPage, error) {
		all := make([]block, 0, len(c.front)+len(body)+len(c.closing))
		all = append(append(append(all, c.front...), body...), c.closing...)
		return lay.layout(all)
	}
	var body []block
	var st bodyState
	pages, err := run(nil)
	if err != nil {
		return Truth{}, docPlan{}, err
	}
	// Forms (certificates, extracts) have change-history sections only
	// when they run over several pages.
	fill := !(want == 1 && (class == ClassLandCertificate || class == ClassBirthExtract))
	for misses, tries := 0, 0; fill && len(pages) <= want && misses < 3 && tries < 5000; tries++ {
		next := st
		cand := append(append([]block{}, body...), c.next(&next, misses > 0)...)
		if c.finish != nil {
			c.finish(next)
		}
		p, err := run(cand)
		if err != nil {
			return Truth{}, docPlan{}, err
		}
		if len(p) > want {
			misses++
			continue
		}
		body, st, pages = cand, next, p
	}
	if c.finish != nil {
		c.finish(st)
	}
	if pages, err = run(body); err != nil {
		return Truth{}, docPlan{}, err
	}
	t := Truth{
		Class: class, PipelineHint: PipelineHint(class), Font: fam.name, DPI: opts.DPI,
		Fields: b.fields, PersonalValues: b.personal, Secret: b.secret, Degrade: opts.Degrade,
	}
	if t.PersonalValues == nil {
		t.PersonalValues = []string{}
	}
	for i, p := range pages {
		t.Pages = append(t.Pages, PageTruth{No: i + 1, Text: norm.NFC.String(p.text())})
	}
	return t, docPlan{fam: fam, geom: g, pages: pages}, nil
}

// renderAll renders and degrades every page of docs (documents base+1 ...
// of the corpus) on workers goroutines.
func renderAll(opts Options, seed uint64, docs []Document, plans []docPlan, base, workers int) error {
	type job struct{ d, p int }
	jobs := make(chan job)
	var mu sync.Mutex
	var firstErr error
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if firstErr == nil {
			firstErr = err
		}
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sets := map[*fontFamily]*faceSet{} // faces are not safe for concurrent use
			for j := range jobs {
				pl := plans[j.d]
				fs := sets[pl.fam]
				if fs == nil {
					fs = newFaceSet(pl.fam, opts.DPI)
					sets[pl.fam] = fs
				}
				c, err := render(pl.geom, fs, pl.pages[j.p], opts.Color)
				if err != nil {
					fail(fmt.Errorf("document %d page %d: %w", base+j.d+1, j.p+1, err))
					continue
				}
				rng := rand.New(rand.NewPCG(seed^0x5eed5eed, uint64(base+j.d)<<20|uint64(j.p)))
				dp := drawDegrade(rng, opts.Degrade, opts.MaxSkewDeg, opts.RotateRatio, opts.DPI)
				img, err := degrade(c.image(), dp, rng)
				if err != nil {
					fail(fmt.Errorf("document %d page %d: %w", base+j.d+1, j.p+1, err))
					continue
				}
				docs[j.d].Pages[j.p] = img
				docs[j.d].Truth.Pages[j.p].Rotation = dp.quarter * 90
				docs[j.d].Truth.Pages[j.p].SkewDeg = math.Round(dp.skewDeg*100) / 100
			}
		}()
	}
	for d := range docs {
		for p := range plans[d].pages {
			jobs <- job{d, p}
		}
	}
	close(jobs)
	wg.Wait()
	return firstErr
}
