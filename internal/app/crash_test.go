package app_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sohoa/sohoa/internal/app/apptest"
	"github.com/sohoa/sohoa/internal/client"
	"github.com/sohoa/sohoa/internal/corpus"
	"github.com/sohoa/sohoa/internal/testenv"
)

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// buildSohoa builds the sohoa binary (once per test run) for tests that run
// it as processes.
func buildSohoa(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "sohoa-bin-")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "sohoa")
		if out, err := exec.Command("go", "build", "-o", builtBin, "../../cmd/sohoa").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("build sohoa: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// process is a `sohoa serve` child process.
type process struct {
	cmd  *exec.Cmd
	logs *lockedBuffer
}

// lockedBuffer collects a child's output while tests read it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func startProcess(t *testing.T, bin string, env []string) *process {
	t.Helper()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), env...)
	logs := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, logs: logs}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("logs of sohoa serve (%s):\n%s", env[len(env)-1], logs.String())
		}
		// Signal(0) fails once the process has been waited for.
		if p.cmd.Process.Signal(syscall.Signal(0)) == nil {
			p.cmd.Process.Signal(syscall.SIGTERM)
			p.cmd.Wait()
		}
	})
	return p
}

// cluster is an API process on a shared data directory and Redis database,
// to which worker processes are added.
type cluster struct {
	t       *testing.T
	bin     string
	env     []string
	base    string
	dataDir string
	api     *process
}

func newCluster(t *testing.T) *cluster {
	t.Helper()
	return newClusterOn(t, testenv.RedisURL(t), "api")
}

// newClusterOn starts the first process of a cluster, with role, on the
// Redis at redisURL.
func newClusterOn(t *testing.T, redisURL, role string) *cluster {
	t.Helper()
	c := &cluster{t: t, bin: buildSohoa(t), dataDir: t.TempDir()}
	addr := freeAddr(t)
	c.env = []string{"SOHOA_DATA_DIR=" + c.dataDir, "SOHOA_REDIS_URL=" + redisURL, "SOHOA_ADMIN_TOKEN=" + apptest.AdminToken,
		"SOHOA_LISTEN=" + addr, "SOHOA_LOG_FORMAT=json"}
	c.api = startProcess(t, c.bin, append(c.env, "SOHOA_ROLE="+role, "SOHOA_WORKERS=2"))
	c.base = "http://" + addr
	waitHealthy(t, c.base, c.api)
	return c
}

// worker starts a worker process with n OCR workers.
func (c *cluster) worker(n int) *process {
	return startProcess(c.t, c.bin, append(c.env, "SOHOA_ROLE=worker", "SOHOA_WORKERS="+strconv.Itoa(n)))
}

// token returns a client with a new token of role.
func (c *cluster) token(ctx context.Context, role string) *client.Client {
	c.t.Helper()
	admin := &client.Client{Base: c.base, Token: apptest.AdminToken}
	var out struct{ Token string }
	if err := admin.PostJSON(ctx, "/api/v1/tokens", map[string]string{"role": role, "name": role}, &out); err != nil {
		c.t.Fatal(err)
	}
	return &client.Client{Base: c.base, Token: out.Token}
}

func (p *process) kill9() {
	p.cmd.Process.Signal(syscall.SIGKILL)
	p.cmd.Wait()
}

// TestWorkerKilledMidBatch is invariant 6: a worker process is killed with
// SIGKILL halfway through a batch and restarted; the batch completes with
// every page read, one record per document, and records identical to an
// undisturbed run. SOHOA_SOAK_PAGES sets the batch size (default 20; make
// soak uses 200).
func TestWorkerKilledMidBatch(t *testing.T) {
	files, pages := soakBatch(t, 20)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	killWorkers(t, ctx, files, undisturbedRun(t, ctx, files), []int{pages / 2})
}

// soakBatch skips the crash and soak tests under -short, and writes their
// batch: SOHOA_SOAK_PAGES pages (def when unset) in two-page documents.
func soakBatch(t *testing.T, def int) (files []string, pages int) {
	t.Helper()
	if testing.Short() {
		t.Skip("crash and soak tests run processes for minutes")
	}
	pages = def
	if n, err := strconv.Atoi(os.Getenv("SOHOA_SOAK_PAGES")); err == nil && n >= 4 {
		pages = n
	}
	return writeTwoPageDocs(t, t.TempDir(), pages/2), pages
}

// killWorkers uploads files to an API process with one worker process and
// SIGKILLs the worker, starting a new one, each time the batch passes the
// next count of read pages in killAt; then checks the batch against want.
// It returns the number of kills.
func killWorkers(t *testing.T, ctx context.Context, files []string, want undisturbed, killAt []int) int {
	t.Helper()
	cl := newCluster(t)
	worker := cl.worker(2)
	uploader := cl.token(ctx, "uploader")
	res, err := uploader.Upload(ctx, files, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	kills := 0
	b, _ := waitBatch(t, ctx, uploader, res.ID, 3*time.Minute, func(b *client.Batch) {
		if kills < len(killAt) && b.PagesDone >= killAt[kills] {
			kills++
			t.Logf("SIGKILL worker at %d/%d pages", b.PagesDone, b.PagesTotal)
			worker.kill9()
			worker = cl.worker(2)
		}
	})
	if kills == 0 {
		t.Fatal("the batch finished before the worker could be killed")
	}
	checkRecords(t, ctx, b, want, cl.dataDir, func(role string) *client.Client { return cl.token(ctx, role) })
	return kills
}

// undisturbed is what an undisturbed instance made of a set of files: each
// document's text and field count (documentText), by file name (document
// IDs are per uploader, and each run uploads with its own token).
type undisturbed map[string]string

// undisturbedRun processes files on an in-process instance with nothing
// disturbed, for the disturbed runs to compare with (OCR is deterministic).
func undisturbedRun(t *testing.T, ctx context.Context, files []string) undisturbed {
	t.Helper()
	calm := apptest.Start(t, nil)
	defer calm.Stop()
	cu := calm.Client(t, "uploader")
	res, err := cu.Upload(ctx, files, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := cu.Wait(ctx, res.ID, 200*time.Millisecond, nil)
	if err != nil || b.Status != "done" {
		t.Fatalf("undisturbed run: %v %+v", err, b)
	}
	cr := calm.Client(t, "pii_reader")
	want := undisturbed{}
	for _, d := range b.Documents {
		want[d.Name] = documentText(t, ctx, cr, d.ID)
	}
	return want
}

// waitBatch polls a batch until it finishes, calling progress with every
// answer. The API failing for a moment (a dependency down) is counted, not
// fatal; the batch making no progress for stall fails the test. It returns
// the finished batch and the number of failed polls.
func waitBatch(t *testing.T, ctx context.Context, c *client.Client, id string, stall time.Duration, progress func(*client.Batch)) (*client.Batch, int) {
	t.Helper()
	var (
		last     *client.Batch
		failures int
		moved    = time.Now()
	)
	for {
		b, err := c.Batch(ctx, id)
		switch {
		case err != nil:
			failures++
		case last == nil || b.PagesDone != last.PagesDone || b.Status != last.Status:
			last, moved = b, time.Now()
		}
		if b != nil && progress != nil {
			progress(b)
		}
		if b != nil && b.Finished() {
			return b, failures
		}
		if time.Since(moved) > stall || ctx.Err() != nil {
			t.Fatalf("batch %s stuck for %s: %+v (last error: %v)", id, stall, last, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// checkRecords checks invariant 6 on a finished batch of two-page documents:
// done with every page read, one OCR result per page in the blob store under
// dataDir, one index record per document
// (search count equals documents done), and each document's text and fields
// identical to the undisturbed run. clients gives a client with a new token
// of a role.
func checkRecords(t *testing.T, ctx context.Context, b *client.Batch, want undisturbed, dataDir string, clients func(role string) *client.Client) {
	t.Helper()
	if b.Status != "done" || b.PagesDone != 2*len(want) || b.PagesTotal != 2*len(want) || len(b.Documents) != len(want) {
		t.Fatalf("batch %+v, want done with %d documents of 2 pages", b, len(want))
	}
	store := filepath.Join(dataDir, "store")
	for _, d := range b.Documents {
		ocr, _ := filepath.Glob(filepath.Join(store, "docs", d.ID, "pages", "*.ocr"))
		if len(ocr) != 2 {
			t.Errorf("document %s: %d page results in the blob store, want 2", d.Name, len(ocr))
		}
	}
	// A document is done before its index task has run; a task cut short
	// by a fault comes back once asynq recovers it (lease expiry plus its
	// one-minute recoverer pass), so allow a few minutes.
	searcher := clients("searcher")
	start := time.Now()
	var r *client.SearchResult
	for {
		var err error
		r, err = searcher.Search(ctx, "", url.Values{"batch": {b.ID}, "size": {"100"}})
		if err == nil && r.Total >= len(want) {
			break
		}
		if time.Since(start) > 3*time.Minute {
			t.Fatalf("3 minutes after the batch finished the index holds %+v of its %d documents (%v)", r, len(want), err)
		}
		time.Sleep(500 * time.Millisecond)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Logf("soak: every record searchable %s after the batch finished", d.Round(100*time.Millisecond))
	}
	seen := map[string]bool{}
	for _, h := range r.Hits {
		if seen[h.DocumentID] {
			t.Errorf("document %s indexed twice", h.DocumentID)
		}
		seen[h.DocumentID] = true
	}
	if r.Total != len(b.Documents) {
		t.Errorf("index holds %d records of the batch, want %d (documents done)", r.Total, len(b.Documents))
	}
	reader := clients("pii_reader")
	for _, d := range b.Documents {
		text, ok := want[d.Name]
		if !ok {
			t.Errorf("document %s (%s) is not in the undisturbed run", d.ID, d.Name)
			continue
		}
		got := documentText(t, ctx, reader, d.ID)
		if got != text {
			t.Errorf("document %s: text after the fault differs from the undisturbed run:\n%s", d.Name, firstDiff(got, text))
		}
		if n := strings.Count(got, "\f") + 1; n != 2 {
			t.Errorf("document %s: %d pages of text, want 2", d.Name, n)
		}
	}
}

func documentText(t *testing.T, ctx context.Context, c *client.Client, id string) string {
	t.Helper()
	var d struct {
		Text   string         `json:"text"`
		Fields map[string]any `json:"fields"`
	}
	if err := c.GetJSON(ctx, "/api/v1/documents/"+id, &d); err != nil {
		t.Fatal(err)
	}
	return d.Text + fmt.Sprint(len(d.Fields))
}

func waitHealthy(t *testing.T, base string, p *process) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("sohoa at %s not ready; logs:\n%s", base, p.logs.String())
}

// writeTwoPageDocs writes n distinct two-page image-only PDFs at 150 dpi
// (small pages keep the multi-process tests fast).
func writeTwoPageDocs(t *testing.T, dir string, n int) []string {
	t.Helper()
	docs, err := corpus.Generate(corpus.Options{Seed: 31, Documents: n, PagesPerDoc: [2]int{2, 2}, DPI: 150,
		Classes: []string{"notice", "report", "official_letter"}})
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for i, d := range docs {
		var buf bytes.Buffer
		if err := corpus.WritePDF(&buf, []image.Image{d.Pages[0], d.Pages[1]}, 150); err != nil {
			t.Fatal(err)
		}
		f := filepath.Join(dir, fmt.Sprintf("ho-so-%03d.pdf", i))
		if err := os.WriteFile(f, buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return files
}

// firstDiff shows where two texts first differ.
func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-80)
	return fmt.Sprintf("at byte %d:\n  disturbed:   %q\n  undisturbed: %q", i, a[from:min(len(a), i+80)], b[from:min(len(b), i+80)])
}
