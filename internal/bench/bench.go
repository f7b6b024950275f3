// Package bench is sohoa's benchmark harness (`make bench`, command
// sohoa-bench). In one run on one machine it measures:
//
//   - OCR throughput: the raw `tesseract` CLI (OMP_THREAD_LIMIT=1, one
//     process per core) over generated 300-dpi page images, then sohoa end to
//     end on the same pages as image-only PDFs (`sohoa serve` as a
//     subprocess with its own Redis database, upload through the HTTP API,
//     clock stopped when the last record is searchable), and OCRmyPDF on the
//     same PDFs when it is installed;
//   - peak memory (VmHWM) of every serve process;
//   - scaling from one to two `--role worker` processes behind one
//     `--role api` process;
//   - hostile inputs: a batch of damaged and hostile files (a PDF bomb, a
//     JPEG-in-PDF lying about its size, a 500 MiB upload, OCRmyPDF's test
//     corpus, a truncated JPEG) through one API and one worker process,
//     with the health check's latency and each process's peak memory
//     against issue 16's targets;
//   - search latency at 10k and 100k records on the embedded bleve index,
//     and on Elasticsearch when a URL is given.
//
// Results come back as a Report, which renders the Markdown of
// docs/BENCHMARKS.md. The last line the command prints is
// "throughput ratio vs raw tesseract: <ratio>".
package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"
)

// Config configures a run. The zero value, with RedisURL set, runs the full
// benchmark the way `make bench` does.
type Config struct {
	// Pages is the number of generated pages (default 60).
	Pages int
	// PagesPerDoc splits the pages into PDFs of this many pages (default 5).
	PagesPerDoc int
	// DPI of the generated scans (default 300).
	DPI int
	// Degrade is the corpus degradation: none, light or heavy (default light).
	Degrade string
	// Seed selects the generated corpus (default 1).
	Seed int64
	// Parallel is the number of OCR processes/workers (default: CPU cores).
	Parallel int
	// Languages for every OCR engine (default vie+eng).
	Languages string
	// SohoaBin is the sohoa binary to benchmark (default bin/sohoa; built
	// with `go build ./cmd/sohoa` into WorkDir when missing).
	SohoaBin string
	// RedisURL is a Redis the benchmark may flush databases of; required
	// for the pipeline runs. Databases FirstDB, FirstDB+1... are used.
	RedisURL string
	// FirstDB is the first Redis database number used (default 10).
	FirstDB int
	// ElasticsearchURL, when set, adds Elasticsearch search latencies.
	ElasticsearchURL string
	// SearchSizes are the record counts of the search benchmark (default
	// 10,000 and 100,000); SearchQueries is the number of timed queries at
	// each size (default 300).
	SearchSizes   []int
	SearchQueries int
	// Repeat runs raw tesseract and the sohoa pipeline alternately this
	// many times each and reports the median run of each (default 1). Use
	// 3 on a machine shared with other work: alternation exposes both to
	// the same background load.
	Repeat int
	// OCRmyPDFCorpus is the directory of OCRmyPDF's test corpus
	// (deploy/dev/ocrmypdf-corpus.sh) for the hostile batch; without it
	// the batch runs without the corpus and the report says so.
	OCRmyPDFCorpus string
	// Skip names parts to leave out: "raw", "pipeline", "ocrmypdf",
	// "scaling", "search", "hostile".
	Skip map[string]bool
	// WorkDir holds generated files and data directories (default: a new
	// temporary directory, removed at the end unless Keep).
	WorkDir string
	Keep    bool
	// Progress, when set, is called with the report so far after each
	// part, so a long run leaves its figures behind even if it is stopped.
	Progress func(*Report) `json:"-"`
	// Log receives progress (default: discard).
	Log *slog.Logger `json:"-"`
}

func (c *Config) defaults() {
	if c.Pages == 0 {
		c.Pages = 60
	}
	if c.PagesPerDoc == 0 {
		c.PagesPerDoc = 5
	}
	if c.DPI == 0 {
		c.DPI = 300
	}
	if c.Degrade == "" {
		c.Degrade = "light"
	}
	if c.Seed == 0 {
		c.Seed = 1
	}
	if c.Parallel == 0 {
		c.Parallel = runtime.NumCPU()
	}
	if c.Languages == "" {
		c.Languages = "vie+eng"
	}
	if c.SohoaBin == "" {
		c.SohoaBin = "bin/sohoa"
	}
	if c.FirstDB == 0 {
		c.FirstDB = 10
	}
	if len(c.SearchSizes) == 0 {
		c.SearchSizes = []int{10_000, 100_000}
	}
	if c.SearchQueries == 0 {
		c.SearchQueries = 300
	}
	if c.Repeat < 1 {
		c.Repeat = 1
	}
	if c.Log == nil {
		c.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
}

// Run runs every part not skipped and returns the report. A part that
// cannot run (OCRmyPDF not installed, no Elasticsearch) is recorded with a
// note; a part that fails returns an error.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	cfg.defaults()
	rep := &Report{Started: time.Now().UTC(), Machine: DescribeMachine(), Config: cfg, LoadStart: LoadAverage()}
	if cfg.WorkDir == "" {
		d, err := os.MkdirTemp("", "sohoa-bench-")
		if err != nil {
			return nil, fmt.Errorf("bench: work dir: %w", err)
		}
		cfg.WorkDir = d
		if !cfg.Keep {
			defer os.RemoveAll(d)
		}
	}
	log := cfg.Log
	needOCR := !cfg.Skip["raw"] || !cfg.Skip["pipeline"] || !cfg.Skip["ocrmypdf"] || !cfg.Skip["scaling"]
	var set *PageSet
	if needOCR {
		log.Info("generating pages", "pages", cfg.Pages, "dpi", cfg.DPI, "degrade", cfg.Degrade)
		var err error
		set, err = GeneratePages(filepath.Join(cfg.WorkDir, "pages"), cfg.Pages, cfg.PagesPerDoc, cfg.DPI, cfg.Degrade, cfg.Seed)
		if err != nil {
			return nil, err
		}
		rep.Pages, rep.Documents = len(set.Images), len(set.PDFs)
	}
	if !cfg.Skip["pipeline"] || !cfg.Skip["scaling"] || !cfg.Skip["hostile"] {
		bin, err := ensureBinary(ctx, cfg.SohoaBin, cfg.WorkDir)
		if err != nil {
			return nil, err
		}
		cfg.SohoaBin = bin
		if cfg.RedisURL == "" {
			return nil, fmt.Errorf("bench: the pipeline runs need a Redis URL (SOHOA_BENCH_REDIS_URL)")
		}
	}
	db := cfg.FirstDB
	var raws, prims []OCRRun
	var pipes []PipelineRun
	// sohoa reads Vietnamese pages with the first language alone when it
	// is vie (internal/ocr); the CLI with that language is then the
	// like-for-like limit, measured beside the CLI with every language.
	primary := ""
	if langs := strings.Split(cfg.Languages, "+"); langs[0] == "vie" && len(langs) > 1 {
		primary = langs[0]
	}
	for i := range cfg.Repeat {
		if !cfg.Skip["raw"] {
			log.Info("raw tesseract", "parallel", cfg.Parallel, "round", i+1, "load", LoadAverage())
			r, err := RunTesseract(ctx, set.Images, cfg.Parallel, cfg.Languages, filepath.Join(cfg.WorkDir, "tesseract"))
			if err != nil {
				return nil, err
			}
			r.Load = LoadAverage()
			raws = append(raws, r)
			log.Info("raw tesseract done", "pages_per_s", r.PagesPerSec())
			if primary != "" {
				log.Info("raw tesseract, primary language", "languages", primary, "round", i+1)
				r, err := RunTesseract(ctx, set.Images, cfg.Parallel, primary, filepath.Join(cfg.WorkDir, "tesseract-"+primary))
				if err != nil {
					return nil, err
				}
				r.Load = LoadAverage()
				prims = append(prims, r)
				log.Info("raw tesseract done", "languages", primary, "pages_per_s", r.PagesPerSec())
			}
		}
		if !cfg.Skip["pipeline"] {
			log.Info("sohoa pipeline, one process with role all", "workers", cfg.Parallel, "round", i+1, "load", LoadAverage())
			r, err := RunPipeline(ctx, cfg, set, Topology{Name: "all", AllWorkers: cfg.Parallel}, db)
			if err != nil {
				return nil, err
			}
			r.Load = LoadAverage()
			pipes = append(pipes, r)
			log.Info("pipeline done", "pages_per_s", r.PagesPerSec())
		}
	}
	progress := func() {
		if cfg.Progress != nil {
			rep.Finished = time.Now().UTC()
			rep.LoadEnd = LoadAverage()
			cfg.Progress(rep)
		}
	}
	if len(raws) > 0 {
		rep.RawRuns = raws
		rep.Raw = &raws[medianIndex(len(raws), func(i int) float64 { return raws[i].PagesPerSec() })]
	}
	if len(prims) > 0 {
		rep.RawPrimaryRuns = prims
		rep.RawPrimary = &prims[medianIndex(len(prims), func(i int) float64 { return prims[i].PagesPerSec() })]
		rep.RawPrimaryLanguages = primary
	}
	if len(pipes) > 0 {
		db++
		rep.PipelineRuns = pipes
		rep.Pipeline = &pipes[medianIndex(len(pipes), func(i int) float64 { return pipes[i].PagesPerSec() })]
	}
	progress()
	if !cfg.Skip["ocrmypdf"] {
		log.Info("ocrmypdf")
		r, err := RunOCRmyPDF(ctx, set.PDFs, cfg.Parallel, cfg.Languages, filepath.Join(cfg.WorkDir, "ocrmypdf"))
		if err != nil {
			return nil, err
		}
		rep.OCRmyPDF = &r
		progress()
	}
	if !cfg.Skip["scaling"] {
		for _, n := range []int{1, 2} {
			log.Info("scaling run", "worker_processes", n)
			r, err := RunPipeline(ctx, cfg, set, Topology{Name: fmt.Sprintf("api + %d worker", n), WorkerProcs: n, WorkersPerProc: 1}, db)
			if err != nil {
				return nil, err
			}
			db++
			rep.Scaling = append(rep.Scaling, r)
			progress()
			log.Info("scaling run done", "worker_processes", n, "pages_per_s", r.PagesPerSec())
		}
	}
	if !cfg.Skip["hostile"] {
		log.Info("hostile batch", "corpus", cfg.OCRmyPDFCorpus, "large_upload_mib", HostileLargeUpload>>20)
		r, err := RunHostile(ctx, cfg, db)
		if err != nil {
			return nil, err
		}
		db++
		rep.Hostile = &r
		progress()
		log.Info("hostile batch done", "status", r.Status, "wall", r.Wall.Round(time.Second), "reader_stops", r.ReaderStops)
	}
	if !cfg.Skip["search"] {
		for _, n := range cfg.SearchSizes {
			log.Info("search latency, bleve", "records", n)
			r, err := SearchBleve(ctx, filepath.Join(cfg.WorkDir, fmt.Sprintf("bleve-%d", n)), n, cfg.SearchQueries, cfg.Seed)
			if err != nil {
				return nil, err
			}
			rep.Search = append(rep.Search, r)
			progress()
			if cfg.ElasticsearchURL != "" {
				log.Info("search latency, elasticsearch", "records", n)
				r, err := SearchElasticsearch(ctx, cfg.ElasticsearchURL, n, cfg.SearchQueries, cfg.Seed)
				if err != nil {
					return nil, err
				}
				rep.Search = append(rep.Search, r)
			}
			progress()
		}
		if cfg.ElasticsearchURL == "" {
			rep.Notes = append(rep.Notes, "Elasticsearch latencies not measured: SOHOA_ELASTICSEARCH_URL was not set for this run.")
		}
	}
	rep.Finished = time.Now().UTC()
	rep.LoadEnd = LoadAverage()
	return rep, nil
}

// medianIndex returns the index of the median of n values (the lower
// median for even n).
func medianIndex(n int, value func(i int) float64) int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return value(idx[a]) < value(idx[b]) })
	return idx[(n-1)/2]
}

// LoadAverage is the 1-minute load average from /proc/loadavg (0 when
// unknown): other work on the machine skews every figure.
func LoadAverage() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	var l float64
	fmt.Sscan(string(b), &l)
	return l
}
