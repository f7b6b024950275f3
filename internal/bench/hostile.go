package bench

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/sohoa/sohoa/internal/client"
	"github.com/sohoa/sohoa/internal/corpus"
	"github.com/sohoa/sohoa/internal/testenv/hostile"
)

// Peak RSS targets of issue 16 for the hostile batch.
const (
	APITargetRSS    = 300 << 20 // one `sohoa serve --role api` process
	WorkerTargetRSS = 600 << 20 // one `sohoa serve --role worker` process, reader children apart
)

// HostileLargeUpload is the size of the hostile batch's large upload.
const HostileLargeUpload = 500 << 20

// hostileTopology is the hostile batch's layout: one API process and one
// worker process with two OCR workers.
var hostileTopology = Topology{Name: "api + 1 worker (2 OCR workers)", WorkerProcs: 1, WorkersPerProc: 2}

// Kinds of input of the hostile batch.
const (
	inputGood      = "good generated page"
	inputBomb      = "PDF bomb (content stream inflating to 300 MiB)"
	inputLying     = "JPEG-in-PDF lying about its size (12000×12000 JPEG in a 1700×2200 image entry)"
	inputLarge     = "500 MiB upload"
	inputTruncated = "truncated JPEG (640 bytes, whole headers), uploaded last"
	inputCorpus    = "OCRmyPDF test corpus"
)

// HostileRun is the outcome of the hostile batch: a good page, the PDF
// bomb, the lying JPEG-in-PDF, a 500 MiB upload, OCRmyPDF's test corpus and
// a truncated JPEG in one upload to an API process and a worker process.
type HostileRun struct {
	Topology Topology
	// Files and Bytes are what was uploaded; CorpusDir and CorpusFiles
	// where OCRmyPDF's corpus came from (CorpusNote says why it is absent).
	Files       int
	Bytes       int64
	CorpusDir   string
	CorpusFiles int
	CorpusNote  string `json:",omitempty"`
	// Status is the batch's final status. Upload is the time the upload
	// took, Wall the time until the batch finished and its done documents
	// were searchable.
	Status       string
	Upload, Wall time.Duration
	Documents    []HostileDoc
	Health       HealthPolls
	// ReaderStops is how many times a reader child stopped (killed, over
	// its memory cap, crashed) and was restarted, from the worker's log.
	ReaderStops int
	// Processes are the API and the worker; the worker's Readers include
	// every reader child seen during the run, those restarted too.
	Processes []ProcStat
	// HeapProfile is the API process's heap profile fetched at the end
	// (GET /debug/pprof/heap), in the work directory.
	HeapProfile string `json:",omitempty"`
}

// HostileDoc is one document of the hostile batch.
type HostileDoc struct {
	Name string
	// Input is the kind of file it came from (inputCorpus for the corpus).
	Input            string
	Status           string
	Code, Reason     string
	Pages, PagesDone int
}

// HealthPolls is what GET /healthz every 200 ms answered while the batch ran.
type HealthPolls struct {
	Checks, Failures int
	Max              time.Duration
	FirstFailure     string `json:",omitempty"`
}

// ByStatus counts the documents by status.
func (r HostileRun) ByStatus() map[string]int {
	m := map[string]int{}
	for _, d := range r.Documents {
		m[d.Status]++
	}
	return m
}

// Bad is every document from a generated input and every document of the
// corpus that is not done: the files whose outcome the report lists.
func (r HostileRun) Bad() []HostileDoc {
	var out []HostileDoc
	for _, d := range r.Documents {
		if d.Input != inputCorpus || d.Status != "done" {
			out = append(out, d)
		}
	}
	return out
}

// hostileInput is one file of the batch and what it is.
type hostileInput struct{ path, kind string }

// hostileInputs writes the generated files into dir and returns every
// input in upload order: the good page, the bomb, the lying PDF, the large
// upload, the corpus files in corpusDir (none when empty) and the
// truncated JPEG last, where it meets OCR clients that have read pages.
func hostileInputs(dir, corpusDir string, largeSize int64) ([]hostileInput, int, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, 0, fmt.Errorf("bench: %w", err)
	}
	write := func(name string, r io.Reader) (string, error) {
		path := filepath.Join(dir, name)
		f, err := os.Create(path)
		if err != nil {
			return "", fmt.Errorf("bench: %w", err)
		}
		if _, err := io.Copy(f, r); err != nil {
			f.Close()
			return "", fmt.Errorf("bench: write %s: %w", path, err)
		}
		if err := f.Close(); err != nil {
			return "", fmt.Errorf("bench: write %s: %w", path, err)
		}
		return path, nil
	}
	docs, err := corpus.Generate(corpus.Options{Seed: 16, Documents: 1, PagesPerDoc: [2]int{1, 1}, DPI: 300, Classes: []string{"notice"}})
	if err != nil {
		return nil, 0, fmt.Errorf("bench: generate a page: %w", err)
	}
	var good bytes.Buffer
	if err := corpus.WritePDF(&good, []image.Image{docs[0].Pages[0]}, 300); err != nil {
		return nil, 0, fmt.Errorf("bench: %w", err)
	}
	gen := []struct {
		name, kind string
		r          io.Reader
	}{
		{"good-page.pdf", inputGood, &good},
		{"pdf-bomb.pdf", inputBomb, bytes.NewReader(hostile.PDFBomb())},
		{"lying-size.pdf", inputLying, bytes.NewReader(hostile.LyingJPEGInPDF())},
		{fmt.Sprintf("large-%d-mib.pdf", largeSize>>20), inputLarge, hostile.LargeUpload(largeSize)},
	}
	var in []hostileInput
	for _, g := range gen {
		p, err := write(g.name, g.r)
		if err != nil {
			return nil, 0, err
		}
		in = append(in, hostileInput{p, g.kind})
	}
	corpusFiles := 0
	if corpusDir != "" {
		ents, err := os.ReadDir(corpusDir)
		if err != nil {
			return nil, 0, fmt.Errorf("bench: OCRmyPDF corpus: %w", err)
		}
		for _, e := range ents {
			if e.Type().IsRegular() {
				in = append(in, hostileInput{filepath.Join(corpusDir, e.Name()), inputCorpus})
				corpusFiles++
			}
		}
	}
	p, err := write("truncated.jpg", bytes.NewReader(hostile.TruncatedJPEG()))
	if err != nil {
		return nil, 0, err
	}
	return append(in, hostileInput{p, inputTruncated}), corpusFiles, nil
}

// RunHostile uploads the hostile batch to one `--role api` and one
// `--role worker` process (two OCR workers) over Redis database db, asks
// GET /healthz every 200 ms until the batch is finished, and reads every
// process's peak RSS. A batch that ends badly is reported, not an error;
// an error is a run that could not be measured.
func RunHostile(ctx context.Context, cfg Config, db int) (HostileRun, error) {
	cfg.defaults()
	run := HostileRun{Topology: hostileTopology, CorpusDir: cfg.OCRmyPDFCorpus}
	if run.CorpusDir == "" {
		run.CorpusNote = "no corpus directory given: -ocrmypdf-corpus or " + hostile.OCRmyPDFCorpusEnv + ", which make bench sets after fetching it with deploy/dev/ocrmypdf-corpus.sh"
	}
	in, n, err := hostileInputs(filepath.Join(cfg.WorkDir, "hostile-inputs"), run.CorpusDir, HostileLargeUpload)
	if err != nil {
		return run, err
	}
	run.CorpusFiles = n
	var files []string
	kind := map[string]string{}
	for _, f := range in {
		files = append(files, f.path)
		kind[filepath.Base(f.path)] = f.kind
		if fi, err := os.Stat(f.path); err == nil {
			run.Bytes += fi.Size()
		}
	}
	run.Files = len(files)

	t, err := startTopology(ctx, cfg, run.Topology, "run-hostile", db)
	if err != nil {
		return run, err
	}
	defer t.close()
	worker := t.procs[len(t.procs)-1]

	pollCtx, stopPolling := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		run.Health = pollHealth(pollCtx, "http://"+t.listen+"/healthz", 200*time.Millisecond)
	}()
	var readers map[int]*ReaderStat
	go func() {
		defer wg.Done()
		readers = sampleReaders(pollCtx, worker.cmd.Process.Pid, 200*time.Millisecond)
	}()
	stop := func() { stopPolling(); wg.Wait() }

	start := time.Now()
	up, err := t.client.Upload(ctx, files, map[string]string{"note": "sohoa-bench hostile"}, nil)
	if err != nil {
		stop()
		return run, fmt.Errorf("bench: upload the hostile batch: %w", err)
	}
	run.Upload = time.Since(start)
	b, err := t.client.Wait(ctx, up.ID, time.Second, nil)
	if err != nil {
		stop()
		return run, fmt.Errorf("bench: wait for the hostile batch: %w", err)
	}
	run.Status = b.Status
	done := 0
	for _, d := range b.Documents {
		if d.Status == "done" {
			done++
		}
		run.Documents = append(run.Documents, HostileDoc{Name: d.Name, Input: inputOf(kind, d.Name), Status: d.Status,
			Code: d.ErrorCode, Reason: d.Error, Pages: d.Pages, PagesDone: d.PagesDone})
	}
	err = waitSearchable(ctx, t.client, up.ID, done, start)
	run.Wall = time.Since(start)
	stop()
	if err != nil {
		return run, err
	}
	sort.SliceStable(run.Documents, func(i, j int) bool { return inputRank(run.Documents[i].Input) < inputRank(run.Documents[j].Input) })
	if run.Processes, err = t.stats(); err != nil {
		return run, err
	}
	// The worker's readers: every child seen, the running ones with their
	// final figures.
	w := &run.Processes[len(run.Processes)-1]
	for _, rs := range readers {
		rs.Stopped = true // unless still running now
	}
	for _, rs := range w.Readers {
		readers[rs.PID] = &rs
	}
	w.Readers = w.Readers[:0]
	for _, rs := range readers {
		w.Readers = append(w.Readers, *rs)
	}
	sort.Slice(w.Readers, func(i, j int) bool {
		a, b := w.Readers[i], w.Readers[j]
		return a.Name < b.Name || a.Name == b.Name && a.PID < b.PID
	})
	if log, err := os.ReadFile(worker.logPath); err == nil {
		run.ReaderStops = bytes.Count(log, []byte(`"reader child stopped"`))
	}
	run.HeapProfile = filepath.Join(t.dir, "api-heap.pb.gz")
	if err := fetchProfile(ctx, t.client, "/debug/pprof/heap", run.HeapProfile); err != nil {
		cfg.Log.Warn("heap profile of the API process", "err", err)
		run.HeapProfile = ""
	}
	return run, nil
}

// inputOf is the kind of input a document came from: its file, or the ZIP
// (such as the corpus's ODT) it is an entry of.
func inputOf(kind map[string]string, doc string) string {
	if k, ok := kind[doc]; ok {
		return k
	}
	if zip, _, ok := strings.Cut(doc, "/"); ok {
		if k, ok := kind[zip]; ok {
			return k
		}
	}
	return "unknown"
}

// inputRank orders documents as they were uploaded: generated inputs, the
// corpus, the truncated JPEG.
func inputRank(kind string) int {
	for i, k := range []string{inputGood, inputBomb, inputLying, inputLarge, inputCorpus, inputTruncated} {
		if k == kind {
			return i
		}
	}
	return 99
}

// pollHealth asks url every interval until ctx ends and returns how it
// answered: a check that takes over 10 s, errs or answers other than 200 is
// a failure.
func pollHealth(ctx context.Context, url string, every time.Duration) HealthPolls {
	var h HealthPolls
	hc := &http.Client{Timeout: 10 * time.Second}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return h
		case <-tick.C:
		}
		began := time.Now()
		err := func() error {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			if err != nil {
				return err
			}
			resp, err := hc.Do(req)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			if _, err := io.Copy(io.Discard, resp.Body); err != nil {
				return err
			}
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("GET /healthz: %s", resp.Status)
			}
			return nil
		}()
		if ctx.Err() != nil {
			return h // stopped mid-check: not the server's doing
		}
		h.Checks++
		h.Max = max(h.Max, time.Since(began))
		if err != nil {
			h.Failures++
			if h.FirstFailure == "" {
				h.FirstFailure = fmt.Sprintf("after %d checks: %v", h.Checks-1, err)
			}
		}
	}
}

// sampleReaders reads the reader children of pid every interval until ctx
// ends, and returns each child seen by PID with its last figures; those
// gone by the end are marked Stopped.
func sampleReaders(ctx context.Context, pid int, every time.Duration) map[int]*ReaderStat {
	seen := map[int]*ReaderStat{}
	for {
		now, _ := readerStats(pid)
		live := map[int]bool{}
		for _, rs := range now {
			live[rs.PID] = true
			seen[rs.PID] = &rs
		}
		for k, rs := range seen {
			rs.Stopped = !live[k]
		}
		select {
		case <-ctx.Done():
			return seen
		case <-time.After(every):
		}
	}
}

// fetchProfile saves the profile at path of the API (operator token) to file.
func fetchProfile(ctx context.Context, cl *client.Client, path, file string) error {
	f, err := os.Create(file)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	if err := cl.Download(ctx, path, f); err != nil {
		f.Close()
		return fmt.Errorf("bench: GET %s: %w", path, err)
	}
	return f.Close()
}
