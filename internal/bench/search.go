package bench

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/sohoa/sohoa/internal/corpus"
	"github.com/sohoa/sohoa/internal/search"
	blevex "github.com/sohoa/sohoa/internal/search/bleve"
	"github.com/sohoa/sohoa/internal/search/es"
)

// batchIndex is what the search benchmark needs of a backend: the Index
// contract plus bulk loading, which both bleve and Elasticsearch offer.
type batchIndex interface {
	search.Index
	IndexBatch(ctx context.Context, rs []search.Record) error
}

// QueryLatency is the latency distribution of one kind of query.
type QueryLatency struct {
	Kind          string
	N             int
	P50, P95, P99 time.Duration
	MeanHits      float64
}

// SearchRun is the search benchmark on one backend at one size.
type SearchRun struct {
	Backend string
	Records int
	// Load is the time to bulk-load the records; DiskBytes the index size
	// on disk afterwards (bleve only).
	Load      time.Duration
	DiskBytes int64
	Queries   []QueryLatency
	All       QueryLatency
}

// RecordGen builds realistic synthetic search records: text lines, issuers
// and field values come from documents of the test corpus (rendered at 72
// dpi once, only for their ground truth), recombined at random with a
// fixed seed, so 100k records cost seconds instead of hours of OCR.
type RecordGen struct {
	lines    []string
	issuers  []string
	docTypes []string
	words    []string
	seed     int64
}

// NewRecordGen prepares a generator from 40 corpus documents.
func NewRecordGen(seed int64) (*RecordGen, error) {
	docs, err := corpus.Generate(corpus.Options{Seed: seed, Documents: 40, DPI: 72})
	if err != nil {
		return nil, fmt.Errorf("bench: corpus for search records: %w", err)
	}
	g := &RecordGen{seed: seed}
	seen := map[string]bool{}
	for _, d := range docs {
		for _, l := range strings.Split(d.Truth.Text(), "\n") {
			if l = strings.TrimSpace(l); len(l) > 12 {
				g.lines = append(g.lines, l)
				for _, w := range strings.Fields(l) {
					w = strings.Trim(w, ".,;:()\"'")
					if len([]rune(w)) >= 5 && !seen[w] {
						seen[w] = true
						g.words = append(g.words, w)
					}
				}
			}
		}
		for _, v := range d.Truth.Fields["issuer"] {
			if !slices.Contains(g.issuers, v) {
				g.issuers = append(g.issuers, v)
			}
		}
		if !slices.Contains(g.docTypes, d.Truth.Class) {
			g.docTypes = append(g.docTypes, d.Truth.Class)
		}
	}
	if len(g.lines) == 0 || len(g.words) == 0 {
		return nil, fmt.Errorf("bench: corpus gave no text for search records")
	}
	if len(g.issuers) == 0 {
		g.issuers = []string{"UBND tỉnh"}
	}
	return g, nil
}

// Record returns record i (the same i gives the same record).
func (g *RecordGen) Record(i int) search.Record {
	r := rand.New(rand.NewPCG(uint64(g.seed), uint64(i)))
	var sb strings.Builder
	n := 25 + r.IntN(30) // ~2-3 KB of text, like one or two OCR'd pages
	for j := 0; j < n; j++ {
		if j > 0 {
			sb.WriteByte('\n')
		}
		sb.WriteString(g.lines[r.IntN(len(g.lines))])
	}
	date := time.Date(2010+r.IntN(16), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
	num := fmt.Sprint(1 + r.IntN(999))
	dt := g.docTypes[r.IntN(len(g.docTypes))]
	return search.Record{
		ID: fmt.Sprintf("bench-%07d", i), BatchID: fmt.Sprintf("batch-%04d", i/500),
		Name: fmt.Sprintf("scan-%07d.pdf", i), Title: g.lines[r.IntN(len(g.lines))],
		DocType: dt, Pipeline: "generic", Issuer: g.issuers[r.IntN(len(g.issuers))],
		IssuedDate: date, Pages: 1 + r.IntN(4), Text: sb.String(),
		Fields: map[string][]string{"doc_number": {num}, "doc_type": {dt}, "issued_date": {date.Format("2006-01-02")}},
		Blind:  []string{"cccd:" + blindToken(i)},
	}
}

func blindToken(i int) string {
	h := sha256.Sum256([]byte(fmt.Sprint("bench-cccd-", i)))
	return hex.EncodeToString(h[:16])
}

// queries returns the timed query mix for an index of n records.
func (g *RecordGen) queries(n int, r *rand.Rand) []struct {
	kind string
	q    search.Query
} {
	word := g.words[r.IntN(len(g.words))]
	line := strings.Fields(g.lines[r.IntN(len(g.lines))])
	phrase := strings.Join(line[:min(3, len(line))], " ")
	from := time.Date(2015+r.IntN(8), 1, 1, 0, 0, 0, 0, time.UTC)
	return []struct {
		kind string
		q    search.Query
	}{
		{"word", search.Query{Text: word}},
		{"word without accents", search.Query{Text: search.Fold(word)}},
		{"phrase", search.Query{Text: `"` + phrase + `"`}},
		{"word + doc type + dates", search.Query{Text: word, DocType: g.docTypes[r.IntN(len(g.docTypes))], From: from, To: from.AddDate(2, 0, 0)}},
		{"field filter", search.Query{Fields: map[string]string{"doc_number": fmt.Sprint(1 + r.IntN(999))}}},
		{"blind token (CCCD)", search.Query{Blind: []string{"cccd:" + blindToken(r.IntN(n))}}},
		{"all, sorted by date, facets", search.Query{Sort: "-date"}},
	}
}

// measure loads n records into ix and times queries rounds of the mix.
func measure(ctx context.Context, backend string, ix batchIndex, g *RecordGen, n, queries int, seed int64, refresh func(context.Context) error) (SearchRun, error) {
	run := SearchRun{Backend: backend, Records: n}
	start := time.Now()
	const chunk = 1000
	batch := make([]search.Record, 0, chunk)
	for i := 0; i < n; i++ {
		batch = append(batch, g.Record(i))
		if len(batch) == chunk || i == n-1 {
			if err := ix.IndexBatch(ctx, batch); err != nil {
				return run, fmt.Errorf("bench: %s load: %w", backend, err)
			}
			batch = batch[:0]
		}
	}
	if refresh != nil {
		if err := refresh(ctx); err != nil {
			return run, fmt.Errorf("bench: %s refresh: %w", backend, err)
		}
	}
	run.Load = time.Since(start)
	if c, err := ix.Count(ctx); err != nil || c != n {
		return run, fmt.Errorf("bench: %s holds %d records after loading %d (%v)", backend, c, n, err)
	}
	r := rand.New(rand.NewPCG(uint64(seed), 99))
	// Warm up caches with one round of each kind, untimed.
	for _, q := range g.queries(n, r) {
		if _, err := ix.Search(ctx, q.q); err != nil {
			return run, fmt.Errorf("bench: %s query %s: %w", backend, q.kind, err)
		}
	}
	times := map[string][]time.Duration{}
	hits := map[string]int{}
	var kinds []string
	var all []time.Duration
	for len(all) < queries {
		for _, q := range g.queries(n, r) {
			t0 := time.Now()
			res, err := ix.Search(ctx, q.q)
			d := time.Since(t0)
			if err != nil {
				return run, fmt.Errorf("bench: %s query %s: %w", backend, q.kind, err)
			}
			if _, ok := times[q.kind]; !ok {
				kinds = append(kinds, q.kind)
			}
			times[q.kind] = append(times[q.kind], d)
			hits[q.kind] += res.Total
			all = append(all, d)
		}
	}
	for _, k := range kinds {
		l := latency(k, times[k])
		l.MeanHits = float64(hits[k]) / float64(len(times[k]))
		run.Queries = append(run.Queries, l)
	}
	run.All = latency("all queries", all)
	return run, nil
}

// latency summarises durations with nearest-rank percentiles.
func latency(kind string, ds []time.Duration) QueryLatency {
	s := slices.Clone(ds)
	slices.Sort(s)
	return QueryLatency{Kind: kind, N: len(s), P50: Percentile(s, 50), P95: Percentile(s, 95), P99: Percentile(s, 99)}
}

// Percentile is the nearest-rank p-th percentile of sorted durations (0
// for none).
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(p/100*float64(len(sorted))+0.999999) - 1
	rank = max(0, min(rank, len(sorted)-1))
	return sorted[rank]
}

// SearchBleve measures the embedded index with n records stored in dir.
func SearchBleve(ctx context.Context, dir string, n, queries int, seed int64) (SearchRun, error) {
	g, err := NewRecordGen(seed)
	if err != nil {
		return SearchRun{}, err
	}
	ix, err := blevex.Open(dir)
	if err != nil {
		return SearchRun{}, err
	}
	defer ix.Close()
	run, err := measure(ctx, "bleve", ix, g, n, queries, seed, nil)
	if err != nil {
		return run, err
	}
	run.DiskBytes = dirSize(dir)
	return run, nil
}

// SearchElasticsearch measures Elasticsearch at url with n records in a
// fresh index (dropped afterwards).
func SearchElasticsearch(ctx context.Context, url string, n, queries int, seed int64) (SearchRun, error) {
	g, err := NewRecordGen(seed)
	if err != nil {
		return SearchRun{}, err
	}
	ix, err := es.Open(ctx, es.Config{URLs: []string{url}, IndexPrefix: fmt.Sprintf("sohoa-bench-%d-%d", n, time.Now().UnixNano())})
	if err != nil {
		return SearchRun{}, err
	}
	defer func() {
		_ = ix.Drop(context.Background())
		_ = ix.Close()
	}()
	return measure(ctx, "elasticsearch", ix, g, n, queries, seed, ix.Flush)
}
