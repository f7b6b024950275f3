package web

import (
	"errors"
	"fmt"
	"html"
	"html/template"
	"maps"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/sohoa/sohoa/internal/access"
	"github.com/sohoa/sohoa/internal/api"
	"github.com/sohoa/sohoa/internal/audit"
	"github.com/sohoa/sohoa/internal/auth"
	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/domain"
	"github.com/sohoa/sohoa/internal/pipeline"
	"github.com/sohoa/sohoa/internal/search"
)

// pageSize is the number of hits per result page.
const pageSize = 10

// searchForm is the query as the form holds it.
type searchForm struct {
	Q, Type, Issuer, From, To, Batch string
	Page                             int
}

func (f searchForm) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"q": f.Q, "type": f.Type, "issuer": f.Issuer, "from": f.From, "to": f.To, "batch": f.Batch} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if f.Page > 1 {
		v.Set("page", strconv.Itoa(f.Page))
	}
	return v
}

// with returns the URL of the search with some parameters changed (page
// reset to 1 unless given).
func (f searchForm) with(kv ...string) string {
	g := f
	g.Page = 1
	for i := 0; i+1 < len(kv); i += 2 {
		switch kv[i] {
		case "type":
			g.Type = kv[i+1]
		case "issuer":
			g.Issuer = kv[i+1]
		case "from":
			g.From = kv[i+1]
		case "to":
			g.To = kv[i+1]
		case "page":
			g.Page, _ = strconv.Atoi(kv[i+1])
		}
	}
	return "/search?" + g.values().Encode()
}

type hitView struct {
	search.Hit
	Snippet template.HTML
}

type bucket struct {
	Value  string
	Count  int
	URL    string
	Active bool
}

type facetView struct {
	Label   string
	Buckets []bucket
}

type searchData struct {
	Form      searchForm
	Searched  bool
	Person    bool // a lookup by personal data (no query shown)
	Total     int
	Hits      []hitView
	Facets    []facetView
	Prev      string
	Next      string
	Active    []bucket // active filters, each with the URL that removes it
	Pipelines []string
}

func (s *Server) searchPage(w http.ResponseWriter, r *http.Request, v *view) error {
	qv := r.URL.Query()
	f := searchForm{Q: norm.NFC.String(strings.TrimSpace(qv.Get("q"))), Type: qv.Get("type"), Issuer: qv.Get("issuer"),
		From: qv.Get("from"), To: qv.Get("to"), Batch: qv.Get("batch"), Page: 1}
	if p, err := strconv.Atoi(qv.Get("page")); err == nil && p > 1 && p <= 1000 {
		f.Page = p
	}
	d := searchData{Form: f}
	v.Title = v.T("search.title")
	if f.Q == "" && f.Type == "" && f.Issuer == "" && f.From == "" && f.To == "" && f.Batch == "" {
		v.Data = d
		s.render(w, v, http.StatusOK, "search")
		return nil
	}
	if utf8.RuneCountInString(f.Q) > 1000 {
		return errStatus(http.StatusBadRequest, "search.toolong")
	}
	q := search.Query{Text: f.Q, Issuer: f.Issuer, BatchID: f.Batch, Offset: (f.Page - 1) * pageSize, Size: pageSize}
	api.SetType(&q, v.classes, f.Type)
	var err error
	if q.From, err = parseDate(f.From); err != nil {
		return err
	}
	if q.To, err = parseDate(f.To); err != nil {
		return err
	}
	return s.runSearch(w, r, v, d, q, 0)
}

func parseDate(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}, errStatus(http.StatusBadRequest, "search.baddate")
	}
	return t, nil
}

// personSearch is the pii_reader's exact lookup by CCCD or full name,
// through the blind index. It is a POST so the personal value stays out of
// URLs, logs and history.
func (s *Server) personSearch(w http.ResponseWriter, r *http.Request, v *view) error {
	if s.d.Blind == nil {
		return errStatus(http.StatusNotFound, "err.notfound")
	}
	cccd := strings.TrimSpace(r.PostFormValue("cccd"))
	name := norm.NFC.String(strings.TrimSpace(r.PostFormValue("name")))
	q := search.Query{Size: pageSize}
	n := 0
	if cccd != "" {
		pipeline.AddLookup(&q, s.d.Blind, "cccd", cccd)
		n++
	}
	if name != "" {
		pipeline.AddLookup(&q, s.d.Blind, "person_names", name)
		n++
	}
	if n == 0 {
		return errStatus(http.StatusBadRequest, "search.personempty")
	}
	v.Title = v.T("search.title")
	return s.runSearch(w, r, v, searchData{Person: true, Form: searchForm{Page: 1}}, q, n)
}

// runSearch runs q, audits it as the API does (audit.SearchDetails: a keyed
// hash of the text and the filter names, never a value) and renders the
// results.
func (s *Server) runSearch(w http.ResponseWriter, r *http.Request, v *view, d searchData, q search.Query, lookups int) error {
	res, err := s.d.Search.Search(r.Context(), q)
	if err != nil {
		return err
	}
	details := audit.SearchDetails(q, lookups, map[string]string{"total": strconv.Itoa(res.Total)})
	if err := s.audit(r, v, "search", "", "", details); err != nil {
		return err
	}
	d.Searched, d.Total = true, res.Total
	for _, h := range res.Hits {
		d.Hits = append(d.Hits, hitView{Hit: h, Snippet: safeSnippet(h.Snippet)})
	}
	f := d.Form
	if !d.Person {
		for _, name := range []string{"class", "issuer", "year"} {
			fv := facetView{Label: v.T("facet." + name)}
			for _, b := range res.Facets[name] {
				bk := bucket{Value: b.Value, Count: b.Count}
				switch name {
				case "class":
					bk.URL, bk.Active = f.with("type", b.Value), f.Type == b.Value
					bk.Value = v.ClassLabel(b.Value)
				case "issuer":
					bk.URL, bk.Active = f.with("issuer", b.Value), f.Issuer == b.Value
				case "year":
					bk.URL = f.with("from", b.Value+"-01-01", "to", b.Value+"-12-31")
					bk.Active = f.From == b.Value+"-01-01" && f.To == b.Value+"-12-31"
				}
				fv.Buckets = append(fv.Buckets, bk)
			}
			if len(fv.Buckets) > 0 {
				d.Facets = append(d.Facets, fv)
			}
		}
		if f.Type != "" {
			d.Active = append(d.Active, bucket{Value: v.T("facet.class") + ": " + v.ClassLabel(f.Type), URL: f.with("type", "")})
		}
		if f.Issuer != "" {
			d.Active = append(d.Active, bucket{Value: v.T("facet.issuer") + ": " + f.Issuer, URL: f.with("issuer", "")})
		}
		if f.From != "" || f.To != "" {
			d.Active = append(d.Active, bucket{Value: v.T("search.dates") + ": " + f.From + " – " + f.To, URL: f.with("from", "", "to", "")})
		}
		if f.Page > 1 {
			d.Prev = f.with("page", strconv.Itoa(f.Page-1))
		}
		if f.Page*pageSize < res.Total {
			d.Next = f.with("page", strconv.Itoa(f.Page+1))
		}
	}
	v.Data = d
	s.render(w, v, http.StatusOK, "search")
	return nil
}

// safeSnippet escapes a snippet and then lets only <mark> and </mark>
// through, balanced, so a snippet can highlight but never inject markup.
func safeSnippet(s string) template.HTML {
	e := html.EscapeString(s)
	var b strings.Builder
	open := false
	for {
		i := strings.Index(e, "&lt;")
		if i < 0 {
			b.WriteString(e)
			break
		}
		b.WriteString(e[:i])
		rest := e[i:]
		switch {
		case strings.HasPrefix(rest, "&lt;mark&gt;") && !open:
			b.WriteString("<mark>")
			open = true
			e = rest[len("&lt;mark&gt;"):]
		case strings.HasPrefix(rest, "&lt;/mark&gt;") && open:
			b.WriteString("</mark>")
			open = false
			e = rest[len("&lt;/mark&gt;"):]
		case strings.HasPrefix(rest, "&lt;mark&gt;"), strings.HasPrefix(rest, "&lt;/mark&gt;"):
			e = rest[strings.Index(rest, "&gt;")+len("&gt;"):] // unbalanced: drop
		default:
			b.WriteString("&lt;")
			e = rest[len("&lt;"):]
		}
	}
	if open {
		b.WriteString("</mark>")
	}
	return template.HTML(b.String())
}

func docID(r *http.Request) (domain.DocumentID, error) {
	id := r.PathValue("id")
	if !catalog.ValidDocumentID(id) {
		return "", errStatus(http.StatusNotFound, "err.notfound")
	}
	return domain.DocumentID(id), nil
}

// fieldRow is a field as the record page shows it.
type fieldRow struct {
	Name        string
	Label       string
	Value       string
	Confidence  float64
	Page        domain.PageNo
	Sensitivity domain.Sensitivity
	Masked      bool
}

// maxThumbs bounds the thumbnails on a record page; each is a full page
// image and an audited download, so later pages are links.
const maxThumbs = 12

type recordData struct {
	Doc        *catalog.Document
	Rec        *catalog.Record
	DocType    string
	Problem    string
	Fields     []fieldRow
	Text       []string
	TextMasked bool
	Reader     bool
	Scans      bool  // page images and the original may be shown (pii_reader)
	Pages      []int // shown as thumbnails
	MorePages  []int // linked only
	CanReveal  bool
	Revealed   bool
	Reason     string
}

func (s *Server) recordPage(w http.ResponseWriter, r *http.Request, v *view) error {
	return s.showRecord(w, r, v, "")
}

// reveal shows a record's sensitive fields to a pii_reader who gave a
// reason; the reason goes to the audit log.
func (s *Server) reveal(w http.ResponseWriter, r *http.Request, v *view) error {
	reason, err := access.CleanReason(r.PostFormValue("reason"))
	if err != nil || reason == "" {
		return errStatus(http.StatusBadRequest, "record.needreason")
	}
	return s.showRecord(w, r, v, reason)
}

// decide returns the signed-in user's access decision for view, or the
// error page that refuses it.
func decide(v *view, view access.View, reason string) (access.Decision, error) {
	var p auth.Principal
	if v.User != nil {
		p = *v.User
	}
	dec := access.Decide(p, view, reason)
	if !dec.Allowed() {
		return dec, errStatus(dec.Deny().Status, "err.forbidden")
	}
	return dec, nil
}

// auditView audits a view decided by dec (access.Decision.Audit: the
// action and the names of the protected fields released), with the view's
// own details, "via": "web" and the caller's reason.
func (s *Server) auditView(r *http.Request, v *view, dec access.Decision, object string, released []string, own map[string]string) error {
	action, details := dec.Audit(released)
	maps.Copy(details, own)
	details["via"] = "web"
	return s.audit(r, v, action, object, dec.Reason, details)
}

// showRecord renders a record under the access policy (access.Record),
// as the API's document view: public fields for everyone; personal fields
// and the clear text for pii_reader; sensitive fields for pii_reader with
// a reason; secret fields never. The view is audited ("view", or "unmask"
// with the fields released) before anything is sent.
func (s *Server) showRecord(w http.ResponseWriter, r *http.Request, v *view, reason string) error {
	dec, err := decide(v, access.Record, reason)
	if err != nil {
		return err
	}
	id, err := docID(r)
	if err != nil {
		return err
	}
	doc, err := s.d.Catalog.GetDocument(r.Context(), id)
	if err != nil {
		return err
	}
	d := recordData{Doc: doc, Reader: dec.Cleared(), Reason: dec.Reason}
	if doc.Problem != nil {
		d.Problem = doc.Problem.Message(v.Lang)
	}
	v.Title = doc.Name
	rec, err := s.d.Catalog.GetRecord(r.Context(), id)
	if err != nil && !errors.Is(err, catalog.ErrNotFound) {
		return err
	}
	if rec == nil {
		v.Data = d
		s.render(w, v, http.StatusOK, "record")
		return nil
	}
	d.Rec, d.DocType = rec, v.ClassLabel(rec.Class)
	if rec.Title != "" {
		v.Title = rec.Title
	}
	ap := dec.Apply(rec)
	for _, f := range ap.Fields {
		row := fieldRow{Name: f.Name, Label: fieldLabel(v.Lang, f.Name), Confidence: f.Field.Confidence, Page: f.Field.Page,
			Sensitivity: f.Field.Sensitivity, Masked: f.Outcome != access.Clear}
		if !row.Masked {
			row.Value = f.Field.Value
			if len(f.Field.Values) > 0 {
				row.Value = strings.Join(f.Field.Values, "; ")
			}
		}
		d.Fields = append(d.Fields, row)
	}
	d.CanReveal = ap.CanReveal
	if ap.TextClear {
		d.Text = rec.Text
	} else {
		d.Text, d.TextMasked = rec.Redacted, true
	}
	if d.Scans = dec.Scans() == access.Clear; d.Scans {
		for n := 1; n <= rec.Pages; n++ {
			if n <= maxThumbs {
				d.Pages = append(d.Pages, n)
			} else {
				d.MorePages = append(d.MorePages, n)
			}
		}
	}
	d.Revealed = dec.Reason != ""
	if err := s.auditView(r, v, dec, string(id), ap.Released, nil); err != nil {
		return err
	}
	v.Data = d
	s.render(w, v, http.StatusOK, "record")
	return nil
}

// pageImage serves a page scan under the access policy
// (access.PageImage: pii_reader), audited like the API's page image.
func (s *Server) pageImage(w http.ResponseWriter, r *http.Request, v *view) error {
	dec, err := decide(v, access.PageImage, "")
	if err != nil {
		return err
	}
	id, err := docID(r)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 || n > 100_000 {
		return errStatus(http.StatusNotFound, "err.notfound")
	}
	img, err := s.d.Catalog.GetPageImage(r.Context(), id, domain.PageNo(n))
	if err != nil {
		return err
	}
	if err := s.auditView(r, v, dec, string(id), nil, map[string]string{"page": strconv.Itoa(n)}); err != nil {
		return err
	}
	w.Header().Set("Content-Type", http.DetectContentType(img))
	w.Header().Set("Content-Length", strconv.Itoa(len(img)))
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = w.Write(img)
	return err
}

// original lets a pii_reader download the uploaded file (the document's
// PDF or image) under the access policy (access.Original), audited.
func (s *Server) original(w http.ResponseWriter, r *http.Request, v *view) error {
	dec, doc, err := s.decideDocument(r, v, access.Original)
	if err != nil {
		return err
	}
	id := doc.ID
	data, err := s.d.Catalog.GetOriginal(r.Context(), id)
	if err != nil {
		return err
	}
	if err := s.auditView(r, v, dec, string(id), nil, map[string]string{"original": "true"}); err != nil {
		return err
	}
	name := "document-" + string(id)
	if ext := path.Ext(doc.Name); ext != "" && len(ext) <= 6 {
		name += strings.ToLower(ext)
	}
	w.Header().Set("Content-Type", http.DetectContentType(data))
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	_, err = w.Write(data)
	return err
}
