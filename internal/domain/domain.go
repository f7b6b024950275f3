// Package domain holds sohoa's vocabulary: identifiers, statuses, data
// classes and the OCR page model shared by the pipeline stages. It has no
// dependencies beyond the standard library so every other package can use it.
package domain

import (
	"errors"
	"image"
	"time"
)

// BatchID identifies an upload batch. It is a random, URL-safe string.
type BatchID string

// DocumentID identifies one document. It is derived from the SHA-256 of the
// document's original bytes, so the same file uploaded twice has one ID.
type DocumentID string

// PageNo is a 1-based page number within a document.
type PageNo int

// Sensitivity is the data class of a field or text (DOMAIN.md "Personal data classes").
type Sensitivity string

// Data classes, from least to most protected.
const (
	Public    Sensitivity = "public"
	Personal  Sensitivity = "personal"
	Sensitive Sensitivity = "sensitive"
	Secret    Sensitivity = "secret"
)

// Valid reports whether s is one of the known data classes.
func (s Sensitivity) Valid() bool {
	switch s {
	case Public, Personal, Sensitive, Secret:
		return true
	}
	return false
}

// Protected reports whether values of this class must be encrypted and masked.
func (s Sensitivity) Protected() bool { return s == Personal || s == Sensitive || s == Secret }

// DocStatus is the processing state of a document (API.md).
type DocStatus string

// Document states.
const (
	DocQueued      DocStatus = "queued"
	DocProcessing  DocStatus = "processing"
	DocDone        DocStatus = "done"
	DocFailed      DocStatus = "failed"
	DocRejected    DocStatus = "rejected"
	DocQuarantined DocStatus = "quarantined"
)

// Terminal reports whether no more work will happen on a document in this state.
func (s DocStatus) Terminal() bool {
	return s == DocDone || s == DocFailed || s == DocRejected || s == DocQuarantined
}

// BatchStatus is the state of a batch (API.md).
type BatchStatus string

// Batch states.
const (
	BatchQueued         BatchStatus = "queued"
	BatchProcessing     BatchStatus = "processing"
	BatchDone           BatchStatus = "done"
	BatchDoneWithErrors BatchStatus = "done_with_errors"
)

// Word is one OCR'd word with its box in page pixels and its confidence (0-100).
type Word struct {
	Text  string          `json:"text"`
	Box   image.Rectangle `json:"box"`
	Conf  float64         `json:"conf"`
	Block int             `json:"block"`
	Line  int             `json:"line"` // line index within the page, top to bottom
}

// Page is the OCR result of one page.
type Page struct {
	No          PageNo  `json:"no"`
	Width       int     `json:"width"`  // pixels
	Height      int     `json:"height"` // pixels
	DPI         int     `json:"dpi,omitempty"`
	ReadDPI     int     `json:"read_dpi,omitempty"` // resolution OCR read the page at, when not its own
	Upscaled    float64 `json:"upscaled,omitempty"` // the page's text was too small and was read enlarged this much
	Orientation int     `json:"orientation"`        // degrees the page was rotated to read it: 0, 90, 180, 270
	Text        string  `json:"text"`               // NFC
	Words       []Word  `json:"words"`
	Confidence  float64 `json:"confidence"` // mean word confidence, 0-100
	OCRSeconds  float64 `json:"ocr_seconds"`
	Reread      bool    `json:"reread,omitempty"`    // read a second time, turned upright and deskewed
	Skew        float64 `json:"skew,omitempty"`      // degrees of skew corrected before the second reading
	Languages   string  `json:"languages,omitempty"` // Tesseract languages of the kept reading, e.g. "vie" or "vie+eng"
	// Marks is the text of a separate reading of the page's stamp region
	// (secrecy, urgency), with box borders removed; first pages only.
	Marks  string    `json:"marks,omitempty"`
	Error  string    `json:"error,omitempty"` // set when the page could not be read
	DoneAt time.Time `json:"done_at"`
}

// Rejection is a permanent, explained refusal of an input: a file, a document
// or a page that sohoa will not process. Its messages are shown to archive
// staff, so they say what is wrong in plain words, in Vietnamese and English.
type Rejection struct {
	Code string `json:"code"` // stable machine code, e.g. "encrypted_pdf"
	VI   string `json:"vi"`   // message in Vietnamese
	EN   string `json:"en"`   // message in English
	Err  error  `json:"-"`    // underlying cause, not shown to staff
}

// Error returns the English message and the cause.
func (r *Rejection) Error() string {
	if r.Err != nil {
		return r.EN + ": " + r.Err.Error()
	}
	return r.EN
}

// Unwrap returns the cause.
func (r *Rejection) Unwrap() error { return r.Err }

// Message returns the message for a language tag ("en" or anything else for Vietnamese).
func (r *Rejection) Message(lang string) string {
	if lang == "en" {
		return r.EN
	}
	return r.VI
}

// Reject builds a Rejection.
func Reject(code, vi, en string, cause error) *Rejection {
	return &Rejection{Code: code, VI: vi, EN: en, Err: cause}
}

// ReadOptions say how one page image is read by OCR. The zero value reads
// the page once at its own resolution.
type ReadOptions struct {
	// Marks also reads the stamp region (secrecy, urgency) on its own; meant
	// for a document's first page.
	Marks bool `json:"marks,omitempty"`
	// DPI is the page's resolution when known (0: unknown). Pages scanned
	// far above what OCR needs are read at a lower resolution.
	DPI int `json:"dpi,omitempty"`
}

// ErrReaderDied marks the failure of a reader process (OCR, page decoding)
// that died or was killed while working on an input: a crash in a decoder,
// its memory cap or its time limit. The input itself may be what killed
// it, so callers count these per page and stop retrying after a few.
var ErrReaderDied = errors.New("reader process died")
