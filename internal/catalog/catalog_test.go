package catalog_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/sohoa/sohoa/internal/blob"
	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/domain"
	"github.com/sohoa/sohoa/internal/vault"
)

// env is a catalog over a real filesystem store and a real vault with a
// fresh keyring; store and vault are there for looking behind the catalog.
type env struct {
	cat   *catalog.Catalog
	store blob.Store
	vault *vault.Vault
}

func newEnv(t testing.TB) env {
	t.Helper()
	store, err := blob.NewFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	v := vault.New(store, vault.NewKeyring())
	return env{cat: catalog.New(store, v), store: store, vault: v}
}

// docID is a valid document ID derived from seed.
func docID(seed byte) domain.DocumentID {
	return catalog.DocumentIDFor(string(bytes.Repeat([]byte{"0123456789abcdef"[seed%16]}, 64)))
}

var (
	when    = time.Date(2026, 11, 25, 10, 30, 0, 0, time.UTC)
	docA    = docID(10)
	docB    = docID(11)
	citizen = "Nguyễn Thị Hoà, CCCD 001190012345" // must never be in the store in the clear
)

func sampleBatch() *catalog.Batch {
	return &catalog.Batch{
		ID: catalog.NewBatchID(when), CreatedAt: when, Uploader: "tok-1 Phòng lưu trữ", Pipeline: "van-ban-hanh-chinh",
		Fonds: "UBND xã", Dossier: "HS-01", Retention: "vĩnh viễn", Note: citizen,
		Items: []catalog.Item{
			{Name: "a.pdf", DocumentID: docA, Size: 1234, Format: "pdf"},
			{Name: "a-again.pdf", DocumentID: docA, Size: 1234, Format: "pdf", Duplicate: true},
			{Name: "notes.txt", Size: 9, Rejected: &domain.Rejection{Code: "unsupported_type", VI: "Không hỗ trợ", EN: "unsupported"}},
		},
	}
}

func sampleDocument(id domain.DocumentID) *catalog.Document {
	return &catalog.Document{
		ID: id, BatchID: "b20261125t103000aabbccddee", Name: citizen + ".pdf", SHA256: string(id) + string(id), Size: 1234,
		Format: "pdf", Pages: 2, Status: domain.DocFailed,
		Problem:    &domain.Rejection{Code: "page_failed", VI: "Trang 2 hỏng", EN: "page 2 failed"},
		PageErrors: map[domain.PageNo]string{2: "ảnh trang hỏng"}, Attempt: 1, CreatedAt: when,
	}
}

func samplePage(n domain.PageNo) *domain.Page {
	return &domain.Page{
		No: n, Width: 1700, Height: 2200, DPI: 200, Text: citizen, Confidence: 91.5, OCRSeconds: 2.25, Languages: "vie",
		Words:  []domain.Word{{Text: "Nguyễn", Box: image.Rect(10, 20, 110, 60), Conf: 96, Line: 1}},
		DoneAt: when,
	}
}

func sampleRecord(id domain.DocumentID) *catalog.Record {
	return &catalog.Record{
		DocumentID: id, BatchID: "b20261125t103000aabbccddee", Name: "a.pdf", Pipeline: "van-ban-hanh-chinh",
		Class: "decision", ClassConfidence: 0.9, Title: "Quyết định",
		Fields: map[string]catalog.Field{
			"ho_ten": {Value: citizen, Confidence: 0.8, Page: 1, Sensitivity: domain.Sensitivity("personal")},
			"so_ky":  {Values: []string{"12/QĐ", "13/QĐ"}, Confidence: 0.5, Reasons: []string{"handwriting"}},
		},
		Pages: 2, Confidence: 88, Text: []string{citizen, "trang 2"}, Redacted: []string{"[họ tên]", "trang 2"},
		Blind: []string{"bi1", "bi2"}, FinalizedAt: when,
	}
}

// TestRoundTrip writes every kind of object and reads it back unchanged,
// and finds none of the plaintext in the store.
func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	batch := sampleBatch()
	cases := []struct {
		name string
		put  func() error
		get  func() (any, error)
		want any
	}{
		{"batch", func() error { return e.cat.PutBatch(ctx, batch) },
			func() (any, error) { return e.cat.GetBatch(ctx, batch.ID) }, batch},
		{"document", func() error { return e.cat.PutDocument(ctx, sampleDocument(docA)) },
			func() (any, error) { return e.cat.GetDocument(ctx, docA) }, sampleDocument(docA)},
		{"original", func() error { return e.cat.PutOriginal(ctx, docA, []byte("%PDF-1.7 "+citizen)) },
			func() (any, error) { return e.cat.GetOriginal(ctx, docA) }, []byte("%PDF-1.7 " + citizen)},
		{"empty original", func() error { return e.cat.PutOriginal(ctx, docB, []byte{}) },
			func() (any, error) { return e.cat.GetOriginal(ctx, docB) }, []byte{}},
		{"page image", func() error { return e.cat.PutPageImage(ctx, docA, 2, []byte("\x89PNG "+citizen)) },
			func() (any, error) { return e.cat.GetPageImage(ctx, docA, 2) }, []byte("\x89PNG " + citizen)},
		{"page OCR", func() error { return e.cat.PutPage(ctx, docA, samplePage(2)) },
			func() (any, error) { return e.cat.GetPage(ctx, docA, 2) }, samplePage(2)},
		{"PDF/A", func() error { return e.cat.PutPDF(ctx, docA, []byte("%PDF-1.7 a "+citizen)) },
			func() (any, error) { return e.cat.GetPDF(ctx, docA) }, []byte("%PDF-1.7 a " + citizen)},
		{"record", func() error { return e.cat.PutRecord(ctx, sampleRecord(docA)) },
			func() (any, error) { return e.cat.GetRecord(ctx, docA) }, sampleRecord(docA)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := c.put(); err != nil {
				t.Fatalf("put: %v", err)
			}
			got, err := c.get()
			if err != nil {
				t.Fatalf("get: %v", err)
			}
			if diff := cmp.Diff(c.want, got, cmpopts.IgnoreFields(catalog.Document{}, "UpdatedAt"), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("read back (-want +got):\n%s", diff)
			}
		})
	}
	// PutDocument stamps UpdatedAt on the value it writes.
	d := sampleDocument(docB)
	before := time.Now().UTC()
	if err := e.cat.PutDocument(ctx, d); err != nil {
		t.Fatal(err)
	}
	got, err := e.cat.GetDocument(ctx, docB)
	if err != nil {
		t.Fatal(err)
	}
	if d.UpdatedAt.Before(before) || !got.UpdatedAt.Equal(d.UpdatedAt) {
		t.Errorf("UpdatedAt: stamped %v, read back %v, want both at or after %v", d.UpdatedAt, got.UpdatedAt, before)
	}
	// Nothing lies in the clear.
	assertSealed(t, e, citizen, "Nguyễn")
}

// TestNotFound: reading any object that was never written fails with an
// error wrapping ErrNotFound, also for a document that has other objects.
func TestNotFound(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	if err := e.cat.PutOriginal(ctx, docA, []byte("x")); err != nil { // docA exists, with a key
		t.Fatal(err)
	}
	missing := docID(3)
	cases := []struct {
		name string
		get  func() error
	}{
		{"batch", func() error { _, err := e.cat.GetBatch(ctx, "b20990101t000000ffffffffff"); return err }},
		{"document", func() error { _, err := e.cat.GetDocument(ctx, missing); return err }},
		{"original", func() error { _, err := e.cat.GetOriginal(ctx, missing); return err }},
		{"page image", func() error { _, err := e.cat.GetPageImage(ctx, docA, 1); return err }},
		{"page OCR", func() error { _, err := e.cat.GetPage(ctx, docA, 7); return err }},
		{"PDF/A", func() error { _, err := e.cat.GetPDF(ctx, docA); return err }},
		{"record", func() error { _, err := e.cat.GetRecord(ctx, docA); return err }},
		{"document state of a document with an original", func() error { _, err := e.cat.GetDocument(ctx, docA); return err }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := c.get(); !errors.Is(err, catalog.ErrNotFound) {
				t.Errorf("err = %v, want ErrNotFound", err)
			}
		})
	}
}

// TestPagesDone counts stored OCR results of one document only; page images
// do not count.
func TestPagesDone(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	count := func(id domain.DocumentID) int {
		t.Helper()
		n, err := e.cat.PagesDone(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	steps := []struct {
		name         string
		do           func() error
		wantA, wantB int
	}{
		{"nothing stored", func() error { return nil }, 0, 0},
		{"page images only", func() error {
			return errors.Join(e.cat.PutPageImage(ctx, docA, 1, []byte("p1")), e.cat.PutPageImage(ctx, docA, 2, []byte("p2")))
		}, 0, 0},
		{"page 1 read", func() error { return e.cat.PutPage(ctx, docA, samplePage(1)) }, 1, 0},
		{"page 1 read again", func() error { return e.cat.PutPage(ctx, docA, samplePage(1)) }, 1, 0},
		{"failed page 2 recorded", func() error {
			p := samplePage(2)
			p.Error = "ảnh trang hỏng"
			return e.cat.PutPage(ctx, docA, p)
		}, 2, 0},
		{"another document's page", func() error { return e.cat.PutPage(ctx, docB, samplePage(1)) }, 2, 1},
		{"original and record", func() error {
			return errors.Join(e.cat.PutOriginal(ctx, docA, []byte("o")), e.cat.PutRecord(ctx, sampleRecord(docA)))
		}, 2, 1},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if a, b := count(docA), count(docB); a != s.wantA || b != s.wantB {
			t.Errorf("%s: PagesDone = %d and %d, want %d and %d", s.name, a, b, s.wantA, s.wantB)
		}
	}
}

// TestDeleteDocument removes every object of one document and nothing of
// another; deleting it again, or a document never stored, is not an error.
func TestDeleteDocument(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	for _, id := range []domain.DocumentID{docA, docB} {
		err := errors.Join(
			e.cat.PutDocument(ctx, sampleDocument(id)), e.cat.PutOriginal(ctx, id, []byte("o")),
			e.cat.PutPageImage(ctx, id, 1, []byte("i")), e.cat.PutPage(ctx, id, samplePage(1)),
			e.cat.PutPDF(ctx, id, []byte("p")), e.cat.PutRecord(ctx, sampleRecord(id)),
		)
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := e.cat.DeleteDocument(ctx, docA); err != nil {
		t.Fatal(err)
	}
	for _, id := range []domain.DocumentID{docA, docA, docID(5)} {
		if err := e.cat.DeleteDocument(ctx, id); err != nil {
			t.Errorf("delete %s again: %v", id, err)
		}
	}
	reads := []struct {
		name string
		get  func(domain.DocumentID) error
	}{
		{"document", func(id domain.DocumentID) error { _, err := e.cat.GetDocument(ctx, id); return err }},
		{"original", func(id domain.DocumentID) error { _, err := e.cat.GetOriginal(ctx, id); return err }},
		{"page image", func(id domain.DocumentID) error { _, err := e.cat.GetPageImage(ctx, id, 1); return err }},
		{"page OCR", func(id domain.DocumentID) error { _, err := e.cat.GetPage(ctx, id, 1); return err }},
		{"PDF/A", func(id domain.DocumentID) error { _, err := e.cat.GetPDF(ctx, id); return err }},
		{"record", func(id domain.DocumentID) error { _, err := e.cat.GetRecord(ctx, id); return err }},
	}
	for _, r := range reads {
		t.Run(r.name, func(t *testing.T) {
			if err := r.get(docA); !errors.Is(err, catalog.ErrNotFound) {
				t.Errorf("deleted document: err = %v, want ErrNotFound", err)
			}
			if err := r.get(docB); err != nil {
				t.Errorf("the other document: %v", err)
			}
		})
	}
	if n, err := e.cat.PagesDone(ctx, docA); err != nil || n != 0 {
		t.Errorf("PagesDone after delete = %d, %v; want 0", n, err)
	}
	ids, err := e.cat.DocumentIDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]domain.DocumentID{docB}, ids); diff != "" {
		t.Errorf("DocumentIDs (-want +got):\n%s", diff)
	}
}

// TestForeignAndTamperedObjects: an object moved to another owner's or
// another page's key, altered, cut short or written unsealed does not open,
// and the error says why (never ErrNotFound).
func TestForeignAndTamperedObjects(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	for _, id := range []domain.DocumentID{docA, docB} {
		if err := errors.Join(e.cat.PutDocument(ctx, sampleDocument(id)), e.cat.PutPage(ctx, id, samplePage(1)),
			e.cat.PutPage(ctx, id, samplePage(2))); err != nil {
			t.Fatal(err)
		}
	}
	sealed := func(key string) []byte {
		t.Helper()
		b, err := e.store.Get(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	docKey := func(id domain.DocumentID) string { return "docs/" + string(id) + "/doc" }
	pageKey := func(id domain.DocumentID, n string) string { return "docs/" + string(id) + "/pages/0000" + n + ".ocr" }
	noKey := docID(7) // a document that never had a data key
	cases := []struct {
		name string
		key  string // where the bytes are written
		data []byte
		read func() error
		want error
	}{
		{"document of another owner", docKey(docB), sealed(docKey(docA)),
			func() error { _, err := e.cat.GetDocument(ctx, docB); return err }, vault.ErrTampered},
		{"document of an owner without a key", docKey(noKey), sealed(docKey(docA)),
			func() error { _, err := e.cat.GetDocument(ctx, noKey); return err }, vault.ErrNoKey},
		{"page 2 under page 1's key", pageKey(docA, "1"), sealed(pageKey(docA, "2")),
			func() error { _, err := e.cat.GetPage(ctx, docA, 1); return err }, vault.ErrTampered},
		{"page stored as the document", docKey(docA), sealed(pageKey(docA, "2")),
			func() error { _, err := e.cat.GetDocument(ctx, docA); return err }, vault.ErrTampered},
		{"one byte changed", pageKey(docB, "2"), flip(sealed(pageKey(docB, "2")), 40),
			func() error { _, err := e.cat.GetPage(ctx, docB, 2); return err }, vault.ErrTampered},
		{"cut short", pageKey(docB, "1"), sealed(pageKey(docB, "1"))[:60],
			func() error { _, err := e.cat.GetPage(ctx, docB, 1); return err }, vault.ErrTampered},
		{"written unsealed", docKey(docB), []byte(`{"id":"` + string(docB) + `","status":"done"}`),
			func() error { _, err := e.cat.GetDocument(ctx, docB); return err }, vault.ErrFormat},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := e.store.Put(ctx, c.key, c.data); err != nil {
				t.Fatal(err)
			}
			err := c.read()
			if !errors.Is(err, c.want) || errors.Is(err, catalog.ErrNotFound) {
				t.Errorf("err = %v, want %v", err, c.want)
			}
		})
	}
}

func flip(b []byte, i int) []byte {
	b = bytes.Clone(b)
	b[i] ^= 0x01
	return b
}

// TestStoreErrors: a store failure other than a missing object reaches the
// caller as itself, not as ErrNotFound.
func TestStoreErrors(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	if err := e.cat.PutDocument(ctx, sampleDocument(docA)); err != nil {
		t.Fatal(err)
	}
	broken := errors.New("disk on fire")
	cat := catalog.New(failingStore{e.store, broken}, e.vault)
	cases := []struct {
		name string
		call func() error
	}{
		{"get", func() error { _, err := cat.GetDocument(ctx, docA); return err }},
		{"put", func() error { return cat.PutOriginal(ctx, docA, []byte("o")) }},
		{"list pages", func() error { _, err := cat.PagesDone(ctx, docA); return err }},
		{"list documents", func() error { _, err := cat.DocumentIDs(ctx); return err }},
		{"list batches", func() error { _, err := cat.BatchIDs(ctx); return err }},
		{"delete", func() error { return cat.DeleteDocument(ctx, docA) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := c.call(); !errors.Is(err, broken) || errors.Is(err, catalog.ErrNotFound) {
				t.Errorf("err = %v, want the store's error", err)
			}
		})
	}
}

// failingStore fails every call on keys under docs/ and batches/ with err,
// and passes the vault's keys/ through to the real store.
type failingStore struct {
	blob.Store
	err error
}

func (s failingStore) fails(key string) bool { return key == "" || key[0] == 'd' || key[0] == 'b' }

func (s failingStore) Put(ctx context.Context, key string, data []byte) error {
	if s.fails(key) {
		return s.err
	}
	return s.Store.Put(ctx, key, data)
}

func (s failingStore) Get(ctx context.Context, key string) ([]byte, error) {
	if s.fails(key) {
		return nil, s.err
	}
	return s.Store.Get(ctx, key)
}

func (s failingStore) List(ctx context.Context, prefix string) ([]string, error) {
	if s.fails(prefix) {
		return nil, s.err
	}
	return s.Store.List(ctx, prefix)
}

func (s failingStore) Delete(ctx context.Context, key string) error {
	if s.fails(key) {
		return s.err
	}
	return s.Store.Delete(ctx, key)
}

// TestIDs: batch IDs sort newest first and pass ValidBatchID; document IDs
// come from the content hash; hostile IDs from URLs are refused.
func TestIDs(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	var want []domain.BatchID
	for i := range 3 {
		b := sampleBatch()
		b.ID = catalog.NewBatchID(when.Add(time.Duration(i) * time.Hour))
		if !catalog.ValidBatchID(string(b.ID)) {
			t.Fatalf("NewBatchID made %q, which ValidBatchID refuses", b.ID)
		}
		if err := e.cat.PutBatch(ctx, b); err != nil {
			t.Fatal(err)
		}
		want = append(want, b.ID)
	}
	slices.Reverse(want)
	got, err := e.cat.BatchIDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("BatchIDs, newest first (-want +got):\n%s", diff)
	}
	if a, b := catalog.NewBatchID(when), catalog.NewBatchID(when); a == b {
		t.Errorf("two batch IDs made in the same second are equal: %s", a)
	}

	sum := "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	if id := catalog.DocumentIDFor(sum); id != domain.DocumentID(sum[:32]) || !catalog.ValidDocumentID(string(id)) {
		t.Errorf("DocumentIDFor = %q, want the first 32 hex digits", id)
	}
	ids := []struct {
		id          string
		batch, docu bool
	}{
		{"b20261125t103000aabbccddee", true, false},
		{sum[:32], true, true},
		{"", false, false},
		{"b", false, false},
		{"../etc/passwd", false, false},
		{"b2026/../../x", false, false},
		{"9F86D081884C7D659A2FEAA0C55AD015", true, true}, // hex in capitals decodes
		{sum[:31] + "g", true, false},
		{sum[:33], true, false},
		{string(bytes.Repeat([]byte("a"), 64)), false, false},
	}
	for _, c := range ids {
		if got := catalog.ValidBatchID(c.id); got != c.batch {
			t.Errorf("ValidBatchID(%q) = %v, want %v", c.id, got, c.batch)
		}
		if got := catalog.ValidDocumentID(c.id); got != c.docu {
			t.Errorf("ValidDocumentID(%q) = %v, want %v", c.id, got, c.docu)
		}
	}
}
