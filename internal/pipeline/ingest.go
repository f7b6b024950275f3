package pipeline

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"
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
	Uploader  string
	Pipeline  string
	Fonds     string
	Dossier   string
	Retention string
	Note      string
}

// Upload collects the files of one batch. Add files, then Commit. Not safe
// for concurrent use.
type Upload struct {
	p     *Pipeline
	batch *catalog.Batch
	bytes int64
	docs  []*catalog.Document
}

// NewUpload starts a batch.
func (p *Pipeline) NewUpload(meta BatchMeta) *Upload {
	now := time.Now().UTC()
	return &Upload{p: p, batch: &catalog.Batch{
		ID: catalog.NewBatchID(now), CreatedAt: now, Uploader: meta.Uploader, Pipeline: meta.Pipeline,
		Fonds: meta.Fonds, Dossier: meta.Dossier, Retention: meta.Retention, Note: meta.Note,
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

// Add reads one uploaded file. A bad file is recorded as a rejected item with
// its reason and does not fail the batch; only exceeding the batch limits or
// a storage failure returns an error.
func (u *Upload) Add(ctx context.Context, name string, r io.Reader) error {
	lim := u.p.cfg.Ingest
	data, err := io.ReadAll(io.LimitReader(r, lim.MaxFileBytes+1))
	if err != nil {
		return fmt.Errorf("read upload %q: %w", cleanName(name), err)
	}
	if int64(len(data)) > lim.MaxFileBytes {
		// Drain nothing more: the client is told the file is too large.
		u.reject(name, int64(len(data)), tooLarge(lim.MaxFileBytes))
		return nil
	}
	return u.addBytes(ctx, cleanName(name), data, 0)
}

func tooLarge(max int64) *domain.Rejection {
	return domain.Reject("file_too_large",
		fmt.Sprintf("Tệp vượt quá giới hạn %d MiB", max>>20),
		fmt.Sprintf("file exceeds the %d MiB limit", max>>20), nil)
}

func (u *Upload) reject(name string, size int64, rej *domain.Rejection) {
	u.batch.Items = append(u.batch.Items, catalog.Item{Name: cleanName(name), Size: size, Rejected: rej})
}

func (u *Upload) addBytes(ctx context.Context, name string, data []byte, depth int) error {
	lim := u.p.cfg.Ingest
	u.bytes += int64(len(data))
	if u.bytes > lim.MaxBatchBytes {
		return fmt.Errorf("%w: more than %d MiB", ErrBatchTooLarge, lim.MaxBatchBytes>>20)
	}
	if len(u.batch.Items) >= lim.MaxBatchFiles {
		return fmt.Errorf("%w: more than %d files", ErrBatchTooLarge, lim.MaxBatchFiles)
	}
	if len(data) == 0 {
		u.reject(name, 0, domain.Reject("empty_file", "Tệp rỗng", "empty file", nil))
		return nil
	}
	f := pages.Sniff(data)
	switch f {
	case pages.ZIP:
		return u.addZip(ctx, name, data, depth)
	case pages.Unknown:
		u.reject(name, int64(len(data)), pages.ErrUnsupported)
		return nil
	}
	sum := sha256.Sum256(data)
	sumHex := hex.EncodeToString(sum[:])
	id := catalog.DocumentIDFor(sumHex)
	item := catalog.Item{Name: name, DocumentID: id, Size: int64(len(data)), Format: string(f)}
	// The same content uploaded before keeps its document and record.
	if _, err := u.p.cat.GetDocument(ctx, id); err == nil {
		item.Duplicate = true
		u.batch.Items = append(u.batch.Items, item)
		return nil
	} else if !errors.Is(err, catalog.ErrNotFound) {
		return err
	}
	for _, d := range u.docs {
		if d.ID == id {
			item.Duplicate = true
			u.batch.Items = append(u.batch.Items, item)
			return nil
		}
	}
	if err := u.p.cat.PutOriginal(ctx, id, data); err != nil {
		if errors.Is(err, vault.ErrErased) {
			u.reject(name, int64(len(data)), domain.Reject("erased_document",
				"Văn bản này đã bị xoá vĩnh viễn (huỷ khoá) và không thể nạp lại",
				"this document was erased (its key destroyed) and cannot be ingested again", nil))
			return nil
		}
		return err
	}
	u.p.metrics.Uploaded(len(data))
	now := time.Now().UTC()
	u.docs = append(u.docs, &catalog.Document{
		ID: id, BatchID: u.batch.ID, Name: name, SHA256: sumHex, Size: int64(len(data)), Format: string(f),
		Pipeline: u.batch.Pipeline, Status: domain.DocQueued, CreatedAt: now,
	})
	u.batch.Items = append(u.batch.Items, item)
	return nil
}

// addZip walks a ZIP archive in memory: entry names are only labels (nothing
// is written to a path), and sizes, ratios, entry counts and nesting are bounded.
func (u *Upload) addZip(ctx context.Context, name string, data []byte, depth int) error {
	lim := u.p.cfg.Ingest
	if depth >= lim.MaxZipDepth {
		u.reject(name, int64(len(data)), domain.Reject("zip_too_deep",
			fmt.Sprintf("ZIP lồng nhau quá %d cấp", lim.MaxZipDepth),
			fmt.Sprintf("ZIP archives nested more than %d deep", lim.MaxZipDepth), nil))
		return nil
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		u.reject(name, int64(len(data)), domain.Reject("corrupt_zip", "Tệp ZIP bị hỏng", "the ZIP archive is damaged", err))
		return nil
	}
	if len(zr.File) > lim.MaxZipEntries {
		u.reject(name, int64(len(data)), domain.Reject("zip_too_many_entries",
			fmt.Sprintf("ZIP có quá nhiều tệp (%d, giới hạn %d)", len(zr.File), lim.MaxZipEntries),
			fmt.Sprintf("ZIP has too many entries (%d, limit %d)", len(zr.File), lim.MaxZipEntries), nil))
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
		if zf.UncompressedSize64 > uint64(lim.MaxFileBytes) {
			u.reject(entry, int64(zf.UncompressedSize64), tooLarge(lim.MaxFileBytes))
			continue
		}
		if zf.CompressedSize64 > 0 && float64(zf.UncompressedSize64)/float64(zf.CompressedSize64) > lim.MaxZipRatio {
			u.reject(entry, int64(zf.UncompressedSize64), zipBomb(lim.MaxZipRatio))
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			u.reject(entry, 0, domain.Reject("corrupt_zip", "Không đọc được tệp trong ZIP", "cannot read the ZIP entry", err))
			continue
		}
		// The declared sizes can lie: bound the real expansion too.
		max := int64(float64(zf.CompressedSize64)*lim.MaxZipRatio) + 1
		if max > lim.MaxFileBytes {
			max = lim.MaxFileBytes
		}
		b, err := io.ReadAll(io.LimitReader(rc, max+1))
		rc.Close()
		if err != nil {
			u.reject(entry, 0, domain.Reject("corrupt_zip", "Không đọc được tệp trong ZIP", "cannot read the ZIP entry", err))
			continue
		}
		if int64(len(b)) > max {
			u.reject(entry, int64(len(b)), zipBomb(lim.MaxZipRatio))
			continue
		}
		if err := u.addBytes(ctx, entry, b, depth+1); err != nil {
			return err
		}
	}
	return nil
}

func zipBomb(ratio float64) *domain.Rejection {
	return domain.Reject("zip_bomb",
		fmt.Sprintf("Tệp trong ZIP nở ra quá %.0f lần: có thể là bom giải nén", ratio),
		fmt.Sprintf("ZIP entry expands more than %.0f times: possible decompression bomb", ratio), nil)
}

// cleanName makes an uploaded name safe to show and store: NFC, no directory
// traversal, no control characters, at most 200 runes.
func cleanName(name string) string {
	name = norm.NFC.String(strings.ToValidUTF8(name, "?"))
	name = strings.ReplaceAll(name, "\\", "/")
	var parts []string
	for _, p := range strings.Split(name, "/") {
		if p == "" || p == "." || p == ".." {
			continue
		}
		parts = append(parts, p)
	}
	name = strings.Join(parts, "/")
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
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
