// Package access is sohoa's one record-view policy. For a caller (a
// principal and its role) and a view of a document, it decides:
//
//   - whether the caller may use the view at all, and which role it needs;
//   - for each field class (public, personal, sensitive, secret) whether
//     the value is shown in clear, masked, or shown only with a reason;
//   - whether the OCR text (and so the searchable PDF's text layer) is
//     shown in clear or as redacted text, and whether the page images
//     (scans, the PDF's pages, the original file) are released;
//   - what the audit records: the action and the names of the protected
//     fields released (never their values).
//
// The rule, per view (role: what the caller must hold to use it at all):
//
//   - record (searcher): public fields for everyone; personal fields, the
//     full text and page thumbnails for pii_reader; sensitive fields for
//     pii_reader with a reason; personal and sensitive fields for reviewer
//     without one (reviewing is the reason: a reviewer is cleared to see and
//     correct full records). Audited as "view", or "unmask" with the
//     fields released, so every record a reviewer opens is audited.
//   - page image, original, searchable PDF (pii_reader, which reviewer
//     implies): everything, with
//     or without a reason, whatever text redaction found. Audited as
//     "download".
//   - batch and dossier exports (searcher): public fields for everyone;
//     personal and sensitive fields, the full text (the PDFs of personal
//     documents) and original file names only for pii_reader with a
//     reason; without one, a pii_reader's export holds what a searcher's
//     does, plus the PDFs of documents whose text is not personal (page
//     images need pii_reader, not a reason). Audited as "export" with the
//     fields released.
//   - search CSV (searcher): public columns only. Audited as "export".
//
// Secret fields are never shown; documents carrying them are quarantined.
// A caller without a role (anonymous) may use no view. Admin implies
// searcher but not pii_reader, so an admin sees what a searcher sees.
//
// The API document view, the web record page, page images, originals, the
// searchable PDF, archive exports and the search CSV all decide through
// this package; none writes its own masking switch.
package access

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/sohoa/sohoa/internal/auth"
	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/domain"
)

// View is a way a document leaves the server.
type View string

// The views.
const (
	// Record is the document view: GET /api/v1/documents/{id} and the web
	// record page (with its reveal form).
	Record View = "record"
	// PageImage is a page scan (API and web).
	PageImage View = "page_image"
	// Original is the uploaded file (web).
	Original View = "original"
	// PDF is the searchable PDF/A, whose pages are the page images and
	// whose text layer is the full OCR text.
	PDF View = "pdf"
	// BatchExport is the archive package of a batch.
	BatchExport View = "batch_export"
	// DossierExport is the archive package of a list of documents.
	DossierExport View = "dossier_export"
	// CSV is the search-results export, public columns only.
	CSV View = "csv"
)

// Views returns every view.
func Views() []View {
	return []View{Record, PageImage, Original, PDF, BatchExport, DossierExport, CSV}
}

// Needs returns the role a caller must hold to use v at all. Route tables
// mount each view's routes with it.
func Needs(v View) auth.Role {
	switch v {
	case PageImage, Original, PDF:
		return auth.RolePIIReader
	default:
		return auth.RoleSearcher
	}
}

// Outcome is what a caller gets of a value.
type Outcome string

// The outcomes.
const (
	// Denied: the caller may not use the view at all.
	Denied Outcome = "denied"
	// Masked: the value is withheld (the field is listed, its value not).
	Masked Outcome = "masked"
	// WithReason: the value is withheld now and shown in clear when the
	// caller gives a reason, which the audit keeps.
	WithReason Outcome = "with_reason"
	// Clear: the value is shown.
	Clear Outcome = "clear"
)

// MaxReason bounds a reason, in characters.
const MaxReason = 500

// ErrBadReason is returned by CleanReason for a reason that is too long or
// holds control characters (bidi controls included: a reason is shown in
// the audit page, where they could disguise it).
var ErrBadReason = errors.New("access: reason too long or holds control characters")

// CleanReason returns a caller's reason as the audit keeps it: trimmed and
// in NFC. An empty result means no reason was given.
func CleanReason(s string) (string, error) {
	s = norm.NFC.String(strings.TrimSpace(s))
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > MaxReason {
		return "", ErrBadReason
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return "", ErrBadReason
		}
	}
	return s, nil
}

// Decision is the policy applied to one caller, view and reason. The zero
// value denies everything.
type Decision struct {
	View      View
	Principal auth.Principal
	// Reason is the caller's reason, as CleanReason returned it ("" for none).
	Reason string
}

// Decide returns the decision for principal p (the zero Principal is
// anonymous) using view v, with reason (already cleaned; "" for none).
func Decide(p auth.Principal, v View, reason string) Decision {
	return Decision{View: v, Principal: p, Reason: reason}
}

// Allowed reports whether the caller may use the view.
func (d Decision) Allowed() bool {
	return slices.Contains(Views(), d.View) && d.Principal.Has(Needs(d.View))
}

// Cleared reports whether the caller holds pii_reader, the clearance for
// personal data (reviewer implies it).
func (d Decision) Cleared() bool { return d.Principal.Has(auth.RolePIIReader) }

// Reviewer reports whether the caller holds reviewer: cleared to see the
// full record (sensitive fields included, without a reason) and to correct
// it.
func (d Decision) Reviewer() bool { return d.Principal.Has(auth.RoleReviewer) }

// Refusal is a refused request as the API reports it: an HTTP status, an
// error code, and the message in Vietnamese and English.
type Refusal struct {
	Status int
	Code   string
	VI, EN string
}

// The refusals the policy makes besides Deny's.
var (
	// BadReason: the reason is longer than MaxReason or holds control
	// characters (CleanReason failed).
	BadReason = Refusal{http.StatusBadRequest, "bad_reason",
		fmt.Sprintf("Lý do tối đa %d ký tự, không có ký tự điều khiển", MaxReason),
		fmt.Sprintf("the reason must be at most %d characters, without control characters", MaxReason)}
	// ReasonRequired: the caller asked for protected values and is
	// cleared for them, but gave no reason.
	ReasonRequired = Refusal{http.StatusBadRequest, "reason_required",
		"Hãy ghi lý do (reason) để nhận dữ liệu cá nhân; lý do được ghi vào nhật ký kiểm toán",
		"give a reason (reason) to receive personal data; it is kept in the audit log"}
	// PIIRequired: the caller asked for protected values without
	// pii_reader.
	PIIRequired = Refusal{http.StatusForbidden, "pii_required",
		"Nội dung này cần quyền xem dữ liệu cá nhân (pii_reader)", "this needs the pii_reader role (cleared for personal data)"}
	unauthorized = Refusal{http.StatusUnauthorized, "unauthorized", "Cần đăng nhập", "authentication required"}
	forbidden    = Refusal{http.StatusForbidden, "forbidden", "Vai trò của bạn không được truy cập nội dung này", "your role may not access this"}
)

// Deny returns the refusal of a view the caller may not use: 401
// unauthorized for an anonymous caller, 403 pii_required for a view that
// needs pii_reader, 403 forbidden otherwise.
func (d Decision) Deny() Refusal {
	switch {
	case !d.Principal.Role.Valid():
		return unauthorized
	case Needs(d.View) == auth.RolePIIReader:
		return PIIRequired
	default:
		return forbidden
	}
}

// Field returns what the caller gets of a field of class s.
func (d Decision) Field(s domain.Sensitivity) Outcome {
	if !d.Allowed() {
		return Denied
	}
	reason := d.Reason != ""
	switch {
	case s == domain.Public:
		return Clear
	case s == domain.Secret || !s.Valid():
		return Masked
	}
	switch d.View {
	case PageImage, Original, PDF:
		// The scan shows everything on the page.
		return Clear
	case CSV:
		return Masked
	case Record:
		switch {
		case !d.Cleared():
			return Masked
		case s == domain.Personal || reason || d.Reviewer():
			return Clear
		default:
			return WithReason
		}
	case BatchExport, DossierExport:
		switch {
		case !d.Cleared():
			return Masked
		case reason:
			return Clear
		default:
			return WithReason
		}
	}
	return Masked
}

// Text returns what the caller gets of the OCR text: Clear for the full
// text, otherwise the redacted text. In exports, it also decides whether
// the PDF of a document whose text is personal, and the original file
// name, are included.
func (d Decision) Text() Outcome { return d.Field(domain.Personal) }

// Scans returns what the caller gets of the page images: the scans, the
// pages of the searchable PDF (in the PDF view and in exports), the
// original file and a record page's thumbnails. They show whatever the
// page holds, so they are Clear for pii_reader, with or without a reason,
// whatever text redaction found, and Masked for everyone else; never in
// the CSV.
func (d Decision) Scans() Outcome {
	switch {
	case !d.Allowed():
		return Denied
	case d.View == CSV || !d.Cleared():
		return Masked
	}
	return Clear
}

// NeedsReason reports whether the caller is cleared for protected values
// the view withholds for want of a reason: a reveal form, or an export
// asked for with personal data, needs one.
func (d Decision) NeedsReason() bool {
	return d.Field(domain.Personal) == WithReason || d.Field(domain.Sensitive) == WithReason
}

// FieldView is a field of a record under a decision.
type FieldView struct {
	Name    string
	Field   catalog.Field
	Outcome Outcome
}

// Applied is a record under a decision.
type Applied struct {
	// Fields are the record's fields, sorted by name.
	Fields []FieldView
	// TextClear: show the full text; otherwise the redacted text.
	TextClear bool
	// CanReveal: a protected field is withheld that a reason would show.
	CanReveal bool
	// Released are the names of the protected fields shown in clear, and
	// "text" when the full text is, sorted: what the audit records.
	Released []string
}

// Apply applies the decision to a record's fields and text.
func (d Decision) Apply(rec *catalog.Record) Applied {
	var a Applied
	for name, f := range rec.Fields {
		fv := FieldView{Name: name, Field: f, Outcome: d.Field(f.Sensitivity)}
		switch fv.Outcome {
		case Clear:
			if f.Sensitivity.Protected() {
				a.Released = append(a.Released, name)
			}
		case WithReason:
			a.CanReveal = true
		}
		a.Fields = append(a.Fields, fv)
	}
	sort.Slice(a.Fields, func(i, j int) bool { return a.Fields[i].Name < a.Fields[j].Name })
	if d.Text() == Clear {
		a.TextClear = true
		a.Released = append(a.Released, "text")
	}
	sort.Strings(a.Released)
	return a
}

// Audit returns the audit action and details of a view that released the
// protected fields named in released (field names, never values; as
// Applied.Released, or their union over an export's documents):
//
//   - record: "view" when nothing protected was released, else "unmask"
//     with details unmasked=<names>;
//   - page image, original, PDF: "download";
//   - exports and CSV: "export" with personal=<whether anything protected
//     was released> and unmasked=<names> when something was.
//
// The caller adds the view's own details (page, format, via) and audits
// with Decision.Reason.
func (d Decision) Audit(released []string) (action string, details map[string]string) {
	details = map[string]string{}
	names := slices.Clone(released)
	sort.Strings(names)
	names = slices.Compact(names)
	if len(names) > 0 {
		details["unmasked"] = strings.Join(names, ",")
	}
	switch d.View {
	case PageImage, Original, PDF:
		return "download", map[string]string{}
	case BatchExport, DossierExport, CSV:
		details["personal"] = strconv.FormatBool(len(names) > 0)
		return "export", details
	}
	if len(names) > 0 {
		return "unmask", details
	}
	return "view", details
}
