package corpus

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"image"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/unicode/norm"
)

// pageHashes returns the SHA-256 of every page's pixels.
func pageHashes(t testing.TB, docs []Document) []string {
	t.Helper()
	var out []string
	for _, d := range docs {
		for _, p := range d.Pages {
			pix, _, _, _ := pagePixels(p)
			out = append(out, fmt.Sprintf("%x", sha256.Sum256(pix)))
		}
	}
	return out
}

func generate(t testing.TB, o Options) []Document {
	t.Helper()
	docs, err := Generate(o)
	if err != nil {
		t.Fatalf("Generate(%+v): %v", o, err)
	}
	return docs
}

func TestGenerateDeterministic(t *testing.T) {
	tests := []struct {
		name string
		opts Options
	}{
		{"clean", Options{Seed: 11, Documents: 3, PagesPerDoc: [2]int{1, 2}, DPI: 150}},
		{"heavy colour rotated", Options{Seed: 12, Documents: 2, PagesPerDoc: [2]int{1, 2}, DPI: 72, Degrade: DegradeHeavy, Color: true, RotateRatio: 0.5, SecretRatio: 0.5}},
		{"light", Options{Seed: 13, Documents: 1, DPI: 100, Degrade: DegradeLight}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := generate(t, tc.opts)
			b := generate(t, tc.opts)
			ta, tb := make([]Truth, len(a)), make([]Truth, len(b))
			for i := range a {
				ta[i], tb[i] = a[i].Truth, b[i].Truth
			}
			if diff := cmp.Diff(ta, tb); diff != "" {
				t.Errorf("truth differs between runs (-first +second):\n%s", diff)
			}
			if diff := cmp.Diff(pageHashes(t, a), pageHashes(t, b)); diff != "" {
				t.Errorf("pixels differ between runs (-first +second):\n%s", diff)
			}
			for _, w := range []struct {
				name  string
				write func(*bytes.Buffer, Document) error
			}{
				{"pdf", func(buf *bytes.Buffer, d Document) error { return WritePDF(buf, d.Pages, d.Truth.DPI) }},
				{"tiff", func(buf *bytes.Buffer, d Document) error { return WriteTIFF(buf, d.Pages, d.Truth.DPI) }},
				{"png", func(buf *bytes.Buffer, d Document) error { return WritePNG(buf, d.Pages[0], d.Truth.DPI) }},
				{"jpeg", func(buf *bytes.Buffer, d Document) error { return WriteJPEG(buf, d.Pages[0], d.Truth.DPI, 80) }},
			} {
				var x, y bytes.Buffer
				if err := w.write(&x, a[0]); err != nil {
					t.Fatalf("%s: %v", w.name, err)
				}
				if err := w.write(&y, b[0]); err != nil {
					t.Fatalf("%s: %v", w.name, err)
				}
				if !bytes.Equal(x.Bytes(), y.Bytes()) {
					t.Errorf("%s output differs between runs", w.name)
				}
			}
			other := tc.opts
			other.Seed++
			if c := generate(t, other); cmp.Equal(pageHashes(t, a), pageHashes(t, c)) {
				t.Errorf("seed %d and %d gave the same pages", tc.opts.Seed, other.Seed)
			}
		})
	}
}

func TestGeneratePagesAndLayout(t *testing.T) {
	for _, class := range Classes() {
		for _, n := range []int{1, 3} {
			t.Run(fmt.Sprintf("%s/%d pages", class, n), func(t *testing.T) {
				testPagesAndLayout(t, class, n)
			})
		}
	}
}

func testPagesAndLayout(t *testing.T, class string, n int) {
	t.Helper()
	docs := generate(t, Options{Seed: 5, Documents: 2, PagesPerDoc: [2]int{n, n}, Classes: []string{class}, DPI: 100})
	for _, d := range docs {
		if got := len(d.Pages); got != n {
			t.Errorf("%s: %d pages, want %d", d.Truth.ID, got, n)
		}
		if len(d.Truth.Pages) != len(d.Pages) {
			t.Fatalf("%s: %d truth pages for %d images", d.Truth.ID, len(d.Truth.Pages), len(d.Pages))
		}
		for i, p := range d.Truth.Pages {
			if p.No != i+1 {
				t.Errorf("%s page %d numbered %d", d.Truth.ID, i+1, p.No)
			}
			if len(strings.Fields(p.Text)) < 20 {
				t.Errorf("%s page %d has almost no text: %q", d.Truth.ID, i+1, p.Text)
			}
			if i > 0 && !strings.HasPrefix(p.Text, strconv.Itoa(i+1)+"\n") {
				t.Errorf("%s page %d does not start with its page number: %.40q", d.Truth.ID, i+1, p.Text)
			}
		}
		if b := d.Pages[0].Bounds(); b.Dx() != 827 || b.Dy() != 1169 {
			t.Errorf("%s: page is %v, want A4 at 100 dpi (827x1169)", d.Truth.ID, b.Size())
		}
		if d.Truth.Class != class || d.Truth.PipelineHint != PipelineHint(class) {
			t.Errorf("%s: class %q hint %q", d.Truth.ID, d.Truth.Class, d.Truth.PipelineHint)
		}
	}
}

var (
	isoDate = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	year    = regexp.MustCompile(`^\d{4}$`)
)

// TestTruth checks the ground truth against itself and the rules of
// DOMAIN.md: every personal value is printed, identity numbers are valid,
// the text is NFC, fields use canonical names.
func TestTruth(t *testing.T) {
	docs := generate(t, Options{Seed: 99, Documents: 40, PagesPerDoc: [2]int{1, 2}, DPI: 72, SecretRatio: 0.3})
	canonical := []string{"doc_type", "doc_number", "doc_symbol", "issued_date", "issue_place", "issuer", "subject",
		"signer_name", "signer_position", "urgency", "secrecy", "person_names", "cccd", "cmnd", "birth_dates",
		"addresses", "parcel_no", "map_sheet", "area_m2", "land_purpose", "certificate_serial", "book_entry_no"}
	codes := ProvinceCodes()
	seenClass := map[string]bool{}
	secret := 0
	for _, d := range docs {
		tr := d.Truth
		seenClass[tr.Class] = true
		text := tr.Text()
		flat := strings.Join(strings.Fields(text), " ")
		if !norm.NFC.IsNormalString(text) {
			t.Errorf("%s: page text is not NFC", tr.ID)
		}
		if strings.Contains(text, nbsp) {
			t.Errorf("%s: page text contains a non-breaking space", tr.ID)
		}
		for name, vals := range tr.Fields {
			if !contains(canonical, name) {
				t.Errorf("%s: field %q is not a canonical name", tr.ID, name)
			}
			if len(vals) == 0 {
				t.Errorf("%s: field %q has no values", tr.ID, name)
			}
		}
		for _, f := range []string{"doc_type", "issued_date", "issuer", "signer_name", "signer_position"} {
			if len(tr.Fields[f]) != 1 {
				t.Errorf("%s (%s): field %s = %q, want one value", tr.ID, tr.Class, f, tr.Fields[f])
			}
		}
		if v := tr.Fields["issued_date"]; len(v) == 1 {
			if _, err := time.Parse("2006-01-02", v[0]); err != nil {
				t.Errorf("%s: issued_date %q: %v", tr.ID, v[0], err)
			}
		}
		for _, v := range tr.PersonalValues {
			// Names printed in capitals are also listed as written normally.
			if !strings.Contains(flat, v) && !strings.Contains(flat, strings.ToUpper(v)) {
				t.Errorf("%s: personal value %q is not on any page as one string", tr.ID, v)
			}
		}
		for _, f := range []string{"person_names", "cccd", "cmnd", "addresses", "certificate_serial", "book_entry_no"} {
			for _, v := range tr.Fields[f] {
				if !contains(tr.PersonalValues, v) {
					t.Errorf("%s: %s value %q missing from personal_values", tr.ID, f, v)
				}
			}
		}
		for _, v := range tr.Fields["birth_dates"] {
			switch {
			case isoDate.MatchString(v):
				dt, _ := time.Parse("2006-01-02", v)
				if !contains(tr.PersonalValues, dt.Format("02/01/2006")) {
					t.Errorf("%s: birth date %s not printed as dd/mm/yyyy in personal values", tr.ID, v)
				}
			case year.MatchString(v):
			default:
				t.Errorf("%s: birth date %q is neither ISO nor a year", tr.ID, v)
			}
		}
		for _, v := range tr.Fields["cccd"] {
			if len(v) != 12 || strings.Trim(v, "0123456789") != "" {
				t.Errorf("%s: CCCD %q is not 12 digits", tr.ID, v)
				continue
			}
			if _, ok := codes[v[:3]]; !ok {
				t.Errorf("%s: CCCD %q has unknown province code %s", tr.ID, v, v[:3])
			}
			if c := v[3]; c != '0' && c != '1' && c != '2' && c != '3' {
				t.Errorf("%s: CCCD %q has century digit %c for a birth in 1900-2099", tr.ID, v, c)
			}
		}
		for _, v := range tr.Fields["cmnd"] {
			if len(v) != 9 || strings.Trim(v, "0123456789") != "" {
				t.Errorf("%s: CMND %q is not 9 digits", tr.ID, v)
			}
		}
		for _, v := range tr.Fields["signer_name"] {
			if contains(tr.PersonalValues, v) {
				t.Errorf("%s: signer %q is also listed as a citizen", tr.ID, v)
			}
		}
		if tr.Secret {
			secret++
			if len(tr.Fields["secrecy"]) != 1 || !strings.Contains(text, tr.Fields["secrecy"][0]) {
				t.Errorf("%s: secret document without a printed secrecy stamp: %q", tr.ID, tr.Fields["secrecy"])
			}
		} else if len(tr.Fields["secrecy"]) > 0 {
			t.Errorf("%s: secrecy field on a document not marked secret", tr.ID)
		}
		if tr.Class == ClassLandCertificate {
			for _, f := range []string{"parcel_no", "map_sheet", "area_m2", "land_purpose", "certificate_serial", "book_entry_no"} {
				if len(tr.Fields[f]) != 1 {
					t.Errorf("%s: land certificate field %s = %q", tr.ID, f, tr.Fields[f])
				}
			}
		}
		if a := tr.Fields["area_m2"]; len(a) > 0 {
			a := a[0]
			if _, err := strconv.ParseFloat(a, 64); err != nil {
				t.Errorf("%s: area_m2 %q is not a number", tr.ID, a)
			}
			ip, fp, _ := strings.Cut(a, ".")
			n, _ := strconv.Atoi(ip)
			if printed := formatThousands(n) + "," + fp + " m²"; !strings.Contains(text, printed) {
				t.Errorf("%s: area %q not printed as %q", tr.ID, a, printed)
			}
		}
	}
	if len(seenClass) != len(Classes()) {
		t.Errorf("40 documents covered classes %v, want all of %v", seenClass, Classes())
	}
	if secret == 0 || secret == len(docs) {
		t.Errorf("%d of %d documents secret with ratio 0.3", secret, len(docs))
	}
	// Citizen values are unique across the corpus, and never reused as signers.
	owner := map[string]string{}
	for _, d := range docs {
		for _, f := range []string{"cccd", "cmnd", "person_names"} {
			for _, v := range d.Truth.Fields[f] {
				if o, ok := owner[v]; ok && o != d.Truth.ID {
					t.Errorf("%s %q used in %s and %s", f, v, o, d.Truth.ID)
				}
				owner[v] = d.Truth.ID
			}
		}
	}
	for _, d := range docs {
		for _, v := range d.Truth.Fields["signer_name"] {
			if o, ok := owner[v]; ok {
				t.Errorf("signer %q of %s is a citizen of %s", v, d.Truth.ID, o)
			}
		}
	}
}

func TestCCCD(t *testing.T) {
	tests := []struct {
		name     string
		province string
		male     bool
		year     int
		want     string
	}{
		{"male 1900s", "096", true, 1985, "096085123456"},
		{"female 1900s", "001", false, 1969, "001169123456"},
		{"male 2000s", "079", true, 2003, "079203123456"},
		{"female 2000s", "095", false, 2010, "095310123456"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := CCCD(tc.province, tc.male, tc.year, "123456"); got != tc.want {
				t.Errorf("CCCD(%s, %v, %d) = %s, want %s", tc.province, tc.male, tc.year, got, tc.want)
			}
		})
	}
	codes := ProvinceCodes()
	if len(codes) != 63 {
		t.Errorf("%d province codes, want 63", len(codes))
	}
	for code, name := range map[string]string{"001": "Hà Nội", "079": "Hồ Chí Minh", "091": "Kiên Giang", "092": "Cần Thơ", "094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau"} {
		if codes[code] != name {
			t.Errorf("province %s = %q, want %q", code, codes[code], name)
		}
	}
}

func TestOptionsRejected(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"class", Options{Classes: []string{"poem"}}, "unknown class"},
		{"degrade", Options{Degrade: "medium"}, "degrade"},
		{"dpi", Options{DPI: 10}, "dpi"},
		{"pages", Options{PagesPerDoc: [2]int{0, 2}}, "pages"},
		{"ratio", Options{SecretRatio: 2}, "ratios"},
		{"font", Options{Fonts: []string{"Comic Sans"}}, "unknown font"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Generate(tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Generate(%+v) error = %v, want one mentioning %q", tc.opts, err, tc.want)
			}
		})
	}
}

func TestFontsAllUsable(t *testing.T) {
	fams, err := loadFamilies(nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range fams {
		names = append(names, f.name)
	}
	if diff := cmp.Diff(FontFamilies(), names); diff != "" {
		if os.Getenv("CI") == "true" {
			t.Errorf("usable font families (-known +installed):\n%s\ninstall fonts-liberation2, fonts-dejavu-core, fonts-noto-core", diff)
		} else {
			t.Logf("some font families missing (-known +installed):\n%s", diff)
		}
	}
}

func TestRotationRecorded(t *testing.T) {
	docs := generate(t, Options{Seed: 3, Documents: 4, PagesPerDoc: [2]int{2, 2}, DPI: 72, Degrade: DegradeLight, RotateRatio: 1})
	for _, d := range docs {
		for i, p := range d.Truth.Pages {
			b := d.Pages[i].Bounds()
			landscape := b.Dx() > b.Dy()
			switch p.Rotation {
			case 90, 270:
				if !landscape {
					t.Errorf("%s page %d: rotation %d but image %v", d.Truth.ID, i+1, p.Rotation, b.Size())
				}
			case 180:
				if landscape {
					t.Errorf("%s page %d: rotation 180 but image %v", d.Truth.ID, i+1, b.Size())
				}
			default:
				t.Errorf("%s page %d: rotation %d with RotateRatio 1", d.Truth.ID, i+1, p.Rotation)
			}
			if p.SkewDeg < -1.5 || p.SkewDeg > 1.5 {
				t.Errorf("%s page %d: light skew %.2f outside ±1.5", d.Truth.ID, i+1, p.SkewDeg)
			}
		}
	}
}

func TestDegradeChangesPage(t *testing.T) {
	clean := generate(t, Options{Seed: 8, DPI: 100})[0].Pages[0].(*image.Gray)
	for _, level := range []string{DegradeLight, DegradeHeavy} {
		t.Run(level, func(t *testing.T) {
			d := generate(t, Options{Seed: 8, DPI: 100, Degrade: level})[0]
			g, ok := d.Pages[0].(*image.Gray)
			if !ok {
				t.Fatalf("degraded page is %T, want *image.Gray", d.Pages[0])
			}
			if g.Bounds() != clean.Bounds() {
				t.Fatalf("bounds %v, want %v", g.Bounds(), clean.Bounds())
			}
			var diff, white int
			for i := range g.Pix {
				if g.Pix[i] != clean.Pix[i] {
					diff++
				}
				if g.Pix[i] == 255 {
					white++
				}
			}
			if diff < len(g.Pix)/2 {
				t.Errorf("only %d of %d pixels changed", diff, len(g.Pix))
			}
			if white > len(g.Pix)/2 {
				t.Errorf("%d of %d pixels still pure white: no paper tone or noise", white, len(g.Pix))
			}
		})
	}
}

func BenchmarkRenderPage300(b *testing.B) {
	for _, level := range []string{DegradeNone, DegradeLight, DegradeHeavy} {
		b.Run(level, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				generate(b, Options{Seed: int64(i), Documents: 1, Degrade: level, Fonts: []string{"Liberation Serif"}})
			}
		})
	}
}

func TestStreamMatchesGenerate(t *testing.T) {
	opts := Options{Seed: 77, Documents: 7, PagesPerDoc: [2]int{1, 2}, DPI: 72, Degrade: DegradeLight}
	all := generate(t, opts)
	var streamed []Document
	err := Stream(opts, func(d Document) error {
		streamed = append(streamed, d)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(pageHashes(t, all), pageHashes(t, streamed)); diff != "" {
		t.Errorf("Stream and Generate pages differ (-generate +stream):\n%s", diff)
	}
	stop := fmt.Errorf("enough")
	calls := 0
	err = Stream(opts, func(Document) error {
		calls++
		return stop
	})
	if err != stop || calls != 1 {
		t.Errorf("Stream after a callback error: err %v, %d calls; want the error after 1 call", err, calls)
	}
}
