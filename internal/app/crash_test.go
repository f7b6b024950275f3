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
	t    *testing.T
	bin  string
	env  []string
	base string
	api  *process
}

func newCluster(t *testing.T) *cluster {
	t.Helper()
	redisURL := testenv.RedisURL(t)
	c := &cluster{t: t, bin: buildSohoa(t)}
	addr := freeAddr(t)
	c.env = []string{"SOHOA_DATA_DIR=" + t.TempDir(), "SOHOA_REDIS_URL=" + redisURL, "SOHOA_ADMIN_TOKEN=" + apptest.AdminToken,
		"SOHOA_LISTEN=" + addr, "SOHOA_LOG_FORMAT=json"}
	c.api = startProcess(t, c.bin, append(c.env, "SOHOA_ROLE=api"))
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
// undisturbed run. SOHOA_SOAK_PAGES sets the batch size (default 40; make
// soak uses 200).
func TestWorkerKilledMidBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test")
	}
	pages := 40
	if v := os.Getenv("SOHOA_SOAK_PAGES"); v != "" {
		pages, _ = strconv.Atoi(v)
	}
	cl := newCluster(t)
	worker := cl.worker(2)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	uploader, reader := cl.token(ctx, "uploader"), cl.token(ctx, "pii_reader")

	docs := pages / 2
	files := writeTwoPageDocs(t, t.TempDir(), docs)
	res, err := uploader.Upload(ctx, files, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Kill the worker once about half of the pages are read.
	killed := false
	b, err := uploader.Wait(ctx, res.ID, 200*time.Millisecond, func(b *client.Batch) {
		if !killed && b.PagesDone >= pages/2 {
			killed = true
			t.Logf("SIGKILL worker at %d/%d pages", b.PagesDone, b.PagesTotal)
			worker.kill9()
			worker = cl.worker(2)
		}
	})
	if err != nil {
		t.Fatalf("%v\nworker logs:\n%s", err, worker.logs.String())
	}
	if !killed {
		t.Fatal("the batch finished before the worker could be killed")
	}
	if b.Status != "done" || b.PagesDone != pages || b.PagesTotal != pages || len(b.Documents) != docs {
		t.Fatalf("batch %+v, want done with %d pages", b, pages)
	}
	// One index record per document.
	searcher := cl.token(ctx, "searcher")
	waitIndexed(t, ctx, searcher, res.ID, docs)
	r, err := searcher.Search(ctx, "", url.Values{"batch": {res.ID}, "size": {"100"}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Total != docs {
		t.Errorf("index holds %d records of the batch, want %d", r.Total, docs)
	}

	// The same files through an undisturbed instance give the same records.
	calm := apptest.Start(t, nil)
	cu := calm.Client(t, "uploader")
	res2, err := cu.Upload(ctx, files, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cu.Wait(ctx, res2.ID, 200*time.Millisecond, nil); err != nil {
		t.Fatal(err)
	}
	cr := calm.Client(t, "pii_reader")
	for _, d := range b.Documents {
		got, want := documentText(t, ctx, reader, d.ID), documentText(t, ctx, cr, d.ID)
		if got != want {
			t.Errorf("document %s: text after the crash differs from the undisturbed run:\n%s", d.Name, firstDiff(got, want))
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
	return fmt.Sprintf("at byte %d:\n  crash:       %q\n  undisturbed: %q", i, a[from:min(len(a), i+80)], b[from:min(len(b), i+80)])
}
