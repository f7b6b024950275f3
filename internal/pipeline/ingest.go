package pipeline

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/domain"
	"github.com/sohoa/sohoa/internal/pages"
	"github.com/sohoa/sohoa/internal/vault"
)

// IngestLimits bound what one upload may bring in. Zero values take the defaults.
type IngestLimits struct {
	MaxFileBytes  int64   // one file (or one ZIP entry, uncompressed); default 512 MiB
	MaxBatchBytes int64   // all files of a batch, ZIP entries uncompressed; default 4 GiB
	MaxBatchFiles int     // documents in a batch; default 10,000
	MaxZipRatio   float64 // uncompressed/compressed size of a ZIP entry; default 200
	MaxZipDepth   int     // ZIPs inside ZIPs; default 2
	MaxZipEntries int     // entries of one ZIP; default 20,000
}

func (l IngestLimits) withDefaults() IngestLimits {
	if l.MaxFileBytes <= 0 {
		l.MaxFileBytes = 512 << 20
	}
	if l.MaxBatchBytes <= 0 {
		l.MaxBatchBytes = 4 << 30
	}
	if l.MaxBatchFiles <= 0 {
		l.MaxBatchFiles = 10_000
	}
	if l.MaxZipRatio <= 0 {
		l.MaxZipRatio = 200
	}
	if l.MaxZipDepth <= 0 {
		l.MaxZipDepth = 2
	}
	if l.MaxZipEntries <= 0 {
		l.MaxZipEntries = 20_000
	}
	return l
}

// BatchMeta is what the uploader says about a batch.
type BatchMeta struct {
	Uploader string // token ID and name, as shown to staff
	// UploaderID is the token ID (or "user:<username>") of the uploader;
	// when empty, the first word of Uploader.
	UploaderID string
	Pipeline   string
	Fonds      string
	Dossier    string
	Retention  string
	Note       string
}

// Upload collects the files of one batch. Add files, then Commit. Not safe
// for concurrent use.
type Upload struct {
	p      *Pipeline
	batch  *catalog.Batch
	bytes  int64
	docs   []*catalog.Document
	staged int // uploads staged so far, numbering the staging objects
}

// NewUpload starts a batch.
func (p *Pipeline) NewUpload(meta BatchMeta) *Upload {
	now := time.Now().UTC()
	if meta.UploaderID == "" {
		meta.UploaderID, _, _ = strings.Cut(meta.Uploader, " ")
	}
	return &Upload{p: p, batch: &catalog.Batch{
		ID: catalog.NewBatchID(now), CreatedAt: now, Uploader: meta.Uploader, UploaderID: meta.UploaderID,
		Pipeline: meta.Pipeline, Fonds: meta.Fonds, Dossier: meta.Dossier, Retention: meta.Retention, Note: meta.Note,
	}}
}

// ID returns the batch ID.
func (u *Upload) ID() domain.BatchID { return u.batch.ID }

// Documents returns the number of documents accepted so far.
func (u *Upload) Documents() int { return len(u.docs) }

// Items returns the batch's items so far.
func (u *Upload) Items() []catalog.Item { return u.batch.Items }

// ErrBatchTooLarge is returned by Add when the batch exceeds its byte or file limit.
var ErrBatchTooLarge = errors.New("batch too large")

// Add reads one uploaded file. It never holds the file in memory: the bytes
// stream into a staging object in the blob store (sealed for the batch)
// while they are hashed and their first bytes kept for sniffing, and are
// then copied, chunk by chunk, to the document's original; a ZIP archive is
// walked from its staging object. A bad file is recorded as a rejected item
// with its reason and does not fail the batch; only exceeding the batch
// limits, a read error of r or a storage failure returns an error. No
// staging object outlives Add.
func (u *Upload) Add(ctx context.Context, name string, r io.Reader) error {
	lim := u.p.cfg.Ingest
	name = cleanName(name)
	st, err := u.stage(ctx, r, lim.MaxFileBytes)
	var src *sourceError
	switch {
	case errors.Is(err, errOverLimit):
		// Nothing was kept; the rest of the part is not read.
		u.reject(name, lim.MaxFileBytes+1, tooLarge(lim.MaxFileBytes))
		return nil
	case errors.As(err, &src):
		return fmt.Errorf("read upload %q: %w", name, src.err)
	case err != nil:
		return err
	}
	return u.addStaged(ctx, name, st, 0)
}

func tooLarge(max int64) *domain.Rejection {
	return domain.Reject("file_too_large",
		fmt.Sprintf("Tệp vượt quá giới hạn %d MiB", max>>20),
		fmt.Sprintf("file exceeds the %d MiB limit", max>>20), nil)
}

func (u *Upload) reject(name string, size int64, rej *domain.Rejection) {
	u.batch.Items = append(u.batch.Items, catalog.Item{Name: cleanName(name), Size: size, Rejected: rej})
}

// sniffLen is how many leading bytes pages.Sniff looks at.
const sniffLen = 1024

// staged is a file stored as a staging object of the batch while it is
// ingested.
type staged struct {
	n    int    // staging object number
	size int64  // bytes
	sum  string // hex SHA-256
	head []byte // the first sniffLen bytes
}

// errOverLimit is returned by a meter read past its limit.
var errOverLimit = errors.New("over the size limit")

// sourceError is a read error of the file being staged, as opposed to an
// error of the store it is staged into.
type sourceError struct{ err error }

func (e *sourceError) Error() string { return e.err.Error() }
func (e *sourceError) Unwrap() error { return e.err }

// meter passes a file through, hashing it, keeping its first bytes and
// failing with errOverLimit past max bytes.
type meter struct {
	r    io.Reader
	max  int64
	n    int64
	hash hash.Hash
	head []byte
}

func (m *meter) Read(p []byte) (int, error) {
	n, err := m.r.Read(p)
	if m.n+int64(n) > m.max {
		return 0, errOverLimit
	}
	m.n += int64(n)
	m.hash.Write(p[:n])
	if k := min(n, sniffLen-len(m.head)); k > 0 {
		m.head = append(m.head, p[:k]...)
	}
	if err != nil && !errors.Is(err, io.EOF) {
		err = &sourceError{err}
	}
	return n, err
}

// stage streams r (at most max bytes) into a new staging object. Past max
// it fails with errOverLimit, a read error of r is a *sourceError, and
// either way nothing stays stored.
func (u *Upload) stage(ctx context.Context, r io.Reader, max int64) (*staged, error) {
	m := &meter{r: r, max: max, hash: sha256.New()}
	st := &staged{n: u.staged}
	u.staged++
	size, err := u.p.cat.PutUpload(ctx, u.batch.ID, st.n, m)
	if err != nil {
		return nil, err
	}
	st.size, st.sum, st.head = size, hex.EncodeToString(m.hash.Sum(nil)), m.head
	return st, nil
}

// unstage deletes a staging object, even when ctx has ended.
func (u *Upload) unstage(ctx context.Context, st *staged) {
	if err := u.p.cat.DeleteUpload(context.WithoutCancel(ctx), u.batch.ID, st.n); err != nil {
		u.p.log.Warn("deleting a staged upload failed", "batch", u.batch.ID, "upload", st.n, "err", err)
	}
}

// addStaged ingests a staged file and deletes its staging object.
func (u *Upload) addStaged(ctx context.Context, name string, st *staged, depth int) error {
	defer u.unstage(ctx, st)
	lim := u.p.cfg.Ingest
	u.bytes += st.size
	if u.bytes > lim.MaxBatchBytes {
		return fmt.Errorf("%w: more than %d MiB", ErrBatchTooLarge, lim.MaxBatchBytes>>20)
	}
	if len(u.batch.Items) >= lim.MaxBatchFiles {
		return fmt.Errorf("%w: more than %d files", ErrBatchTooLarge, lim.MaxBatchFiles)
	}
	if st.size == 0 {
		u.reject(name, 0, domain.Reject("empty_file", "Tệp rỗng", "empty file", nil))
		return nil
	}
	f := pages.Sniff(st.head)
	switch f {
	case pages.ZIP:
		return u.addZip(ctx, name, st, depth)
	case pages.Unknown:
		u.reject(name, st.size, pages.ErrUnsupported)
		return nil
	}
	id := catalog.UploaderDocumentID(st.sum, u.batch.UploaderID)
	item := catalog.Item{Name: name, DocumentID: id, Size: st.size, Format: string(f)}
	// The same content uploaded before by the same uploader keeps its
	// document and record. Another uploader's copy is neither linked nor
	// mentioned: this upload becomes a document of its own.
	prev, err := u.uploadedBefore(ctx, st.sum, id)
	if err != nil {
		return err
	}
	if prev != "" {
		item.DocumentID, item.Duplicate = prev, true
		u.batch.Items = append(u.batch.Items, item)
		return nil
	}
	for _, d := range u.docs {
		if d.ID == id {
			item.Duplicate = true
			u.batch.Items = append(u.batch.Items, item)
			return nil
		}
	}
	if err := u.keepOriginal(ctx, id, st); err != nil {
		if errors.Is(err, vault.ErrErased) {
			u.reject(name, st.size, domain.Reject("erased_document",
				"Văn bản này đã bị xoá vĩnh viễn (huỷ khoá) và không thể nạp lại",
				"this document was erased (its key destroyed) and cannot be ingested again", nil))
			return nil
		}
		return err
	}
	u.p.metrics.Uploaded(int(st.size))
	now := time.Now().UTC()
	u.docs = append(u.docs, &catalog.Document{
		ID: id, BatchID: u.batch.ID, Name: name, SHA256: st.sum, Size: st.size, Format: string(f),
		Pipeline: u.batch.Pipeline, Status: domain.DocQueued, CreatedAt: now,
	})
	u.batch.Items = append(u.batch.Items, item)
	return nil
}

// uploadedBefore returns the document the uploader of this batch made
// earlier from the file with hex SHA-256 sum, or "" when there is none. id
// is the document's per-uploader ID; a document from before IDs were per
// uploader (catalog.DocumentIDFor) counts only if its batch was uploaded by
// the same uploader.
func (u *Upload) uploadedBefore(ctx context.Context, sum string, id domain.DocumentID) (domain.DocumentID, error) {
	if _, err := u.p.cat.GetDocument(ctx, id); err == nil {
		return id, nil
	} else if !errors.Is(err, catalog.ErrNotFound) {
		return "", err
	}
	legacy := catalog.DocumentIDFor(sum)
	d, err := u.p.cat.GetDocument(ctx, legacy)
	if errors.Is(err, catalog.ErrNotFound) {
		return "", nil
	} else if err != nil {
		return "", err
	}
	b, err := u.p.cat.GetBatch(ctx, d.BatchID)
	if errors.Is(err, catalog.ErrNotFound) {
		return "", nil
	} else if err != nil {
		return "", err
	}
	if b.UploadedBy(u.batch.UploaderID) {
		return legacy, nil
	}
	return "", nil
}

// keepOriginal copies a staged file, chunk by chunk, to the original of
// document id (sealed for the document).
func (u *Upload) keepOriginal(ctx context.Context, id domain.DocumentID, st *staged) error {
	r, err := u.p.cat.OpenUpload(ctx, u.batch.ID, st.n)
	if err != nil {
		return err
	}
	defer r.Close()
	n, err := u.p.cat.PutOriginalFrom(ctx, id, r)
	if err != nil {
		return err
	}
	if n != st.size {
		return fmt.Errorf("ingest: staged upload %d of batch %s changed size (%d bytes, then %d)", st.n, u.batch.ID, st.size, n)
	}
	return nil
}

// storeErrors remembers the errors of reads from the store, so a failing
// store is not mistaken for a damaged ZIP.
type storeErrors struct {
	r   io.ReaderAt
	err error
}

func (s *storeErrors) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		// A damaged ZIP's offsets, not a store failure.
		return 0, errors.New("zip: negative offset")
	}
	n, err := s.r.ReadAt(p, off)
	if err != nil && !errors.Is(err, io.EOF) {
		s.err = err
	}
	return n, err
}

// addZip walks a staged ZIP archive through random access, never holding it
// or an entry in memory: entry names are only labels (nothing is written to
// a path), and sizes, ratios, entry counts and nesting are bounded. Each
// entry is staged and ingested in turn.
func (u *Upload) addZip(ctx context.Context, name string, st *staged, depth int) error {
	lim := u.p.cfg.Ingest
	if depth >= lim.MaxZipDepth {
		u.reject(name, st.size, domain.Reject("zip_too_deep",
			fmt.Sprintf("ZIP lồng nhau quá %d cấp", lim.MaxZipDepth),
			fmt.Sprintf("ZIP archives nested more than %d deep", lim.MaxZipDepth), nil))
		return nil
	}
	obj, err := u.p.cat.OpenUpload(ctx, u.batch.ID, st.n)
	if err != nil {
		return err
	}
	defer obj.Close()
	src := &storeErrors{r: obj}
	// archive/zip holds the whole central directory: bound it first.
	if entries, dirSize, ok := zipDirectory(src, obj.Size()); ok &&
		(entries > uint64(lim.MaxZipEntries) || dirSize > uint64(lim.MaxZipEntries)*zipDirBytesPerEntry) {
		u.reject(name, st.size, tooManyEntries(entries, lim.MaxZipEntries))
		return nil
	}
	if src.err != nil {
		return src.err
	}
	zr, err := zip.NewReader(src, obj.Size())
	if src.err != nil {
		return src.err
	}
	if err != nil {
		u.reject(name, st.size, domain.Reject("corrupt_zip", "Tệp ZIP bị hỏng", "the ZIP archive is damaged", err))
		return nil
	}
	if len(zr.File) > lim.MaxZipEntries {
		u.reject(name, st.size, tooManyEntries(uint64(len(zr.File)), lim.MaxZipEntries))
		return nil
	}
	for _, zf := range zr.File {
		if err := ctx.Err(); err != nil {
			return err
		}
		if zf.FileInfo().IsDir() || strings.HasPrefix(path.Base(zf.Name), ".") || strings.Contains(zf.Name, "__MACOSX/") {
			continue
		}
		entry := name + "/" + cleanName(zf.Name)
		if err := u.addZipEntry(ctx, entry, zf, src, depth); err != nil {
			return err
		}
	}
	return nil
}

// addZipEntry stages and ingests one entry of a ZIP archive.
func (u *Upload) addZipEntry(ctx context.Context, entry string, zf *zip.File, src *storeErrors, depth int) error {
	lim := u.p.cfg.Ingest
	if zf.UncompressedSize64 > uint64(lim.MaxFileBytes) {
		u.reject(entry, int64(zf.UncompressedSize64), tooLarge(lim.MaxFileBytes))
		return nil
	}
	if zf.CompressedSize64 > 0 && float64(zf.UncompressedSize64)/float64(zf.CompressedSize64) > lim.MaxZipRatio {
		u.reject(entry, int64(zf.UncompressedSize64), zipBomb(lim.MaxZipRatio))
		return nil
	}
	unreadable := func(err error) {
		u.reject(entry, 0, domain.Reject("corrupt_zip", "Không đọc được tệp trong ZIP", "cannot read the ZIP entry", err))
	}
	rc, err := zf.Open()
	if src.err != nil {
		return src.err
	}
	if err != nil {
		unreadable(err)
		return nil
	}
	// The declared sizes can lie: bound the real expansion too.
	max := int64(float64(zf.CompressedSize64)*lim.MaxZipRatio) + 1
	if max > lim.MaxFileBytes {
		max = lim.MaxFileBytes
	}
	st, err := u.stage(ctx, rc, max)
	rc.Close()
	var bad *sourceError
	switch {
	case src.err != nil:
		return src.err
	case errors.Is(err, errOverLimit):
		u.reject(entry, max+1, zipBomb(lim.MaxZipRatio))
		return nil
	case errors.As(err, &bad):
		unreadable(bad.err)
		return nil
	case err != nil:
		return err
	}
	return u.addStaged(ctx, entry, st, depth+1)
}

func tooManyEntries(n uint64, max int) *domain.Rejection {
	return domain.Reject("zip_too_many_entries",
		fmt.Sprintf("ZIP có quá nhiều tệp (%d, giới hạn %d)", n, max),
		fmt.Sprintf("ZIP has too many entries (%d, limit %d)", n, max), nil)
}

// zipDirBytesPerEntry bounds the central directory of a ZIP by its entry
// limit: names, extra fields and comments of 1 KiB per entry on average.
const zipDirBytesPerEntry = 1 << 10

// zipDirectory reads the number of entries and the size of a ZIP's central
// directory from its end records (ZIP64 included); ok is false when they
// cannot be found, and archive/zip will judge the archive.
func zipDirectory(r io.ReaderAt, size int64) (entries, dirSize uint64, ok bool) {
	const eocdLen, locatorLen = 22, 20
	tailLen := min(size, eocdLen+0xffff)
	tail := make([]byte, tailLen)
	if n, _ := r.ReadAt(tail, size-tailLen); int64(n) != tailLen {
		return 0, 0, false
	}
	i := bytes.LastIndex(tail, []byte("PK\x05\x06"))
	if i < 0 || len(tail)-i < eocdLen {
		return 0, 0, false
	}
	eocd := tail[i:]
	entries = uint64(binary.LittleEndian.Uint16(eocd[10:]))
	dirSize = uint64(binary.LittleEndian.Uint32(eocd[12:]))
	if entries != 0xffff && dirSize != 0xffffffff {
		return entries, dirSize, true
	}
	// ZIP64: the locator just before the end record names the ZIP64 end record.
	loc := make([]byte, locatorLen)
	at := size - tailLen + int64(i) - locatorLen
	if at < 0 {
		return 0, 0, false
	}
	if n, _ := r.ReadAt(loc, at); n != locatorLen || binary.LittleEndian.Uint32(loc) != 0x07064b50 {
		return 0, 0, false
	}
	off := binary.LittleEndian.Uint64(loc[8:])
	rec := make([]byte, 56)
	if off > uint64(size) {
		return 0, 0, false
	}
	if n, _ := r.ReadAt(rec, int64(off)); n != len(rec) || binary.LittleEndian.Uint32(rec) != 0x06064b50 {
		return 0, 0, false
	}
	return binary.LittleEndian.Uint64(rec[32:]), binary.LittleEndian.Uint64(rec[40:]), true
}

func zipBomb(ratio float64) *domain.Rejection {
	return domain.Reject("zip_bomb",
		fmt.Sprintf("Tệp trong ZIP nở ra quá %.0f lần: có thể là bom giải nén", ratio),
		fmt.Sprintf("ZIP entry expands more than %.0f times: possible decompression bomb", ratio), nil)
}

// cleanName makes an uploaded name safe to show and store: NFC, no control
// characters (C0, C1), no format characters (category Cf: bidi controls
// such as U+202E that make "gpj.exe" show as "exe.jpg", zero-width
// characters, U+061C) and no line or paragraph separators, no directory
// traversal, at most 200 runes. Characters are removed before the path is
// split, so "..<U+200B>" cannot become ".." after the check.
func cleanName(name string) string {
	name = norm.NFC.String(strings.ToValidUTF8(name, "?"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp) {
			return -1
		}
		return r
	}, name)
	name = strings.ReplaceAll(name, "\\", "/")
	var parts []string
	for _, p := range strings.Split(name, "/") {
		if p == "" || p == "." || p == ".." {
			continue
		}
		parts = append(parts, p)
	}
	name = strings.Join(parts, "/")
	if utf8.RuneCountInString(name) > 200 {
		name = string([]rune(name)[:200])
	}
	if name == "" {
		name = "(không tên)"
	}
	return name
}

// Commit stores the documents and the batch manifest, then enqueues a split
// task per new document. It returns the batch ID.
func (u *Upload) Commit(ctx context.Context) (domain.BatchID, error) {
	for _, d := range u.docs {
		if err := u.p.cat.PutDocument(ctx, d); err != nil {
			return "", err
		}
	}
	if err := u.p.cat.PutBatch(ctx, u.batch); err != nil {
		return "", err
	}
	for _, d := range u.docs {
		if err := u.p.enqueueSplit(ctx, d.ID, d.Attempt); err != nil {
			return "", err
		}
	}
	u.p.log.Info("batch committed", "batch", u.batch.ID, "documents", len(u.docs), "items", len(u.batch.Items))
	return u.batch.ID, nil
}
