package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func quietConfig() Config {
	return Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

func event(i int) Event {
	return Event{
		Actor:   Actor{TokenID: "0123456789abcdef", Name: "chuyên viên"},
		Role:    "searcher",
		Action:  ActionView,
		Object:  fmt.Sprintf("doc-%d", i),
		Reason:  "hồ sơ thẩm định",
		Details: map[string]string{"page": strconv.Itoa(i), "q": "quyết định"},
	}
}

// newLog writes n entries to a fresh log and returns its path.
func newLog(t testing.TB, n int, cfg Config) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "audit", "audit.log")
	l, err := OpenWithConfig(path, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for i := 1; i <= n; i++ {
		if _, err := l.Append(context.Background(), event(i)); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

func readLines(t testing.TB, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

func writeLines(t testing.TB, path string, lines []string) {
	t.Helper()
	s := strings.Join(lines, "\n")
	if len(lines) > 0 {
		s += "\n"
	}
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}

// rehash recomputes the hash of a JSON line as a careful forger would.
func rehash(t testing.TB, s string, edit func(*line)) string {
	t.Helper()
	var ln line
	if err := json.Unmarshal([]byte(s), &ln); err != nil {
		t.Fatal(err)
	}
	edit(&ln)
	ln.Hash = hashLine(&ln)
	b, _ := json.Marshal(ln)
	return string(b)
}

func TestAppendVerify(t *testing.T) {
	path := newLog(t, 10, quietConfig())
	r, err := Verify(path)
	if err != nil {
		t.Fatalf("Verify: %v\n%s", err, r)
	}
	if r.Entries != 10 || r.LastSeq != 10 || r.HeadSeq != 10 || !r.OK() {
		t.Errorf("report %+v", r)
	}
	os.Chmod(path, 0o644)
	if l, err := OpenWithConfig(path, quietConfig()); err != nil {
		t.Fatal(err)
	} else {
		l.Close()
	}
	for _, p := range []string{path, HeadPath(path)} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %04o, want 0600", p, fi.Mode().Perm())
		}
	}
	di, _ := os.Stat(filepath.Dir(path))
	if di.Mode().Perm() != 0o700 {
		t.Errorf("dir mode %04o, want 0700", di.Mode().Perm())
	}
	// Reopening continues the chain.
	l, err := OpenWithConfig(path, quietConfig())
	if err != nil {
		t.Fatal(err)
	}
	e, err := l.Append(context.Background(), Event{Actor: Actor{Name: "worker"}, Action: ActionQuarantine, Object: "doc-9"})
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	if e.Seq != 11 || e.Prev != r.LastHash || e.Time.IsZero() || e.Time.Location().String() != "UTC" {
		t.Errorf("entry %+v does not continue the chain", e)
	}
	if _, err := Verify(path); err != nil {
		t.Error(err)
	}
}

func TestTamperingDetected(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(t *testing.T, path string)
		want   []Problem
	}{
		{
			name: "edit a field",
			tamper: func(t *testing.T, path string) {
				ls := readLines(t, path)
				ls[4] = strings.Replace(ls[4], `"doc-5"`, `"doc-X"`, 1)
				writeLines(t, path, ls)
			},
			want: []Problem{{Line: 5, Seq: 5, Kind: KindEdited}},
		},
		{
			name: "edit a detail value",
			tamper: func(t *testing.T, path string) {
				ls := readLines(t, path)
				ls[2] = strings.Replace(ls[2], `"page":"3"`, `"page":"4"`, 1)
				writeLines(t, path, ls)
			},
			want: []Problem{{Line: 3, Seq: 3, Kind: KindEdited}},
		},
		{
			name: "edit a field and recompute its hash",
			tamper: func(t *testing.T, path string) {
				ls := readLines(t, path)
				ls[4] = rehash(t, ls[4], func(l *line) { l.Reason = "khác" })
				writeLines(t, path, ls)
			},
			want: []Problem{{Line: 6, Seq: 6, Kind: KindChain}},
		},
		{
			name: "delete a middle line",
			tamper: func(t *testing.T, path string) {
				ls := readLines(t, path)
				writeLines(t, path, append(ls[:4:4], ls[5:]...))
			},
			want: []Problem{{Line: 5, Seq: 6, Kind: KindRemoved}},
		},
		{
			name: "delete three middle lines",
			tamper: func(t *testing.T, path string) {
				ls := readLines(t, path)
				writeLines(t, path, append(ls[:2:2], ls[5:]...))
			},
			want: []Problem{{Line: 3, Seq: 6, Kind: KindRemoved}},
		},
		{
			name: "delete the first line",
			tamper: func(t *testing.T, path string) {
				writeLines(t, path, readLines(t, path)[1:])
			},
			want: []Problem{{Line: 1, Seq: 2, Kind: KindRemoved}},
		},
		{
			name: "swap two lines",
			tamper: func(t *testing.T, path string) {
				ls := readLines(t, path)
				ls[4], ls[5] = ls[5], ls[4]
				writeLines(t, path, ls)
			},
			want: []Problem{{Line: 5, Seq: 6, Kind: KindReordered}, {Line: 6, Seq: 5, Kind: KindReordered}},
		},
		{
			name: "duplicate (replay) a line",
			tamper: func(t *testing.T, path string) {
				ls := readLines(t, path)
				writeLines(t, path, append(ls[:8:8], append([]string{ls[2]}, ls[8:]...)...))
			},
			want: []Problem{{Line: 9, Seq: 3, Kind: KindReordered}},
		},
		{
			name: "truncate the tail",
			tamper: func(t *testing.T, path string) {
				writeLines(t, path, readLines(t, path)[:8])
			},
			want: []Problem{{Seq: 10, Kind: KindTruncated}},
		},
		{
			name: "cut the last line in half",
			tamper: func(t *testing.T, path string) {
				b, _ := os.ReadFile(path)
				os.WriteFile(path, b[:len(b)-40], 0o600)
			},
			want: []Problem{{Seq: 10, Kind: KindTruncated}},
		},
		{
			name: "truncate everything",
			tamper: func(t *testing.T, path string) {
				writeLines(t, path, nil)
			},
			want: []Problem{{Seq: 10, Kind: KindTruncated}},
		},
		{
			name: "edit the head hash",
			tamper: func(t *testing.T, path string) {
				b, _ := os.ReadFile(HeadPath(path))
				var h head
				json.Unmarshal(b, &h)
				h.Hash = strings.Repeat("0", 64)
				b, _ = json.Marshal(h)
				os.WriteFile(HeadPath(path), b, 0o600)
			},
			want: []Problem{{Seq: 10, Kind: KindHead}},
		},
		{
			name: "roll the head back two entries",
			tamper: func(t *testing.T, path string) {
				ls := readLines(t, path)
				var ln line
				json.Unmarshal([]byte(ls[7]), &ln)
				b, _ := json.Marshal(head{Seq: ln.Seq, Hash: ln.Hash})
				os.WriteFile(HeadPath(path), b, 0o600)
			},
			want: []Problem{{Seq: 8, Kind: KindHead}},
		},
		{
			name: "truncate the tail and fix the head",
			tamper: func(t *testing.T, path string) {
				ls := readLines(t, path)
				writeLines(t, path, ls[:7])
				var ln line
				json.Unmarshal([]byte(ls[6]), &ln)
				b, _ := json.Marshal(head{Seq: 9, Hash: ln.Hash})
				os.WriteFile(HeadPath(path), b, 0o600)
			},
			want: []Problem{{Seq: 9, Kind: KindTruncated}},
		},
		{
			name: "garble the head",
			tamper: func(t *testing.T, path string) {
				os.WriteFile(HeadPath(path), []byte("{not json"), 0o600)
			},
			want: []Problem{{Kind: KindHead}},
		},
		{
			name: "delete the head",
			tamper: func(t *testing.T, path string) {
				os.Remove(HeadPath(path))
			},
			want: []Problem{{Kind: KindHead}},
		},
		{
			name: "garble a line",
			tamper: func(t *testing.T, path string) {
				ls := readLines(t, path)
				ls[6] = ls[6][:20]
				writeLines(t, path, ls)
			},
			want: []Problem{{Line: 7, Kind: KindCorrupt}},
		},
	}
	opts := cmpopts.IgnoreFields(Problem{}, "Detail")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := newLog(t, 10, quietConfig())
			tc.tamper(t, path)
			r, err := Verify(path)
			if !errors.Is(err, ErrTampered) {
				t.Fatalf("Verify error = %v, want ErrTampered\n%s", err, r)
			}
			if diff := cmp.Diff(tc.want, r.Problems, opts); diff != "" {
				t.Errorf("problems (-want +got):\n%s\n%s", diff, r)
			}
			for _, p := range r.Problems {
				if p.Detail == "" {
					t.Error("problem without detail")
				}
			}
		})
	}
}

// TestAppendAfterTamperingKeepsEvidence: an append after the tail was cut
// must not hide the cut by rewriting the head.
func TestAppendAfterTamperingKeepsEvidence(t *testing.T) {
	path := newLog(t, 10, quietConfig())
	writeLines(t, path, readLines(t, path)[:7])
	l, err := OpenWithConfig(path, quietConfig())
	if err != nil {
		t.Fatal(err)
	}
	e, err := l.Append(context.Background(), event(11))
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	if e.Seq != 11 || e.Details[AnomalyDetail] == "" {
		t.Errorf("appended %d with details %v; want seq 11 and an anomaly", e.Seq, e.Details)
	}
	r, err := Verify(path)
	if !errors.Is(err, ErrTampered) {
		t.Fatalf("Verify = %v", err)
	}
	want := []Problem{{Line: 8, Seq: 11, Kind: KindRemoved}, {Line: 8, Seq: 11, Kind: KindAnomaly}}
	if diff := cmp.Diff(want, r.Problems, cmpopts.IgnoreFields(Problem{}, "Detail")); diff != "" {
		t.Errorf("problems (-want +got):\n%s\n%s", diff, r)
	}
	if !strings.Contains(r.String(), "entries seq 8-10 (3) are missing") {
		t.Errorf("report does not name the missing entries:\n%s", r)
	}
}

func TestCrashRecovery(t *testing.T) {
	ctx := context.Background()
	t.Run("head one behind", func(t *testing.T) {
		path := newLog(t, 5, quietConfig())
		// Simulate a crash between the log write and the head update.
		ls := readLines(t, path)
		var ln line
		json.Unmarshal([]byte(ls[3]), &ln)
		b, _ := json.Marshal(head{Seq: 4, Hash: ln.Hash})
		os.WriteFile(HeadPath(path), b, 0o600)
		r, err := Verify(path)
		if err != nil || len(r.Warnings) != 1 {
			t.Fatalf("Verify = %v, warnings %v; want OK with one warning", err, r.Warnings)
		}
		l, _ := OpenWithConfig(path, quietConfig())
		e, err := l.Append(ctx, event(6))
		l.Close()
		if err != nil || e.Seq != 6 || e.Details[AnomalyDetail] != "" {
			t.Fatalf("Append = %+v, %v", e, err)
		}
		if r, err := Verify(path); err != nil || len(r.Warnings) != 0 {
			t.Errorf("after repair: %v %v", err, r.Warnings)
		}
	})
	t.Run("partial last line", func(t *testing.T) {
		path := newLog(t, 5, quietConfig())
		f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
		f.WriteString(`{"seq":6,"time":"2026`)
		f.Close()
		if r, err := Verify(path); err != nil || len(r.Warnings) != 1 || r.Entries != 5 {
			t.Errorf("Verify with a partial last line = %v, %+v; want OK with a warning", err, r)
		}
		l, _ := OpenWithConfig(path, quietConfig())
		e, err := l.Append(ctx, event(6))
		l.Close()
		if err != nil || e.Seq != 6 {
			t.Fatalf("Append = %+v, %v", e, err)
		}
		if r, err := Verify(path); err != nil {
			t.Errorf("Verify: %v\n%s", err, r)
		}
	})
}

func TestKeyed(t *testing.T) {
	key := bytes.Repeat([]byte{42}, 32)
	cfg := quietConfig()
	cfg.Key = key
	path := newLog(t, 6, cfg)
	r, err := VerifyWithKey(path, key)
	if err != nil || !r.Keyed {
		t.Fatalf("VerifyWithKey: %v\n%s", err, r)
	}
	if _, err := VerifyWithKey(path, bytes.Repeat([]byte{1}, 32)); !errors.Is(err, ErrTampered) {
		t.Errorf("wrong key verified: %v", err)
	}
	// A forger without the key rewrites entry 3 and every later hash and
	// the head: the unkeyed chain is consistent, the HMACs are not.
	ls := readLines(t, path)
	prev := ""
	for i := range ls {
		ls[i] = rehash(t, ls[i], func(l *line) {
			if l.Seq == 3 {
				l.Object = "doc-forged"
			}
			if prev != "" {
				l.Prev = prev
			}
		})
		var ln line
		json.Unmarshal([]byte(ls[i]), &ln)
		prev = ln.Hash
	}
	writeLines(t, path, ls)
	var last line
	json.Unmarshal([]byte(ls[len(ls)-1]), &last)
	hb, _ := json.Marshal(head{Seq: last.Seq, Hash: last.Hash, MAC: strings.Repeat("0", 64)})
	os.WriteFile(HeadPath(path), hb, 0o600)
	if r, err := Verify(path); err != nil {
		t.Fatalf("unkeyed Verify of a consistent rewrite: %v\n%s", err, r)
	}
	r, err = VerifyWithKey(path, key)
	if !errors.Is(err, ErrTampered) {
		t.Fatalf("VerifyWithKey of a rewrite: %v", err)
	}
	want := []Problem{{Line: 3, Seq: 3, Kind: KindMAC}, {Line: 4, Seq: 4, Kind: KindMAC}, {Line: 5, Seq: 5, Kind: KindMAC}, {Line: 6, Seq: 6, Kind: KindMAC}, {Seq: 6, Kind: KindMAC}}
	if diff := cmp.Diff(want, r.Problems, cmpopts.IgnoreFields(Problem{}, "Detail")); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

func TestTailRead(t *testing.T) {
	path := newLog(t, 25, quietConfig())
	l, err := OpenWithConfig(path, quietConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	seqs := func(es []Entry) []uint64 {
		var out []uint64
		for _, e := range es {
			out = append(out, e.Seq)
		}
		return out
	}
	tests := []struct {
		name string
		got  func() ([]Entry, error)
		want []uint64
	}{
		{"tail 3", func() ([]Entry, error) { return l.Tail(3) }, []uint64{23, 24, 25}},
		{"tail all", func() ([]Entry, error) { return l.Tail(100) }, seqRange(1, 25)},
		{"tail 0", func() ([]Entry, error) { return l.Tail(0) }, nil},
		{"read 10..14", func() ([]Entry, error) { return l.Read(10, 5) }, []uint64{10, 11, 12, 13, 14}},
		{"read past end", func() ([]Entry, error) { return l.Read(24, 5) }, []uint64{24, 25}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			es, err := tc.got()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, seqs(es)); diff != "" {
				t.Errorf("seqs (-want +got):\n%s", diff)
			}
		})
	}
	es, _ := l.Tail(1)
	want := event(25)
	want.Reason = ReasonWithheld // a log without a key keeps no reason
	if diff := cmp.Diff(want, es[0].Event); diff != "" {
		t.Errorf("event (-want +got):\n%s", diff)
	}
}

func seqRange(a, b uint64) []uint64 {
	var out []uint64
	for s := a; s <= b; s++ {
		out = append(out, s)
	}
	return out
}

func TestTailLongLines(t *testing.T) {
	// Entries longer than the tail reader's chunk.
	path := filepath.Join(t.TempDir(), "a.log")
	l, _ := OpenWithConfig(path, quietConfig())
	defer l.Close()
	big := strings.Repeat("x", 40<<10)
	for i := range 5 {
		if _, err := l.Append(context.Background(), Event{Action: ActionSearch, Details: map[string]string{"q": big, "i": strconv.Itoa(i)}}); err != nil {
			t.Fatal(err)
		}
	}
	es, err := l.Tail(3)
	if err != nil || len(es) != 3 || es[0].Seq != 3 || es[2].Details["i"] != "4" {
		t.Fatalf("Tail = %d entries, %v", len(es), err)
	}
	if _, err := l.Append(context.Background(), Event{Action: ActionSearch, Details: map[string]string{"q": strings.Repeat("y", MaxEntryBytes)}}); err == nil {
		t.Error("oversized entry appended")
	}
	if _, err := Verify(path); err != nil {
		t.Error(err)
	}
}

func TestConcurrentAppends(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	// Two Log values on one file behave like two processes; several
	// goroutines share each.
	logs := make([]*Log, 2)
	for i := range logs {
		l, err := OpenWithConfig(path, quietConfig())
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		logs[i] = l
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 25 {
				if _, err := logs[g%2].Append(context.Background(), event(g*100+i)); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	r, err := Verify(path)
	if err != nil {
		t.Fatalf("%v\n%s", err, r)
	}
	if r.Entries != 200 || r.LastSeq != 200 {
		t.Errorf("entries %d last %d, want 200", r.Entries, r.LastSeq)
	}
}

// TestConcurrentAppendsProcesses re-executes the test binary: two child
// processes and the parent append to one log at the same time.
func TestConcurrentAppendsProcesses(t *testing.T) {
	if p := os.Getenv("AUDIT_CHILD_LOG"); p != "" {
		l, err := OpenWithConfig(p, quietConfig())
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		var wg sync.WaitGroup
		for g := range 4 {
			wg.Go(func() {
				for i := range 50 {
					if _, err := l.Append(context.Background(), event(g*1000+i)); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		return
	}
	path := filepath.Join(t.TempDir(), "audit.log")
	var cmds []*exec.Cmd
	var outs []*bytes.Buffer
	for range 2 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestConcurrentAppendsProcesses$", "-test.count=1")
		cmd.Env = append(os.Environ(), "AUDIT_CHILD_LOG="+path)
		out := &bytes.Buffer{}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
		outs = append(outs, out)
	}
	l, err := OpenWithConfig(path, quietConfig())
	if err != nil {
		t.Fatal(err)
	}
	for i := range 100 {
		if _, err := l.Append(context.Background(), event(i)); err != nil {
			t.Fatal(err)
		}
	}
	l.Close()
	for i, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("child %d: %v\n%s", i, err, outs[i])
		}
	}
	r, err := Verify(path)
	if err != nil {
		t.Fatalf("%v\n%s", err, r)
	}
	if want := 2*4*50 + 100; r.Entries != want || r.LastSeq != uint64(want) {
		t.Errorf("entries %d last seq %d, want %d", r.Entries, r.LastSeq, want)
	}
}

func BenchmarkAppend(b *testing.B) {
	path := filepath.Join(b.TempDir(), "audit.log")
	l, err := OpenWithConfig(path, quietConfig())
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	e := event(1)
	for b.Loop() {
		if _, err := l.Append(context.Background(), e); err != nil {
			b.Fatal(err)
		}
	}
}
