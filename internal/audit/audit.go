// Package audit is sohoa's append-only, hash-chained audit log of uploads,
// searches, record views, unmasked reads, downloads, token and key
// operations, purges and quarantines.
//
// The log is a file of JSON lines. Each entry carries a sequence number, the
// SHA-256 of the previous entry (Prev) and its own SHA-256 (Hash) over a
// canonical, length-prefixed encoding of all its fields including Prev, so
// editing, removing, inserting or reordering entries breaks the chain at a
// place Verify names. A separate head file ("<log>.head") holds the last
// sequence number and hash, so removing entries from the end is detected
// too.
//
// With a key (Config.Key), every entry and the head also carry an
// HMAC-SHA256, so even someone who can rewrite the whole file and the head
// cannot produce a log that verifies without the key. Without a key the
// chain detects edits of history but not a complete, consistent rewrite.
//
// Appends are serialised across goroutines (a mutex) and across processes on
// one machine (flock on the log file), and fsynced before Append returns.
// Reasons are stored encrypted under a key derived from the log key, and a
// search's text (Details[QueryTextDetail], see SearchDetails) only as its
// keyed hash. Callers must never put personal values, token secrets or key
// material anywhere else in an event: log IDs, counts and field names.
//
// The head is also appended to an anchor file on another path (and other
// sinks such as syslog), which the server can add to but should not be able
// to rewrite; Verify with the anchor then detects a log rewritten even by
// someone holding the key.
package audit

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// Action is what an audited event did.
type Action string

// Actions recorded by sohoa. Others may be used; they must be short
// lower-case words.
const (
	ActionUpload      Action = "upload"
	ActionSearch      Action = "search"
	ActionView        Action = "view"
	ActionUnmask      Action = "unmask"
	ActionDownload    Action = "download"
	ActionExport      Action = "export"
	ActionTokenCreate Action = "token_create"
	ActionTokenRevoke Action = "token_revoke"
	ActionKeyInit     Action = "key_init"
	ActionKeyRotate   Action = "key_rotate"
	ActionKeyRewrap   Action = "key_rewrap"
	ActionKeyStatus   Action = "key_status"
	ActionPurge       Action = "purge"
	ActionQuarantine  Action = "quarantine"
	ActionLogin       Action = "login_failed"
)

// Actor identifies who acted: a token ID and its name, or a system
// component (e.g. TokenID "", Name "worker").
type Actor struct {
	TokenID string `json:"token_id"`
	Name    string `json:"name"`
}

// Event is what a caller records.
type Event struct {
	Actor  Actor  `json:"actor"`
	Role   string `json:"role"`
	Action Action `json:"action"`
	// Object is the batch or document ID acted on (or a token/key ID).
	Object string `json:"object,omitempty"`
	// Reason is the caller's stated reason, required for sensitive reads.
	// Append stores it encrypted under the log key (ReasonPrefix); an
	// administrator reads it with RevealReasons.
	Reason string `json:"reason,omitempty"`
	// Details holds other facts (filter names, page number, result
	// count, ...), never personal values or secrets. A search's text goes
	// under QueryTextDetail (see SearchDetails), which Append replaces by
	// its keyed hash.
	Details map[string]string `json:"details,omitempty"`
}

// Entry is an appended Event with its place in the chain.
type Entry struct {
	Seq  uint64    `json:"seq"`
	Time time.Time `json:"time"`
	Event
	// Prev is the hex SHA-256 of the previous entry ("" for the first).
	Prev string `json:"prev"`
	// Hash is the hex SHA-256 of this entry's canonical encoding.
	Hash string `json:"hash"`
	// MAC is the hex HMAC-SHA256 of Hash under the log key, when the log
	// has one.
	MAC string `json:"mac,omitempty"`
}

// line is the on-disk form of an Entry; Time is kept as the exact string
// that was hashed.
type line struct {
	Seq     uint64            `json:"seq"`
	Time    string            `json:"time"`
	Actor   Actor             `json:"actor"`
	Role    string            `json:"role"`
	Action  Action            `json:"action"`
	Object  string            `json:"object,omitempty"`
	Reason  string            `json:"reason,omitempty"`
	Details map[string]string `json:"details,omitempty"`
	Prev    string            `json:"prev"`
	Hash    string            `json:"hash"`
	MAC     string            `json:"mac,omitempty"`
}

// head is the JSON of the head file.
type head struct {
	Seq  uint64 `json:"seq"`
	Hash string `json:"hash"`
	MAC  string `json:"mac,omitempty"`
}

// AnomalyDetail is the Details key under which Append records a
// disagreement between the log and its head file that it found (and that
// Verify reports).
const AnomalyDetail = "audit_anomaly"

// MaxEntryBytes bounds the encoded size of one entry.
const MaxEntryBytes = 64 << 10

// ErrTampered is returned by Verify when the log or its head file does not
// verify; the Report says where.
var ErrTampered = errors.New("audit: log does not verify")

func appendLP(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// canonical is the byte string an entry's Hash covers.
func canonical(l *line) []byte {
	b := make([]byte, 0, 256)
	b = appendLP(b, "sohoa-audit-v1")
	b = appendLP(b, strconv.FormatUint(l.Seq, 10))
	b = appendLP(b, l.Time)
	b = appendLP(b, l.Actor.TokenID)
	b = appendLP(b, l.Actor.Name)
	b = appendLP(b, l.Role)
	b = appendLP(b, string(l.Action))
	b = appendLP(b, l.Object)
	b = appendLP(b, l.Reason)
	keys := make([]string, 0, len(l.Details))
	for k := range l.Details {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b = appendLP(b, strconv.Itoa(len(keys)))
	for _, k := range keys {
		b = appendLP(b, k)
		b = appendLP(b, l.Details[k])
	}
	return appendLP(b, l.Prev)
}

func hashLine(l *line) string {
	h := sha256.Sum256(canonical(l))
	return hex.EncodeToString(h[:])
}

func macOf(key []byte, parts ...string) string {
	m := hmac.New(sha256.New, key)
	var b []byte
	for _, p := range parts {
		b = appendLP(b, p)
	}
	m.Write(b)
	return hex.EncodeToString(m.Sum(nil))
}

func entryMAC(key []byte, hash string) string { return macOf(key, "entry", hash) }

func headMAC(key []byte, h head) string {
	return macOf(key, "head", strconv.FormatUint(h.Seq, 10), h.Hash)
}

func (l *line) entry() Entry {
	t, _ := time.Parse(time.RFC3339Nano, l.Time)
	return Entry{
		Seq: l.Seq, Time: t,
		Event: Event{Actor: l.Actor, Role: l.Role, Action: l.Action, Object: l.Object, Reason: l.Reason, Details: l.Details},
		Prev:  l.Prev, Hash: l.Hash, MAC: l.MAC,
	}
}

// Config tunes a Log. The zero value works.
type Config struct {
	// Key, when set (32 bytes recommended, e.g. derived from the vault
	// keyring with DeriveKey("audit")), adds an HMAC to every entry and to
	// the head. Default: none (hash chain only).
	Key []byte
	// Logger receives warnings about repairs and anomalies found while
	// appending. Default: slog.Default().
	Logger *slog.Logger
	// Now is the clock. Default time.Now.
	Now func() time.Time
	// AnchorPath, when set, is a file on another path than the log (best
	// on another filesystem or host, writable but not rewritable by the
	// server) to which the chain head is appended (see Anchor).
	AnchorPath string
	// AnchorSinks receive the same anchor lines (e.g. syslog). Verify
	// cannot read them back; they are for the operator. Close closes those
	// that are io.Closers.
	AnchorSinks []io.Writer
	// AnchorEvery anchors the head after this many appends by this Log.
	// Default 1 (every append).
	AnchorEvery int
	// AnchorInterval, when positive, also anchors the head this often if
	// entries were appended since the last anchor. The head is always
	// anchored on Close.
	AnchorInterval time.Duration
}

// Log is an open audit log. It is safe for concurrent use by many
// goroutines, and several processes on one machine may append to the same
// file.
type Log struct {
	path string
	cfg  Config
	mu   sync.Mutex
	f    *os.File // O_RDWR|O_APPEND

	anchor      *os.File // O_WRONLY|O_APPEND, nil without AnchorPath
	anchored    uint64   // last seq this Log anchored
	sinceAnchor int      // appends since then
	stop, done  chan struct{}
	stopOnce    sync.Once
}

// HeadPath returns the head file path of the log at path.
func HeadPath(path string) string { return path + ".head" }

// Open opens (creating with mode 0600, directories 0700) the audit log at
// path with the default Config.
func Open(path string) (*Log, error) { return OpenWithConfig(path, Config{}) }

// OpenWithConfig opens the audit log at path.
func OpenWithConfig(path string, cfg Config) (*Log, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.AnchorEvery <= 0 {
		cfg.AnchorEvery = 1
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("audit: open %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("audit: open %s: %w", path, err)
	}
	if fi, err := f.Stat(); err == nil && fi.Mode().Perm() != 0o600 {
		cfg.Logger.Warn("audit log had loose permissions; set to 0600", "path", path, "mode", fmt.Sprintf("%04o", fi.Mode().Perm()))
		if err := f.Chmod(0o600); err != nil {
			f.Close()
			return nil, fmt.Errorf("audit: chmod %s: %w", path, err)
		}
	}
	l := &Log{path: path, cfg: cfg, f: f}
	if cfg.AnchorPath != "" {
		if l.anchor, err = openAnchor(cfg.AnchorPath); err != nil {
			f.Close()
			return nil, err
		}
	}
	if err := l.initHead(); err != nil {
		l.closeFiles()
		return nil, err
	}
	if cfg.AnchorInterval > 0 && (l.anchor != nil || len(cfg.AnchorSinks) > 0) {
		l.stop, l.done = make(chan struct{}), make(chan struct{})
		go l.anchorLoop(cfg.AnchorInterval, l.stop, l.done)
	}
	return l, nil
}

// initHead writes the head of a new, empty log (seq 0), so that Verify can
// tell a log that was never written from one whose head was deleted.
func (l *Log) initHead() error {
	if err := l.lock(); err != nil {
		return err
	}
	defer l.unlock()
	fi, err := l.f.Stat()
	if err != nil {
		return fmt.Errorf("audit: stat: %w", err)
	}
	if _, err := os.Stat(HeadPath(l.path)); fi.Size() > 0 || !errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	h := head{}
	if l.cfg.Key != nil {
		h.MAC = headMAC(l.cfg.Key, h)
	}
	if err := writeHead(l.path, h); err != nil {
		return fmt.Errorf("audit: open: %w", err)
	}
	return nil
}

func (l *Log) closeFiles() error {
	err := l.f.Close()
	if l.anchor != nil {
		err = errors.Join(err, l.anchor.Close())
	}
	for _, w := range l.cfg.AnchorSinks {
		if c, ok := w.(io.Closer); ok {
			err = errors.Join(err, c.Close())
		}
	}
	return err
}

// Path returns the log file path.
func (l *Log) Path() string { return l.path }

// Close anchors the head if entries were appended since the last anchor,
// and closes the log.
func (l *Log) Close() error {
	l.stopOnce.Do(func() {
		if l.stop != nil {
			close(l.stop)
			<-l.done
		}
	})
	err := l.Anchor()
	l.mu.Lock()
	defer l.mu.Unlock()
	return errors.Join(err, l.closeFiles())
}

func (l *Log) lock() error {
	l.mu.Lock()
	for {
		err := syscall.Flock(int(l.f.Fd()), syscall.LOCK_EX)
		if err == nil {
			return nil
		}
		if err != syscall.EINTR {
			l.mu.Unlock()
			return fmt.Errorf("audit: flock %s: %w", l.path, err)
		}
	}
}

func (l *Log) unlock() {
	_ = syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	l.mu.Unlock()
}

// Append records e and returns the entry as written. The entry is on disk
// (fsynced) and the head file updated when Append returns. If the log or
// head were tampered with, Append still records the event, keeping the
// evidence (a sequence gap) for Verify, and logs a warning.
func (l *Log) Append(ctx context.Context, e Event) (Entry, error) {
	if err := ctx.Err(); err != nil {
		return Entry{}, err
	}
	if e.Action == "" {
		return Entry{}, errors.New("audit: append: event has no action")
	}
	e, err := l.private(e)
	if err != nil {
		return Entry{}, err
	}
	if err := l.lock(); err != nil {
		return Entry{}, err
	}
	defer l.unlock()

	last, err := l.repairTail()
	if err != nil {
		return Entry{}, err
	}
	hd, herr := readHead(l.path)
	seq := uint64(1)
	prev := ""
	if last != nil {
		seq, prev = last.Seq+1, last.Hash
	}
	// anomaly, when set, is recorded in the entry itself so that the
	// evidence survives the head file being rewritten by this append.
	anomaly := ""
	switch {
	case herr != nil && !errors.Is(herr, fs.ErrNotExist):
		anomaly = "head file unreadable"
	case herr != nil: // no head yet
		if last != nil {
			anomaly = fmt.Sprintf("head file missing while the log ends at seq %d", last.Seq)
		}
	case last == nil && hd.Seq > 0:
		anomaly = fmt.Sprintf("log empty but head recorded seq %d", hd.Seq)
		seq = hd.Seq + 1
	case last == nil:
		// empty log, empty head
	case hd.Seq == last.Seq && hd.Hash == last.Hash && l.headMACOK(hd):
		// consistent
	case hd.Seq+1 == last.Seq && hd.Hash == last.Prev && l.macOK(last):
		// A crash after writing the entry but before the head: repair.
		l.cfg.Logger.Warn("audit head was one entry behind (interrupted append); repaired", "seq", last.Seq)
	case hd.Seq > last.Seq:
		anomaly = fmt.Sprintf("log ended at seq %d but head recorded seq %d", last.Seq, hd.Seq)
		seq = hd.Seq + 1
	default:
		anomaly = fmt.Sprintf("head (seq %d) did not match the log (seq %d)", hd.Seq, last.Seq)
	}
	if anomaly != "" {
		l.cfg.Logger.Warn("audit log anomaly; recorded in the next entry", "path", l.path, "anomaly", anomaly)
		d := make(map[string]string, len(e.Details)+1)
		for k, v := range e.Details {
			d[k] = v
		}
		d[AnomalyDetail] = anomaly
		e.Details = d
	}

	now := l.cfg.Now().UTC()
	ln := &line{
		Seq: seq, Time: now.Format(time.RFC3339Nano),
		Actor: e.Actor, Role: e.Role, Action: e.Action, Object: e.Object, Reason: e.Reason,
		Details: e.Details, Prev: prev,
	}
	if len(ln.Details) == 0 {
		ln.Details = nil
	}
	ln.Hash = hashLine(ln)
	if l.cfg.Key != nil {
		ln.MAC = entryMAC(l.cfg.Key, ln.Hash)
	}
	b, err := json.Marshal(ln)
	if err != nil {
		return Entry{}, fmt.Errorf("audit: append: %w", err)
	}
	if len(b) > MaxEntryBytes {
		return Entry{}, fmt.Errorf("audit: append: entry of %d bytes exceeds %d", len(b), MaxEntryBytes)
	}
	b = append(b, '\n')
	if _, err := l.f.Write(b); err != nil {
		return Entry{}, fmt.Errorf("audit: append: %w", err)
	}
	if err := l.f.Sync(); err != nil {
		return Entry{}, fmt.Errorf("audit: append: fsync: %w", err)
	}
	nh := head{Seq: ln.Seq, Hash: ln.Hash}
	if l.cfg.Key != nil {
		nh.MAC = headMAC(l.cfg.Key, nh)
	}
	if err := writeHead(l.path, nh); err != nil {
		return Entry{}, fmt.Errorf("audit: append: %w", err)
	}
	if l.sinceAnchor++; l.sinceAnchor >= l.cfg.AnchorEvery {
		if err := l.writeAnchor(nh); err != nil {
			return Entry{}, err
		}
	}
	return ln.entry(), nil
}

func (l *Log) macOK(ln *line) bool {
	if l.cfg.Key == nil {
		return true
	}
	return hmac.Equal([]byte(ln.MAC), []byte(entryMAC(l.cfg.Key, ln.Hash)))
}

func (l *Log) headMACOK(h head) bool {
	if l.cfg.Key == nil {
		return true
	}
	return hmac.Equal([]byte(h.MAC), []byte(headMAC(l.cfg.Key, h)))
}

// repairTail returns the last complete entry of the log (nil if empty). A
// trailing partial line (a crash mid-write) is cut off. Called with the lock
// held.
func (l *Log) repairTail() (*line, error) {
	fi, err := l.f.Stat()
	if err != nil {
		return nil, fmt.Errorf("audit: stat: %w", err)
	}
	size := fi.Size()
	if size == 0 {
		return nil, nil
	}
	lines, end, err := readLastLines(l.f, size, 1)
	if err != nil {
		return nil, fmt.Errorf("audit: read tail: %w", err)
	}
	if end < size {
		l.cfg.Logger.Warn("audit log ended with a partial entry (interrupted append); removed it", "bytes", size-end)
		if err := l.f.Truncate(end); err != nil {
			return nil, fmt.Errorf("audit: repair tail: %w", err)
		}
	}
	if len(lines) == 0 {
		return nil, nil
	}
	var ln line
	if err := json.Unmarshal(lines[0], &ln); err != nil {
		return nil, fmt.Errorf("audit: last entry of %s is not valid JSON; run audit verify", l.path)
	}
	return &ln, nil
}

// readLastLines returns up to n complete ('\n'-terminated) lines from the
// end of f (oldest first, without the newline), and the offset just after
// the last complete line.
func readLastLines(f io.ReaderAt, size int64, n int) ([][]byte, int64, error) {
	const chunk = 64 << 10
	var buf []byte
	pos := size
	for {
		start := max(pos-chunk, 0)
		b := make([]byte, pos-start)
		if _, err := f.ReadAt(b, start); err != nil && err != io.EOF {
			return nil, 0, err
		}
		buf = append(b, buf...)
		pos = start
		// The data after the last newline is a partial line.
		lastNL := bytes.LastIndexByte(buf, '\n')
		if lastNL < 0 {
			if pos == 0 {
				return nil, 0, nil // a single partial line
			}
			continue
		}
		complete := buf[:lastNL]
		if bytes.Count(complete, []byte{'\n'}) >= n || pos == 0 {
			parts := bytes.Split(complete, []byte{'\n'})
			if pos > 0 {
				parts = parts[1:] // the first may be cut
			}
			if len(parts) > n {
				parts = parts[len(parts)-n:]
			}
			return parts, pos + int64(lastNL) + 1, nil
		}
	}
}

func readHead(path string) (head, error) {
	var h head
	b, err := os.ReadFile(HeadPath(path))
	if err != nil {
		return h, err
	}
	if err := json.Unmarshal(b, &h); err != nil {
		return h, fmt.Errorf("head file is not valid JSON")
	}
	return h, nil
}

func writeHead(path string, h head) error {
	b, err := json.Marshal(h)
	if err != nil {
		return err
	}
	tmp := HeadPath(path) + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("write head: %w", err)
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("write head: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("write head: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write head: %w", err)
	}
	if err := os.Rename(tmp, HeadPath(path)); err != nil {
		return fmt.Errorf("write head: %w", err)
	}
	return nil
}

// Tail returns the last n entries, oldest first.
func (l *Log) Tail(n int) ([]Entry, error) {
	if n <= 0 {
		return nil, nil
	}
	f, err := os.Open(l.path)
	if err != nil {
		return nil, fmt.Errorf("audit: tail: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("audit: tail: %w", err)
	}
	lines, _, err := readLastLines(f, fi.Size(), n)
	if err != nil {
		return nil, fmt.Errorf("audit: tail: %w", err)
	}
	out := make([]Entry, 0, len(lines))
	for _, b := range lines {
		var ln line
		if err := json.Unmarshal(b, &ln); err != nil {
			return nil, fmt.Errorf("audit: tail: an entry is not valid JSON; run audit verify")
		}
		out = append(out, ln.entry())
	}
	return out, nil
}

// Read returns up to limit entries with Seq >= from, in file order. It scans
// the file from the start.
func (l *Log) Read(from uint64, limit int) ([]Entry, error) {
	f, err := os.Open(l.path)
	if err != nil {
		return nil, fmt.Errorf("audit: read: %w", err)
	}
	defer f.Close()
	var out []Entry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), MaxEntryBytes+1)
	for sc.Scan() && len(out) < limit {
		var ln line
		if err := json.Unmarshal(sc.Bytes(), &ln); err != nil {
			return nil, fmt.Errorf("audit: read: an entry is not valid JSON; run audit verify")
		}
		if ln.Seq >= from {
			out = append(out, ln.entry())
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("audit: read: %w", err)
	}
	return out, nil
}
