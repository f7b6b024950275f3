package es

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/sohoa/sohoa/internal/search"
)

// Scoring weights, as in the bleve backend: exact spelling outranks folded
// matches, which outrank typo-tolerant ones; the title counts more.
const (
	boostExact = 2.0
	boostTitle = 1.5
	boostFuzzy = 0.2
	facetSize  = 50
	yearFacet  = 200
)

// fuzziness gives one edit to terms of at least search.FuzzyMinRunes runes.
var fuzziness = fmt.Sprintf("AUTO:%d,%d", search.FuzzyMinRunes, 1000)

type object = map[string]any

func match(field, text, operator string, boost float64) object {
	return object{"match": object{field: object{"query": text, "operator": operator, "boost": boost}}}
}

func matchPhrase(field, text string, boost float64) object {
	return object{"match_phrase": object{field: object{"query": text, "boost": boost}}}
}

func term(field, value string) object {
	return object{"term": object{field: object{"value": value}}}
}

func dateRange(field string, r search.TimeRange) object {
	b := object{"format": "strict_date_optional_time"}
	if !r.From.IsZero() {
		b["gte"] = r.From.UTC().Format(time.RFC3339Nano)
	}
	if !r.Before.IsZero() {
		b["lt"] = r.Before.UTC().Format(time.RFC3339Nano)
	}
	return object{"range": object{field: b}}
}

// buildQuery turns a prepared query into the Elasticsearch query DSL.
func buildQuery(p search.PreparedQuery) object {
	var must, should, filter []any

	// Each white-space separated chunk of the free words must match in the
	// folded text or title (all of its tokens), or one edit away for long
	// tokens; the exact words add to the score.
	for _, chunk := range strings.Fields(p.WordsFolded) {
		must = append(must, object{"bool": object{
			"should": []any{
				match("text_f", chunk, "and", 1),
				match("title_f", chunk, "and", boostTitle),
				object{"match": object{"text_f": object{
					"query": chunk, "operator": "and", "boost": boostFuzzy,
					"fuzziness": fuzziness, "prefix_length": search.FuzzyPrefixRunes,
					"max_expansions": 50, "fuzzy_transpositions": false,
				}}},
			},
			"minimum_should_match": 1,
		}})
	}
	if p.Words != "" {
		should = append(should, match("text", p.Words, "or", boostExact), match("title", p.Words, "or", boostExact*boostTitle))
	}
	for i, ph := range p.PhrasesFolded {
		must = append(must, object{"bool": object{
			"should":               []any{matchPhrase("text_f", ph, 1), matchPhrase("title_f", ph, boostTitle)},
			"minimum_should_match": 1,
		}})
		should = append(should, matchPhrase("text", p.Phrases[i], boostExact), matchPhrase("title", p.Phrases[i], boostExact*boostTitle))
	}

	if p.DocType != "" {
		filter = append(filter, term("doc_type", p.DocType))
	}
	if p.Class != "" {
		filter = append(filter, term("class", p.Class))
	}
	if p.Issuer != "" {
		filter = append(filter, term("issuer_n", p.Issuer))
	}
	if p.BatchID != "" {
		filter = append(filter, term("batch_id", p.BatchID))
	}
	if !p.Dates.IsZero() {
		filter = append(filter, dateRange("issued_date", p.Dates))
	}
	for _, name := range sortedKeys(p.Fields) {
		filter = append(filter, term("f."+name, p.Fields[name]))
	}
	for _, name := range sortedKeys(p.Numbers) {
		r := p.Numbers[name]
		b := object{}
		if r.GTE != nil {
			b["gte"] = *r.GTE
		}
		if r.LTE != nil {
			b["lte"] = *r.LTE
		}
		filter = append(filter, object{"range": object{"n." + name: b}})
	}
	for _, name := range sortedKeys(p.DateRngs) {
		filter = append(filter, dateRange("d."+name, p.DateRngs[name]))
	}
	for _, b := range p.Blind {
		filter = append(filter, term("blind", b))
	}
	// Lookups: either token must be held; the exact one adds to the score.
	for _, l := range p.Lookups {
		filter = append(filter, object{"bool": object{
			"should":               []any{term("blind", l.Exact), term("blind", l.Folded)},
			"minimum_should_match": 1,
		}})
		should = append(should, object{"term": object{"blind": object{"value": l.Exact, "boost": boostExact}}})
	}
	if len(must) == 0 {
		must = append(must, object{"match_all": object{}})
	}
	b := object{"must": must}
	if len(should) > 0 {
		b["should"] = should
	}
	if len(filter) > 0 {
		b["filter"] = filter
	}
	return object{"bool": b}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func terms(field string, size int) object {
	return object{"terms": object{"field": field, "size": size, "order": []any{object{"_count": "desc"}, object{"_key": "asc"}}}}
}

// searchBody is the whole request body for p.
func searchBody(p search.PreparedQuery) object {
	var sortBy []any
	switch p.Sort {
	case "date", "-date":
		order := "asc"
		if p.Sort == "-date" {
			order = "desc"
		}
		sortBy = []any{object{"issued_date": object{"order": order, "missing": "_last"}}, object{"id": "asc"}}
	default:
		sortBy = []any{object{"_score": "desc"}, object{"id": "asc"}}
	}
	return object{
		"query":            buildQuery(p),
		"from":             p.Offset,
		"size":             p.Size,
		"sort":             sortBy,
		"track_total_hits": true,
		"track_scores":     true,
		"_source":          []string{"title", "doc_type", "class", "issuer", "batch_id", "issued_date", "text"},
		"aggs": object{
			"doc_type": terms("doc_type", facetSize),
			"class":    terms("class", facetSize),
			"issuer":   terms("issuer", facetSize),
			"year":     terms("year", yearFacet),
		},
	}
}

type searchResponse struct {
	Hits struct {
		Total struct {
			Value int `json:"value"`
		} `json:"total"`
		Hits []struct {
			ID     string   `json:"_id"`
			Score  *float64 `json:"_score"`
			Source struct {
				Title      string    `json:"title"`
				DocType    string    `json:"doc_type"`
				Class      string    `json:"class"`
				Issuer     string    `json:"issuer"`
				BatchID    string    `json:"batch_id"`
				IssuedDate time.Time `json:"issued_date"`
				Text       string    `json:"text"`
			} `json:"_source"`
		} `json:"hits"`
	} `json:"hits"`
	Aggregations map[string]struct {
		Buckets []struct {
			Key      any `json:"key"`
			DocCount int `json:"doc_count"`
		} `json:"buckets"`
	} `json:"aggregations"`
}

// Search runs q. Errors caused by the query wrap search.ErrInvalidQuery.
func (ix *Index) Search(ctx context.Context, q search.Query) (search.Result, error) {
	p, err := search.PrepareQuery(q)
	if err != nil {
		return search.Result{}, err
	}
	body, err := json.Marshal(searchBody(p))
	if err != nil {
		return search.Result{}, fmt.Errorf("elasticsearch: encode query: %w", err)
	}
	res, err := ix.client.Search(
		ix.client.Search.WithContext(ctx),
		ix.client.Search.WithIndex(ix.alias),
		ix.client.Search.WithBody(bytes.NewReader(body)),
	)
	if err != nil {
		return search.Result{}, fmt.Errorf("elasticsearch: search: %w", err)
	}
	defer res.Body.Close()
	if res.IsError() {
		return search.Result{}, fmt.Errorf("elasticsearch: search: %w", responseError(res))
	}
	var sr searchResponse
	if err := json.NewDecoder(res.Body).Decode(&sr); err != nil {
		return search.Result{}, fmt.Errorf("elasticsearch: decode search response: %w", err)
	}
	out := search.Result{
		Total:  sr.Hits.Total.Value,
		Hits:   make([]search.Hit, 0, len(sr.Hits.Hits)),
		Facets: map[string][]search.FacetCount{},
	}
	for _, h := range sr.Hits.Hits {
		hit := search.Hit{
			ID:         h.ID,
			Title:      h.Source.Title,
			DocType:    h.Source.DocType,
			Class:      h.Source.Class,
			IssuedDate: h.Source.IssuedDate,
			Issuer:     h.Source.Issuer,
			BatchID:    h.Source.BatchID,
			Snippet:    search.Snippet(h.Source.Text, p.Text, search.DefaultSnippetRunes),
		}
		if h.Score != nil {
			hit.Score = *h.Score
		}
		out.Hits = append(out.Hits, hit)
	}
	for _, name := range []string{"doc_type", "class", "issuer", "year"} {
		buckets := []search.FacetCount{}
		for _, b := range sr.Aggregations[name].Buckets {
			buckets = append(buckets, search.FacetCount{Value: fmt.Sprint(b.Key), Count: b.DocCount})
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
