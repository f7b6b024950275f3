package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/sohoa/sohoa/internal/search"
)

var testKey = bytes.Repeat([]byte{7}, KeySize)

func keyedConfig(anchor string) Config {
	cfg := quietConfig()
	cfg.Key = testKey
	cfg.AnchorPath = anchor
	return cfg
}

// personalForms returns v in the forms a personal-data grep looks for.
func personalForms(v string) []string {
	return []string{norm.NFC.String(v), norm.NFD.String(v), strings.ToLower(v), strings.ToUpper(v), accentless(v)}
}

// accentless strips Vietnamese diacritics (enough for the test values).
func accentless(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case r >= 0x300 && r <= 0x36f:
		case r == 'đ':
			b.WriteRune('d')
		case r == 'Đ':
			b.WriteRune('D')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// TestNoFreeTextStored: search text that RedactQuery misses (accentless
// names, a given name after a label, addresses) and a free-text reason
// naming a citizen never reach the file; an admin with the key reads the
// reason back, and the query is kept as a keyed hash plus filter names.
func TestNoFreeTextStored(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	l, err := OpenWithConfig(path, keyedConfig(""))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx := context.Background()
	queries := []string{"quach hong dieu", "[họ tên] Diệu", "số 12 ngõ 5 phường Láng Hạ quận Đống Đa"}
	for _, q := range queries {
		d := SearchDetails(search.Query{Text: q, DocType: "khai_sinh", Fields: map[string]string{"ho_ten": "Quách Hồng Diệu"},
			Ranges: map[string]search.Range{"ngay_sinh": {GTE: "1990-01-01"}}, From: time.Unix(0, 0)}, 1, map[string]string{"total": "3"})
		if _, err := l.Append(ctx, Event{Actor: Actor{Name: "a"}, Action: ActionSearch, Details: d}); err != nil {
			t.Fatal(err)
		}
	}
	reason := "xác minh CCCD 096091846821 của Quách Hồng Diệu"
	if _, err := l.Append(ctx, Event{Actor: Actor{Name: "a"}, Action: ActionUnmask, Object: "doc-1", Reason: reason}); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range append(queries, "Quách Hồng Diệu", "096091846821", "Diệu", "Láng Hạ", "1990-01-01", "xác minh") {
		for _, f := range personalForms(v) {
			if bytes.Contains(raw, []byte(f)) {
				t.Errorf("audit file holds %q", f)
			}
		}
	}
	es, err := l.Tail(4)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"total": "3", "personal_lookups": "1", FiltersDetail: "f.ho_ten,f.ngay_sinh.gte,from,type",
		QueryMACDetail: QueryMAC(testKey, "  QUACH  hong Dieu ")}
	if got, _ := json.Marshal(es[0].Details); string(got) != string(must(json.Marshal(want))) {
		t.Errorf("search details %s, want %s", got, must(json.Marshal(want)))
	}
	if es[1].Details[QueryMACDetail] == es[0].Details[QueryMACDetail] {
		t.Error("different queries share a hash")
	}
	if !strings.HasPrefix(es[3].Reason, ReasonPrefix) {
		t.Errorf("stored reason %q is not encrypted", es[3].Reason)
	}
	if got := l.RevealReasons(es)[3].Reason; got != reason {
		t.Errorf("revealed reason %q, want %q", got, reason)
	}
	if _, err := OpenReason(bytes.Repeat([]byte{8}, KeySize), es[3].Reason); err == nil {
		t.Error("reason decrypted with another key")
	}
	if r, err := VerifyWithKey(path, testKey); err != nil {
		t.Errorf("Verify: %v\n%s", err, r)
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// TestInvalidUTF8Verifies: a search for %ff%fe (or any invalid UTF-8 in an
// event) must not break verification: the bytes hashed are the bytes stored.
func TestInvalidUTF8Verifies(t *testing.T) {
	for _, keyed := range []bool{false, true} {
		path := filepath.Join(t.TempDir(), "audit.log")
		cfg := quietConfig()
		if keyed {
			cfg = keyedConfig("")
		}
		l, err := OpenWithConfig(path, cfg)
		if err != nil {
			t.Fatal(err)
		}
		bad := "\xff\xfe"
		for _, e := range []Event{
			{Actor: Actor{Name: bad}, Action: ActionSearch, Details: SearchDetails(search.Query{Text: bad}, 0, nil)},
			{Actor: Actor{TokenID: bad}, Role: bad, Action: ActionView, Object: "doc" + bad, Reason: bad,
				Details: map[string]string{"k" + bad: "v" + bad}},
			{Action: ActionView, Object: "doc-after"},
		} {
			if _, err := l.Append(context.Background(), e); err != nil {
				t.Fatal(err)
			}
		}
		l.Close()
		if r, err := VerifyWithKey(path, cfg.Key); err != nil {
			t.Errorf("keyed=%v: Verify after invalid UTF-8: %v\n%s", keyed, err, r)
		}
	}
}

// forgeRechain rewrites the log at path as an attacker holding the data
// directory and the key would: drop the entries drop selects, renumber and
// re-chain the rest, with valid HMACs and a matching head.
func forgeRechain(t *testing.T, path string, key []byte, drop func(*line) bool) {
	t.Helper()
	var out []string
	prev := ""
	seq := uint64(0)
	for _, s := range readLines(t, path) {
		var ln line
		if err := json.Unmarshal([]byte(s), &ln); err != nil {
			t.Fatal(err)
		}
		if drop(&ln) {
			continue
		}
		seq++
		ln.Seq, ln.Prev = seq, prev
		ln.Hash = hashLine(&ln)
		ln.MAC = entryMAC(key, ln.Hash)
		prev = ln.Hash
		out = append(out, string(must(json.Marshal(ln))))
	}
	writeLines(t, path, out)
	h := head{Seq: seq, Hash: prev}
	h.MAC = headMAC(key, h)
	if err := writeHead(path, h); err != nil {
		t.Fatal(err)
	}
}

// TestAnchorDefeatsRewrite: with the data directory and even the key, but
// not the anchor file, no rewrite of the log verifies.
func TestAnchorDefeatsRewrite(t *testing.T) {
	setup := func(t *testing.T) (path, anchorPath string) {
		dir := t.TempDir()
		path = filepath.Join(dir, "data", "audit", "audit.log")
		anchorPath = filepath.Join(dir, "elsewhere", "audit-anchor.log")
		l, err := OpenWithConfig(path, keyedConfig(anchorPath))
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i <= 30; i++ {
			e := event(i)
			if i%4 == 0 {
				e.Action = ActionUnmask
			}
			if i%7 == 0 {
				e.Action = ActionDownload
			}
			if _, err := l.Append(context.Background(), e); err != nil {
				t.Fatal(err)
			}
		}
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		if r, err := VerifyWith(path, VerifyOptions{Key: testKey, AnchorPath: anchorPath}); err != nil || r.AnchorSeq != 30 {
			t.Fatalf("untampered log: %v\n%s", err, r)
		}
		return path, anchorPath
	}
	tests := []struct {
		name   string
		tamper func(t *testing.T, path, anchorPath string)
		want   string // kind of the first problem
	}{
		{"drop unmask and download, re-chain with the key", func(t *testing.T, path, _ string) {
			forgeRechain(t, path, testKey, func(l *line) bool { return l.Action == ActionUnmask || l.Action == ActionDownload })
			if r, err := VerifyWithKey(path, testKey); err != nil {
				t.Fatalf("the forgery should pass the keyed chain check (that is the attack): %v\n%s", err, r)
			}
		}, KindAnchor},
		{"drop the last entries, re-chain with the key", func(t *testing.T, path, _ string) {
			forgeRechain(t, path, testKey, func(l *line) bool { return l.Seq > 25 })
		}, KindAnchor},
		{"delete log and head", func(t *testing.T, path, _ string) {
			os.Remove(path)
			os.Remove(HeadPath(path))
		}, KindMissing},
		{"delete log and head, server restarts", func(t *testing.T, path, _ string) {
			os.Remove(path)
			os.Remove(HeadPath(path))
			l, err := OpenWithConfig(path, keyedConfig(""))
			if err != nil {
				t.Fatal(err)
			}
			l.Close()
		}, KindAnchor},
		{"delete the head", func(t *testing.T, path, _ string) { os.Remove(HeadPath(path)) }, KindHead},
		{"anchor file missing", func(t *testing.T, _, anchorPath string) { os.Remove(anchorPath) }, KindAnchor},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path, anchorPath := setup(t)
			tc.tamper(t, path, anchorPath)
			r, err := VerifyWith(path, VerifyOptions{Key: testKey, AnchorPath: anchorPath})
			if !errors.Is(err, ErrTampered) {
				t.Fatalf("tampered log verified: %v\n%s", err, r)
			}
			kinds := map[string]bool{}
			for _, p := range r.Problems {
				kinds[p.Kind] = true
			}
			if !kinds[tc.want] {
				t.Errorf("no %s problem:\n%s", tc.want, r)
			}
		})
	}
}

// TestAnchorEvery: with AnchorEvery N the head is anchored every N appends
// and on Close; AnchorInterval anchors a quiet log's last appends.
func TestAnchorEvery(t *testing.T) {
	dir := t.TempDir()
	path, anchorPath := filepath.Join(dir, "a.log"), filepath.Join(dir, "anchor")
	cfg := keyedConfig(anchorPath)
	cfg.AnchorEvery = 5
	var sink bytes.Buffer
	cfg.AnchorSinks = []io.Writer{&sink}
	l, err := OpenWithConfig(path, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 12; i++ {
		if _, err := l.Append(context.Background(), event(i)); err != nil {
			t.Fatal(err)
		}
	}
	anchoredSeqs := func() []uint64 {
		as, _, err := readAnchors(anchorPath)
		if err != nil {
			t.Fatal(err)
		}
		var out []uint64
		for _, a := range as {
			out = append(out, a.Seq)
		}
		return out
	}
	if got := anchoredSeqs(); len(got) != 2 || got[0] != 5 || got[1] != 10 {
		t.Errorf("anchors before Close: %v, want [5 10]", got)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if got := anchoredSeqs(); len(got) != 3 || got[2] != 12 {
		t.Errorf("anchors after Close: %v, want [5 10 12]", got)
	}
	if n := strings.Count(sink.String(), "sohoa audit anchor {\"seq\":"); n != 3 {
		t.Errorf("%d anchors sent to the other sink, want 3:\n%s", n, sink.String())
	}
	cfg.AnchorSinks = nil

	cfg.AnchorEvery, cfg.AnchorInterval = 1000, 10*time.Millisecond
	l, err = OpenWithConfig(path, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if _, err := l.Append(context.Background(), event(13)); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for got := anchoredSeqs(); got[len(got)-1] != 13; got = anchoredSeqs() {
		if time.Now().After(deadline) {
			t.Fatalf("no periodic anchor of seq 13: %v", got)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestLoadKeyFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "keys", "audit.key")
	if _, err := LoadKeyFile(path, false); err == nil {
		t.Error("missing key file loaded without create")
	}
	k1, err := LoadKeyFile(path, true)
	if err != nil || len(k1) != KeySize {
		t.Fatalf("create: %v", err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %04o", fi.Mode().Perm())
	}
	k2, err := LoadKeyFile(path, true)
	if err != nil || !bytes.Equal(k1, k2) {
		t.Errorf("reload gave another key: %v", err)
	}
	os.Chmod(path, 0o644)
	if _, err := LoadKeyFile(path, false); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("world-readable key file: %v", err)
	}
	os.WriteFile(path, []byte("not a key"), 0o600)
	if _, err := LoadKeyFile(path, false); err == nil {
		t.Error("garbage key file loaded")
	}
}
