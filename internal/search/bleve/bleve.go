// Package bleve is the embedded search backend: a search.Index stored in a
// local directory with github.com/blevesearch/bleve/v2. It needs no server
// and is the default when no Elasticsearch is configured.
//
// Documents are built field by field (no dynamic mapping): the text is
// indexed twice, once exact (NFC, lower-case, Unicode word tokens) and once
// accent-folded by search.Fold, and queries match the folded field while the
// exact field adds to the score, so "quyet dinh" finds "Quyết định" and a
// query typed with accents ranks the exact spelling first.
package bleve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"
	"unicode/utf8"

	blevesearch "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/single"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/document"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/sohoa/sohoa/internal/search"
)

// schemaVersion is stored in the index; Open refuses an index built with
// another layout, which must then be rebuilt with reindex.
const schemaVersion = "sohoa-bleve-1"

var schemaKey = []byte("sohoa_schema")

// Field names inside the bleve index.
const (
	fText        = "text"     // exact words of the text
	fTextFolded  = "text_f"   // folded words of the text
	fTitle       = "title"    // exact words of the title
	fTitleFolded = "title_f"  // folded words of the title
	fDocType     = "doc_type" // keyword, facet
	fClass       = "class"    // keyword, class ID, facet
	fIssuer      = "issuer"   // keyword as given, facet
	fIssuerNorm  = "issuer_n" // keyword, Normalize(issuer), filter
	fBatch       = "batch_id" // keyword
	fPipeline    = "pipeline" // keyword
	fDate        = "issued_date"
	fYear        = "year"  // keyword, facet
	fBlind       = "blind" // keyword, verbatim tokens
	fStored      = "hit"   // stored JSON of what a hit shows
	prefixKw     = "f."    // f.<field>: normalised keyword values
	prefixNum    = "n."    // n.<field>: numeric values
	prefixDate   = "d."    // d.<field>: date values
)

// Scoring weights: exact spelling outranks folded matches, which outrank
// typo-tolerant (fuzzy) matches; the title counts more than the body.
const (
	boostExact       = 2.0
	boostTitle       = 1.5
	boostFuzzy       = 0.2
	facetSize        = 50
	snippetRunes     = search.DefaultSnippetRunes
	facetYearBuckets = 200
)

// Index is the embedded search index. It is safe for concurrent use.
// Writes are durable (synced to disk) and visible to Search as soon as
// Index, IndexBatch or Delete return. Concurrent Index and Delete calls are
// committed together (group commit), since each commit waits for a sync.
type Index struct {
	idx   blevesearch.Index
	words analysis.Analyzer // Unicode word tokens, lower-cased
	kw    analysis.Analyzer // whole value as one token

	mu      sync.RWMutex // guards closed and sending on writes
	closed  bool
	writes  chan writeReq
	stopped chan struct{} // closed when the committer has finished
}

// writeReq is one Index (doc != nil) or Delete (doc == nil) for the committer.
type writeReq struct {
	doc  *document.Document
	id   string
	done chan error
}

// maxGroup bounds how many writes one group commit takes.
const maxGroup = 512

// commit runs until writes is closed: it takes every write waiting, commits
// them in one batch and answers each.
func (ix *Index) commit() {
	defer close(ix.stopped)
	for first := range ix.writes {
		group := []writeReq{first}
	drain:
		for len(group) < maxGroup {
			select {
			case w, ok := <-ix.writes:
				if !ok {
					break drain
				}
				group = append(group, w)
			default:
				break drain
			}
		}
		b := ix.idx.NewBatch()
		var err error
		for _, w := range group {
			if w.doc != nil {
				err = b.IndexAdvanced(w.doc)
			} else {
				b.Delete(w.id)
			}
			if err != nil {
				break
			}
		}
		if err == nil {
			err = ix.idx.Batch(b)
		}
		for _, w := range group {
			w.done <- err
		}
	}
}

// send hands a write to the committer and waits for its result.
func (ix *Index) send(ctx context.Context, w writeReq) error {
	w.done = make(chan error, 1)
	ix.mu.RLock()
	if ix.closed {
		ix.mu.RUnlock()
		return errors.New("index is closed")
	}
	select {
	case ix.writes <- w:
		ix.mu.RUnlock()
	case <-ctx.Done():
		ix.mu.RUnlock()
		return ctx.Err()
	}
	select {
	case err := <-w.done:
		return err
	case <-ctx.Done():
		return ctx.Err() // the write may still complete; writes are idempotent
	}
}

var _ search.Index = (*Index)(nil)

// Open opens the index stored in dir, creating dir and an empty index when
// there is none. It fails when dir holds an index of another schema version.
func Open(dir string) (*Index, error) {
	ix := &Index{
		words: &analysis.DefaultAnalyzer{
			Tokenizer:    unicode.NewUnicodeTokenizer(),
			TokenFilters: []analysis.TokenFilter{lowercase.NewLowerCaseFilter()},
		},
		kw: &analysis.DefaultAnalyzer{Tokenizer: single.NewSingleTokenTokenizer()},
	}
	_, err := os.Stat(filepath.Join(dir, "index_meta.json"))
	switch {
	case err == nil:
		ix.idx, err = blevesearch.Open(dir)
		if err != nil {
			return nil, fmt.Errorf("bleve: open %s: %w", dir, err)
		}
		v, err := ix.idx.GetInternal(schemaKey)
		if err != nil || string(v) != schemaVersion {
			_ = ix.idx.Close()
			return nil, fmt.Errorf("bleve: index %s has schema %q, want %q: rebuild it with reindex", dir, v, schemaVersion)
		}
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(filepath.Dir(filepath.Clean(dir)), 0o750); err != nil {
			return nil, fmt.Errorf("bleve: create parent of %s: %w", dir, err)
		}
		m := blevesearch.NewIndexMapping()
		m.DefaultMapping.Dynamic = false // documents are built field by field
		m.StoreDynamic = false
		m.IndexDynamic = false
		m.DocValuesDynamic = false
		ix.idx, err = blevesearch.New(dir, m)
		if err != nil {
			return nil, fmt.Errorf("bleve: create %s: %w", dir, err)
		}
		if err := ix.idx.SetInternal(schemaKey, []byte(schemaVersion)); err != nil {
			_ = ix.idx.Close()
			return nil, fmt.Errorf("bleve: write schema version: %w", err)
		}
	default:
		return nil, fmt.Errorf("bleve: stat %s: %w", dir, err)
	}
	ix.writes = make(chan writeReq, maxGroup)
	ix.stopped = make(chan struct{})
	go ix.commit()
	return ix, nil
}

// storedHit is what a hit needs back from the index, kept as one stored field.
type storedHit struct {
	Title      string    `json:"title"`
	DocType    string    `json:"doc_type"`
	Class      string    `json:"class,omitempty"`
	Issuer     string    `json:"issuer"`
	BatchID    string    `json:"batch_id"`
	IssuedDate time.Time `json:"issued_date"`
	Text       string    `json:"text"`
}

// document builds the bleve document of a record.
func (ix *Index) document(r search.Record) (*document.Document, error) {
	if r.ID == "" {
		return nil, errors.New("record has no ID")
	}
	d := search.Prepare(r)
	doc := document.NewDocument(d.ID)
	textOpts := index.IndexField | index.IncludeTermVectors
	kwOpts := index.IndexField
	facetOpts := index.IndexField | index.DocValues

	doc.AddField(document.NewTextFieldCustom(fText, nil, []byte(d.Text), textOpts, ix.words))
	doc.AddField(document.NewTextFieldCustom(fTextFolded, nil, []byte(d.TextFolded), textOpts, ix.words))
	doc.AddField(document.NewTextFieldCustom(fTitle, nil, []byte(d.Title), textOpts, ix.words))
	doc.AddField(document.NewTextFieldCustom(fTitleFolded, nil, []byte(d.TitleFolded), textOpts, ix.words))
	keyword := func(name, value string, opts index.FieldIndexingOptions) {
		if value != "" {
			doc.AddField(document.NewTextFieldCustom(name, nil, []byte(value), opts, ix.kw))
		}
	}
	keyword(fDocType, d.DocType, facetOpts)
	keyword(fClass, d.Class, facetOpts)
	keyword(fIssuer, d.Issuer, facetOpts)
	keyword(fIssuerNorm, d.IssuerNorm, kwOpts)
	keyword(fBatch, d.BatchID, kwOpts)
	keyword(fPipeline, d.Pipeline, kwOpts)
	keyword(fYear, d.Year, facetOpts)
	for _, b := range d.Blind {
		keyword(fBlind, b, kwOpts)
	}
	if !d.IssuedDate.IsZero() {
		f, err := document.NewDateTimeFieldWithIndexingOptions(fDate, nil, d.IssuedDate, time.RFC3339, facetOpts)
		if err != nil {
			return nil, fmt.Errorf("issued date %v: %w", d.IssuedDate, err)
		}
		doc.AddField(f)
	}
	for name, vs := range d.Keywords {
		for _, v := range vs {
			keyword(prefixKw+name, v, kwOpts)
		}
	}
	for name, vs := range d.Numbers {
		for _, v := range vs {
			doc.AddField(document.NewNumericFieldWithIndexingOptions(prefixNum+name, nil, v, kwOpts))
		}
	}
	for name, vs := range d.Dates {
		for _, v := range vs {
			f, err := document.NewDateTimeFieldWithIndexingOptions(prefixDate+name, nil, v, time.RFC3339, kwOpts)
			if err != nil {
				return nil, fmt.Errorf("field %s date %v: %w", name, v, err)
			}
			doc.AddField(f)
		}
	}
	stored, err := json.Marshal(storedHit{
		Title: d.Title, DocType: d.DocType, Class: d.Class, Issuer: d.Issuer, BatchID: d.BatchID,
		IssuedDate: d.IssuedDate, Text: d.Text,
	})
	if err != nil {
		return nil, fmt.Errorf("encode stored fields: %w", err)
	}
	doc.AddField(document.NewTextFieldCustom(fStored, nil, stored, index.StoreField, nil))
	return doc, nil
}

// Index adds or replaces the record with r.ID.
func (ix *Index) Index(ctx context.Context, r search.Record) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("bleve: index %s: %w", r.ID, err)
	}
	doc, err := ix.document(r)
	if err != nil {
		return fmt.Errorf("bleve: index %s: %w", r.ID, err)
	}
	if err := ix.send(ctx, writeReq{doc: doc, id: r.ID}); err != nil {
		return fmt.Errorf("bleve: index %s: %w", r.ID, err)
	}
	return nil
}

// IndexBatch adds or replaces many records in one write, which is much
// faster than one Index call per record (reindex, benchmarks). A later
// record with the same ID as an earlier one wins.
func (ix *Index) IndexBatch(ctx context.Context, rs []search.Record) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("bleve: index batch: %w", err)
	}
	b := ix.idx.NewBatch()
	for _, r := range rs {
		doc, err := ix.document(r)
		if err != nil {
			return fmt.Errorf("bleve: index %s: %w", r.ID, err)
		}
		if err := b.IndexAdvanced(doc); err != nil {
			return fmt.Errorf("bleve: index %s: %w", r.ID, err)
		}
	}
	if err := ix.idx.Batch(b); err != nil {
		return fmt.Errorf("bleve: index batch of %d: %w", len(rs), err)
	}
	return nil
}

// Delete removes the record with the ID; a missing record is not an error.
func (ix *Index) Delete(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("bleve: delete %s: %w", id, err)
	}
	if id == "" {
		return errors.New("bleve: delete: empty ID")
	}
	if err := ix.send(ctx, writeReq{id: id}); err != nil {
		return fmt.Errorf("bleve: delete %s: %w", id, err)
	}
	return nil
}

// Count returns the number of records.
func (ix *Index) Count(ctx context.Context) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("bleve: count: %w", err)
	}
	n, err := ix.idx.DocCount()
	if err != nil {
		return 0, fmt.Errorf("bleve: count: %w", err)
	}
	return int(n), nil
}

// Close waits for pending writes and releases the index. Writes are
// already durable when they return. Close may be called once.
func (ix *Index) Close() error {
	ix.mu.Lock()
	if ix.closed {
		ix.mu.Unlock()
		return errors.New("bleve: close: already closed")
	}
	ix.closed = true
	close(ix.writes)
	ix.mu.Unlock()
	<-ix.stopped
	if err := ix.idx.Close(); err != nil {
		return fmt.Errorf("bleve: close: %w", err)
	}
	return nil
}

// Search runs q. Errors caused by the query wrap search.ErrInvalidQuery.
func (ix *Index) Search(ctx context.Context, q search.Query) (search.Result, error) {
	p, err := search.PrepareQuery(q)
	if err != nil {
		return search.Result{}, err
	}
	bq, err := ix.buildQuery(p)
	if err != nil {
		return search.Result{}, err
	}
	req := blevesearch.NewSearchRequestOptions(bq, p.Size, p.Offset, false)
	req.Fields = []string{fStored}
	switch p.Sort {
	case "date", "-date":
		req.SortByCustom(bsearch.SortOrder{
			&bsearch.SortField{Field: fDate, Desc: p.Sort == "-date", Type: bsearch.SortFieldAsDate, Missing: bsearch.SortFieldMissingLast},
			&bsearch.SortDocID{},
		})
	default:
		req.SortByCustom(bsearch.SortOrder{&bsearch.SortScore{Desc: true}, &bsearch.SortDocID{}})
	}
	req.AddFacet("doc_type", blevesearch.NewFacetRequest(fDocType, facetSize))
	req.AddFacet("class", blevesearch.NewFacetRequest(fClass, facetSize))
	req.AddFacet("issuer", blevesearch.NewFacetRequest(fIssuer, facetSize))
	req.AddFacet("year", blevesearch.NewFacetRequest(fYear, facetYearBuckets))

	res, err := ix.idx.SearchInContext(ctx, req)
	if err != nil {
		return search.Result{}, fmt.Errorf("bleve: search: %w", err)
	}
	out := search.Result{
		Total:  int(res.Total),
		Hits:   make([]search.Hit, 0, len(res.Hits)),
		Facets: map[string][]search.FacetCount{},
	}
	for _, h := range res.Hits {
		var s storedHit
		raw, _ := h.Fields[fStored].(string)
		if err := json.Unmarshal([]byte(raw), &s); err != nil {
			return search.Result{}, fmt.Errorf("bleve: decode stored hit %s: %w", h.ID, err)
		}
		out.Hits = append(out.Hits, search.Hit{
			ID:         h.ID,
			Title:      s.Title,
			DocType:    s.DocType,
			Class:      s.Class,
			IssuedDate: s.IssuedDate,
			Issuer:     s.Issuer,
			BatchID:    s.BatchID,
			Snippet:    search.Snippet(s.Text, p.Text, snippetRunes),
			Score:      h.Score,
		})
	}
	for name, fr := range res.Facets {
		buckets := []search.FacetCount{}
		if fr.Terms != nil {
			for _, t := range fr.Terms.Terms() {
				buckets = append(buckets, search.FacetCount{Value: t.Term, Count: t.Count})
			}
		}
		sort.SliceStable(buckets, func(i, j int) bool {
			if buckets[i].Count != buckets[j].Count {
				return buckets[i].Count > buckets[j].Count
			}
			return buckets[i].Value < buckets[j].Value
		})
		out.Facets[name] = buckets
	}
	return out, nil
}

// buildQuery turns a prepared query into a bleve query: free text and
// filters are ANDed; the exact-spelling clauses only add to the score.
func (ix *Index) buildQuery(p search.PreparedQuery) (query.Query, error) {
	var must, should []query.Query

	// Free words: every folded word must occur (in the text or the title,
	// or one edit away for long words); exact words add to the score.
	for _, w := range ix.tokens(p.WordsFolded) {
		alts := []query.Query{
			term(fTextFolded, w, 1),
			term(fTitleFolded, w, boostTitle),
		}
		if utf8.RuneCountInString(w) >= search.FuzzyMinRunes {
			fq := query.NewFuzzyQuery(w)
			fq.SetField(fTextFolded)
			fq.SetFuzziness(1)
			fq.SetPrefix(search.FuzzyPrefixRunes)
			fq.SetBoost(boostFuzzy)
			alts = append(alts, fq)
		}
		must = append(must, query.NewDisjunctionQuery(alts))
	}
	for _, w := range ix.tokens(p.Words) {
		should = append(should, term(fText, w, boostExact), term(fTitle, w, boostExact*boostTitle))
	}
	// Phrases: the folded phrase must occur; the exact phrase adds to the score.
	for i, ph := range p.PhrasesFolded {
		folded := ix.tokens(ph)
		if len(folded) == 0 {
			continue
		}
		must = append(must, query.NewDisjunctionQuery([]query.Query{
			phrase(fTextFolded, folded, 1),
			phrase(fTitleFolded, folded, boostTitle),
		}))
		if exact := ix.tokens(p.Phrases[i]); len(exact) > 0 {
			should = append(should, phrase(fText, exact, boostExact), phrase(fTitle, exact, boostExact*boostTitle))
		}
	}

	// Filters.
	if p.DocType != "" {
		must = append(must, term(fDocType, p.DocType, 0))
	}
	if p.Class != "" {
		must = append(must, term(fClass, p.Class, 0))
	}
	if p.Issuer != "" {
		must = append(must, term(fIssuerNorm, p.Issuer, 0))
	}
	if p.BatchID != "" {
		must = append(must, term(fBatch, p.BatchID, 0))
	}
	if !p.Dates.IsZero() {
		must = append(must, dateRange(fDate, p.Dates))
	}
	for _, name := range sortedKeys(p.Fields) {
		must = append(must, term(prefixKw+name, p.Fields[name], 0))
	}
	for _, name := range sortedKeys(p.Numbers) {
		r := p.Numbers[name]
		t := true
		nq := query.NewNumericRangeInclusiveQuery(r.GTE, r.LTE, &t, &t)
		nq.SetField(prefixNum + name)
		nq.SetBoost(0)
		must = append(must, nq)
	}
	for _, name := range sortedKeys(p.DateRngs) {
		must = append(must, dateRange(prefixDate+name, p.DateRngs[name]))
	}
	for _, b := range p.Blind {
		must = append(must, term(fBlind, b, 0))
	}
	// Lookups: either token must be held; the exact one adds to the score.
	for _, l := range p.Lookups {
		must = append(must, query.NewDisjunctionQuery([]query.Query{term(fBlind, l.Exact, 0), term(fBlind, l.Folded, 0)}))
		should = append(should, term(fBlind, l.Exact, boostExact))
	}

	if len(must) == 0 {
		must = append(must, query.NewMatchAllQuery())
	} else if !p.HasText() {
		// Filters only: every filtered record matches with an equal score.
		must = append(must, query.NewMatchAllQuery())
	}
	bq := query.NewBooleanQuery(must, nil, nil)
	if len(should) > 0 {
		bq.AddShould(should...)
		bq.SetMinShould(0)
	}
	return bq, nil
}

// tokens splits s with the index's word analyser.
func (ix *Index) tokens(s string) []string {
	if s == "" {
		return nil
	}
	ts := ix.words.Analyze([]byte(s))
	out := make([]string, 0, len(ts))
	for _, t := range ts {
		out = append(out, string(t.Term))
	}
	return out
}

func term(field, value string, boost float64) query.Query {
	q := query.NewTermQuery(value)
	q.SetField(field)
	q.SetBoost(boost)
	return q
}

func phrase(field string, terms []string, boost float64) query.Query {
	if len(terms) == 1 {
		return term(field, terms[0], boost)
	}
	q := query.NewPhraseQuery(terms, field)
	q.SetBoost(boost)
	return q
}

func dateRange(field string, r search.TimeRange) query.Query {
	t, f := true, false
	q := query.NewDateRangeInclusiveQuery(r.From, r.Before, &t, &f)
	q.SetField(field)
	q.SetBoost(0)
	return q
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
