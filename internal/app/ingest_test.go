package app_test

import (
	"archive/zip"
	"bytes"
	"context"
	"image"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"github.com/sohoa/sohoa/internal/app"
	"github.com/sohoa/sohoa/internal/app/apptest"
	"github.com/sohoa/sohoa/internal/client"
	"github.com/sohoa/sohoa/internal/corpus"
	"github.com/sohoa/sohoa/internal/testenv"
	"github.com/sohoa/sohoa/internal/testenv/hostile"
)

// TestFormatsAndHostileInputs uploads one batch holding every supported
// format and every kind of bad input through the API. Good files become
// searchable documents; each bad one is rejected with its reason, and none
// stops the batch or a worker.
func TestFormatsAndHostileInputs(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	in := apptest.Start(t, func(c *app.Config) {
		c.MaxPages = 3
		c.MaxFileMB = 8
	})
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	uploader := in.Client(t, "uploader")

	docs, err := corpus.Generate(corpus.Options{Seed: 21, Documents: 6, DPI: 200, Classes: []string{"notice", "decision", "report"}})
	if err != nil {
		t.Fatal(err)
	}
	page := func(i int) image.Image { return docs[i].Pages[0] }
	secretDocs, err := corpus.Generate(corpus.Options{Seed: 22, Documents: 1, DPI: 200, Classes: []string{"decision"}, SecretRatio: 1})
	if err != nil || !secretDocs[0].Truth.Secret {
		t.Fatalf("secret document: %v", err)
	}
	enc := func(f func(*bytes.Buffer) error) []byte {
		var b bytes.Buffer
		if err := f(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	pdf2 := enc(func(b *bytes.Buffer) error { return corpus.WritePDF(b, []image.Image{page(0), page(1)}, 200) })
	pdf4 := enc(func(b *bytes.Buffer) error {
		return corpus.WritePDF(b, []image.Image{page(0), page(1), page(2), page(3)}, 200)
	})
	tiff2 := enc(func(b *bytes.Buffer) error { return corpus.WriteTIFF(b, []image.Image{page(2), page(3)}, 200) })
	png := enc(func(b *bytes.Buffer) error { return corpus.WritePNG(b, page(4), 200) })
	jpeg := enc(func(b *bytes.Buffer) error { return corpus.WriteJPEG(b, page(5), 200, 85) })
	webp, err := testenv.WebP(enc(func(b *bytes.Buffer) error { return corpus.WritePNG(b, page(1), 200) }))
	if err != nil {
		t.Fatal(err)
	}
	var encrypted bytes.Buffer
	if err := api.Encrypt(bytes.NewReader(pdf2), &encrypted, model.NewAESConfiguration("mật khẩu", "owner-pw", 256)); err != nil {
		t.Fatal(err)
	}
	zipOf := func(entries map[string][]byte) []byte {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		for name, data := range entries {
			w, err := zw.Create(name)
			if err != nil {
				t.Fatal(err)
			}
			w.Write(data)
		}
		zw.Close()
		return b.Bytes()
	}
	folder := zipOf(map[string][]byte{"hop-01/ho-so-02/trang.png": png, "hop-01/../../../etc/evil.jpg": jpeg, "__MACOSX/._x": []byte("junk")})
	bomb := zipOf(map[string][]byte{"bomb.pdf": append([]byte("%PDF-1.4\n"), make([]byte, 7<<20)...)})
	nested := zipOf(map[string][]byte{"l2.zip": zipOf(map[string][]byte{"l3.zip": zipOf(map[string][]byte{"a.png": png})})})

	cases := []struct {
		name   string
		data   []byte
		status string // of the item
		code   string // error code of a rejection
		item   string // the batch item's name, when not the file's
	}{
		{"scan.pdf", pdf2, "done", "", ""},
		{"frames.tif", tiff2, "done", "", ""},
		{"page.png", png, "done", "", ""},
		{"page.jpg", jpeg, "done", "", ""},
		{"page.webp", webp, "done", "", ""},
		{"folder.zip", folder, "", "", ""},
		{"encrypted.pdf", encrypted.Bytes(), "rejected", "encrypted_pdf", ""},
		{"truncated.pdf", pdf2[:len(pdf2)/3], "rejected", "corrupt_file", ""},
		{"too-many-pages.pdf", pdf4, "rejected", "too_many_pages", ""},
		{"mat.png", enc(func(b *bytes.Buffer) error { return corpus.WritePNG(b, secretDocs[0].Pages[0], 200) }), "quarantined", "secret_document", ""},
		{"notes.txt", []byte("Đây không phải là ảnh quét"), "rejected", "unsupported_type", ""},
		{"empty.pdf", nil, "rejected", "empty_file", ""},
		{"pixel-bomb.png", hostile.PixelBombPNG(60000, 60000), "rejected", "pixel_limit", ""},
		{"bomb.zip", bomb, "rejected", "zip_bomb", "bomb.zip/bomb.pdf"},
		{"nested.zip", nested, "rejected", "zip_too_deep", "nested.zip/l2.zip/l3.zip"},
		{"big.pdf", append(pdf2, make([]byte, 9<<20)...), "rejected", "file_too_large", ""},
	}
	dir := t.TempDir()
	var files []string
	for _, c := range cases {
		f := filepath.Join(dir, c.name)
		if err := os.WriteFile(f, c.data, 0o600); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	res, err := uploader.Upload(ctx, files, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := uploader.Wait(ctx, res.ID, 300*time.Millisecond, nil)
	if err != nil {
		t.Fatal(err)
	}
	if b.Status != "done_with_errors" {
		t.Errorf("batch status %s, want done_with_errors", b.Status)
	}
	byName := map[string]client.Document{}
	for _, d := range b.Documents {
		byName[d.Name] = d
		t.Logf("%-40s %-9s %d pages  %s", d.Name, d.Status, d.Pages, d.Error)
	}
	for _, c := range cases {
		if c.status == "" {
			continue
		}
		name := c.name
		if c.item != "" {
			name = c.item
		}
		d, ok := byName[name]
		if !ok {
			t.Errorf("%s: not in the batch", c.name)
			continue
		}
		if d.Status != c.status {
			t.Errorf("%s: status %s (%s), want %s", c.name, d.Status, d.Error, c.status)
		}
		if c.status != "done" && (d.Error == "" || d.ErrorCode != c.code) {
			t.Errorf("%s: rejected with code %q reason %q, want code %q and a reason", c.name, d.ErrorCode, d.Error, c.code)
		}
	}
	// The ZIP's entries are documents named by their path inside it, with
	// traversal segments removed; junk entries are skipped.
	if d, ok := byName["folder.zip/hop-01/ho-so-02/trang.png"]; !ok || d.Status != "done" {
		t.Errorf("ZIP entry: %+v (found %v)", d, ok)
	}
	if d, ok := byName["folder.zip/hop-01/etc/evil.jpg"]; !ok || d.Status != "done" {
		t.Errorf("ZIP entry with ../ in its name: %+v (found %v)", d, ok)
	}
	for name := range byName {
		if strings.Contains(name, "..") || strings.Contains(name, "__MACOSX") {
			t.Errorf("unsafe or junk entry name kept: %q", name)
		}
	}
	// A quarantined (state-secret) document is not searchable.
	searcher := in.Client(t, "searcher")
	if r, err := searcher.Search(ctx, "", url.Values{"batch": {res.ID}}); err != nil {
		t.Fatal(err)
	} else {
		for _, h := range r.Hits {
			if h.DocumentID == byName["mat.png"].ID {
				t.Error("the quarantined document is in the index")
			}
		}
	}
	if d := byName["frames.tif"]; d.Pages != 2 {
		t.Errorf("TIFF: %d pages, want 2", d.Pages)
	}
	// English messages on request.
	en := &client.Client{Base: uploader.Base, Token: uploader.Token, Lang: "en"}
	be, err := en.Batch(ctx, res.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range be.Documents {
		if d.Name == "encrypted.pdf" && !strings.Contains(d.Error, "password") {
			t.Errorf("English reason for the encrypted PDF: %q", d.Error)
		}
	}
}
