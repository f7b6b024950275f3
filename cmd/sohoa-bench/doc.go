// Command sohoa-bench runs sohoa's benchmark and writes docs/BENCHMARKS.md
// (`make bench`).
//
// Usage:
//
//	sohoa-bench [-out docs/BENCHMARKS.md] [-pages 60] [-per-doc 5] [-dpi 300]
//	            [-degrade light] [-parallel CORES] [-bin bin/sohoa]
//	            [-redis URL] [-first-db 10] [-es URL]
//	            [-search-sizes 10000,100000] [-search-queries 300]
//	            [-repeat 1] [-skip raw,pipeline,ocrmypdf,scaling,search,hostile]
//	            [-ocrmypdf-corpus DIR] [-work DIR] [-keep]
//
// It generates the pages with internal/corpus, runs the raw tesseract CLI
// (OMP_THREAD_LIMIT=1, one process per core), sohoa end to end (`bin/sohoa
// serve` subprocesses, upload through the API, until the last record is
// searchable), OCRmyPDF when installed, one and two worker processes behind
// an API process, the hostile batch (damaged and hostile files, a 500 MiB
// upload and OCRmyPDF's test corpus from -ocrmypdf-corpus or
// SOHOA_OCRMYPDF_CORPUS, through one API and one worker process, against
// issue 16's peak-memory targets), and search latency on bleve (and
// Elasticsearch with -es or SOHOA_ELASTICSEARCH_URL). Redis comes from -redis or
// SOHOA_BENCH_REDIS_URL; databases -first-db.. are flushed and used.
//
// The Markdown report goes to -out (none with -out ""); progress goes to
// stderr; the summary to stdout, whose last line is
//
//	throughput ratio vs raw tesseract: <ratio>
package main
