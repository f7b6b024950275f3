package bench

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
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
		SohoaBin: "/nonexistent/so-it-builds", Skip: map[string]bool{"ocrmypdf": true, "scaling": true, "search": true, "hostile": true},
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

// TestHostileReport renders the hostile batch's section from made-up
// figures: a worker over its target, a reader child restarted, a corpus
// file that failed and one that was read.
func TestHostileReport(t *testing.T) {
	rep := &Report{
		Started: time.Date(2026, 12, 7, 14, 0, 0, 0, time.UTC), Finished: time.Date(2026, 12, 7, 14, 10, 0, 0, time.UTC),
		Machine: Machine{CPU: "Test CPU", Cores: 2},
		Hostile: &HostileRun{
			Topology: hostileTopology, Files: 58, Bytes: 507 << 20, CorpusDir: "/cache/resources", CorpusFiles: 53,
			Status: "done_with_errors", Upload: 12 * time.Second, Wall: 300 * time.Second,
			Health:      HealthPolls{Checks: 1500, Failures: 2, Max: 10 * time.Second, FirstFailure: "after 700 checks: GET /healthz: 503 Service Unavailable"},
			ReaderStops: 1,
			Documents: []HostileDoc{
				{Name: "good-page.pdf", Input: inputGood, Status: "done", Pages: 1, PagesDone: 1},
				{Name: "pdf-bomb.pdf", Input: inputBomb, Status: "rejected", Code: "pdf_too_large", Reason: "tệp PDF giải nén quá lớn | PDF inflates too far"},
				{Name: "linn.png", Input: inputCorpus, Status: "done", Pages: 1, PagesDone: 1},
				{Name: "poster.pdf", Input: inputCorpus, Status: "failed", Code: "page_timeout", Reason: "quá thời gian\nread timed out", Pages: 1},
				{Name: "truncated.jpg", Input: inputTruncated, Status: "failed", Reason: "ảnh trang hỏng", Pages: 1},
			},
			Processes: []ProcStat{
				{Role: "api", Workers: 1, PeakRSS: 180 << 20, CPU: 20 * time.Second},
				{Role: "worker", Workers: 2, PeakRSS: 700 << 20, CPU: 400 * time.Second, Readers: []ReaderStat{
					{Name: "ocr-1", PID: 11, PeakRSS: 900 << 20, CPU: 100 * time.Second, Stopped: true},
					{Name: "ocr-1", PID: 15, PeakRSS: 300 << 20, CPU: 50 * time.Second},
				}},
			},
		},
	}
	var buf bytes.Buffer
	if err := rep.WriteMarkdown(&buf); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	for _, want := range []string{
		"## Hostile inputs and memory",
		"58 files (507 MiB)",
		"the 53 files of OCRmyPDF 16.10.4's test corpus",
		"Batch status **done_with_errors** after 300.0 s (upload 12.0 s",
		"Documents by status: done 2, failed 2, rejected 1 (5 in all).",
		"1500 checks, slowest 10000.0 ms, **2 failed** (the first after 700 checks: GET /healthz: 503 Service Unavailable).",
		"Reader children stopped and restarted: 1",
		"| `good-page.pdf` | " + inputGood + " | done | 1 of 1 | - | - |",
		"| `pdf-bomb.pdf` | " + inputBomb + " | rejected | 0 of 0 | pdf_too_large | tệp PDF giải nén quá lớn \\| PDF inflates too far |",
		"| `poster.pdf` | " + inputCorpus + " | failed | 0 of 1 | page_timeout | quá thời gian read timed out |",
		"| `--role api` | 180 MiB | ≤ 300 MiB | yes | 20.0 s |",
		"| `--role worker` (2 OCR workers) | 700 MiB | ≤ 600 MiB | **no** | 400.0 s |",
		"| ↳ reader child `ocr-1` (pid 11, stopped) | 900 MiB | own cap | - | 100.0 s |",
		"| ↳ reader child `ocr-1` (pid 15) | 300 MiB | own cap | - | 50.0 s |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "heap profile") {
		t.Errorf("the API is within its target, yet the report points to its heap profile:\n%s", md)
	}
	if strings.Contains(md, "`linn.png`") {
		t.Errorf("a corpus file that was read is listed among the bad files:\n%s", md)
	}
	// Without the corpus, the section says why; an API over its target
	// points to its heap profile.
	rep.Hostile.CorpusFiles, rep.Hostile.CorpusNote = 0, "no corpus directory given"
	rep.Hostile.Processes[0].PeakRSS, rep.Hostile.HeapProfile = 400<<20, "/work/run-hostile/api-heap.pb.gz"
	buf.Reset()
	if err := rep.WriteMarkdown(&buf); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"not OCRmyPDF's test corpus (no corpus directory given)",
		"| `--role api` | 400 MiB | ≤ 300 MiB | **no** |",
		"its heap profile at the end of the run is /work/run-hostile/api-heap.pb.gz",
	} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("report without the corpus, API over target, lacks %q:\n%s", want, buf.String())
		}
	}
}

func TestInputOf(t *testing.T) {
	kind := map[string]string{"pdf-bomb.pdf": inputBomb, "ocrmypdf.odt": inputCorpus}
	cases := []struct{ doc, want string }{
		{"pdf-bomb.pdf", inputBomb},
		{"ocrmypdf.odt/Pictures/1.png", inputCorpus},
		{"other.pdf", "unknown"},
		{"other.pdf/x.png", "unknown"},
	}
	for _, tc := range cases {
		t.Run(tc.doc, func(t *testing.T) {
			if got := inputOf(kind, tc.doc); got != tc.want {
				t.Errorf("inputOf(%q) = %q, want %q", tc.doc, got, tc.want)
			}
		})
	}
}

// TestPollHealth counts checks, the slowest answer and failures of a
// server that answers 503 to its third check.
func TestPollHealth(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 3 {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		time.Sleep(5 * time.Millisecond)
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for n.Load() < 6 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	h := pollHealth(ctx, srv.URL+"/healthz", 5*time.Millisecond)
	if h.Checks < 5 || h.Failures != 1 || h.Max < 5*time.Millisecond || !strings.Contains(h.FirstFailure, "after 2 checks") || !strings.Contains(h.FirstFailure, "503") {
		t.Errorf("polls = %+v, want at least 5 checks, 1 failure after 2 checks (503), slowest at least 5 ms", h)
	}
}
