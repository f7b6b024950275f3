package pdfa

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/unicode/norm"

	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/corpus"
	"github.com/sohoa/sohoa/internal/domain"
	"github.com/sohoa/sohoa/internal/ocr"
	"github.com/sohoa/sohoa/internal/omp"
)

func TestMain(m *testing.M) {
	if err := omp.EnsureThreadLimit(); err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}

// needTool returns the path of a command; under CI=true a missing one fails.
func needTool(t testing.TB, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not found (Debian package %s)", name, pkg)
		}
		t.Skipf("%s not found (Debian package %s)", name, pkg)
	}
	return p
}

// normText folds whitespace runs to one space and composes to NFC, so the
// OCR text (words and newlines) and pdftotext's output compare by content.
func normText(s string) string {
	return strings.Join(strings.Fields(norm.NFC.String(s)), " ")
}

// pdftotext extracts one page in content-stream order (-raw), the order
// the text layer was written in, or in poppler's layout order.
func pdftotext(t testing.TB, file string, page int, raw bool) string {
	t.Helper()
	bin := needTool(t, "pdftotext", "poppler-utils")
	args := []string{"-f", fmt.Sprint(page), "-l", fmt.Sprint(page), "-enc", "UTF-8", file, "-"}
	if raw {
		args = append([]string{"-raw"}, args...)
	}
	out, err := exec.Command(bin, args...).Output()
	if err != nil {
		t.Fatalf("pdftotext %s page %d: %v", file, page, err)
	}
	return string(out)
}

// verapdf runs deploy/verapdf/verapdf.sh on files and returns its report.
// Without Java/Maven/network it skips, or fails under CI=true.
func verapdf(t testing.TB, files ...string) {
	t.Helper()
	script, err := filepath.Abs("../../deploy/verapdf/verapdf.sh")
	if err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(script, "classpath").CombinedOutput(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("veraPDF cannot run: %v\n%s", err, out)
		}
		t.Skipf("veraPDF cannot run: %v\n%s", err, out)
	}
	args := append([]string{"--flavour", "2b", "--format", "text"}, files...)
	out, err := exec.Command(script, args...).CombinedOutput()
	if err != nil {
		// Re-run the failing ones with the detailed report for the log.
		detail, _ := exec.Command(script, append([]string{"--flavour", "2b", "--format", "xml"}, files...)...).CombinedOutput()
		t.Fatalf("veraPDF PDF/A-2b: %v\n%s\n%s", err, out, failedRules(string(detail)))
	}
	t.Logf("veraPDF PDF/A-2b:\n%s", out)
}

// failedRules keeps the failed-rule lines of a veraPDF XML report.
func failedRules(xml string) string {
	var keep []string
	for _, l := range strings.Split(xml, "\n") {
		if strings.Contains(l, `status="failed"`) || strings.Contains(l, "<description>") || strings.Contains(l, "<context>") {
			keep = append(keep, strings.TrimSpace(l))
		}
	}
	if len(keep) > 60 {
		keep = keep[:60]
	}
	return strings.Join(keep, "\n")
}

// TestSearchablePDFA is the acceptance test: generated documents (grey
// PNG and colour JPEG scans, several classes, light degradation) are read
// by real Tesseract, written as PDF/A, and then pdftotext must give back
// the OCR text of every page and veraPDF must pass every file as PDF/A-2b.
func TestSearchablePDFA(t *testing.T) {
	if testing.Short() {
		t.Skip("OCR and veraPDF")
	}
	needTool(t, "pdftotext", "poppler-utils")
	type input struct {
		name   string
		opts   corpus.Options
		encode func(image.Image, int) ([]byte, error)
	}
	encPNG := func(m image.Image, dpi int) ([]byte, error) {
		var b bytes.Buffer
		err := corpus.WritePNG(&b, m, dpi)
		return b.Bytes(), err
	}
	encJPEG := func(m image.Image, dpi int) ([]byte, error) {
		var b bytes.Buffer
		err := corpus.WriteJPEG(&b, m, dpi, 85)
		return b.Bytes(), err
	}
	inputs := []input{
		{"grey-png", corpus.Options{Seed: 31, Documents: 3, PagesPerDoc: [2]int{1, 2}, Degrade: corpus.DegradeLight,
			Classes: []string{corpus.ClassDecision, corpus.ClassLandCertificate, corpus.ClassBirthExtract}}, encPNG},
		{"colour-jpeg", corpus.Options{Seed: 32, Documents: 2, Color: true,
			Classes: []string{corpus.ClassOfficialLetter, corpus.ClassLandCertificate}}, encJPEG},
		{"heavy-200dpi-jpeg", corpus.Options{Seed: 33, Documents: 5, DPI: 200, Degrade: corpus.DegradeHeavy,
			Classes: []string{corpus.ClassSubmission, corpus.ClassNotice, corpus.ClassReport, corpus.ClassPlan, corpus.ClassParty}}, encJPEG},
	}
	eng, err := ocr.New(ocr.Config{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })

	dir := t.TempDir()
	var (
		files               []string
		pagesTotal, pagesOK int
		buildTime           time.Duration
		wordsTotal          int
		layoutFound         int
		mismatches          []string
	)
	for _, in := range inputs {
		docs, err := corpus.Generate(in.opts)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			pages := make([]Page, len(d.Pages))
			ocrPages := make([]domain.Page, len(d.Pages))
			var wg sync.WaitGroup
			errs := make([]error, len(d.Pages))
			for i, m := range d.Pages {
				b, err := in.encode(m, d.Truth.DPI)
				if err != nil {
					t.Fatal(err)
				}
				pages[i] = Page{Image: b, Width: m.Bounds().Dx(), Height: m.Bounds().Dy(), DPI: d.Truth.DPI}
				wg.Add(1)
				go func() {
					defer wg.Done()
					ocrPages[i], errs[i] = eng.Recognize(context.Background(), b, ocr.Options{})
				}()
			}
			wg.Wait()
			for i := range pages {
				if errs[i] != nil {
					t.Fatal(errs[i])
				}
				pages[i].Words = ocrPages[i].Words
				wordsTotal += len(ocrPages[i].Words)
			}
			md := Metadata{Title: "Tài liệu " + d.Truth.ID + " (" + d.Truth.Class + ")", DocType: d.Truth.Class,
				Identifier: "12/QĐ-UBND", Issuer: "Ủy ban nhân dân tỉnh Cà Mau", IssuedDate: "2024-03-05",
				DocumentID: in.name + "-" + d.Truth.ID, Created: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)}
			start := time.Now()
			pdf, err := Build(context.Background(), md, pages)
			buildTime += time.Since(start)
			if err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(dir, in.name+"-"+d.Truth.ID+".pdf")
			if err := os.WriteFile(file, pdf, 0o600); err != nil {
				t.Fatal(err)
			}
			files = append(files, file)
			for i, op := range ocrPages {
				pagesTotal++
				want, got := normText(op.Text), normText(pdftotext(t, file, i+1, true))
				// Layout order may differ from Tesseract's reading order
				// (columns of the letterhead), but every word must be there.
				bag := map[string]int{}
				for _, w := range strings.Fields(want) {
					bag[w]++
				}
				for _, w := range strings.Fields(normText(pdftotext(t, file, i+1, false))) {
					if bag[w] > 0 {
						bag[w]--
						layoutFound++
					}
				}
				if want == got {
					pagesOK++
					continue
				}
				mismatches = append(mismatches, fmt.Sprintf("%s page %d (CER %.4f):\n%s", file, i+1,
					corpus.CER(want, got), cmp.Diff(strings.Fields(want), strings.Fields(got))))
			}
		}
	}
	t.Logf("pdftotext matched the OCR text exactly on %d/%d pages (%d words); build %.1f ms/page",
		pagesOK, pagesTotal, wordsTotal, float64(buildTime.Microseconds())/1000/float64(pagesTotal))
	t.Logf("pdftotext in layout order found %d of %d OCR words (%.2f%%)", layoutFound, wordsTotal, 100*float64(layoutFound)/float64(wordsTotal))
	if float64(layoutFound) < 0.99*float64(wordsTotal) {
		t.Errorf("layout-order extraction lost words: %d of %d found", layoutFound, wordsTotal)
	}
	for _, m := range mismatches {
		t.Errorf("pdftotext differs from the OCR text (-ocr +pdftotext): %s", m)
	}
	verapdf(t, files...)
}

// TestImagesKept checks that page images reach the PDF without loss:
// JPEG bytes come out of pdfimages identical, and PNG (grey, 1-bit,
// RGB, palette, and with alpha, which is decoded) decodes to the same pixels.
func TestImagesKept(t *testing.T) {
	pdfimages := needTool(t, "pdfimages", "poppler-utils")
	src := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for y := 0; y < 30; y++ {
		for x := 0; x < 40; x++ {
			src.Set(x, y, color.RGBA{uint8(x * 6), uint8(y * 8), uint8((x + y) * 3), 255})
		}
	}
	grey := image.NewGray(src.Bounds())
	bw := image.NewPaletted(src.Bounds(), color.Palette{color.Black, color.White})
	pal := image.NewPaletted(src.Bounds(), color.Palette{color.RGBA{200, 0, 0, 255}, color.RGBA{0, 0, 200, 255}, color.RGBA{250, 250, 250, 255}})
	alpha := image.NewNRGBA(src.Bounds())
	for y := 0; y < 30; y++ {
		for x := 0; x < 40; x++ {
			grey.SetGray(x, y, color.Gray{uint8(x*5 + y)})
			bw.SetColorIndex(x, y, uint8((x/4+y/3)%2))
			pal.SetColorIndex(x, y, uint8((x+y)%3))
			alpha.SetNRGBA(x, y, color.NRGBA{uint8(x * 6), 10, 200, 255})
		}
	}
	encPNG := func(m image.Image) []byte {
		var b bytes.Buffer
		if err := png.Encode(&b, m); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, src, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	var greyJPG bytes.Buffer
	if err := jpeg.Encode(&greyJPG, grey, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	grey16 := image.NewGray16(src.Bounds())
	for y := 0; y < 30; y++ {
		for x := 0; x < 40; x++ {
			grey16.SetGray16(x, y, color.Gray16{uint16(x*1500 + y*7)})
		}
	}
	var bwPNG bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&bwPNG, bw); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		data     []byte
		ref      image.Image // pixels to expect when rendered; nil = compare JPEG bytes
		encoding string      // pdfimages -list "enc" column
	}{
		{"jpeg-rgb", jpg.Bytes(), nil, "jpeg"},
		{"jpeg-grey", greyJPG.Bytes(), nil, "jpeg"},
		{"png-grey16", encPNG(grey16), grey16, "image"},
		{"png-grey", encPNG(grey), grey, "image"},
		{"png-1bit-palette", bwPNG.Bytes(), bw, "image"},
		{"png-rgb", encPNG(src), src, "image"},
		{"png-palette", encPNG(pal), pal, "image"},
		{"png-alpha-decoded", encPNG(alpha), alpha, "image"},
	}
	var all []Page
	for _, tc := range tests {
		all = append(all, Page{Image: tc.data, DPI: 72, Words: []domain.Word{
			{Text: "Thửa", Box: image.Rect(2, 10, 14, 18)}, {Text: "đất", Box: image.Rect(16, 10, 26, 18)}}})
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, "x.pdf")
			pdf, err := Build(context.Background(), Metadata{Title: tc.name}, []Page{{Image: tc.data, DPI: 72}})
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(file, pdf, 0o600); err != nil {
				t.Fatal(err)
			}
			list, err := exec.Command(pdfimages, "-list", file).Output()
			if err != nil {
				t.Fatal(err)
			}
			if lines := strings.Split(strings.TrimSpace(string(list)), "\n"); len(lines) != 3 || strings.Fields(lines[2])[8] != tc.encoding {
				t.Fatalf("pdfimages -list:\n%s\nwant one image with encoding %s", list, tc.encoding)
			}
			if tc.ref == nil {
				if out, err := exec.Command(pdfimages, "-all", file, filepath.Join(dir, "im")).CombinedOutput(); err != nil {
					t.Fatalf("pdfimages: %v %s", err, out)
				}
				got, err := os.ReadFile(filepath.Join(dir, "im-000.jpg"))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, tc.data) {
					t.Fatalf("JPEG re-encoded: %d bytes in, %d out", len(tc.data), len(got))
				}
				return
			}
			// pdfimages -png writes the decoded samples without colour
			// management, so they must equal the source pixels exactly.
			if out, err := exec.Command(pdfimages, "-png", file, filepath.Join(dir, "r")).CombinedOutput(); err != nil {
				t.Fatalf("pdfimages -png: %v %s", err, out)
			}
			f, err := os.Open(filepath.Join(dir, "r-000.png"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got, err := png.Decode(f)
			if err != nil {
				t.Fatal(err)
			}
			if got.Bounds().Size() != tc.ref.Bounds().Size() {
				t.Fatalf("rendered %v, want %v", got.Bounds(), tc.ref.Bounds())
			}
			bad := 0
			for y := 0; y < 30; y++ {
				for x := 0; x < 40; x++ {
					r1, g1, b1, _ := got.At(x, y).RGBA()
					r2, g2, b2, _ := tc.ref.At(x, y).RGBA()
					if r1>>8 != r2>>8 || g1>>8 != g2>>8 || b1>>8 != b2>>8 {
						bad++
					}
				}
			}
			if bad > 0 {
				t.Fatalf("%d of 1200 pixels differ after the round trip", bad)
			}
		})
	}
	// Every kind of page image, in one file, is valid PDF/A-2b.
	t.Run("veraPDF", func(t *testing.T) {
		if testing.Short() {
			t.Skip("veraPDF")
		}
		pdf, err := Build(context.Background(), Metadata{Title: "Các loại ảnh"}, all)
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(t.TempDir(), "kinds.pdf")
		if err := os.WriteFile(file, pdf, 0o600); err != nil {
			t.Fatal(err)
		}
		verapdf(t, file)
	})
}

// TestMetadata checks the XMP packet and Info dictionary through poppler.
func TestMetadata(t *testing.T) {
	pdfinfo := needTool(t, "pdfinfo", "poppler-utils")
	var img bytes.Buffer
	if err := png.Encode(&img, image.NewGray(image.Rect(0, 0, 600, 300))); err != nil {
		t.Fatal(err)
	}
	md := Metadata{Title: "Quyết định về việc giao đất", DocType: "Quyết định", Identifier: "123/QĐ-UBND",
		Issuer: "UBND huyện Năm Căn & <Sở>", IssuedDate: "2023-07-14", DocumentID: "0123456789abcdef0123456789abcdef",
		Created: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	pdf, err := Build(context.Background(), md, []Page{{Image: img.Bytes(), DPI: 150}})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "m.pdf")
	if err := os.WriteFile(file, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	info, err := exec.Command(pdfinfo, file).Output()
	if err != nil {
		t.Fatal(err)
	}
	meta, err := exec.Command(pdfinfo, "-meta", file).Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Title:           Quyết định về việc giao đất", "Producer:        sohoa pdfa",
		"Page size:       288 x 144 pts", "Pages:           1", "PDF version:     1.7"} {
		if !strings.Contains(string(info), want) {
			t.Errorf("pdfinfo lacks %q:\n%s", want, info)
		}
	}
	for _, want := range []string{"<pdfaid:part>2</pdfaid:part>", "<pdfaid:conformance>B</pdfaid:conformance>",
		"<rdf:li>Quyết định</rdf:li>", "<dc:identifier>123/QĐ-UBND</dc:identifier>",
		"<rdf:li>UBND huyện Năm Căn &amp; &lt;Sở&gt;</rdf:li>", "<rdf:li>2023-07-14</rdf:li>",
		"<xmp:CreateDate>2026-01-02T03:04:05Z</xmp:CreateDate>"} {
		if !strings.Contains(string(meta), want) {
			t.Errorf("XMP lacks %q:\n%s", want, meta)
		}
	}
	again, err := Build(context.Background(), md, []Page{{Image: img.Bytes(), DPI: 150}})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(pdf, again) {
		t.Error("two builds of the same input differ")
	}
}

func TestBuildErrors(t *testing.T) {
	tests := []struct {
		name  string
		pages []Page
	}{
		{"no pages", nil},
		{"not an image", []Page{{Image: []byte("%PDF-1.4 not an image")}}},
		{"truncated png", []Page{{Image: []byte("\x89PNG\r\n\x1a\n\x00\x00")}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Build(context.Background(), Metadata{}, tc.pages); err == nil {
				t.Fatal("Build succeeded")
			}
		})
	}
}

func TestMetadataFor(t *testing.T) {
	rec := &catalog.Record{
		DocumentID: "0123456789abcdef0123456789abcdef", Class: "decision", Title: "Quyết định giao đất",
		FinalizedAt: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC),
		Fields: map[string]catalog.Field{
			"doc_number":   {Value: "45", Sensitivity: domain.Public},
			"doc_symbol":   {Value: "QĐ-UBND", Sensitivity: domain.Public},
			"issuer":       {Value: "UBND tỉnh Cà Mau", Sensitivity: domain.Public},
			"issued_date":  {Value: "2024-02-01", Sensitivity: domain.Public},
			"subject":      {Value: "Về việc giao đất cho Nguyễn Văn A", Sensitivity: domain.Personal},
			"person_names": {Values: []string{"Nguyễn Văn A"}, Sensitivity: domain.Personal},
		},
	}
	want := Metadata{Title: "Quyết định giao đất", DocType: "decision", Identifier: "45/QĐ-UBND",
		Issuer: "UBND tỉnh Cà Mau", IssuedDate: "2024-02-01", DocumentID: "0123456789abcdef0123456789abcdef",
		Created: rec.FinalizedAt}
	if diff := cmp.Diff(want, MetadataFor(rec)); diff != "" {
		t.Errorf("MetadataFor (-want +got):\n%s", diff)
	}
}
