package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"

	"github.com/sohoa/sohoa/internal/bench"
	"github.com/sohoa/sohoa/internal/omp"
	"github.com/sohoa/sohoa/internal/testenv/hostile"
)

func main() {
	if err := omp.EnsureThreadLimit(); err != nil {
		fmt.Fprintln(os.Stderr, "sohoa-bench:", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "sohoa-bench:", err)
		if err == flag.ErrHelp {
			os.Exit(0)
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("sohoa-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "docs/BENCHMARKS.md", "Markdown report to write (empty: none)")
	pages := fs.Int("pages", 60, "generated pages")
	perDoc := fs.Int("per-doc", 5, "pages per PDF")
	dpi := fs.Int("dpi", 300, "scan resolution")
	degrade := fs.String("degrade", "light", "corpus degradation: none, light or heavy")
	parallel := fs.Int("parallel", runtime.NumCPU(), "OCR processes/workers")
	bin := fs.String("bin", "bin/sohoa", "sohoa binary (built when missing)")
	redisURL := fs.String("redis", os.Getenv("SOHOA_BENCH_REDIS_URL"), "Redis URL (default $SOHOA_BENCH_REDIS_URL)")
	firstDB := fs.Int("first-db", 10, "first Redis database to flush and use")
	esURL := fs.String("es", os.Getenv("SOHOA_ELASTICSEARCH_URL"), "Elasticsearch URL for search latency (default $SOHOA_ELASTICSEARCH_URL)")
	sizes := fs.String("search-sizes", "10000,100000", "record counts of the search benchmark")
	queries := fs.Int("search-queries", 300, "timed queries per size")
	repeat := fs.Int("repeat", 1, "alternating rounds of raw tesseract and sohoa; the median of each is reported")
	jsonOut := fs.String("json", "", "also write the raw figures as JSON to this file")
	skip := fs.String("skip", "", "comma-separated parts to skip: raw, pipeline, ocrmypdf, scaling, search, hostile")
	corpusDir := fs.String("ocrmypdf-corpus", os.Getenv(hostile.OCRmyPDFCorpusEnv), "OCRmyPDF's test corpus for the hostile batch (default $"+hostile.OCRmyPDFCorpusEnv+"; deploy/dev/ocrmypdf-corpus.sh fetches it)")
	work := fs.String("work", "", "work directory (default: temporary)")
	keep := fs.Bool("keep", false, "keep the work directory")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg := bench.Config{
		Pages: *pages, PagesPerDoc: *perDoc, DPI: *dpi, Degrade: *degrade, Parallel: *parallel,
		SohoaBin: *bin, RedisURL: *redisURL, FirstDB: *firstDB, ElasticsearchURL: *esURL,
		SearchQueries: *queries, Repeat: *repeat, OCRmyPDFCorpus: *corpusDir, WorkDir: *work, Keep: *keep, Skip: map[string]bool{},
		Log: slog.New(slog.NewTextHandler(stderr, nil)),
	}
	for _, s := range strings.Split(*sizes, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return fmt.Errorf("-search-sizes: %q is not a positive number", s)
		}
		cfg.SearchSizes = append(cfg.SearchSizes, n)
	}
	known := map[string]bool{"raw": true, "pipeline": true, "ocrmypdf": true, "scaling": true, "search": true, "hostile": true}
	for _, s := range strings.Split(*skip, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		if !known[s] {
			return fmt.Errorf("-skip: unknown part %q", s)
		}
		cfg.Skip[s] = true
	}
	save := func(rep *bench.Report, final bool) (*bytes.Buffer, error) {
		var md bytes.Buffer
		if err := rep.WriteMarkdown(&md); err != nil {
			return nil, err
		}
		if !final {
			md.WriteString("\n*Partial report: the benchmark was still running when this was written.*\n")
		}
		if *out != "" {
			if err := writeFile(*out, md.Bytes()); err != nil {
				return nil, err
			}
		}
		if *jsonOut != "" {
			b, err := json.MarshalIndent(rep, "", "  ")
			if err != nil {
				return nil, err
			}
			if err := writeFile(*jsonOut, b); err != nil {
				return nil, err
			}
		}
		return &md, nil
	}
	cfg.Progress = func(rep *bench.Report) {
		if _, err := save(rep, false); err != nil {
			fmt.Fprintln(stderr, "sohoa-bench: write partial report:", err)
		}
	}
	rep, err := bench.Run(ctx, cfg)
	if err != nil {
		return err
	}
	md, err := save(rep, true)
	if err != nil {
		return err
	}
	if *out != "" {
		fmt.Fprintf(stderr, "sohoa-bench: wrote %s\n", *out)
	}
	// The summary is the report itself; its last line is the ratio line
	// (printed even when a part was skipped, so automation always finds it).
	text := strings.TrimRight(md.String(), "\n")
	text = strings.TrimSuffix(text, rep.RatioLine())
	fmt.Fprintln(stdout, strings.TrimRight(text, "\n"))
	fmt.Fprintln(stdout, rep.RatioLine())
	return nil
}

func writeFile(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}
