package bench

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sohoa/sohoa/internal/client"
)

// benchAdminToken is the bootstrap admin token of every benchmark instance.
const benchAdminToken = "bench-admin-token-0123456789abcdef"

// Topology is how sohoa processes are laid out for one pipeline run:
// either one process with role all and AllWorkers OCR workers, or one
// process with role api plus WorkerProcs processes with role worker, each
// with WorkersPerProc OCR workers.
type Topology struct {
	Name           string
	AllWorkers     int
	WorkerProcs    int
	WorkersPerProc int
}

// ProcStat is what one sohoa process used during a run.
type ProcStat struct {
	Role    string
	Workers int
	// PeakRSS is VmHWM from /proc/<pid>/status, in bytes.
	PeakRSS int64
	// CPU is user+system time of the process and of its reader children
	// over their lives.
	CPU time.Duration
	// Readers are the process's reader children (page decoding and OCR run
	// there, see package child), each with its own peak RSS and CPU time.
	Readers []ReaderStat
}

// ReaderStat is what one reader child of a sohoa process used.
type ReaderStat struct {
	Name    string // pool and slot, e.g. "ocr-1"
	PID     int
	PeakRSS int64
	CPU     time.Duration
	// Stopped is set when the child had exited by the end of the run
	// (killed or restarted); its figures are the last ones sampled.
	Stopped bool `json:",omitempty"`
}

// PipelineRun is the outcome of one end-to-end run.
type PipelineRun struct {
	Topology  Topology
	Pages     int
	Documents int
	// Upload is the time the multipart upload took; BatchDone the time from
	// the start of the upload until the batch reported done; Wall until the
	// last record was searchable.
	Upload    time.Duration
	BatchDone time.Duration
	Wall      time.Duration
	Processes []ProcStat
	// StoreBytes and IndexBytes are the sizes of the blob store and the
	// embedded index afterwards; RedisBytes the growth of Redis used_memory
	// and RedisKeys the keys left in the run's database.
	StoreBytes int64
	IndexBytes int64
	RedisBytes int64
	RedisKeys  int64
	// RedisPeakBytes is the highest growth of used_memory seen while the
	// batch ran (sampled every 100 ms), and MaxPending the most pages
	// waiting for OCR at once: their quotient is Redis memory per queued
	// page, which sizes Redis for a backlog.
	RedisPeakBytes int64
	MaxPending     int
	// Load is the 1-minute load average when the run ended.
	Load float64
}

// PagesPerSec is the end-to-end throughput.
func (r PipelineRun) PagesPerSec() float64 {
	if r.Wall <= 0 {
		return 0
	}
	return float64(r.Pages) / r.Wall.Seconds()
}

// CPU is the CPU time of all processes of the run.
func (r PipelineRun) CPU() time.Duration {
	var d time.Duration
	for _, p := range r.Processes {
		d += p.CPU
	}
	return d
}

// CPUPerPage is the CPU time of all processes per page.
func (r PipelineRun) CPUPerPage() time.Duration {
	if r.Pages == 0 {
		return 0
	}
	return r.CPU() / time.Duration(r.Pages)
}

// ensureBinary returns bin when it exists, else builds ./cmd/sohoa into dir.
func ensureBinary(ctx context.Context, bin, dir string) (string, error) {
	if fi, err := os.Stat(bin); err == nil && !fi.IsDir() {
		return filepath.Abs(bin)
	}
	out := filepath.Join(dir, "sohoa")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, "./cmd/sohoa")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("bench: %s is missing and `go build ./cmd/sohoa` failed: %w: %s", bin, err, bytes.TrimSpace(b))
	}
	return out, nil
}

// proc is one running `sohoa serve`.
type proc struct {
	role    string
	workers int
	cmd     *exec.Cmd
	logPath string
	done    chan error
}

func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func startServe(bin, role string, workers int, listen, dataDir, redisURL, logPath string) (*proc, error) {
	lf, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	cmd := exec.Command(bin, "serve", "--role", role)
	cmd.Env = append(os.Environ(),
		"OMP_THREAD_LIMIT=1", "SOHOA_CONFIG=", "SOHOA_ELASTICSEARCH_URL=", "SOHOA_MASTER_KEY=",
		"SOHOA_LISTEN="+listen, "SOHOA_DATA_DIR="+dataDir, "SOHOA_REDIS_URL="+redisURL,
		"SOHOA_ADMIN_TOKEN="+benchAdminToken, "SOHOA_WORKERS="+strconv.Itoa(workers), "SOHOA_LOG_FORMAT=json")
	cmd.Stdout, cmd.Stderr = lf, lf
	if err := cmd.Start(); err != nil {
		lf.Close()
		return nil, fmt.Errorf("bench: start %s: %w", bin, err)
	}
	p := &proc{role: role, workers: workers, cmd: cmd, logPath: logPath, done: make(chan error, 1)}
	go func() { p.done <- cmd.Wait(); lf.Close() }()
	return p, nil
}

// waitLog waits until the process log contains marker.
func (p *proc) waitLog(ctx context.Context, marker string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		b, _ := os.ReadFile(p.logPath)
		if bytes.Contains(b, []byte(marker)) {
			return nil
		}
		select {
		case err := <-p.done:
			p.done <- err
			return fmt.Errorf("bench: sohoa serve --role %s exited (%v): %s", p.role, err, tail(p.logPath, 10))
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("bench: sohoa serve --role %s did not log %q in %s: %s", p.role, marker, timeout, tail(p.logPath, 10))
}

// stat reads peak RSS and CPU time of the running process and of its
// reader children.
func (p *proc) stat() (ProcStat, error) {
	ps := ProcStat{Role: p.role, Workers: p.workers}
	pid := p.cmd.Process.Pid
	rss, err := peakRSS(pid)
	if err != nil {
		return ps, err
	}
	ps.PeakRSS = rss
	cpu, waited, err := procCPU(pid)
	if err != nil {
		return ps, err
	}
	ps.CPU = cpu + waited // waited: children that already exited
	if ps.Readers, err = readerStats(pid); err != nil {
		return ps, err
	}
	for _, rs := range ps.Readers {
		ps.CPU += rs.CPU
	}
	return ps, nil
}

// readerStats reads peak RSS and CPU time of each running reader child of
// pid, sorted by name.
func readerStats(pid int) ([]ReaderStat, error) {
	kids, err := childPIDs(pid)
	if err != nil {
		return nil, err
	}
	var out []ReaderStat
	for _, k := range kids {
		rs := ReaderStat{Name: readerName(k), PID: k}
		if rs.Name == "" {
			continue // not a reader child
		}
		if rs.PeakRSS, err = peakRSS(k); err != nil {
			continue // exited meanwhile
		}
		// The reader's own time and that of what it ran (pdftoppm).
		own, waited, err := procCPU(k)
		if err != nil {
			continue
		}
		rs.CPU = own + waited
		out = append(out, rs)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// peakRSS is VmHWM of pid from /proc/<pid>/status, in bytes.
func peakRSS(pid int) (int64, error) {
	st, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("bench: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(st))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("bench: VmHWM %q: %w", v, err)
			}
			return kb << 10, nil
		}
	}
	return 0, fmt.Errorf("bench: no VmHWM for pid %d", pid)
}

// childPIDs lists the processes whose parent is pid.
func childPIDs(pid int) ([]int, error) {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	var out []int
	for _, e := range ents {
		k, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		f, err := statFields(k)
		if err != nil || len(f) < 2 {
			continue
		}
		if ppid, _ := strconv.Atoi(f[1]); ppid == pid {
			out = append(out, k)
		}
	}
	return out, nil
}

// readerName is a reader child's name from its command line
// ("sohoa reader-child ocr-1"), or "" for another process.
func readerName(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return ""
	}
	args := strings.Split(strings.TrimRight(string(b), "\x00"), "\x00")
	if len(args) >= 3 && args[1] == "reader-child" {
		return args[2]
	}
	return ""
}

// statFields are the fields of /proc/<pid>/stat after the command name,
// which is in parentheses and may hold spaces: state, ppid, ...
func statFields(pid int) ([]string, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return nil, errors.New("bench: malformed /proc stat")
	}
	return strings.Fields(string(b[i+1:])), nil
}

// procCPU is utime+stime of pid from /proc/<pid>/stat, and the time of its
// children it has waited for (cutime+cstime).
func procCPU(pid int) (own, waited time.Duration, err error) {
	f, err := statFields(pid)
	if err != nil {
		return 0, 0, err
	}
	if len(f) < 15 {
		return 0, 0, errors.New("bench: short /proc stat")
	}
	tick := func(s string) time.Duration {
		n, _ := strconv.ParseInt(s, 10, 64)
		const clkTck = 100 // USER_HZ on Linux
		return time.Duration(n) * time.Second / clkTck
	}
	return tick(f[11]) + tick(f[12]), tick(f[13]) + tick(f[14]), nil
}

// stop sends SIGTERM and waits up to a minute, then kills.
func (p *proc) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(time.Minute):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

func tail(path string, n int) string {
	b, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// redisDB returns base with database db, flushed, and a client on it.
func redisDB(ctx context.Context, base string, db int) (string, *redis.Client, error) {
	opt, err := redis.ParseURL(base)
	if err != nil {
		return "", nil, fmt.Errorf("bench: redis URL: %w", err)
	}
	opt.DB = db
	c := redis.NewClient(opt)
	if err := c.FlushDB(ctx).Err(); err != nil {
		c.Close()
		return "", nil, fmt.Errorf("bench: flush redis db %d: %w", db, err)
	}
	u, _ := url.Parse(base)
	u.Path = "/" + strconv.Itoa(db)
	return u.String(), c, nil
}

func redisUsedMemory(ctx context.Context, c *redis.Client) int64 {
	s, err := c.Info(ctx, "memory").Result()
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(s, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "used_memory:"); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	return 0
}

func dirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// topology is the running processes of one Topology over a fresh data
// directory and Redis database.
type topology struct {
	dir, dataDir string
	rc           *redis.Client
	procs        []*proc
	listen       string
	client       *client.Client
}

// startTopology starts the processes of top over a fresh data directory
// under cfg.WorkDir/name and Redis database db, and returns when the API
// serves and every worker has started. close stops them.
func startTopology(ctx context.Context, cfg Config, top Topology, name string, db int) (*topology, error) {
	t := &topology{dir: filepath.Join(cfg.WorkDir, name)}
	if err := os.RemoveAll(t.dir); err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	t.dataDir = filepath.Join(t.dir, "data")
	if err := os.MkdirAll(t.dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	rurl, rc, err := redisDB(ctx, cfg.RedisURL, db)
	if err != nil {
		return nil, err
	}
	t.rc = rc
	if t.listen, err = freePort(); err != nil {
		t.close()
		return nil, fmt.Errorf("bench: %w", err)
	}
	// The API (or all-in-one) process starts first: it creates the master
	// key and the admin token that the workers then share.
	role, workers := "all", top.AllWorkers
	if top.WorkerProcs > 0 {
		role, workers = "api", 1
	}
	api, err := startServe(cfg.SohoaBin, role, workers, t.listen, t.dataDir, rurl, filepath.Join(t.dir, role+".log"))
	if err != nil {
		t.close()
		return nil, err
	}
	t.procs = append(t.procs, api)
	if err := api.waitLog(ctx, "sohoa serving", 2*time.Minute); err != nil {
		t.close()
		return nil, err
	}
	for i := range top.WorkerProcs {
		w, err := startServe(cfg.SohoaBin, "worker", top.WorkersPerProc, "127.0.0.1:0", t.dataDir, rurl, filepath.Join(t.dir, fmt.Sprintf("worker-%d.log", i+1)))
		if err != nil {
			t.close()
			return nil, err
		}
		t.procs = append(t.procs, w)
		if err := w.waitLog(ctx, "workers started", 2*time.Minute); err != nil {
			t.close()
			return nil, err
		}
	}
	t.client = &client.Client{Base: "http://" + t.listen, Token: benchAdminToken, HTTP: &http.Client{Timeout: 10 * time.Minute}}
	return t, nil
}

// close stops the processes and closes the Redis client.
func (t *topology) close() {
	for _, p := range t.procs {
		p.stop()
	}
	t.procs = nil
	t.rc.Close()
}

// stats reads every process's peak RSS and CPU time.
func (t *topology) stats() ([]ProcStat, error) {
	var out []ProcStat
	for _, p := range t.procs {
		st, err := p.stat()
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}

// waitSearchable waits until want records of batch are searchable, for at
// most 30 minutes after start.
func waitSearchable(ctx context.Context, cl *client.Client, batch string, want int, start time.Time) error {
	for {
		res, err := cl.Search(ctx, "", url.Values{"batch": {batch}})
		if err != nil {
			return fmt.Errorf("bench: search batch: %w", err)
		}
		if res.Total >= want {
			return nil
		}
		if time.Since(start) > 30*time.Minute {
			return fmt.Errorf("bench: only %d of %d records searchable after 30 minutes", res.Total, want)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// RunPipeline starts the processes of top over a fresh data directory and
// Redis database db, uploads the PDFs through the API, and measures until
// every finished document is searchable.
func RunPipeline(ctx context.Context, cfg Config, set *PageSet, top Topology, db int) (PipelineRun, error) {
	run := PipelineRun{Topology: top, Documents: len(set.PDFs)}
	t, err := startTopology(ctx, cfg, top, "run-"+strings.NewReplacer(" ", "", "+", "-").Replace(top.Name), db)
	if err != nil {
		return run, err
	}
	defer t.close()
	cl, rc := t.client, t.rc
	mem0 := redisUsedMemory(ctx, rc)

	sampleCtx, stopSampling := context.WithCancel(ctx)
	peak := make(chan int64, 1)
	go func() {
		var hi int64
		defer func() { peak <- hi }()
		for {
			hi = max(hi, redisUsedMemory(sampleCtx, rc)-mem0)
			select {
			case <-sampleCtx.Done():
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()
	defer stopSampling()
	start := time.Now()
	up, err := cl.Upload(ctx, set.PDFs, map[string]string{"note": "sohoa-bench"}, nil)
	if err != nil {
		return run, fmt.Errorf("bench: upload: %w", err)
	}
	run.Upload = time.Since(start)
	b, err := cl.Wait(ctx, up.ID, 50*time.Millisecond, func(b *client.Batch) {
		run.MaxPending = max(run.MaxPending, b.PagesTotal-b.PagesDone)
	})
	if err != nil {
		return run, fmt.Errorf("bench: wait for batch: %w", err)
	}
	run.BatchDone = time.Since(start)
	want := 0
	for _, d := range b.Documents {
		if d.Status == "done" {
			want++
			run.Pages += d.Pages
		}
	}
	if want != len(set.PDFs) {
		return run, fmt.Errorf("bench: batch %s finished %s with %d of %d documents done: %+v", up.ID, b.Status, want, len(set.PDFs), b.Documents)
	}
	if err := waitSearchable(ctx, cl, up.ID, want, start); err != nil {
		return run, err
	}
	run.Wall = time.Since(start)
	if run.Processes, err = t.stats(); err != nil {
		return run, err
	}
	stopSampling()
	run.RedisPeakBytes = <-peak
	run.RedisBytes = redisUsedMemory(ctx, rc) - mem0
	run.RedisKeys, _ = rc.DBSize(ctx).Result()
	run.StoreBytes = dirSize(filepath.Join(t.dataDir, "store"))
	run.IndexBytes = dirSize(filepath.Join(t.dataDir, "index"))
	return run, nil
}
