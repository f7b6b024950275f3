package app_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sohoa/sohoa/internal/app"
	"github.com/sohoa/sohoa/internal/app/apptest"
	"github.com/sohoa/sohoa/internal/blob"
	"github.com/sohoa/sohoa/internal/client"
	"github.com/sohoa/sohoa/internal/testenv"
)

// outage is how long each soak fault lasts: longer than a task's first
// retries (2 s, 4 s), far shorter than its five.
const outage = 5 * time.Second

// TestFaultSoak is invariant 6 under the faults of a real deployment: Redis
// restarted (and losing its state), Elasticsearch unreachable while records
// are indexed, the data directory's filesystem full, and worker processes
// SIGKILLed at random points. Each scenario runs the same batch of two-page
// documents and ends with every page read once, one index record per
// document done, and records identical to an undisturbed run.
// SOHOA_SOAK_PAGES sets the batch size (default 4; make soak uses more).
func TestFaultSoak(t *testing.T) {
	files, pages := soakBatch(t, 4)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Minute)
	defer cancel()
	start := time.Now()
	want := undisturbedRun(t, ctx, files)
	t.Logf("soak: undisturbed run of %d pages in %s", pages, time.Since(start).Round(time.Second))

	t.Run("redis restarted", func(t *testing.T) { soakRedis(t, ctx, files, want, true) })
	t.Run("redis state lost", func(t *testing.T) { soakRedis(t, ctx, files, want, false) })
	t.Run("elasticsearch unreachable", func(t *testing.T) { soakElasticsearch(t, ctx, files, want) })
	t.Run("disk full injected", func(t *testing.T) {
		disk := &fullDisk{}
		app.SetStoreWrapper(t, func(s blob.Store) blob.Store { disk.Store = s; return disk })
		soakDiskFull(t, ctx, files, want, "", func() func() {
			disk.full.Store(true)
			return func() { disk.full.Store(false) }
		}, func(string) bool { return disk.failed.Load() > 0 })
		t.Logf("soak: %d writes refused by the full disk", disk.failed.Load())
	})
	t.Run("disk full tmpfs", func(t *testing.T) {
		if os.Getenv("SOHOA_SOAK_PAGES") == "" {
			// Known to end the whole test process when the embedded index
			// meets the full disk (issue 16 closing note); make soak only.
			t.Skip("short soak: the full tmpfs runs in make soak")
		}
		dir := smallFilesystem(t, 256<<20)
		soakDiskFull(t, ctx, files, want, dir, func() func() { return fillFilesystem(t, dir) },
			func(logs string) bool { return strings.Contains(logs, "no space left on device") })
	})
	t.Run("worker killed", func(t *testing.T) {
		if os.Getenv("SOHOA_SOAK_PAGES") == "" {
			// Each kill costs asynq's recovery of the lost tasks (lease
			// expiry plus its one-minute recoverer pass).
			t.Skip("short soak: TestWorkerKilledMidBatch kills a worker in make test; make soak kills at random points")
		}
		// Kill points drawn at random among the pages: one per 40 pages,
		// at most 5 (each costs asynq's recovery of the lost tasks).
		var killAt []int
		for range min(5, max(1, pages/40)) {
			killAt = append(killAt, 1+rand.IntN(pages-1))
		}
		slices.Sort(killAt)
		start := time.Now()
		kills := killWorkers(t, ctx, files, want, killAt)
		t.Logf("soak: worker killed %d times (planned at pages %v) in a batch of %d pages; done in %s",
			kills, killAt, pages, time.Since(start).Round(time.Second))
	})
}

// soakRedis runs a batch on `sohoa serve` (API, worker and embedded index in
// one process) against a private Redis with AOF on, and stops Redis for a
// few seconds mid-batch. keepState restarts it on its data directory;
// otherwise on an empty one, as if Redis had lost everything (FLUSHALL):
// the blob store is the system of record, and the staff retry of the batch
// resumes the documents whose tasks were lost.
func soakRedis(t *testing.T, ctx context.Context, files []string, want undisturbed, keepState bool) {
	rs := startRedis(t)
	cl := newClusterOn(t, rs.url(), "all")
	uploader := cl.token(ctx, "uploader")
	res, err := uploader.Upload(ctx, files, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	pages := 2 * len(want)
	var (
		start            = time.Now()
		up               time.Time
		apiErrs, atStop  int
		resumedAfterDown time.Duration
	)
	progress := func(b *client.Batch) {
		switch {
		case up.IsZero() && b.PagesDone >= pages/2:
			atStop = b.PagesDone
			rs.stop()
			down := time.Now()
			for time.Since(down) < outage {
				if _, err := uploader.Batch(ctx, res.ID); err != nil {
					apiErrs++
				}
				time.Sleep(500 * time.Millisecond)
			}
			if !keepState {
				rs.dir = t.TempDir()
			}
			rs.start()
			up = time.Now()
		case !up.IsZero() && resumedAfterDown == 0 && b.PagesDone > atStop:
			resumedAfterDown = time.Since(up)
		}
	}
	var b *client.Batch
	if keepState {
		b, _ = waitBatch(t, ctx, uploader, res.ID, 3*time.Minute, progress)
	} else {
		b = waitResumed(t, ctx, uploader, res.ID, progress, func() bool { return !up.IsZero() })
	}
	if up.IsZero() {
		t.Fatal("the batch finished before Redis could be stopped")
	}
	if apiErrs > 0 {
		t.Errorf("the API failed %d batch queries while Redis was down", apiErrs)
	}
	waitHealthy(t, cl.base, cl.api) // the server survived Redis going away
	if strings.Contains(cl.api.logs.String(), "panic") {
		t.Errorf("server panicked:\n%s", cl.api.logs.String())
	}
	checkRecords(t, ctx, b, want, cl.dataDir, func(role string) *client.Client { return cl.token(ctx, role) })
	t.Logf("soak: Redis (state kept: %v) stopped %s at %d/%d pages, the API answering throughout; pages moving again %s after restart; batch done in %s",
		keepState, outage, atStop, pages, resumedAfterDown.Round(100*time.Millisecond), time.Since(start).Round(time.Second))
}

// waitResumed waits for a batch whose queued work Redis lost: once it
// stalls after the outage (started reports the outage began), a staff retry
// of the batch must resume it to the end.
func waitResumed(t *testing.T, ctx context.Context, c *client.Client, id string, progress func(*client.Batch), started func() bool) *client.Batch {
	t.Helper()
	var stalled *client.Batch
	for stalled == nil {
		b, err := c.Batch(ctx, id)
		if err == nil {
			progress(b)
			if b.Finished() {
				return b
			}
			if started() {
				stalled = stallOf(ctx, c, id, 10*time.Second)
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	if stalled.Finished() {
		return stalled
	}
	t.Logf("soak: after losing Redis the batch stalls at %d/%d pages (%s); retrying it", stalled.PagesDone, stalled.PagesTotal, stalled.Status)
	var out struct {
		Retried int `json:"retried"`
	}
	if err := c.PostJSON(ctx, "/api/v1/batches/"+url.PathEscape(id)+"/retry", nil, &out); err != nil {
		t.Fatalf("retry: %v", err)
	}
	t.Logf("soak: retry re-enqueued %d documents", out.Retried)
	retried := time.Now()
	b, _ := waitBatch(t, ctx, c, id, 3*time.Minute, nil)
	t.Logf("soak: batch done %s after the retry", time.Since(retried).Round(100*time.Millisecond))
	return b
}

// stallOf polls a batch until it finishes or makes no progress for quiet,
// and returns its last state (nil if the API failed).
func stallOf(ctx context.Context, c *client.Client, id string, quiet time.Duration) *client.Batch {
	var last *client.Batch
	moved := time.Now()
	for time.Since(moved) < quiet {
		b, err := c.Batch(ctx, id)
		if err != nil {
			return nil
		}
		if b.Finished() {
			return b
		}
		if last == nil || b.PagesDone != last.PagesDone || b.Status != last.Status {
			last, moved = b, time.Now()
		}
		time.Sleep(500 * time.Millisecond)
	}
	return last
}

// redisServer is a private redis-server the test stops and restarts,
// never the shared test Redis.
type redisServer struct {
	t    *testing.T
	addr string
	dir  string // its data directory, with the append-only file
	cmd  *exec.Cmd
	logs *lockedBuffer
}

func startRedis(t *testing.T) *redisServer {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		testenv.Missing(t, "redis-server")
	}
	r := &redisServer{t: t, addr: freeAddr(t), dir: t.TempDir()}
	r.start()
	t.Cleanup(r.stop)
	return r
}

func (r *redisServer) url() string { return "redis://" + r.addr + "/0" }

func (r *redisServer) start() {
	r.t.Helper()
	host, port, _ := net.SplitHostPort(r.addr)
	r.logs = &lockedBuffer{}
	r.cmd = exec.Command("redis-server", "--bind", host, "--port", port, "--dir", r.dir, "--appendonly", "yes",
		"--save", "", "--daemonize", "no", "--protected-mode", "yes")
	r.cmd.Stdout, r.cmd.Stderr = r.logs, r.logs
	if err := r.cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	rc := redis.NewClient(&redis.Options{Addr: r.addr})
	defer rc.Close()
	for deadline := time.Now().Add(10 * time.Second); rc.Ping(context.Background()).Err() != nil; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			r.t.Fatalf("redis-server on %s did not start:\n%s", r.addr, r.logs.String())
		}
	}
}

// stop shuts Redis down as an operator would (SIGTERM: the append-only file
// is flushed).
func (r *redisServer) stop() {
	if r.cmd == nil {
		return
	}
	r.cmd.Process.Signal(syscall.SIGTERM)
	r.cmd.Wait()
	r.cmd = nil
}

// soakElasticsearch runs a batch on an in-process instance whose
// Elasticsearch sits behind a TCP proxy, and cuts the proxy (listener and
// every connection) while the first records are indexed: index tasks must
// retry until it is back, and the index end up with one record per
// document done.
func soakElasticsearch(t *testing.T, ctx context.Context, files []string, want undisturbed) {
	withES := apptest.WithElasticsearch(t) // skips outside CI without SOHOA_ELASTICSEARCH_URL
	target, err := url.Parse(testenv.ElasticsearchURL(t))
	if err != nil {
		t.Fatal(err)
	}
	proxy := startProxy(t, target.Host)
	in := apptest.Start(t, func(c *app.Config) {
		withES(c)
		c.ElasticsearchURL = target.Scheme + "://" + proxy.addr
	})
	uploader, searcher := in.Client(t, "uploader"), in.Client(t, "searcher")
	res, err := uploader.Upload(ctx, files, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var down, up time.Time
	start := time.Now()
	b, _ := waitBatch(t, ctx, uploader, res.ID, 3*time.Minute, func(b *client.Batch) {
		switch {
		case down.IsZero() && b.PagesDone >= 1:
			proxy.down()
			down = time.Now()
		case up.IsZero() && !down.IsZero() && time.Since(down) > 2*outage:
			proxy.up()
			up = time.Now()
		}
	})
	if down.IsZero() {
		t.Fatal("the batch finished before Elasticsearch could be cut off")
	}
	if up.IsZero() {
		// Every document finished while Elasticsearch was away: their
		// index tasks are retrying now.
		time.Sleep(time.Until(down.Add(2 * outage)))
		proxy.up()
		up = time.Now()
	}
	for deadline := time.Now().Add(3 * time.Minute); ; time.Sleep(500 * time.Millisecond) {
		r, err := searcher.Search(ctx, "", url.Values{"batch": {res.ID}})
		if err == nil && r.Total >= len(want) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("3 minutes after Elasticsearch came back the index holds %+v, want %d records (%v)", r, len(want), err)
		}
	}
	t.Logf("soak: Elasticsearch cut off for %s from %d pages read; every record indexed %s after it came back; %d connections cut; done in %s",
		up.Sub(down).Round(100*time.Millisecond), 1, time.Since(up).Round(100*time.Millisecond), proxy.cut.Load(), time.Since(start).Round(time.Second))
	if !strings.Contains(string(in.Logs()), "task failed") {
		t.Error("no index task failed while Elasticsearch was unreachable: the outage missed the indexing")
	}
	checkRecords(t, ctx, b, want, in.Config.DataDir, func(role string) *client.Client { return in.Client(t, role) })
}

// tcpProxy forwards connections on addr to target; down closes the
// listener and every open connection, up listens on addr again.
type tcpProxy struct {
	t      *testing.T
	addr   string
	target string
	cut    atomic.Int64 // connections closed by down
	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]bool
}

func startProxy(t *testing.T, target string) *tcpProxy {
	t.Helper()
	p := &tcpProxy{t: t, addr: freeAddr(t), target: target, conns: map[net.Conn]bool{}}
	p.up()
	t.Cleanup(p.down)
	return p
}

func (p *tcpProxy) up() {
	p.t.Helper()
	var err error
	for range 50 { // the port may linger for a moment after down
		var ln net.Listener
		if ln, err = net.Listen("tcp", p.addr); err == nil {
			p.mu.Lock()
			p.ln = ln
			p.mu.Unlock()
			go p.serve(ln)
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	p.t.Fatalf("proxy: listen again on %s: %v", p.addr, err)
}

func (p *tcpProxy) serve(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go p.forward(c)
	}
}

func (p *tcpProxy) forward(c net.Conn) {
	s, err := net.DialTimeout("tcp", p.target, 5*time.Second)
	if err != nil {
		c.Close()
		return
	}
	if !p.track(c, s) {
		return
	}
	go func() { io.Copy(s, c); s.Close() }()
	io.Copy(c, s)
	c.Close()
	p.mu.Lock()
	delete(p.conns, c)
	delete(p.conns, s)
	p.mu.Unlock()
}

// track registers a connection pair, or closes it if the proxy went down
// meanwhile.
func (p *tcpProxy) track(c, s net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln == nil {
		c.Close()
		s.Close()
		return false
	}
	p.conns[c], p.conns[s] = true, true
	return true
}

func (p *tcpProxy) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
		p.cut.Add(1)
	}
	clear(p.conns)
}

// fullDisk is a blob store whose disk can be made full: Put then fails as
// the filesystem store does on a full disk (ENOSPC) and writes nothing.
type fullDisk struct {
	blob.Store
	full   atomic.Bool
	failed atomic.Int64
}

func (s *fullDisk) Put(ctx context.Context, key string, data []byte) error {
	if s.full.Load() {
		s.failed.Add(1)
		return fmt.Errorf("blob: put %s: %w", key, &fs.PathError{Op: "write", Path: key, Err: syscall.ENOSPC})
	}
	return s.Store.Put(ctx, key, data)
}

// soakDiskFull runs a batch on an in-process instance (on dataDir, or a
// fresh one when empty), fills the disk with fill once half of the pages
// are read and frees it after the outage: the full disk must show as a
// clear error in the logs, leave no partial object, and the batch finish
// once space is back.
func soakDiskFull(t *testing.T, ctx context.Context, files []string, want undisturbed, dataDir string, fill func() (free func()), hit func(logs string) bool) {
	in := apptest.Start(t, func(c *app.Config) {
		if dataDir != "" {
			c.DataDir = dataDir
		}
	})
	uploader := in.Client(t, "uploader")
	res, err := uploader.Upload(ctx, files, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	pages := 2 * len(want)
	var (
		free           func()
		full, freed    time.Time
		atFull, atFree int
	)
	defer func() {
		if free != nil && freed.IsZero() {
			free()
		}
	}()
	start := time.Now()
	b, _ := waitBatch(t, ctx, uploader, res.ID, 3*time.Minute, func(b *client.Batch) {
		switch {
		case full.IsZero() && b.PagesDone >= pages/2:
			free, full, atFull = fill(), time.Now(), b.PagesDone
		case !full.IsZero() && freed.IsZero() && time.Since(full) > outage && (hit(string(in.Logs())) || time.Since(full) > time.Minute):
			free()
			freed, atFree = time.Now(), b.PagesDone
		}
	})
	if full.IsZero() {
		t.Fatal("the batch finished before the disk could be filled")
	}
	logs := string(in.Logs())
	if n := strings.Count(logs, "no space left on device"); n == 0 {
		t.Error("the full disk left no error in the logs")
	} else {
		t.Logf("soak: disk full for %s from %d/%d pages (%d read meanwhile); %d log lines name the full disk; batch done %s after space came back, in %s",
			outage, atFull, pages, atFree-atFull, n, time.Since(freed).Round(100*time.Millisecond), time.Since(start).Round(time.Second))
	}
	checkRecords(t, ctx, b, want, in.Config.DataDir, func(role string) *client.Client { return in.Client(t, role) })
	// No write cut short by the full disk left anything behind (writes in
	// flight when the batch finished are over once the instance stops).
	in.Stop()
	filepath.WalkDir(in.Config.DataDir, func(p string, e fs.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(e.Name(), ".tmp-") {
			t.Errorf("temporary object left in the blob store: %s", p)
		}
		return nil
	})
}

// smallFilesystem mounts a tmpfs of size bytes on a new directory for the
// test (root only), unmounted when the test ends.
func smallFilesystem(t *testing.T, size int64) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d,mode=0700", size), "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small filesystem here (needs root): %v %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v %s", dir, err, out)
		}
	})
	return dir
}

// fillFilesystem fills the filesystem of dir with a file and returns the
// function that deletes it.
func fillFilesystem(t *testing.T, dir string) func() {
	t.Helper()
	name := filepath.Join(dir, "filler")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 1<<20)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("fill %s: %v", dir, err)
			}
			break
		}
	}
	return func() { os.Remove(name) }
}
