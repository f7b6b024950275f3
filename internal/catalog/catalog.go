// Package catalog keeps batches, documents, pages and records in the blob
// store, the system of record. Every object is sealed (encrypted and
// authenticated) with its owner's data key before it reaches the store, so
// nothing a citizen could be identified by lies in the clear on disk.
//
// Key layout:
//
//	batches/<batch>/batch                 batch manifest (owner: batch)
//	docs/<doc>/doc                        document state (owner: document)
//	docs/<doc>/original                   original file bytes (chunked, streamed)
//	docs/<doc>/pages/<nnnnn>.img          page image
//	docs/<doc>/pages/<nnnnn>.ocr          page OCR result (domain.Page as JSON)
//	docs/<doc>/record                     finished record (fields, text), current version
//	docs/<doc>/versions/<nnnnn>           earlier versions of the record (versions.go)
//	uploads/<batch>/<nnnnn>               an uploaded file while it is ingested (owner: batch)
package catalog

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/sohoa/sohoa/internal/blob"
	"github.com/sohoa/sohoa/internal/domain"
	"github.com/sohoa/sohoa/internal/vault"
)

// Sealer encrypts and decrypts objects under their owner's data key, whole
// or as streams. *vault.Vault satisfies it.
type Sealer interface {
	Seal(ctx context.Context, owner, kind string, plaintext []byte) ([]byte, error)
	Open(ctx context.Context, owner, kind string, ciphertext []byte) ([]byte, error)
	SealWriter(ctx context.Context, owner, kind string, w io.Writer) (io.WriteCloser, error)
	OpenReaderAt(ctx context.Context, owner, kind string, r io.ReaderAt, size int64) (*vault.Object, error)
}

var _ Sealer = (*vault.Vault)(nil)

// ErrNotFound is returned when an object does not exist.
var ErrNotFound = errors.New("catalog: not found")

// Catalog reads and writes sealed objects. It is safe for concurrent use.
type Catalog struct {
	store blob.Store
	seal  Sealer
}

// New returns a catalog over store, sealing with s.
func New(store blob.Store, s Sealer) *Catalog { return &Catalog{store: store, seal: s} }

// Batch is an upload batch manifest.
type Batch struct {
	ID        domain.BatchID `json:"id"`
	CreatedAt time.Time      `json:"created_at"`
	Uploader  string         `json:"uploader"` // token ID and name
	Pipeline  string         `json:"pipeline,omitempty"`
	Fonds     string         `json:"fonds,omitempty"`
	Dossier   string         `json:"dossier,omitempty"`
	Retention string         `json:"retention,omitempty"`
	Note      string         `json:"note,omitempty"`
	Items     []Item         `json:"items"`

	// UploaderID is the token ID (or "user:<username>") that uploaded the
	// batch: an uploader sees only their own batches, and duplicates are
	// detected only among them.
	UploaderID string `json:"uploader_id,omitempty"`
}

// Item is one uploaded file of a batch: a document, or a rejected file.
type Item struct {
	Name       string            `json:"name"`
	DocumentID domain.DocumentID `json:"document_id,omitempty"`
	Size       int64             `json:"size"`
	Format     string            `json:"format,omitempty"`
	Duplicate  bool              `json:"duplicate,omitempty"` // same content already uploaded
	Rejected   *domain.Rejection `json:"rejected,omitempty"`
}

// Document is the processing state of one document.
type Document struct {
	ID         domain.DocumentID        `json:"id"`
	BatchID    domain.BatchID           `json:"batch_id"`
	Name       string                   `json:"name"`
	SHA256     string                   `json:"sha256"`
	Size       int64                    `json:"size"`
	Format     string                   `json:"format"`
	Pipeline   string                   `json:"pipeline,omitempty"`
	Pages      int                      `json:"pages"`
	Status     domain.DocStatus         `json:"status"`
	Problem    *domain.Rejection        `json:"problem,omitempty"`
	PageErrors map[domain.PageNo]string `json:"page_errors,omitempty"`
	Attempt    int                      `json:"attempt"` // bumped by each staff retry
	CreatedAt  time.Time                `json:"created_at"`
	UpdatedAt  time.Time                `json:"updated_at"`
}

// Field is one extracted field of a record.
type Field struct {
	Value       string             `json:"value,omitempty"`
	Values      []string           `json:"values,omitempty"`
	Confidence  float64            `json:"confidence"`
	Page        domain.PageNo      `json:"page,omitempty"`
	Sensitivity domain.Sensitivity `json:"sensitivity"`
	// Reasons are the extractor's reason codes for doubting the value
	// (extract.Field.Reasons: "low_ocr_confidence", "validator:...").
	Reasons []string `json:"reasons,omitempty"`
	// Source is where the value comes from: "" or "ocr" for extraction,
	// "reviewer" for a correction or a confirmation (review.go).
	Source string `json:"source,omitempty"`
	// Correction keeps what extraction found, and who corrected it when.
	Correction *Correction `json:"correction,omitempty"`
}

// Record is a finished document: what extraction found and the text.
type Record struct {
	DocumentID       domain.DocumentID `json:"document_id"`
	BatchID          domain.BatchID    `json:"batch_id"`
	Name             string            `json:"name"`
	Pipeline         string            `json:"pipeline"`
	Class            string            `json:"class"`
	ClassConfidence  float64           `json:"class_confidence"`
	Title            string            `json:"title"`
	Fields           map[string]Field  `json:"fields"`
	Secrecy          string            `json:"secrecy,omitempty"`
	QuarantineReason string            `json:"quarantine_reason,omitempty"`
	DuplicateKey     string            `json:"duplicate_key,omitempty"`
	Pages            int               `json:"pages"`
	Confidence       float64           `json:"confidence"` // mean OCR confidence
	Text             []string          `json:"text"`       // per page, full OCR text (personal)
	Redacted         []string          `json:"redacted"`   // per page, personal spans replaced
	Blind            []string          `json:"blind"`      // blind-index tokens
	// Mentions are personal values found in the text beside Fields, by
	// field name (the people of an annex table, say): personal, sealed with
	// the record, blind-indexed for lookups.
	Mentions    map[string][]string `json:"mentions,omitempty"`
	FinalizedAt time.Time           `json:"finalized_at"`
	// Missing are the class's required fields extraction did not find.
	Missing []string `json:"missing,omitempty"`
	// Version counts the record's versions (0 and 1: as extracted); each
	// correction stores a new one (versions.go).
	Version int `json:"version,omitempty"`
	// Revision says how this version came to be; nil for the extracted one.
	Revision *Revision `json:"revision,omitempty"`
	// Verified is set when a reviewer verified the whole record.
	Verified *Verification `json:"verified,omitempty"`
}

// UploadedBy reports whether the principal with token (or user) ID id
// uploaded b. Batches written before UploaderID existed name their token ID
// as the first word of Uploader.
func (b *Batch) UploadedBy(id string) bool {
	owner := b.UploaderID
	if owner == "" {
		owner, _, _ = strings.Cut(b.Uploader, " ")
	}
	return id != "" && owner == id
}

// NewBatchID returns a new, time-ordered batch ID.
func NewBatchID(now time.Time) domain.BatchID {
	var r [5]byte
	rand.Read(r[:])
	return domain.BatchID("b" + now.UTC().Format("20060102t150405") + hex.EncodeToString(r[:]))
}

// ValidBatchID and ValidDocumentID guard IDs coming from URLs.
func ValidBatchID(id string) bool {
	return len(id) > 1 && len(id) < 64 && blob.ValidKey(id) && !strings.Contains(id, "/")
}

// ValidDocumentID reports whether id has the form of a document ID.
func ValidDocumentID(id string) bool {
	if len(id) != 32 {
		return false
	}
	_, err := hex.DecodeString(id)
	return err == nil
}

// DocumentIDFor derives a document's ID from the hex SHA-256 of its bytes.
// Documents ingested before IDs were per uploader have this ID; see
// UploaderDocumentID.
func DocumentIDFor(sha256hex string) domain.DocumentID { return domain.DocumentID(sha256hex[:32]) }

// UploaderDocumentID derives the ID of a document from the hex SHA-256 of
// its bytes and the ID of its uploader. The same file uploaded by two
// uploaders makes two documents, so an upload never reveals that someone
// else holds the same file.
func UploaderDocumentID(sha256hex, uploaderID string) domain.DocumentID {
	h := sha256.Sum256([]byte("sohoa document\x00" + uploaderID + "\x00" + sha256hex))
	return domain.DocumentID(hex.EncodeToString(h[:16]))
}

func batchKey(id domain.BatchID) string              { return "batches/" + string(id) + "/batch" }
func docKey(id domain.DocumentID, obj string) string { return "docs/" + string(id) + "/" + obj }
func pageKey(id domain.DocumentID, n domain.PageNo, ext string) string {
	return fmt.Sprintf("docs/%s/pages/%05d.%s", id, n, ext)
}

func (c *Catalog) put(ctx context.Context, key, owner, kind string, data []byte) error {
	ct, err := c.seal.Seal(ctx, owner, kind, data)
	if err != nil {
		return fmt.Errorf("catalog: seal %s: %w", kind, err)
	}
	return c.store.Put(ctx, key, ct)
}

func (c *Catalog) get(ctx context.Context, key, owner, kind string) ([]byte, error) {
	ct, err := c.store.Get(ctx, key)
	if errors.Is(err, blob.ErrNotFound) {
		return nil, fmt.Errorf("catalog: %s %s: %w", kind, owner, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	pt, err := c.seal.Open(ctx, owner, kind, ct)
	if err != nil {
		return nil, fmt.Errorf("catalog: open %s %s: %w", kind, owner, err)
	}
	return pt, nil
}

func (c *Catalog) putJSON(ctx context.Context, key, owner, kind string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("catalog: encode %s: %w", kind, err)
	}
	return c.put(ctx, key, owner, kind, b)
}

func (c *Catalog) getJSON(ctx context.Context, key, owner, kind string, v any) error {
	b, err := c.get(ctx, key, owner, kind)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("catalog: decode %s %s: %w", kind, owner, err)
	}
	return nil
}

// PutBatch writes a batch manifest.
func (c *Catalog) PutBatch(ctx context.Context, b *Batch) error {
	return c.putJSON(ctx, batchKey(b.ID), string(b.ID), "batch", b)
}

// GetBatch reads a batch manifest.
func (c *Catalog) GetBatch(ctx context.Context, id domain.BatchID) (*Batch, error) {
	var b Batch
	if err := c.getJSON(ctx, batchKey(id), string(id), "batch", &b); err != nil {
		return nil, err
	}
	return &b, nil
}

// BatchIDs lists batch IDs, newest first.
func (c *Catalog) BatchIDs(ctx context.Context) ([]domain.BatchID, error) {
	keys, err := c.store.List(ctx, "batches/")
	if err != nil {
		return nil, err
	}
	var ids []domain.BatchID
	for _, k := range keys {
		parts := strings.Split(k, "/")
		if len(parts) == 3 && parts[2] == "batch" {
			ids = append(ids, domain.BatchID(parts[1]))
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] > ids[j] })
	return ids, nil
}

// DocumentIDs lists every document ID in the store.
func (c *Catalog) DocumentIDs(ctx context.Context) ([]domain.DocumentID, error) {
	keys, err := c.store.List(ctx, "docs/")
	if err != nil {
		return nil, err
	}
	var ids []domain.DocumentID
	for _, k := range keys {
		parts := strings.Split(k, "/")
		if len(parts) == 3 && parts[2] == "doc" {
			ids = append(ids, domain.DocumentID(parts[1]))
		}
	}
	return ids, nil
}

// PutDocument writes a document's state, stamping UpdatedAt.
func (c *Catalog) PutDocument(ctx context.Context, d *Document) error {
	d.UpdatedAt = time.Now().UTC()
	return c.putJSON(ctx, docKey(d.ID, "doc"), string(d.ID), "doc", d)
}

// GetDocument reads a document's state.
func (c *Catalog) GetDocument(ctx context.Context, id domain.DocumentID) (*Document, error) {
	var d Document
	if err := c.getJSON(ctx, docKey(id, "doc"), string(id), "doc", &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// PutOriginal stores the original file.
func (c *Catalog) PutOriginal(ctx context.Context, id domain.DocumentID, data []byte) error {
	return c.put(ctx, docKey(id, "original"), string(id), "original", data)
}

// PutOriginalFrom stores the original file read from r, sealing it chunk by
// chunk as it streams to the store, and returns its size. The original
// appears only once r is read to the end; an error (from r, the vault or the
// store) leaves no new object.
func (c *Catalog) PutOriginalFrom(ctx context.Context, id domain.DocumentID, r io.Reader) (int64, error) {
	return c.putStream(ctx, docKey(id, "original"), string(id), "original", r)
}

// GetOriginal reads the original file into memory. OpenOriginal reads it
// without doing so.
func (c *Catalog) GetOriginal(ctx context.Context, id domain.DocumentID) ([]byte, error) {
	return c.get(ctx, docKey(id, "original"), string(id), "original")
}

// OpenOriginal opens the original file for reading at random or in order,
// holding one chunk of it in memory at a time. The caller closes it.
func (c *Catalog) OpenOriginal(ctx context.Context, id domain.DocumentID) (*Reader, error) {
	return c.openStream(ctx, docKey(id, "original"), string(id), "original")
}

func uploadKey(b domain.BatchID, n int) string { return fmt.Sprintf("uploads/%s/%05d", b, n) }
func uploadKind(n int) string                  { return fmt.Sprintf("upload-%d", n) }

// PutUpload stores the n-th file of a batch being uploaded, streamed from r
// and sealed for the batch, and returns its size. As for PutOriginalFrom, an
// error leaves no new object.
func (c *Catalog) PutUpload(ctx context.Context, b domain.BatchID, n int, r io.Reader) (int64, error) {
	return c.putStream(ctx, uploadKey(b, n), string(b), uploadKind(n), r)
}

// OpenUpload opens the n-th uploaded file of a batch, as OpenOriginal.
func (c *Catalog) OpenUpload(ctx context.Context, b domain.BatchID, n int) (*Reader, error) {
	return c.openStream(ctx, uploadKey(b, n), string(b), uploadKind(n))
}

// DeleteUpload removes the n-th uploaded file of a batch once it is
// ingested; a missing one is not an error.
func (c *Catalog) DeleteUpload(ctx context.Context, b domain.BatchID, n int) error {
	return c.store.Delete(ctx, uploadKey(b, n))
}

// Reader is a stored object opened for reading: ReadAt (random access,
// e.g. for archive/zip), Read and Seek (in order) and Size, all on the
// plaintext. Each chunk is authenticated before it is used. Close it.
type Reader struct {
	*vault.Object
	obj blob.Object
}

// Close releases the stored object.
func (r *Reader) Close() error { return r.obj.Close() }

func (c *Catalog) putStream(ctx context.Context, key, owner, kind string, r io.Reader) (int64, error) {
	w, err := blob.Create(ctx, c.store, key)
	if err != nil {
		return 0, err
	}
	sw, err := c.seal.SealWriter(ctx, owner, kind, w)
	if err != nil {
		w.Abort()
		return 0, fmt.Errorf("catalog: seal %s: %w", kind, err)
	}
	n, err := io.Copy(sw, r)
	if err == nil {
		err = sw.Close()
	}
	if err != nil {
		w.Abort()
		return n, fmt.Errorf("catalog: write %s %s: %w", kind, owner, err)
	}
	if err := w.Commit(); err != nil {
		return n, err
	}
	return n, nil
}

func (c *Catalog) openStream(ctx context.Context, key, owner, kind string) (*Reader, error) {
	obj, err := blob.Open(ctx, c.store, key)
	if errors.Is(err, blob.ErrNotFound) {
		return nil, fmt.Errorf("catalog: %s %s: %w", kind, owner, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	o, err := c.seal.OpenReaderAt(ctx, owner, kind, obj, obj.Size())
	if err != nil {
		obj.Close()
		return nil, fmt.Errorf("catalog: open %s %s: %w", kind, owner, err)
	}
	return &Reader{Object: o, obj: obj}, nil
}

// PutPageImage stores a page image.
func (c *Catalog) PutPageImage(ctx context.Context, id domain.DocumentID, n domain.PageNo, data []byte) error {
	return c.put(ctx, pageKey(id, n, "img"), string(id), fmt.Sprintf("page-image-%d", n), data)
}

// GetPageImage reads a page image.
func (c *Catalog) GetPageImage(ctx context.Context, id domain.DocumentID, n domain.PageNo) ([]byte, error) {
	return c.get(ctx, pageKey(id, n, "img"), string(id), fmt.Sprintf("page-image-%d", n))
}

// PutPage stores a page's OCR result.
func (c *Catalog) PutPage(ctx context.Context, id domain.DocumentID, p *domain.Page) error {
	return c.putJSON(ctx, pageKey(id, p.No, "ocr"), string(id), fmt.Sprintf("page-ocr-%d", p.No), p)
}

// GetPage reads a page's OCR result.
func (c *Catalog) GetPage(ctx context.Context, id domain.DocumentID, n domain.PageNo) (*domain.Page, error) {
	var p domain.Page
	if err := c.getJSON(ctx, pageKey(id, n, "ocr"), string(id), fmt.Sprintf("page-ocr-%d", n), &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// PagesDone counts the pages with a stored OCR result (done or failed).
func (c *Catalog) PagesDone(ctx context.Context, id domain.DocumentID) (int, error) {
	keys, err := c.store.List(ctx, "docs/"+string(id)+"/pages/")
	if err != nil {
		return 0, err
	}
	n := 0
	for _, k := range keys {
		if strings.HasSuffix(k, ".ocr") {
			n++
		}
	}
	return n, nil
}

// PutPDF stores a document's searchable PDF/A.
func (c *Catalog) PutPDF(ctx context.Context, id domain.DocumentID, b []byte) error {
	return c.put(ctx, docKey(id, "pdf"), string(id), "pdf", b)
}

// GetPDF reads a document's searchable PDF/A.
func (c *Catalog) GetPDF(ctx context.Context, id domain.DocumentID) ([]byte, error) {
	return c.get(ctx, docKey(id, "pdf"), string(id), "pdf")
}

// PutRecord stores a finished record.
func (c *Catalog) PutRecord(ctx context.Context, r *Record) error {
	return c.putJSON(ctx, docKey(r.DocumentID, "record"), string(r.DocumentID), "record", r)
}

// GetRecord reads a finished record.
func (c *Catalog) GetRecord(ctx context.Context, id domain.DocumentID) (*Record, error) {
	var r Record
	if err := c.getJSON(ctx, docKey(id, "record"), string(id), "record", &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// DeleteDocument removes every object of a document from the store.
func (c *Catalog) DeleteDocument(ctx context.Context, id domain.DocumentID) error {
	keys, err := c.store.List(ctx, "docs/"+string(id)+"/")
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := c.store.Delete(ctx, k); err != nil {
			return err
		}
	}
	return nil
}
