package bleve

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/sohoa/sohoa/internal/search"
	"github.com/sohoa/sohoa/internal/search/searchtest"
)

var (
	loadRecords   = flag.Int("records", 0, "with -bench Load: number of synthetic records to index and query")
	searchRecords = flag.Int("search-records", 2000, "with -bench Search: number of synthetic records to search")
)

// BenchmarkLoad indexes -records synthetic records (default 10000) and
// reports the indexing rate and query latency percentiles per query kind:
//
//	go test -run XXX -bench Load -benchtime 1x ./internal/search/bleve -records 100000
func BenchmarkLoad(b *testing.B) {
	n := *loadRecords
	if n == 0 {
		n = 10000
	}
	for i := 0; i < b.N; i++ {
		ix, err := Open(filepath.Join(b.TempDir(), "index"))
		if err != nil {
			b.Fatal(err)
		}
		rep, err := searchtest.Load(context.Background(), ix, searchtest.LoadConfig{Records: n, Out: os.Stdout})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(rep.RecordsSec, "records/s")
		for _, k := range rep.Kinds {
			b.ReportMetric(float64(k.P95.Microseconds())/1000, k.Kind+"-p95-ms")
		}
		if err := ix.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIndex measures IndexBatch of synthetic records in batches of 100.
func BenchmarkIndex(b *testing.B) {
	ix, err := Open(filepath.Join(b.TempDir(), "index"))
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	batch := make([]search.Record, 0, 100)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		batch = append(batch, searchtest.Synthetic(i))
		b.StartTimer()
		if len(batch) == cap(batch) || i == b.N-1 {
			if err := ix.IndexBatch(ctx, batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
}

// BenchmarkIndexOne measures Index, one record per call (the pipeline's path).
func BenchmarkIndexOne(b *testing.B) {
	ix, err := Open(filepath.Join(b.TempDir(), "index"))
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		r := searchtest.Synthetic(i)
		b.StartTimer()
		if err := ix.Index(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSearch measures queries of several kinds on -search-records
// (default 2000) synthetic records.
func BenchmarkSearch(b *testing.B) {
	ix, err := Open(filepath.Join(b.TempDir(), "index"))
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	var rs []search.Record
	for i := 0; i < *searchRecords; i++ {
		rs = append(rs, searchtest.Synthetic(i))
		if len(rs) == 500 || i == *searchRecords-1 {
			if err := ix.IndexBatch(ctx, rs); err != nil {
				b.Fatal(err)
			}
			rs = rs[:0]
		}
	}
	queries := map[string]search.Query{
		"accentless": {Text: "cai cach hanh chinh"},
		"accented":   {Text: "đất ở nông thôn"},
		"phrase":     {Text: `"cải cách hành chính"`},
		"typo":       {Text: "chuyen doi so phong chong thien tai"},
		"filtered":   {Text: "dat", DocType: "giay_chung_nhan", Sort: "-date"},
		"filters":    {Issuer: "UBND tỉnh Cà Mau"},
		"field":      {Fields: map[string]string{"parcel_no": "412"}},
	}
	for name, q := range queries {
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := ix.Search(ctx, q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkIndexOneParallel measures Index from concurrent callers (asynq
// workers), where group commit shares each sync.
func BenchmarkIndexOneParallel(b *testing.B) {
	ix, err := Open(filepath.Join(b.TempDir(), "index"))
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	var next atomic.Int64
	b.SetParallelism(8)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := ix.Index(ctx, searchtest.Synthetic(int(next.Add(1)))); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
