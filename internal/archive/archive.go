// Package archive exports archive packages and search results.
//
// A package is a ZIP for a batch or a dossier (a list of documents):
//
//	<name>/documents/<nnn>-<document>.pdf    searchable PDF/A-2b
//	<name>/documents/<nnn>-<document>.json   metadata, JSON
//	<name>/documents/<nnn>-<document>.xml    metadata, NĐ 30/2020 annex VI element names
//	<name>/package.json                      what was exported and what was left out, and why
//	<name>/manifest-sha256.txt               "<sha256>  <path>" for every other file (sha256sum -c)
//
// Quarantined documents (state-secret stamps) and documents that are not
// done are never exported; they are listed as skipped without metadata.
// What else a package holds is decided by the caller's access.Decision
// (Options.Access): a field is included only when the decision shows its
// class in clear; PDFs (their pages are the page images) only when it
// shows the scans, for a pii_reader; the PDF of a document whose text
// carries personal data (its text layer is the full OCR text) and original
// file names only when it shows the text in clear, for a pii_reader who
// gave a reason.
package archive

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/sohoa/sohoa/internal/access"
	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/domain"
)

// Catalog reads what packages are made of. *catalog.Catalog satisfies it.
type Catalog interface {
	GetBatch(ctx context.Context, id domain.BatchID) (*catalog.Batch, error)
	GetDocument(ctx context.Context, id domain.DocumentID) (*catalog.Document, error)
	GetRecord(ctx context.Context, id domain.DocumentID) (*catalog.Record, error)
}

// PDFFunc returns the searchable PDF/A of a document: the stored one, or
// one built on the spot (pdfa.FromCatalog).
type PDFFunc func(ctx context.Context, id domain.DocumentID) ([]byte, error)

// Options describe one export.
type Options struct {
	// Name is the package's top folder; default "sohoa-export".
	Name string
	// FileCode is the dossier code (mã hồ sơ: organ identifier, year,
	// dossier number) written to every document's FileCode; default the
	// batch's Dossier.
	FileCode string
	// Access is the caller's decision for this export
	// (access.BatchExport or access.DossierExport): which field classes
	// are included, and whether the full text (PDFs of documents whose
	// text is personal) and original file names are. The zero Decision
	// includes no field at all.
	Access access.Decision
	// Created stamps package.json; default now.
	Created time.Time
}

// Exporter writes packages. It is safe for concurrent use.
type Exporter struct {
	cat Catalog
	pdf PDFFunc
}

// New returns an exporter reading cat and getting PDFs from pdf.
func New(cat Catalog, pdf PDFFunc) *Exporter { return &Exporter{cat: cat, pdf: pdf} }

// Summary is package.json: what the package holds.
type Summary struct {
	Name     string    `json:"name"`
	Created  time.Time `json:"created"`
	FileCode string    `json:"file_code,omitempty"`
	Personal bool      `json:"personal"`
	Exported []string  `json:"exported"`
	Skipped  []Skip    `json:"skipped"`
}

// Skip is a document left out of a package, with the reason.
type Skip struct {
	DocumentID string `json:"document_id"`
	Reason     string `json:"reason"` // quarantined, not_done, pdf_withheld_images, pdf_withheld_personal
}

// Batch writes the package of every document of a batch, in upload order.
func (e *Exporter) Batch(ctx context.Context, w io.Writer, id domain.BatchID, opt Options) (*Summary, error) {
	p, err := e.PrepareBatch(ctx, id, opt)
	if err != nil {
		return nil, err
	}
	return p.Write(ctx, w)
}

// Documents writes the package of documents ids (a dossier), in the given
// order; DocOrdinal is the position in that order.
func (e *Exporter) Documents(ctx context.Context, w io.Writer, ids []domain.DocumentID, opt Options) (*Summary, error) {
	p, err := e.Prepare(ctx, ids, opt)
	if err != nil {
		return nil, err
	}
	return p.Write(ctx, w)
}

// Package is an export read and decided but not yet written: what it will
// release is known (Released) before any byte goes out, so the export can
// be audited first.
type Package struct {
	e        *Exporter
	opt      Options
	sum      *Summary
	docs     []entry
	released []string
}

// entry is one exported document.
type entry struct {
	id   domain.DocumentID
	base string
	md   Metadata
	pdf  bool
}

// PrepareBatch prepares the package of every document of a batch, in
// upload order.
func (e *Exporter) PrepareBatch(ctx context.Context, id domain.BatchID, opt Options) (*Package, error) {
	b, err := e.cat.GetBatch(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("archive: batch %s: %w", id, err)
	}
	if opt.FileCode == "" {
		opt.FileCode = b.Dossier
	}
	if opt.Name == "" {
		opt.Name = "sohoa-" + string(id)
	}
	var ids []domain.DocumentID
	seen := map[domain.DocumentID]bool{}
	for _, it := range b.Items {
		if it.DocumentID != "" && !seen[it.DocumentID] {
			seen[it.DocumentID] = true
			ids = append(ids, it.DocumentID)
		}
	}
	return e.Prepare(ctx, ids, opt)
}

// Prepare reads documents ids (a dossier) and decides, under opt.Access,
// what their package holds; DocOrdinal is the position in that order.
func (e *Exporter) Prepare(ctx context.Context, ids []domain.DocumentID, opt Options) (*Package, error) {
	if opt.Name == "" {
		opt.Name = "sohoa-export"
	}
	if opt.Created.IsZero() {
		opt.Created = time.Now()
	}
	fullText := opt.Access.Text() == access.Clear
	scans := opt.Access.Scans() == access.Clear
	p := &Package{e: e, opt: opt, sum: &Summary{Name: opt.Name, Created: opt.Created.UTC(), FileCode: opt.FileCode,
		Personal: fullText, Exported: []string{}, Skipped: []Skip{}}}
	released := map[string]bool{}
	ordinal := 0
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		d, err := e.cat.GetDocument(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("archive: document %s: %w", id, err)
		}
		switch d.Status {
		case domain.DocQuarantined:
			p.sum.Skipped = append(p.sum.Skipped, Skip{string(id), "quarantined"})
			continue
		case domain.DocDone:
		default:
			p.sum.Skipped = append(p.sum.Skipped, Skip{string(id), "not_done"})
			continue
		}
		r, err := e.cat.GetRecord(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("archive: record %s: %w", id, err)
		}
		if r.QuarantineReason != "" {
			p.sum.Skipped = append(p.sum.Skipped, Skip{string(id), "quarantined"})
			continue
		}
		ordinal++
		en := entry{id: id, base: fmt.Sprintf("documents/%03d-%s", ordinal, id), md: Describe(d, r, ordinal, opt)}
		for _, n := range opt.Access.Apply(r).Released {
			if n != "text" {
				released[n] = true
			}
		}
		switch personal := personalText(r); {
		case !scans:
			p.sum.Skipped = append(p.sum.Skipped, Skip{string(id), "pdf_withheld_images"})
		case personal && !fullText:
			p.sum.Skipped = append(p.sum.Skipped, Skip{string(id), "pdf_withheld_personal"})
		default:
			en.pdf, released["page_images"] = true, true
			if personal {
				released["text"] = true
			}
		}
		if en.md.OriginalName != "" {
			released["original_name"] = true
		}
		p.docs = append(p.docs, en)
		p.sum.Exported = append(p.sum.Exported, string(id))
	}
	for n := range released {
		p.released = append(p.released, n)
	}
	sort.Strings(p.released)
	return p, nil
}

// Released returns the names of the protected fields the package holds in
// clear, "page_images" when it holds PDFs, "text" when it holds the PDF of
// a document whose text is personal, and "original_name" when it holds
// original file names: what the audit records (names, never values).
func (p *Package) Released() []string { return p.released }

// Documents returns how many documents the package exports.
func (p *Package) Documents() int { return len(p.docs) }

// Write writes the package as a ZIP to w.
func (p *Package) Write(ctx context.Context, w io.Writer) (*Summary, error) {
	opt := p.opt
	zw := zip.NewWriter(w)
	manifest := map[string]string{}
	put := func(name string, data []byte) error {
		full := path.Join(opt.Name, name)
		f, err := zw.CreateHeader(&zip.FileHeader{Name: full, Method: zip.Deflate, Modified: opt.Created.UTC()})
		if err != nil {
			return err
		}
		if _, err := f.Write(data); err != nil {
			return err
		}
		h := sha256.Sum256(data)
		manifest[name] = hex.EncodeToString(h[:])
		return nil
	}
	for _, en := range p.docs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		md := en.md
		if en.pdf {
			pdf, err := p.e.pdf(ctx, en.id)
			if err != nil {
				return nil, fmt.Errorf("archive: pdf %s: %w", en.id, err)
			}
			h := sha256.Sum256(pdf)
			md.SHA256 = hex.EncodeToString(h[:])
			md.PDF = path.Base(en.base) + ".pdf"
			if err := put(en.base+".pdf", pdf); err != nil {
				return nil, fmt.Errorf("archive: write: %w", err)
			}
		}
		js, err := json.MarshalIndent(md, "", "  ")
		if err != nil {
			return nil, err
		}
		if err := put(en.base+".json", append(js, '\n')); err != nil {
			return nil, fmt.Errorf("archive: write: %w", err)
		}
		x, err := md.XML()
		if err != nil {
			return nil, err
		}
		if err := put(en.base+".xml", x); err != nil {
			return nil, fmt.Errorf("archive: write: %w", err)
		}
	}
	sum := p.sum
	sj, err := json.MarshalIndent(sum, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := put("package.json", append(sj, '\n')); err != nil {
		return nil, fmt.Errorf("archive: write: %w", err)
	}
	names := make([]string, 0, len(manifest))
	for n := range manifest {
		names = append(names, n)
	}
	sort.Strings(names)
	var mb strings.Builder
	for _, n := range names {
		fmt.Fprintf(&mb, "%s  %s\n", manifest[n], n)
	}
	f, err := zw.CreateHeader(&zip.FileHeader{Name: path.Join(opt.Name, "manifest-sha256.txt"), Method: zip.Deflate, Modified: opt.Created.UTC()})
	if err != nil {
		return nil, fmt.Errorf("archive: write: %w", err)
	}
	if _, err := io.WriteString(f, mb.String()); err != nil {
		return nil, fmt.Errorf("archive: write: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("archive: write: %w", err)
	}
	return sum, nil
}

// personalText reports whether the record's text has personal spans (the
// redacted text differs from the full text).
func personalText(r *catalog.Record) bool {
	if len(r.Text) != len(r.Redacted) {
		return len(r.Text) > 0
	}
	for i := range r.Text {
		if r.Text[i] != r.Redacted[i] {
			return true
		}
	}
	return false
}

// Metadata is one document's metadata in a package. Element names follow
// Nghị định 30/2020/NĐ-CP annex VI; the others are sohoa's.
type Metadata struct {
	XMLName         xml.Name `json:"-" xml:"Document"`
	Identifier      string   `json:"identifier" xml:"Identifier"`                      // sohoa document ID
	FileCode        string   `json:"file_code,omitempty" xml:"FileCode,omitempty"`     // mã hồ sơ
	DocOrdinal      int      `json:"doc_ordinal" xml:"DocOrdinal"`                     // số thứ tự văn bản trong hồ sơ
	TypeName        string   `json:"type_name,omitempty" xml:"TypeName,omitempty"`     // tên loại văn bản
	CodeNumber      string   `json:"code_number,omitempty" xml:"CodeNumber,omitempty"` // số của văn bản
	CodeNotation    string   `json:"code_notation,omitempty" xml:"CodeNotation,omitempty"`
	IssuedDate      string   `json:"issued_date,omitempty" xml:"IssuedDate,omitempty"` // dd/mm/yyyy
	OrganName       string   `json:"organ_name,omitempty" xml:"OrganName,omitempty"`   // cơ quan ban hành
	Subject         string   `json:"subject,omitempty" xml:"Subject,omitempty"`        // trích yếu, ≤ 500 characters
	Language        string   `json:"language" xml:"Language"`
	PageAmount      int      `json:"page_amount" xml:"PageAmount"`
	Description     string   `json:"description,omitempty" xml:"Description,omitempty"`
	SignerPosition  string   `json:"signer_position,omitempty" xml:"Position,omitempty"`
	SignerName      string   `json:"signer_name,omitempty" xml:"FullName,omitempty"`
	ConfidenceLevel string   `json:"confidence_level" xml:"ConfidenceLevel"` // 02: digitised
	Mode            string   `json:"mode" xml:"Mode"`                        // access: 01 public, 02 conditional
	Title           string   `json:"title,omitempty" xml:"Title,omitempty"`
	Class           string   `json:"class" xml:"Class"`
	OCRConfidence   float64  `json:"ocr_confidence" xml:"OcrConfidence"`
	OriginalName    string   `json:"original_name,omitempty" xml:"OriginalName,omitempty"`
	OriginalSHA256  string   `json:"original_sha256" xml:"OriginalSha256"`
	PDF             string   `json:"pdf,omitempty" xml:"PdfFile,omitempty"`
	SHA256          string   `json:"sha256,omitempty" xml:"Sha256,omitempty"` // of the PDF
	Fields          []Field  `json:"fields" xml:"Fields>Field"`
}

// Field is one extracted field in the metadata.
type Field struct {
	Name        string   `json:"name" xml:"name,attr"`
	Sensitivity string   `json:"sensitivity" xml:"sensitivity,attr"`
	Values      []string `json:"values" xml:"Value"`
}

// Describe builds a document's metadata. A field is listed only when
// opt.Access shows its class in clear; the original file name only when it
// shows the text in clear, as names of scans often carry a citizen's name.
func Describe(d *catalog.Document, r *catalog.Record, ordinal int, opt Options) Metadata {
	pub := func(name string) string {
		f, ok := r.Fields[name]
		if !ok || opt.Access.Field(f.Sensitivity) != access.Clear {
			return ""
		}
		if f.Value != "" {
			return f.Value
		}
		if len(f.Values) > 0 {
			return f.Values[0]
		}
		return ""
	}
	m := Metadata{
		Identifier: string(d.ID), FileCode: opt.FileCode, DocOrdinal: ordinal,
		TypeName: pub("doc_type"), CodeNumber: pub("doc_number"), CodeNotation: pub("doc_symbol"),
		OrganName: pub("issuer"), Subject: truncate(pub("subject"), 500), Language: "vi", PageAmount: r.Pages,
		SignerPosition: pub("signer_position"), SignerName: pub("signer_name"),
		ConfidenceLevel: "02", Mode: "01", Title: r.Title, Class: r.Class, OCRConfidence: r.Confidence,
		OriginalSHA256: d.SHA256, Fields: []Field{},
	}
	if t, err := time.Parse("2006-01-02", pub("issued_date")); err == nil {
		m.IssuedDate = t.Format("02/01/2006")
	}
	if personalText(r) {
		m.Mode = "02" // conditional: the document holds personal data
	}
	if opt.Access.Text() == access.Clear {
		m.OriginalName = d.Name
	}
	names := make([]string, 0, len(r.Fields))
	for n := range r.Fields {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		f := r.Fields[n]
		if opt.Access.Field(f.Sensitivity) != access.Clear {
			continue
		}
		vals := f.Values
		if f.Value != "" {
			vals = append([]string{f.Value}, vals...)
		}
		if len(vals) == 0 {
			continue
		}
		m.Fields = append(m.Fields, Field{Name: n, Sensitivity: string(f.Sensitivity), Values: vals})
	}
	return m
}

// XML returns the metadata as an XML document.
func (m Metadata) XML() ([]byte, error) {
	b, err := xml.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("archive: xml: %w", err)
	}
	return append([]byte(xml.Header), append(b, '\n')...), nil
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
