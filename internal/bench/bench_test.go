package bench

import (
	"bytes"
	"context"
	"net/url"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sohoa/sohoa/internal/testenv"
)

func TestPercentile(t *testing.T) {
	ms := func(ns ...int) []time.Duration {
		var out []time.Duration
		for _, n := range ns {
			out = append(out, time.Duration(n)*time.Millisecond)
		}
		return out
	}
	cases := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one value", ms(7), 99, 7 * time.Millisecond},
		{"median of 4 is the 2nd", ms(1, 2, 3, 4), 50, 2 * time.Millisecond},
		{"p95 of 20 is the 19th", ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20), 95, 19 * time.Millisecond},
		{"p99 of 10 is the max", ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 99, 10 * time.Millisecond},
		{"p0 is the min", ms(3, 5), 0, 3 * time.Millisecond},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Percentile(tc.sorted, tc.p); got != tc.want {
				t.Errorf("Percentile(%v, %v) = %v, want %v", tc.sorted, tc.p, got, tc.want)
			}
		})
	}
}

func TestMedianIndex(t *testing.T) {
	cases := []struct {
		name string
		vals []float64
		want int
	}{
		{"one", []float64{5}, 0},
		{"three unsorted", []float64{9, 1, 4}, 2},
		{"even takes the lower median", []float64{4, 3, 2, 1}, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := medianIndex(len(tc.vals), func(i int) float64 { return tc.vals[i] }); got != tc.want {
				t.Errorf("medianIndex(%v) = %d, want %d", tc.vals, got, tc.want)
			}
		})
	}
}

func TestRecordGenIsDeterministic(t *testing.T) {
	a, err := NewRecordGen(3)
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewRecordGen(3)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, 1, 977} {
		if diff := cmp.Diff(a.Record(i), b.Record(i)); diff != "" {
			t.Errorf("record %d differs between generators (-a +b):\n%s", i, diff)
		}
	}
	r := a.Record(5)
	if r.ID == a.Record(6).ID || len(r.Text) < 500 || r.DocType == "" || r.IssuedDate.IsZero() || len(r.Blind) != 1 {
		t.Errorf("record 5 is not a plausible record: %+v", r)
	}
}

// TestSearchBleve runs the search benchmark on a real embedded index: every
// kind of query is timed, and the blind-token lookup finds exactly its one
// record, which shows the queries really hit the loaded data.
func TestSearchBleve(t *testing.T) {
	run, err := SearchBleve(context.Background(), t.TempDir(), 400, 70, 1)
	if err != nil {
		t.Fatal(err)
	}
	if run.Records != 400 || run.All.N < 70 || run.DiskBytes == 0 {
		t.Errorf("run = %+v, want 400 records, >= 70 queries, an index on disk", run)
	}
	kinds := map[string]QueryLatency{}
	for _, q := range run.Queries {
		kinds[q.Kind] = q
		if q.P50 <= 0 || q.P50 > q.P95 || q.P95 > q.P99 {
			t.Errorf("%s: percentiles %v/%v/%v are not ordered", q.Kind, q.P50, q.P95, q.P99)
		}
	}
	if len(kinds) != 7 {
		t.Errorf("got %d kinds of query, want 7: %v", len(kinds), kinds)
	}
	if got := kinds["blind token (CCCD)"].MeanHits; got != 1 {
		t.Errorf("blind-token lookups found %.2f records on average, want exactly 1", got)
	}
	if got := kinds["all, sorted by date, facets"].MeanHits; got != 400 {
		t.Errorf("match-all found %.0f records, want 400", got)
	}
	if got := kinds["word"].MeanHits; got < 1 {
		t.Errorf("single-word queries found %.2f records on average, want at least 1 (words come from the records' text)", got)
	}
}

func TestReportMarkdown(t *testing.T) {
	rep := &Report{
		Started: time.Date(2026, 11, 25, 19, 0, 0, 0, time.UTC), Finished: time.Date(2026, 11, 25, 19, 10, 0, 0, time.UTC),
		Machine: Machine{CPU: "Test CPU", Cores: 2, MemoryGiB: 24},
		Config:  Config{Pages: 60, PagesPerDoc: 5, DPI: 300, Degrade: "light", Seed: 1, Parallel: 2, Languages: "vie+eng", Repeat: 1, SearchQueries: 10},
		Pages:   60, Documents: 12,
		Raw:      &OCRRun{Engine: "tesseract CLI", Pages: 60, Parallel: 2, Wall: 60 * time.Second, CPUTimes: []time.Duration{120 * time.Second}},
		Pipeline: &PipelineRun{Topology: Topology{Name: "all", AllWorkers: 2}, Pages: 60, Documents: 12, Wall: 64 * time.Second, Processes: []ProcStat{{Role: "all", Workers: 2, PeakRSS: 300 << 20, CPU: 130 * time.Second}}},
		OCRmyPDF: &OCRRun{Engine: "OCRmyPDF", Skipped: true, Note: "not installed"},
		Scaling: []PipelineRun{
			{Topology: Topology{Name: "api + 1 worker", WorkerProcs: 1, WorkersPerProc: 1}, Pages: 60, Wall: 120 * time.Second},
			{Topology: Topology{Name: "api + 2 worker", WorkerProcs: 2, WorkersPerProc: 1}, Pages: 60, Wall: 64 * time.Second},
		},
		Search: []SearchRun{{Backend: "bleve", Records: 10000, All: QueryLatency{P50: 2 * time.Millisecond}, Queries: []QueryLatency{{Kind: "word", P50: time.Millisecond}}}},
	}
	var buf bytes.Buffer
	if err := rep.WriteMarkdown(&buf); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	lines := strings.Split(strings.TrimRight(md, "\n"), "\n")
	if got, want := lines[len(lines)-1], "throughput ratio vs raw tesseract: 0.94"; got != want {
		t.Errorf("last line = %q, want %q", got, want)
	}
	// With the primary language measured, the ratio is against it.
	rep.RawPrimary = &OCRRun{Engine: "tesseract CLI", Pages: 60, Parallel: 2, Wall: 48 * time.Second, CPUTimes: []time.Duration{96 * time.Second}}
	rep.RawPrimaryLanguages = "vie"
	buf.Reset()
	if err := rep.WriteMarkdown(&buf); err != nil {
		t.Fatal(err)
	}
	md2 := buf.String()
	for _, want := range []string{"| raw `tesseract -l vie` |", "**Throughput ratio vs raw tesseract: 0.75**", "Against `tesseract -l vie+eng` the ratio is 0.94.",
		"throughput ratio vs raw tesseract: 0.75"} {
		if !strings.Contains(md2, want) {
			t.Errorf("report with the primary language lacks %q", want)
		}
	}
	for _, want := range []string{
		"| raw `tesseract` CLI | 2 processes over the JPEGs, text output | 60.0 s | 1.000 | 1800 | 2.00 |",
		"| all | `--role all` | 2 | 300 MiB | 130.0 s |",
		"| api + 2 worker | 64.0 s | 0.938 | 1.88x |",
		"| OCRmyPDF | not run: not installed |",
		"| bleve | 10000 |",
		"CPU-time ratio 0.92",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
}

// TestEndToEnd runs the real harness on two pages: raw tesseract, then
// `sohoa serve` built from this tree with a Redis database of its own.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds sohoa and OCRs pages; not in -short")
	}
	if _, err := exec.LookPath("tesseract"); err != nil {
		testenv.Missing(t, "tesseract")
	}
	rurl := testenv.RedisURL(t)
	u, err := url.Parse(rurl)
	if err != nil {
		t.Fatal(err)
	}
	db, err := strconv.Atoi(strings.TrimPrefix(u.Path, "/"))
	if err != nil {
		t.Fatal(err)
	}
	root, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(strings.TrimSuffix(strings.TrimSpace(string(root)), "/go.mod"))
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	rep, err := Run(ctx, Config{
		Pages: 2, PagesPerDoc: 1, Parallel: 2, RedisURL: rurl, FirstDB: db, WorkDir: t.TempDir(),
		SohoaBin: "/nonexistent/so-it-builds", Skip: map[string]bool{"ocrmypdf": true, "scaling": true, "search": true},
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Raw == nil || rep.Raw.Pages != 2 || rep.Raw.PagesPerSec() <= 0 {
		t.Errorf("raw run = %+v, want 2 pages timed", rep.Raw)
	}
	p := rep.Pipeline
	if p == nil || p.Pages != 2 || p.Documents != 2 || p.Wall < p.BatchDone || p.BatchDone < p.Upload {
		t.Fatalf("pipeline run = %+v, want 2 pages in 2 documents, upload <= batch done <= wall", p)
	}
	if len(p.Processes) != 1 || p.Processes[0].PeakRSS < 10<<20 || p.Processes[0].CPU <= 0 {
		t.Errorf("processes = %+v, want one with a plausible peak RSS and CPU time", p.Processes)
	}
	if p.StoreBytes == 0 || p.IndexBytes == 0 {
		t.Errorf("store %d bytes, index %d bytes: want both written", p.StoreBytes, p.IndexBytes)
	}
	if rep.Ratio() <= 0 || !strings.HasPrefix(rep.RatioLine(), "throughput ratio vs raw tesseract: ") {
		t.Errorf("ratio line %q", rep.RatioLine())
	}
}
