package audit

import (
	"bufio"
	"crypto/hmac"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// An anchor is a copy of the chain head (sequence number, hash, time, MAC)
// written to a sink the server cannot rewrite: an append-only file on
// another path (Config.AnchorPath) and any other writers
// (Config.AnchorSinks, e.g. syslog). Whoever can rewrite the log, its head
// and even hold the key cannot make the log verify against anchors written
// before: every anchored (seq, hash) must still be in the log, and the log
// must reach the last anchored seq.
type anchor struct {
	Seq  uint64 `json:"seq"`
	Hash string `json:"hash"`
	Time string `json:"time"`
	MAC  string `json:"mac,omitempty"`
}

func anchorMAC(key []byte, a anchor) string {
	return macOf(key, "anchor", strconv.FormatUint(a.Seq, 10), a.Hash, a.Time)
}

// writeAnchor records the head h in every anchor sink. Called with the log
// lock held.
func (l *Log) writeAnchor(h head) error {
	if l.anchor == nil && len(l.cfg.AnchorSinks) == 0 {
		return nil
	}
	a := anchor{Seq: h.Seq, Hash: h.Hash, Time: l.cfg.Now().UTC().Format(time.RFC3339Nano)}
	if l.cfg.Key != nil {
		a.MAC = anchorMAC(l.cfg.Key, a)
	}
	b, err := json.Marshal(a)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if l.anchor != nil {
		if _, err := l.anchor.Write(b); err != nil {
			return fmt.Errorf("audit: anchor %s: %w", l.cfg.AnchorPath, err)
		}
		if err := l.anchor.Sync(); err != nil {
			return fmt.Errorf("audit: anchor %s: fsync: %w", l.cfg.AnchorPath, err)
		}
	}
	for _, w := range l.cfg.AnchorSinks {
		if _, err := w.Write([]byte("sohoa audit anchor " + string(b[:len(b)-1]))); err != nil {
			return fmt.Errorf("audit: anchor sink: %w", err)
		}
	}
	l.anchored, l.sinceAnchor = h.Seq, 0
	return nil
}

// openAnchor opens the anchor file for appending only (mode 0600,
// directories 0700).
func openAnchor(path string) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("audit: anchor %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("audit: anchor %s: %w", path, err)
	}
	return f, nil
}

// Anchor writes the current head to the anchor sinks now, if entries were
// appended since the last anchor this Log wrote.
func (l *Log) Anchor() error {
	if err := l.lock(); err != nil {
		return err
	}
	defer l.unlock()
	return l.anchorHeadLocked()
}

func (l *Log) anchorHeadLocked() error {
	if l.anchor == nil && len(l.cfg.AnchorSinks) == 0 {
		return nil
	}
	h, err := readHead(l.path)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && h.Seq == l.anchored) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("audit: anchor: %w", err)
	}
	return l.writeAnchor(h)
}

// anchorLoop anchors every interval until stop is closed.
func (l *Log) anchorLoop(interval time.Duration, stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			if err := l.Anchor(); err != nil {
				l.cfg.Logger.Error("audit anchor failed", "err", err)
			}
		}
	}
}

// readAnchors reads the anchor file at path; unparsable lines are
// returned as problems.
func readAnchors(path string) ([]anchor, []Problem, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	var out []anchor
	var probs []Problem
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		var a anchor
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil || a.Seq == 0 {
			probs = append(probs, Problem{Kind: KindAnchor, Detail: fmt.Sprintf("anchor file line %d is not a valid anchor", n)})
			continue
		}
		out = append(out, a)
	}
	if err := sc.Err(); err != nil && !errors.Is(err, io.EOF) {
		return nil, nil, err
	}
	return out, probs, nil
}

// checkAnchors adds to r a problem for every anchor the log does not hold.
// hashes maps each sequence number in the log to its hash.
func checkAnchors(r *Report, anchorPath string, key []byte, hashes map[uint64]string, last uint64) error {
	as, probs, err := readAnchors(anchorPath)
	if errors.Is(err, fs.ErrNotExist) {
		r.Problems = append(r.Problems, Problem{Kind: KindAnchor, Detail: "anchor file " + anchorPath + " is missing"})
		return nil
	}
	if err != nil {
		return fmt.Errorf("audit: verify: anchor %s: %w", anchorPath, err)
	}
	r.Problems = append(r.Problems, probs...)
	r.Anchors = len(as)
	// One problem per kind of failure, naming the first anchor concerned
	// and how many more: a rewritten log fails every later anchor.
	type failure struct {
		first anchor
		n     int
	}
	var order []string
	failures := map[string]*failure{}
	for _, a := range as {
		var detail string
		h, ok := hashes[a.Seq]
		switch {
		case key != nil && !hmac.Equal([]byte(a.MAC), []byte(anchorMAC(key, a))):
			detail = "has a wrong HMAC: not written by sohoa"
		case a.Seq > last:
			detail = fmt.Sprintf("is beyond the end of the log (seq %d): entries removed", last)
		case !ok:
			detail = "is not in the log: entries removed"
		case h != a.Hash:
			detail = "differs from the log's entry: log rewritten"
		default:
			r.AnchorSeq = max(r.AnchorSeq, a.Seq)
			continue
		}
		if f, ok := failures[detail]; ok {
			f.n++
			continue
		}
		failures[detail] = &failure{first: a, n: 1}
		order = append(order, detail)
	}
	for _, d := range order {
		f := failures[d]
		p := Problem{Seq: f.first.Seq, Kind: KindAnchor, Detail: fmt.Sprintf("seq %d anchored at %s %s", f.first.Seq, f.first.Time, d)}
		if f.n > 1 {
			p.Detail += fmt.Sprintf(" (and %d more anchors)", f.n-1)
		}
		r.Problems = append(r.Problems, p)
	}
	return nil
}

// HeadKeyedWith reports whether the head file of the log at path carries a
// valid HMAC under key: whether the log was written with that key. A
// missing head is (false, nil).
func HeadKeyedWith(path string, key []byte) (bool, error) {
	h, err := readHead(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("audit: %s: %w", HeadPath(path), err)
	}
	return h.MAC != "" && hmac.Equal([]byte(h.MAC), []byte(headMAC(key, h))), nil
}

// Retire renames the log at path and its head to path+suffix (and its
// head), so that a new log can start, and returns the retired log's last
// sequence number and hash for the new log's first entry to record.
func Retire(path, suffix string) (seq uint64, hash string, err error) {
	h, err := readHead(path)
	if err != nil {
		return 0, "", fmt.Errorf("audit: retire %s: %w", path, err)
	}
	if err := os.Rename(path, path+suffix); err != nil {
		return 0, "", fmt.Errorf("audit: retire: %w", err)
	}
	if err := os.Rename(HeadPath(path), HeadPath(path+suffix)); err != nil {
		return 0, "", fmt.Errorf("audit: retire: %w", err)
	}
	return h.Seq, h.Hash, nil
}
