package searchtest

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sohoa/sohoa/internal/search"
)

// LoadConfig sizes a load run.
type LoadConfig struct {
	Records        int       // synthetic records to index (default 10000)
	BatchSize      int       // records per IndexBatch call (default 500)
	Writers        int       // concurrent IndexBatch calls (default 2)
	QueriesPerKind int       // queries timed per kind (default 200)
	Out            io.Writer // progress and the report (default: none)
}

// KindStats is the latency of one kind of query.
type KindStats struct {
	Kind          string
	Queries       int
	P50, P95, P99 time.Duration
	MeanTotal     float64 // mean number of matching records
}

// LoadReport is the result of Load.
type LoadReport struct {
	Records    int
	IndexTime  time.Duration
	RecordsSec float64
	TextMB     float64 // total size of the indexed texts
	Kinds      []KindStats
}

// String formats the report as a table.
func (r LoadReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "indexed %d records (%.0f MB of text) in %s: %.0f records/s\n", r.Records, r.TextMB, r.IndexTime.Round(time.Millisecond), r.RecordsSec)
	fmt.Fprintf(&b, "%-12s %7s %10s %10s %10s %12s\n", "query", "n", "p50", "p95", "p99", "mean total")
	for _, k := range r.Kinds {
		fmt.Fprintf(&b, "%-12s %7d %10s %10s %10s %12.0f\n", k.Kind, k.Queries,
			k.P50.Round(10*time.Microsecond), k.P95.Round(10*time.Microsecond), k.P99.Round(10*time.Microsecond), k.MeanTotal)
	}
	return b.String()
}

// batchIndexer is implemented by backends that write many records at once.
type batchIndexer interface {
	IndexBatch(ctx context.Context, rs []search.Record) error
}

// flusher is implemented by backends whose writes become visible later.
type flusher interface {
	Flush(ctx context.Context) error
}

// Load indexes cfg.Records synthetic records (Synthetic(0), Synthetic(1),
// ...) into ix, which should be empty, then times typical queries of each
// kind: accentless, accented, phrase, text with filters, filters only
// (facets over everything), field lookup and blind-index lookup.
func Load(ctx context.Context, ix search.Index, cfg LoadConfig) (LoadReport, error) {
	if cfg.Records <= 0 {
		cfg.Records = 10000
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 500
	}
	if cfg.Writers <= 0 {
		cfg.Writers = 2
	}
	if cfg.QueriesPerKind <= 0 {
		cfg.QueriesPerKind = 200
	}
	out := cfg.Out
	if out == nil {
		out = io.Discard
	}
	rep := LoadReport{Records: cfg.Records}
	if err := load(ctx, ix, cfg, out, &rep); err != nil {
		return rep, err
	}
	if n, err := ix.Count(ctx); err != nil || n != cfg.Records {
		return rep, fmt.Errorf("count after loading = %d, %v; want %d", n, err, cfg.Records)
	}

	rng := rand.New(rand.NewPCG(7, 7))
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	types := make([]string, 0, len(synthTypes))
	for _, t := range synthTypes {
		types = append(types, t.key)
	}
	landIDs := []int{}
	for i := 0; i < cfg.Records && len(landIDs) < 200; i++ {
		if r := Synthetic(i); r.DocType == "giay_chung_nhan" {
			landIDs = append(landIDs, i)
		}
	}
	kinds := []struct {
		name string
		gen  func() search.Query
	}{
		{"accentless", func() search.Query { return search.Query{Text: search.Fold(pick(synthSubjects))} }},
		{"accented", func() search.Query { return search.Query{Text: pick(synthSubjects)} }},
		{"phrase", func() search.Query { return search.Query{Text: `"` + pick(synthSubjects) + `"`} }},
		{"filtered", func() search.Query {
			y := 2015 + rng.IntN(9)
			return search.Query{
				Text: search.Fold(pick(synthSubjects)), DocType: pick(types),
				From: time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(y+2, 12, 31, 0, 0, 0, 0, time.UTC),
			}
		}},
		{"facets-only", func() search.Query {
			return search.Query{Issuer: "UBND tỉnh " + pick(synthProvinces), Sort: "-date"}
		}},
		{"field", func() search.Query {
			if len(landIDs) == 0 {
				return search.Query{Fields: map[string]string{"parcel_no": "1"}}
			}
			r := Synthetic(landIDs[rng.IntN(len(landIDs))])
			return search.Query{Fields: map[string]string{"parcel_no": r.Fields["parcel_no"][0], "map_sheet": r.Fields["map_sheet"][0]}}
		}},
		{"blind", func() search.Query {
			if len(landIDs) == 0 {
				return search.Query{Blind: []string{"cccd:none"}}
			}
			return search.Query{Blind: []string{Synthetic(landIDs[rng.IntN(len(landIDs))]).Blind[0]}}
		}},
	}
	for _, k := range kinds {
		lat := make([]time.Duration, 0, cfg.QueriesPerKind)
		total := 0
		// Warm up caches once per kind, as a running server would be.
		if _, err := ix.Search(ctx, k.gen()); err != nil {
			return rep, fmt.Errorf("%s query: %w", k.name, err)
		}
		for q := 0; q < cfg.QueriesPerKind; q++ {
			query := k.gen()
			start := time.Now()
			res, err := ix.Search(ctx, query)
			if err != nil {
				return rep, fmt.Errorf("%s query %+v: %w", k.name, query, err)
			}
			lat = append(lat, time.Since(start))
			total += res.Total
		}
		slices.Sort(lat)
		pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
		rep.Kinds = append(rep.Kinds, KindStats{
			Kind: k.name, Queries: len(lat), P50: pct(0.50), P95: pct(0.95), P99: pct(0.99),
			MeanTotal: float64(total) / float64(len(lat)),
		})
	}
	fmt.Fprint(out, rep.String())
	return rep, nil
}

// load indexes the records with cfg.Writers concurrent writers, so that one
// batch is analysed while another is synced, and fills the indexing part of
// rep. The rate is over wall-clock time, record generation included.
func load(ctx context.Context, ix search.Index, cfg LoadConfig, out io.Writer, rep *LoadReport) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []search.Record, cfg.Writers)
	errs := make(chan error, cfg.Writers)
	var done atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < cfg.Writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for batch := range batches {
				if err := writeBatch(ctx, ix, batch); err != nil {
					errs <- err
					cancel()
					return
				}
				done.Add(int64(len(batch)))
			}
		}()
	}
	start := time.Now()
	lastReport := start
	textBytes := 0
produce:
	for i := 0; i < cfg.Records; i += cfg.BatchSize {
		batch := make([]search.Record, 0, cfg.BatchSize)
		for j := i; j < min(i+cfg.BatchSize, cfg.Records); j++ {
			r := Synthetic(j)
			textBytes += len(r.Text)
			batch = append(batch, r)
		}
		select {
		case batches <- batch:
		case <-ctx.Done():
			break produce
		}
		if time.Since(lastReport) > 15*time.Second {
			n := done.Load()
			fmt.Fprintf(out, "  %d/%d records, %.0f records/s\n", n, cfg.Records, float64(n)/time.Since(start).Seconds())
			lastReport = time.Now()
		}
	}
	close(batches)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if f, ok := ix.(flusher); ok {
		if err := f.Flush(ctx); err != nil {
			return fmt.Errorf("flush: %w", err)
		}
	}
	rep.IndexTime = time.Since(start)
	rep.RecordsSec = float64(cfg.Records) / rep.IndexTime.Seconds()
	rep.TextMB = float64(textBytes) / 1e6
	return nil
}

func writeBatch(ctx context.Context, ix search.Index, batch []search.Record) error {
	if bi, ok := ix.(batchIndexer); ok {
		if err := bi.IndexBatch(ctx, batch); err != nil {
			return fmt.Errorf("index batch from %s: %w", batch[0].ID, err)
		}
		return nil
	}
	for _, r := range batch {
		if err := ix.Index(ctx, r); err != nil {
			return fmt.Errorf("index %s: %w", r.ID, err)
		}
	}
	return nil
}
