package child

import (
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/sohoa/sohoa/internal/domain"
)

// Config configures a Pool. The zero value works.
type Config struct {
	// Name tells the pool's children apart in logs ("ocr", "split").
	Name string
	// Slots is the number of children, each serving one request at a time.
	// Default 1.
	Slots int
	// Languages are the Tesseract languages of the children's OCR. Default:
	// the OCR engine's own.
	Languages []string
	// TessdataPrefix overrides Tesseract's data directory.
	TessdataPrefix string
	// MemoryMB is the address space, in MiB, a child may add to what it
	// holds after start (RLIMIT_AS). Default 1536: a 120-megapixel page
	// (the pixel limit) and Tesseract's copies of it fit; a decompression
	// bomb does not.
	MemoryMB int
	// Timeout bounds one request (one page read, one document opened, one
	// page rendered); the child is killed when it passes. Default 3 minutes.
	Timeout time.Duration
	// Exe is the binary to run as a child. Default: the running binary,
	// whose main must call childsrv.Main first.
	Exe string
	// Log receives the children's stderr and the pool's events. Default slog.Default().
	Log *slog.Logger
}

func (c Config) withDefaults() Config {
	if c.Name == "" {
		c.Name = "reader"
	}
	if c.Slots <= 0 {
		c.Slots = 1
	}
	if c.MemoryMB <= 0 {
		c.MemoryMB = 1536
	}
	if c.Timeout <= 0 {
		c.Timeout = 3 * time.Minute
	}
	if c.Log == nil {
		c.Log = slog.Default()
	}
	return c
}

// Pool runs requests in supervised child processes. It is safe for
// concurrent use: at most Config.Slots requests run at once, others wait.
type Pool struct {
	cfg   Config
	slots chan *slot

	mu       sync.Mutex
	all      []*slot
	closed   bool
	restarts int
}

// slot is one child's place in the pool; its process starts on first use
// and again after it died.
type slot struct {
	id   int
	proc *proc
}

// New returns a pool. Children start on first use; Close stops them.
func New(cfg Config) (*Pool, error) {
	cfg = cfg.withDefaults()
	if os.Getenv(EnvChild) == "1" {
		// A binary whose main forgot childsrv.Main would otherwise start
		// copies of itself without end.
		return nil, errors.New("child: a reader child cannot start reader children (call childsrv.Main first in main and TestMain)")
	}
	if cfg.Exe == "" {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("child: find own executable: %w", err)
		}
		cfg.Exe = exe
	}
	p := &Pool{cfg: cfg, slots: make(chan *slot, cfg.Slots)}
	for i := 0; i < cfg.Slots; i++ {
		s := &slot{id: i + 1}
		p.all = append(p.all, s)
		p.slots <- s
	}
	return p, nil
}

// Slots returns the number of children.
func (p *Pool) Slots() int { return p.cfg.Slots }

// Restarts returns how many children died or were killed and were replaced.
func (p *Pool) Restarts() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.restarts
}

// Close stops every child. Requests in flight fail.
func (p *Pool) Close() error {
	p.mu.Lock()
	p.closed = true
	all := p.all
	p.mu.Unlock()
	for _, s := range all {
		if pr := s.proc; pr != nil {
			pr.stop()
		}
	}
	return nil
}

// acquire takes a free slot, waiting for one or for ctx.
func (p *Pool) acquire(ctx context.Context) (*slot, error) {
	select {
	case s := <-p.slots:
		return s, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (p *Pool) release(s *slot) { p.slots <- s }

// call sends one request to the slot's child, starting it if needed, and
// waits for the answer within ctx and the pool's time limit. A child that
// dies or is killed is replaced on the next call; its request fails with a
// rejection wrapping domain.ErrReaderDied (describe says what was being
// done, for the message), or with ctx's error when ctx ended first.
func (p *Pool) call(ctx context.Context, s *slot, req *Request, subject subject) (*Response, error) {
	return p.callWith(ctx, s, req, nil, subject)
}

// callWith is call with body's bytes written to the pipe right after the
// request (OpOpen's document).
func (p *Pool) callWith(ctx context.Context, s *slot, req *Request, body io.Reader, subject subject) (*Response, error) {
	if s.proc == nil || s.proc.dead() {
		p.mu.Lock()
		closed := p.closed
		p.mu.Unlock()
		if closed {
			return nil, errors.New("child: pool closed")
		}
		pr, err := p.start(s.id)
		if err != nil {
			return nil, err
		}
		s.proc = pr
	}
	pr := s.proc
	type result struct {
		resp *Response
		err  error
	}
	done := make(chan result, 1)
	go func() {
		if err := pr.enc.Encode(req); err != nil {
			done <- result{nil, err}
			return
		}
		if body != nil {
			if _, err := io.Copy(pr.reqW, body); err != nil {
				done <- result{nil, err}
				return
			}
		}
		var resp Response
		err := pr.dec.Decode(&resp)
		done <- result{&resp, err}
	}()
	timer := time.NewTimer(p.cfg.Timeout)
	defer timer.Stop()
	var why string
	select {
	case r := <-done:
		if r.err == nil {
			return r.resp, nil
		}
		// The pipe broke: the child died. Wait for its exit status.
		select {
		case <-pr.exited:
		case <-time.After(5 * time.Second):
			pr.kill()
			<-pr.exited
		}
	case <-timer.C:
		why = "timeout"
		pr.kill()
		<-done
		<-pr.exited
	case <-ctx.Done():
		pr.kill()
		<-done
		<-pr.exited
		p.died(pr, "cancelled")
		return nil, ctx.Err()
	}
	if why == "" {
		why = pr.exitReason()
	}
	p.died(pr, why)
	return nil, p.rejection(why, subject)
}

// died records a lost child.
func (p *Pool) died(pr *proc, why string) {
	p.mu.Lock()
	p.restarts++
	p.mu.Unlock()
	p.cfg.Log.Warn("reader child stopped", "pool", p.cfg.Name, "pid", pr.pid, "reason", why,
		"state", pr.state(), "stderr_tail", pr.stderr.tail())
}

// subject is what a request was working on, for messages.
type subject int

const (
	subjectPage     subject = iota // reading or rendering one page
	subjectDocument                // opening a whole document
)

// rejection builds the staff-facing reason for a child lost while working.
func (p *Pool) rejection(why string, what subject) error {
	vi, en := "trang", "page"
	if what == subjectDocument {
		vi, en = "tệp", "file"
	}
	switch why {
	case "timeout":
		return domain.Reject("reader_timeout",
			fmt.Sprintf("Đọc %s này quá thời gian cho phép (%s): bộ đọc đã bị dừng", vi, p.cfg.Timeout),
			fmt.Sprintf("reading this %s took longer than allowed (%s): the reader was stopped", en, p.cfg.Timeout),
			domain.ErrReaderDied)
	case "memory":
		return domain.Reject("reader_memory",
			fmt.Sprintf("Đọc %s này cần quá nhiều bộ nhớ (giới hạn %d MiB): tệp có thể hỏng hoặc là bom giải nén", vi, p.cfg.MemoryMB),
			fmt.Sprintf("reading this %s needs too much memory (limit %d MiB): the file may be damaged or a decompression bomb", en, p.cfg.MemoryMB),
			domain.ErrReaderDied)
	}
	if what == subjectDocument {
		return domain.Reject("reader_crashed", "Tệp hỏng: bộ đọc dừng khi mở tệp này",
			"damaged file: the reader stopped while opening this file", domain.ErrReaderDied)
	}
	return domain.Reject("reader_crashed", "Ảnh trang hỏng: bộ đọc OCR dừng khi đọc trang này",
		"damaged page image: the reader stopped while reading this page", domain.ErrReaderDied)
}

// proc is one running child.
type proc struct {
	pid    int
	cmd    *exec.Cmd
	enc    *gob.Encoder
	dec    *gob.Decoder
	reqW   *os.File
	respR  *os.File
	stderr *tailWriter
	exited chan struct{} // closed when the process has exited
	err    error         // Wait's error, valid after exited
}

func (pr *proc) dead() bool {
	select {
	case <-pr.exited:
		return true
	default:
		return false
	}
}

func (pr *proc) kill() { _ = pr.cmd.Process.Kill() }

// stop closes the child's request pipe, which ends it, and kills it if it
// has not exited within a few seconds.
func (pr *proc) stop() {
	pr.reqW.Close()
	select {
	case <-pr.exited:
	case <-time.After(3 * time.Second):
		pr.kill()
		<-pr.exited
	}
}

// state describes how the process ended.
func (pr *proc) state() string {
	if pr.cmd.ProcessState == nil {
		return "running"
	}
	return pr.cmd.ProcessState.String()
}

// exitReason classifies a child's death: "memory" when it ran out of memory
// (Go's or C++'s allocator said so, or the kernel killed it), otherwise
// "crash".
func (pr *proc) exitReason() string {
	tail := pr.stderr.tail()
	for _, s := range []string{"out of memory", "bad_alloc", "Cannot allocate memory", "cannot allocate memory"} {
		if strings.Contains(tail, s) {
			return "memory"
		}
	}
	if ws, ok := pr.cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
		return "memory" // not killed by us (that is a timeout): the kernel's OOM killer
	}
	return "crash"
}

// start runs a new child for slot id.
func (p *Pool) start(id int) (*proc, error) {
	reqR, reqW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("child: pipe: %w", err)
	}
	respR, respW, err := os.Pipe()
	if err != nil {
		reqR.Close()
		reqW.Close()
		return nil, fmt.Errorf("child: pipe: %w", err)
	}
	cmd := exec.Command(p.cfg.Exe)
	cmd.Args = []string{p.cfg.Exe, "reader-child", p.cfg.Name + "-" + strconv.Itoa(id)}
	cmd.Env = childEnv(os.Environ(), p.cfg)
	cmd.ExtraFiles = []*os.File{reqR, respW} // fds 3 and 4
	cmd.Stdin = nil
	tail := &tailWriter{log: p.cfg.Log, pool: p.cfg.Name}
	cmd.Stdout, cmd.Stderr = tail, tail
	// The child dies with the worker, even when the worker is killed.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		reqR.Close()
		reqW.Close()
		respR.Close()
		respW.Close()
		return nil, fmt.Errorf("child: start %s: %w", p.cfg.Exe, err)
	}
	// The child has its own copies of its ends.
	reqR.Close()
	respW.Close()
	pr := &proc{pid: cmd.Process.Pid, cmd: cmd, enc: gob.NewEncoder(reqW), dec: gob.NewDecoder(respR),
		reqW: reqW, respR: respR, stderr: tail, exited: make(chan struct{})}
	tail.pid = pr.pid
	go func() {
		pr.err = cmd.Wait()
		reqW.Close()
		respR.Close()
		close(pr.exited)
	}()
	p.cfg.Log.Debug("reader child started", "pool", p.cfg.Name, "slot", id, "pid", pr.pid)
	return pr, nil
}

// childEnv is the parent's environment with the child's settings.
func childEnv(env []string, cfg Config) []string {
	out := make([]string, 0, len(env)+6)
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case EnvChild, EnvLanguages, EnvTessdata, EnvMemoryMB, "MALLOC_ARENA_MAX":
			continue
		}
		out = append(out, kv)
	}
	if _, ok := os.LookupEnv("OMP_THREAD_LIMIT"); !ok {
		out = append(out, "OMP_THREAD_LIMIT=1")
	}
	out = append(out, EnvChild+"=1", EnvMemoryMB+"="+strconv.Itoa(cfg.MemoryMB),
		// glibc reserves 64 MiB of address space per malloc arena and
		// thread; two arenas keep the address-space cap about real memory.
		"MALLOC_ARENA_MAX=2")
	if len(cfg.Languages) > 0 {
		out = append(out, EnvLanguages+"="+strings.Join(cfg.Languages, "+"))
	}
	if cfg.TessdataPrefix != "" {
		out = append(out, EnvTessdata+"="+cfg.TessdataPrefix)
	}
	return out
}

// tailWriter keeps the start and the end of a child's output, for
// diagnosing its death (a Go crash prints the cause first and every
// goroutine after it), and forwards the child's own log records.
type tailWriter struct {
	log  *slog.Logger
	pool string
	pid  int

	mu   sync.Mutex
	head []byte // first bytes written
	buf  []byte // last bytes written
	line bytes.Buffer
}

const tailMax = 2048

func (t *tailWriter) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if n := tailMax - len(t.head); n > 0 {
		t.head = append(t.head, b[:min(n, len(b))]...)
	}
	t.buf = append(t.buf, b...)
	if len(t.buf) > tailMax {
		t.buf = append([]byte(nil), t.buf[len(t.buf)-tailMax:]...)
	}
	t.line.Write(b)
	for {
		line, err := t.line.ReadString('\n')
		if err == io.EOF {
			t.line.WriteString(line) // incomplete: keep for the next write
			break
		}
		// The child logs with slog's text handler; library chatter and
		// crash dumps stay in the buffers.
		if s := strings.TrimSpace(line); strings.HasPrefix(s, "time=") {
			t.log.Warn("reader child", "pool", t.pool, "pid", t.pid, "record", truncate(s, 500))
		}
	}
	if t.line.Len() > tailMax {
		t.line.Reset()
	}
	return len(b), nil
}

// tail returns the start and the end of the output.
func (t *tailWriter) tail() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.buf) < tailMax {
		return string(t.buf)
	}
	return string(t.head[:min(len(t.head), 1024)]) + "\n…\n" + string(t.buf[len(t.buf)-1024:])
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
