// Package search defines what sohoa needs from a search backend and the
// Vietnamese text handling shared by every backend. Implementations live in
// search/bleve (embedded default) and search/es (Elasticsearch).
//
// Records handed to an Index never contain personal data in the clear: the
// text is redacted and exact lookups of personal values go through keyed blind
// index tokens (see Record.Blind).
package search

import (
	"context"
	"errors"
	"time"
)

// ErrNotFound is returned by Get when no record has the ID.
var ErrNotFound = errors.New("search: record not found")

// Record is one searchable document as the index sees it.
type Record struct {
	ID      string `json:"id"`
	BatchID string `json:"batch_id"`
	Name    string `json:"name"` // original file name (redacted of personal values by the caller)
	Title   string `json:"title"`
	DocType string `json:"doc_type"`
	// Class is the ID of the class the extractor chose (extract.ClassInfo):
	// the value the type filter and the "class" facet use. DocType is the
	// type as the document names itself (its title word).
	Class      string    `json:"class"`
	Pipeline   string    `json:"pipeline"`
	Issuer     string    `json:"issuer"`
	IssuedDate time.Time `json:"issued_date"` // zero when unknown
	Pages      int       `json:"pages"`
	// Text is the full OCR text with personal spans replaced by placeholders.
	Text string `json:"text"`
	// Fields holds public field values by canonical name (API.md), already
	// normalised (NFC, trimmed). Numeric and date fields are also given as text.
	Fields map[string][]string `json:"fields"`
	// Blind holds keyed blind-index tokens ("cccd:<hex hmac>") for exact lookups
	// of personal values. Backends store and match them verbatim.
	Blind     []string  `json:"blind"`
	IndexedAt time.Time `json:"indexed_at"`
}

// Query is a search request. The zero Query matches every record.
type Query struct {
	Text    string            // free text, accent-insensitive; "..." for phrases
	DocType string            // exact doc_type
	Class   string            // exact class ID
	Issuer  string            // issuer, matched after normalisation
	BatchID string            // exact batch
	From    time.Time         // issued_date >= From (zero: unbounded)
	To      time.Time         // issued_date <= To (zero: unbounded)
	Fields  map[string]string // f.<field>=value, exact after normalisation
	Ranges  map[string]Range  // f.<field>.gte / .lte
	Blind   []string          // every token must match (AND)
	// Lookups are blind-index lookups with an accent-folded token: each must
	// match by either of its tokens (AND over lookups), and records that
	// match a lookup's exact token rank first.
	Lookups []BlindLookup
	Sort    string // "" or "relevance", "date", "-date"
	Offset  int    // first hit, 0-based
	Size    int    // hits per page; 0 means 10, capped at 100
}

// BlindLookup is one lookup of a personal value that has two blind tokens:
// the exact one (with diacritics) and the accent-folded one. A record
// matches when it holds either (the folded token finds "Nguyễn Hoàng Phúc"
// from "nguyen hoang phuc"; the exact one also finds records indexed before
// folded tokens existed); holding Exact adds to the score, so exact-diacritic
// matches come first.
type BlindLookup struct {
	Exact  string
	Folded string
}

// Range bounds a field; an empty side is unbounded. Values are ISO dates or numbers.
type Range struct {
	GTE string
	LTE string
}

// Hit is one search result.
type Hit struct {
	ID         string    `json:"document_id"`
	Title      string    `json:"title"`
	DocType    string    `json:"doc_type"`
	Class      string    `json:"class"`
	IssuedDate time.Time `json:"issued_date"`
	Issuer     string    `json:"issuer"`
	BatchID    string    `json:"batch_id"`
	Snippet    string    `json:"snippet"` // from the redacted text, matches wrapped in <mark></mark>
	Score      float64   `json:"score"`
}

// FacetCount is one bucket of a facet.
type FacetCount struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// Result is the answer to a Query.
type Result struct {
	Total  int                     `json:"total"`
	Hits   []Hit                   `json:"hits"`
	Facets map[string][]FacetCount `json:"facets"` // "doc_type", "class", "year", "issuer"
}

// Index is a search backend. Implementations are safe for concurrent use.
type Index interface {
	// Index adds or replaces the record with r.ID. It is idempotent.
	Index(ctx context.Context, r Record) error
	// Delete removes a record; deleting a missing record is not an error.
	Delete(ctx context.Context, id string) error
	// Search runs q.
	Search(ctx context.Context, q Query) (Result, error)
	// Count returns the number of records.
	Count(ctx context.Context) (int, error)
	// Close flushes pending writes and releases resources.
	Close() error
}
