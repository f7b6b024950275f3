package archive_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sohoa/sohoa/internal/access"
	"github.com/sohoa/sohoa/internal/archive"
	"github.com/sohoa/sohoa/internal/auth"
	"github.com/sohoa/sohoa/internal/blob"
	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/domain"
	"github.com/sohoa/sohoa/internal/pdfa"
	"github.com/sohoa/sohoa/internal/search"
	"github.com/sohoa/sohoa/internal/vault"
)

const (
	citizen   = "Trần Văn Bình"
	ethnicity = "Khơ Mú"   // a sensitive field's value
	secret    = "MẬT-4711" // a secret field's value, never exported
)

// seed stores a batch of three documents in a real sealed catalog: a land
// certificate with personal text, a public decision, and a quarantined one.
func seed(t *testing.T) (*catalog.Catalog, domain.BatchID, []domain.DocumentID) {
	t.Helper()
	dir := t.TempDir()
	store, err := blob.NewFS(filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	kr, _, err := vault.LoadOrCreateKeyFile(filepath.Join(dir, "keys.json"))
	if err != nil {
		t.Fatal(err)
	}
	cat := catalog.New(store, vault.New(store, kr))
	ctx := context.Background()
	img := image.NewGray(image.Rect(0, 0, 400, 200))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for x := 20; x < 380; x++ {
		img.SetGray(x, 100, color.Gray{0})
	}
	var pngb bytes.Buffer
	if err := png.Encode(&pngb, img); err != nil {
		t.Fatal(err)
	}
	batch := domain.BatchID("b20261125t100000abcdef")
	b := &catalog.Batch{ID: batch, Dossier: "H55.01.04-2024-12", CreatedAt: time.Now()}
	type doc struct {
		class  string
		status domain.DocStatus
		text   string
		red    string
		fields map[string]catalog.Field
	}
	docs := []doc{
		{"land_certificate", domain.DocDone, "Người sử dụng đất: " + citizen + " Thửa đất số 152", "Người sử dụng đất: [person] Thửa đất số 152",
			map[string]catalog.Field{
				"doc_type":     {Value: "Giấy chứng nhận quyền sử dụng đất", Sensitivity: domain.Public},
				"issuer":       {Value: "UBND huyện Năm Căn", Sensitivity: domain.Public},
				"issued_date":  {Value: "2019-05-07", Sensitivity: domain.Public},
				"parcel_no":    {Value: "152", Sensitivity: domain.Public},
				"person_names": {Values: []string{citizen}, Sensitivity: domain.Personal},
				"ethnicity":    {Value: ethnicity, Sensitivity: domain.Sensitive},
				"secrecy_note": {Value: secret, Sensitivity: domain.Secret},
			}},
		{"decision", domain.DocDone, "Quyết định số 45/QĐ-UBND về việc phê duyệt kế hoạch", "Quyết định số 45/QĐ-UBND về việc phê duyệt kế hoạch",
			map[string]catalog.Field{
				"doc_type":    {Value: "Quyết định", Sensitivity: domain.Public},
				"doc_number":  {Value: "45", Sensitivity: domain.Public},
				"doc_symbol":  {Value: "QĐ-UBND", Sensitivity: domain.Public},
				"issuer":      {Value: "UBND tỉnh Cà Mau", Sensitivity: domain.Public},
				"issued_date": {Value: "2024-03-01", Sensitivity: domain.Public},
				"subject":     {Value: "Về việc phê duyệt kế hoạch", Sensitivity: domain.Public},
			}},
		{"decision", domain.DocQuarantined, "TỐI MẬT Quyết định", "TỐI MẬT Quyết định", map[string]catalog.Field{}},
	}
	var ids []domain.DocumentID
	for i, d := range docs {
		sum := sha256.Sum256([]byte(fmt.Sprint(i, d.text)))
		id := catalog.DocumentIDFor(hex.EncodeToString(sum[:]))
		ids = append(ids, id)
		b.Items = append(b.Items, catalog.Item{Name: fmt.Sprintf("scan-%s-%d.png", citizen, i), DocumentID: id})
		cd := &catalog.Document{ID: id, BatchID: batch, Name: fmt.Sprintf("scan-%s-%d.png", citizen, i), SHA256: hex.EncodeToString(sum[:]), Status: d.status, Pages: 1}
		rec := &catalog.Record{DocumentID: id, BatchID: batch, Class: d.class, Title: strings.SplitN(d.text, " ", 4)[0], Fields: d.fields,
			Pages: 1, Confidence: 91.5, Text: []string{d.text}, Redacted: []string{d.red}, FinalizedAt: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)}
		if d.status == domain.DocQuarantined {
			rec.QuarantineReason = "TỐI MẬT"
		}
		var words []domain.Word
		x := 20
		for _, w := range strings.Fields(d.text) {
			words = append(words, domain.Word{Text: w, Box: image.Rect(x, 80, x+8*len([]rune(w)), 100), Line: 0})
			x += 8*len([]rune(w)) + 6
		}
		pg := &domain.Page{No: 1, Width: 400, Height: 200, DPI: 100, Text: d.text, Words: words}
		for _, err := range []error{cat.PutDocument(ctx, cd), cat.PutRecord(ctx, rec), cat.PutPage(ctx, id, pg), cat.PutPageImage(ctx, id, 1, pngb.Bytes())} {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := cat.PutBatch(ctx, b); err != nil {
		t.Fatal(err)
	}
	return cat, batch, ids
}

func unzip(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = data
	}
	return out
}

func TestBatchPackage(t *testing.T) {
	cat, batch, ids := seed(t)
	pdf := func(ctx context.Context, id domain.DocumentID) ([]byte, error) { return pdfa.FromCatalog(ctx, cat, id) }
	ex := archive.New(cat, pdf)
	// What a package holds for a searcher: metadata, no PDF (their pages
	// are page images, which need pii_reader).
	maskedFiles := []string{"documents/001-" + string(ids[0]) + ".json", "documents/001-" + string(ids[0]) + ".xml",
		"documents/002-" + string(ids[1]) + ".json", "documents/002-" + string(ids[1]) + ".xml",
		"manifest-sha256.txt", "package.json"}
	maskedSkipped := []archive.Skip{{string(ids[0]), "pdf_withheld_images"}, {string(ids[1]), "pdf_withheld_images"}, {string(ids[2]), "quarantined"}}
	exported := []string{string(ids[0]), string(ids[1])}
	tests := []struct {
		name         string
		role         auth.Role
		reason       string
		wantFiles    []string
		wantSkipped  []archive.Skip
		wantCitizen  bool
		wantExported []string
	}{
		{"searcher", auth.RoleSearcher, "",
			maskedFiles, maskedSkipped, false, exported},
		{"searcher with a reason", auth.RoleSearcher, "xác minh",
			maskedFiles, maskedSkipped, false, exported},
		// Finding (issue 18): a pii_reader's export released personal and
		// sensitive values without the reason the document view requires.
		{"pii_reader without a reason", auth.RolePIIReader, "",
			[]string{"documents/001-" + string(ids[0]) + ".json", "documents/001-" + string(ids[0]) + ".xml",
				"documents/002-" + string(ids[1]) + ".json", "documents/002-" + string(ids[1]) + ".pdf", "documents/002-" + string(ids[1]) + ".xml",
				"manifest-sha256.txt", "package.json"},
			[]archive.Skip{{string(ids[0]), "pdf_withheld_personal"}, {string(ids[2]), "quarantined"}}, false, exported},
		{"admin with a reason", auth.RoleAdmin, "xác minh",
			maskedFiles, maskedSkipped, false, exported},
		{"pii_reader with a reason", auth.RolePIIReader, "hồ sơ thuế",
			[]string{"documents/001-" + string(ids[0]) + ".json", "documents/001-" + string(ids[0]) + ".pdf", "documents/001-" + string(ids[0]) + ".xml",
				"documents/002-" + string(ids[1]) + ".json", "documents/002-" + string(ids[1]) + ".pdf", "documents/002-" + string(ids[1]) + ".xml",
				"manifest-sha256.txt", "package.json"},
			[]archive.Skip{{string(ids[2]), "quarantined"}}, true, exported},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			sum, err := ex.Batch(context.Background(), &buf, batch, archive.Options{
				Access: access.Decide(auth.Principal{Role: tc.role}, access.BatchExport, tc.reason), Created: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)})
			if err != nil {
				t.Fatal(err)
			}
			files := unzip(t, buf.Bytes())
			prefix := "sohoa-" + string(batch) + "/"
			var names []string
			for n := range files {
				if !strings.HasPrefix(n, prefix) {
					t.Fatalf("file %s outside %s", n, prefix)
				}
				names = append(names, strings.TrimPrefix(n, prefix))
			}
			if diff := cmp.Diff(tc.wantFiles, names, cmpSort); diff != "" {
				t.Errorf("files (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantSkipped, sum.Skipped); diff != "" {
				t.Errorf("skipped (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantExported, sum.Exported); diff != "" {
				t.Errorf("exported (-want +got):\n%s", diff)
			}
			// The manifest covers every other file and its sums are right.
			manifest := string(files[prefix+"manifest-sha256.txt"])
			lines := strings.Split(strings.TrimSpace(manifest), "\n")
			if len(lines) != len(files)-1 {
				t.Errorf("manifest has %d lines for %d files", len(lines), len(files)-1)
			}
			for _, l := range lines {
				h, name, _ := strings.Cut(l, "  ")
				s := sha256.Sum256(files[prefix+name])
				if hex.EncodeToString(s[:]) != h {
					t.Errorf("manifest sum of %s is wrong", name)
				}
			}
			// sha256sum itself accepts the manifest.
			if bin, err := exec.LookPath("sha256sum"); err == nil {
				dir := t.TempDir()
				for n, data := range files {
					p := filepath.Join(dir, n)
					os.MkdirAll(filepath.Dir(p), 0o700)
					os.WriteFile(p, data, 0o600)
				}
				cmd := exec.Command(bin, "-c", "--strict", "manifest-sha256.txt")
				cmd.Dir = filepath.Join(dir, prefix)
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Errorf("sha256sum -c: %v\n%s", err, out)
				}
			}
			// Personal values appear only for pii_reader, quarantined never.
			var all []byte
			for _, d := range files {
				all = append(all, d...)
			}
			if got := bytes.Contains(all, []byte(citizen)); got != tc.wantCitizen {
				t.Errorf("citizen's name in the package: %v, want %v", got, tc.wantCitizen)
			}
			if got := bytes.Contains(all, []byte(ethnicity)); got != tc.wantCitizen {
				t.Errorf("sensitive value in the package: %v, want %v", got, tc.wantCitizen)
			}
			if bytes.Contains(all, []byte(secret)) {
				t.Error("secret value in the package")
			}
			if bytes.Contains(all, []byte(ids[2])) && !bytes.Contains(files[prefix+"package.json"], []byte(ids[2])) {
				t.Error("quarantined document exported")
			}
			// NĐ 30 XML for the decision.
			var md archive.Metadata
			if err := xml.Unmarshal(files[prefix+"documents/002-"+string(ids[1])+".xml"], &md); err != nil {
				t.Fatal(err)
			}
			want := archive.Metadata{XMLName: xml.Name{Local: "Document"}, Identifier: string(ids[1]), FileCode: "H55.01.04-2024-12", DocOrdinal: 2,
				TypeName: "Quyết định", CodeNumber: "45", CodeNotation: "QĐ-UBND", IssuedDate: "01/03/2024", OrganName: "UBND tỉnh Cà Mau",
				Subject: "Về việc phê duyệt kế hoạch", Language: "vi", PageAmount: 1, ConfidenceLevel: "02", Mode: "01", Title: "Quyết",
				Class: "decision", OCRConfidence: 91.5, OriginalSHA256: md.OriginalSHA256, SHA256: md.SHA256,
				Fields: md.Fields}
			pdf, withPDF := files[prefix+"documents/002-"+string(ids[1])+".pdf"]
			if withPDF {
				want.PDF = "002-" + string(ids[1]) + ".pdf"
			}
			if tc.wantCitizen {
				want.OriginalName = md.OriginalName
			}
			if diff := cmp.Diff(want, md); diff != "" {
				t.Errorf("XML metadata (-want +got):\n%s", diff)
			}
			var js archive.Metadata
			if err := json.Unmarshal(files[prefix+"documents/002-"+string(ids[1])+".json"], &js); err != nil {
				t.Fatal(err)
			}
			js.XMLName = md.XMLName
			if diff := cmp.Diff(md, js); diff != "" {
				t.Errorf("JSON and XML disagree (-xml +json):\n%s", diff)
			}
			if pdfSum := sha256.Sum256(pdf); withPDF && hex.EncodeToString(pdfSum[:]) != md.SHA256 || !withPDF && md.SHA256 != "" {
				t.Errorf("Sha256 element %q is not the PDF's checksum", md.SHA256)
			}
		})
	}
}

var cmpSort = cmp.Transformer("sort", func(in []string) []string {
	out := append([]string(nil), in...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
})

func TestWriteCSV(t *testing.T) {
	hits := []search.Hit{
		{ID: "a1", Title: "Quyết định, về \"đất\"", DocType: "Quyết định", IssuedDate: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), Issuer: "UBND", BatchID: "b1", Score: 1.5},
		{ID: "a2", Title: "=HYPERLINK(\"x\")", Issuer: "-1+2", BatchID: "b1"},
	}
	var buf bytes.Buffer
	if err := archive.WriteCSV(&buf, hits); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("\uFEFF")) {
		t.Error("no byte-order mark")
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{archive.CSVHeader,
		{"a1", "Quyết định, về \"đất\"", "Quyết định", "2024-03-01", "UBND", "b1", "1.5000"},
		{"a2", "'=HYPERLINK(\"x\")", "", "", "'-1+2", "b1", "0.0000"}}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("CSV (-want +got):\n%s", diff)
	}
}
