package audit

import (
	"bufio"
	"crypto/hmac"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// Problem kinds reported by Verify.
const (
	// KindCorrupt: a line is not a valid entry.
	KindCorrupt = "corrupt"
	// KindEdited: an entry's content does not match its own hash.
	KindEdited = "edited"
	// KindMAC: an entry's or the head's HMAC is missing or wrong (rewritten
	// without the key).
	KindMAC = "mac"
	// KindRemoved: sequence numbers are missing.
	KindRemoved = "removed"
	// KindReordered: entries are out of sequence order (or duplicated).
	KindReordered = "reordered"
	// KindChain: an entry's Prev does not match the hash of the entry
	// before it (that entry was replaced, or this one inserted).
	KindChain = "chain"
	// KindTruncated: the head records entries the log no longer has.
	KindTruncated = "truncated"
	// KindHead: the head file is missing, unreadable or does not match.
	KindHead = "head"
	// KindAnomaly: an appender found the log and head inconsistent and
	// recorded it in an entry.
	KindAnomaly = "anomaly"
	// KindMissing: the log file itself is missing.
	KindMissing = "missing"
	// KindAnchor: the anchor file is missing or unreadable, or holds a
	// head the log does not (entries removed, or the log rewritten).
	KindAnchor = "anchor"
)

// Problem is one verification failure and where it is.
type Problem struct {
	// Line is the 1-based line number in the log file (0 for the head file
	// or the end of the log).
	Line int `json:"line,omitempty"`
	// Seq is the sequence number concerned, when known.
	Seq uint64 `json:"seq,omitempty"`
	// Kind is one of the Kind constants.
	Kind string `json:"kind"`
	// Detail says what is wrong in words.
	Detail string `json:"detail"`
}

// String formats p as "line 5 (seq 6): removed: ...".
func (p Problem) String() string {
	var loc string
	switch {
	case p.Kind == KindAnchor || p.Kind == KindMissing:
		return p.Kind + ": " + p.Detail
	case p.Line > 0 && p.Seq > 0:
		loc = fmt.Sprintf("line %d (seq %d)", p.Line, p.Seq)
	case p.Line > 0:
		loc = fmt.Sprintf("line %d", p.Line)
	case p.Seq > 0:
		loc = fmt.Sprintf("head/end (seq %d)", p.Seq)
	default:
		loc = "head"
	}
	return loc + ": " + p.Kind + ": " + p.Detail
}

// Report is the result of Verify.
type Report struct {
	Path string `json:"path"`
	// Entries is the number of lines in the log.
	Entries int `json:"entries"`
	// LastSeq and LastHash describe the last entry.
	LastSeq  uint64 `json:"last_seq"`
	LastHash string `json:"last_hash"`
	// HeadSeq is the sequence number recorded in the head file.
	HeadSeq uint64 `json:"head_seq"`
	// Keyed reports whether HMACs were checked.
	Keyed bool `json:"keyed"`
	// AnchorPath is the anchor file checked ("" when none was).
	AnchorPath string `json:"anchor_path,omitempty"`
	// Anchors is the number of anchors read; AnchorSeq the highest
	// anchored sequence number the log matched.
	Anchors   int    `json:"anchors,omitempty"`
	AnchorSeq uint64 `json:"anchor_seq,omitempty"`
	// Problems lists every failure, in file order, head last.
	Problems []Problem `json:"problems,omitempty"`
	// Warnings are benign findings (an append interrupted by a crash).
	Warnings []string `json:"warnings,omitempty"`
}

// OK reports whether the log verified.
func (r Report) OK() bool { return len(r.Problems) == 0 }

// String summarises the report, one problem per line.
func (r Report) String() string {
	var b strings.Builder
	if r.OK() {
		fmt.Fprintf(&b, "%s: OK, %d entries, last seq %d", r.Path, r.Entries, r.LastSeq)
	} else {
		fmt.Fprintf(&b, "%s: %d problems in %d entries", r.Path, len(r.Problems), r.Entries)
	}
	if r.Keyed {
		b.WriteString(" (HMAC checked)")
	}
	if r.AnchorPath != "" {
		fmt.Fprintf(&b, " (%d anchors in %s, last anchored seq %d)", r.Anchors, r.AnchorPath, r.AnchorSeq)
	}
	for _, p := range r.Problems {
		b.WriteString("\n  " + p.String())
	}
	for _, w := range r.Warnings {
		b.WriteString("\n  warning: " + w)
	}
	return b.String()
}

// Verify checks the audit log at path and its head file without a key:
// every entry's hash, sequence and link to the previous entry, and the head.
// It returns an error wrapping ErrTampered when there are problems (the
// Report says where), or another error if the log cannot be read.
func Verify(path string) (Report, error) { return VerifyWithKey(path, nil) }

// VerifyWithKey is Verify that also checks the HMACs made with key.
func VerifyWithKey(path string, key []byte) (Report, error) {
	return VerifyWith(path, VerifyOptions{Key: key})
}

// VerifyOptions says what VerifyWith checks beyond the chain.
type VerifyOptions struct {
	// Key checks the HMACs of entries, head and anchors.
	Key []byte
	// AnchorPath checks the log against the anchor file (Config.AnchorPath):
	// it must exist, and every anchored head must be in the log.
	AnchorPath string
}

// VerifyWith checks the audit log at path, its head file and, with
// opts.AnchorPath, its anchors. A missing log or head is a problem.
func VerifyWith(path string, opts VerifyOptions) (Report, error) {
	key := opts.Key
	r := Report{Path: path, Keyed: key != nil, AnchorPath: opts.AnchorPath}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		r.Problems = append(r.Problems, Problem{Kind: KindMissing, Detail: "log file " + path + " is missing"})
		if _, err := os.Stat(HeadPath(path)); err != nil {
			r.Problems = append(r.Problems, Problem{Kind: KindHead, Detail: "head file " + HeadPath(path) + " is missing"})
		}
		if opts.AnchorPath != "" {
			if err := checkAnchors(&r, opts.AnchorPath, key, nil, 0); err != nil {
				return r, err
			}
		}
		return r, fmt.Errorf("%w: %d problems, first: %s", ErrTampered, len(r.Problems), r.Problems[0])
	}
	if err != nil {
		return r, fmt.Errorf("audit: verify: %w", err)
	}
	defer f.Close()

	type info struct {
		line int
		ln   *line // nil when the line does not parse
	}
	var lines []info
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for sc.Scan() {
		n := len(lines) + 1
		var ln line
		raw := sc.Bytes()
		if err := json.Unmarshal(raw, &ln); err != nil || ln.Seq == 0 {
			lines = append(lines, info{line: n})
			continue
		}
		lines = append(lines, info{line: n, ln: &ln})
	}
	if err := sc.Err(); err != nil {
		return r, fmt.Errorf("audit: verify: read %s: %w", path, err)
	}
	// A last line without its newline that does not parse is an append
	// interrupted by a crash (the next append removes it), not tampering:
	// entries are only acknowledged once complete, and a cut of complete
	// entries shows against the head.
	if n := len(lines); n > 0 && lines[n-1].ln == nil && !endsWithNewline(f) {
		lines = lines[:n-1]
		r.Warnings = append(r.Warnings, fmt.Sprintf("line %d is a partial entry (interrupted append); the next append removes it", n))
	}
	r.Entries = len(lines)
	add := func(p Problem) { r.Problems = append(r.Problems, p) }

	bySeq := map[uint64]int{} // seq -> first line index
	for i, in := range lines {
		if in.ln != nil {
			if _, dup := bySeq[in.ln.Seq]; !dup {
				bySeq[in.ln.Seq] = i
			}
		}
	}
	macsSeen := false
	var high uint64 // highest seq seen so far
	corrupt := 0    // unparsable lines since the last good one
	for i, in := range lines {
		ln := in.ln
		if ln == nil {
			add(Problem{Line: in.line, Kind: KindCorrupt, Detail: "not a valid entry (edited by hand or partially written)"})
			corrupt++
			continue
		}
		if ln.MAC != "" {
			macsSeen = true
		}
		if got := hashLine(ln); got != ln.Hash {
			add(Problem{Line: in.line, Seq: ln.Seq, Kind: KindEdited, Detail: "content does not match the entry's hash: entry edited"})
		}
		if key != nil && !hmac.Equal([]byte(ln.MAC), []byte(entryMAC(key, ln.Hash))) {
			add(Problem{Line: in.line, Seq: ln.Seq, Kind: KindMAC, Detail: "HMAC missing or wrong: entry written or rewritten without the key"})
		}
		// Order, against the highest sequence number seen so far.
		switch {
		case ln.Seq <= high:
			add(Problem{Line: in.line, Seq: ln.Seq, Kind: KindReordered,
				Detail: fmt.Sprintf("seq %d comes after seq %d: entries reordered or duplicated", ln.Seq, high)})
		case ln.Seq > high+1:
			var later, missing []uint64
			for s := high + 1; s < ln.Seq; s++ {
				if j, ok := bySeq[s]; ok && j > i {
					later = append(later, s)
				} else {
					missing = append(missing, s)
				}
			}
			// Corrupt lines just before account for as many sequence numbers.
			missing = missing[min(corrupt, len(missing)):]
			if len(later) > 0 {
				add(Problem{Line: in.line, Seq: ln.Seq, Kind: KindReordered,
					Detail: fmt.Sprintf("seq %d comes before seq %d (line %d): entries reordered", ln.Seq, later[0], lines[bySeq[later[0]]].line)})
			}
			if len(missing) > 0 {
				add(Problem{Line: in.line, Seq: ln.Seq, Kind: KindRemoved, Detail: describeMissing(missing, i == 0)})
			}
		}
		high = max(high, ln.Seq)
		corrupt = 0
		// Link to the entry with the previous sequence number.
		if ln.Seq == 1 {
			if ln.Prev != "" {
				add(Problem{Line: in.line, Seq: 1, Kind: KindChain, Detail: "first entry has a previous hash"})
			}
		} else if j, ok := bySeq[ln.Seq-1]; ok && lines[j].ln.Hash != ln.Prev {
			add(Problem{Line: in.line, Seq: ln.Seq, Kind: KindChain,
				Detail: fmt.Sprintf("previous hash does not match entry seq %d (line %d): that entry was replaced, or this one inserted", ln.Seq-1, lines[j].line)})
		}
		if a := ln.Details[AnomalyDetail]; a != "" {
			add(Problem{Line: in.line, Seq: ln.Seq, Kind: KindAnomaly, Detail: "an appender found: " + a})
		}
	}
	var last *line
	for i := len(lines) - 1; i >= 0 && last == nil; i-- {
		last = lines[i].ln
	}
	if last != nil {
		r.LastSeq, r.LastHash = last.Seq, last.Hash
	}
	if macsSeen && key == nil {
		r.Warnings = append(r.Warnings, "entries carry HMACs; verify with the key to check them")
	}

	// The head file.
	hd, herr := readHead(path)
	switch {
	case errors.Is(herr, fs.ErrNotExist):
		// Open writes the head of a new log, so even an empty log has one.
		add(Problem{Kind: KindHead, Detail: "head file " + HeadPath(path) + " is missing"})
	case herr != nil:
		add(Problem{Kind: KindHead, Detail: "head file unreadable: " + herr.Error()})
	default:
		r.HeadSeq = hd.Seq
		if key != nil && !hmac.Equal([]byte(hd.MAC), []byte(headMAC(key, hd))) {
			add(Problem{Seq: hd.Seq, Kind: KindMAC, Detail: "head HMAC missing or wrong: head written without the key"})
		}
		switch {
		case last == nil && hd.Seq > 0:
			add(Problem{Seq: hd.Seq, Kind: KindTruncated, Detail: fmt.Sprintf("head records seq %d but the log is empty: all entries removed", hd.Seq)})
		case last == nil:
		case hd.Seq > last.Seq:
			add(Problem{Seq: hd.Seq, Kind: KindTruncated,
				Detail: fmt.Sprintf("head records seq %d but the log ends at seq %d (line %d): %d entries removed from the end", hd.Seq, last.Seq, len(lines), hd.Seq-last.Seq)})
		case hd.Seq == last.Seq && hd.Hash != last.Hash:
			add(Problem{Seq: hd.Seq, Kind: KindHead, Detail: fmt.Sprintf("head hash does not match the last entry (seq %d, line %d): head file or last entry replaced", last.Seq, len(lines))})
		case hd.Seq+1 == last.Seq && hd.Hash == last.Prev:
			r.Warnings = append(r.Warnings, fmt.Sprintf("head is one entry behind (seq %d): an append was interrupted; the next append repairs it", hd.Seq))
		case hd.Seq < last.Seq:
			add(Problem{Seq: hd.Seq, Kind: KindHead,
				Detail: fmt.Sprintf("head records seq %d but the log goes on to seq %d: head file edited or rolled back, or entries appended around the log", hd.Seq, last.Seq)})
		}
	}
	if opts.AnchorPath != "" {
		hashes := make(map[uint64]string, len(lines))
		for _, in := range lines {
			if in.ln != nil {
				if _, dup := hashes[in.ln.Seq]; !dup {
					hashes[in.ln.Seq] = in.ln.Hash
				}
			}
		}
		if err := checkAnchors(&r, opts.AnchorPath, key, hashes, r.LastSeq); err != nil {
			return r, err
		}
	}
	if !r.OK() {
		return r, fmt.Errorf("%w: %d problems, first: %s", ErrTampered, len(r.Problems), r.Problems[0])
	}
	return r, nil
}

func endsWithNewline(f *os.File) bool {
	fi, err := f.Stat()
	if err != nil || fi.Size() == 0 {
		return true
	}
	b := make([]byte, 1)
	if _, err := f.ReadAt(b, fi.Size()-1); err != nil {
		return true
	}
	return b[0] == '\n'
}

func describeMissing(missing []uint64, atStart bool) string {
	where := "before this entry"
	if atStart {
		where = "at the start of the log"
	}
	if len(missing) == 1 {
		return fmt.Sprintf("entry seq %d is missing %s: removed", missing[0], where)
	}
	return fmt.Sprintf("entries seq %d-%d (%d) are missing %s: removed", missing[0], missing[len(missing)-1], len(missing), where)
}
