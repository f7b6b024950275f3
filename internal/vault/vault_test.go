package vault

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sohoa/sohoa/internal/blob"
)

type fixture struct {
	dir     string
	keyPath string
	store   *blob.FS
	kr      *Keyring
	v       *Vault
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	dir := t.TempDir()
	store, err := blob.NewFS(filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	keyPath := filepath.Join(dir, "keys", "master.json")
	kr, err := CreateKeyFile(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{dir: dir, keyPath: keyPath, store: store, kr: kr, v: New(store, kr)}
}

// reopen returns a fresh vault (empty cache) over the same store, with the
// keyring reloaded from the key file, as after a restart.
func (f *fixture) reopen(t testing.TB) *Vault {
	t.Helper()
	kr, err := LoadKeyFile(f.keyPath)
	if err != nil {
		t.Fatal(err)
	}
	return New(f.store, kr)
}

func TestSealOpenRoundTrip(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	big := bytes.Repeat([]byte("Nguyễn Văn A 079085001234 "), 50000)
	tests := []struct {
		name, owner, kind string
		plaintext         []byte
	}{
		{"empty", "doc-1", "original", []byte{}},
		{"small", "doc-1", "fields", []byte(`{"cccd":"079085001234"}`)},
		{"vietnamese text", "doc-2", "ocr/1", []byte("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")},
		{"large", "batch:2026-11-25", "page/17", big},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ct, err := f.v.Seal(ctx, tc.owner, tc.kind, tc.plaintext)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := len(ct), len(tc.plaintext)+Overhead; got != want {
				t.Errorf("len(ciphertext) = %d, want %d", got, want)
			}
			if len(tc.plaintext) > 8 && bytes.Contains(ct, tc.plaintext[:8]) {
				t.Error("ciphertext contains plaintext")
			}
			for name, v := range map[string]*Vault{"same vault": f.v, "restarted": f.reopen(t)} {
				got, err := v.Open(ctx, tc.owner, tc.kind, ct)
				if err != nil {
					t.Fatalf("%s: Open: %v", name, err)
				}
				if !bytes.Equal(got, tc.plaintext) {
					t.Errorf("%s: Open returned different bytes (len %d, want %d)", name, len(got), len(tc.plaintext))
				}
			}
		})
	}
	// Two seals of the same plaintext differ (random nonces).
	a, _ := f.v.Seal(ctx, "doc-1", "x", []byte("same"))
	b, _ := f.v.Seal(ctx, "doc-1", "x", []byte("same"))
	if bytes.Equal(a, b) {
		t.Error("two seals of the same plaintext are identical")
	}
}

func TestAADBinding(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	ct, err := f.v.Seal(ctx, "doc-1", "ocr/1", []byte("secret text"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.v.Seal(ctx, "doc-2", "ocr/1", []byte("other")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, owner, kind string
		want              error
	}{
		{"other kind", "doc-1", "ocr/2", ErrTampered},
		{"kind prefix", "doc-1", "ocr/", ErrTampered},
		{"other owner with a key", "doc-2", "ocr/1", ErrTampered},
		{"other owner without a key", "doc-3", "ocr/1", ErrNoKey},
		{"invalid owner", "../doc-1", "ocr/1", ErrInvalidOwner},
		{"empty kind", "doc-1", "", ErrInvalidOwner},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.v.Open(ctx, tc.owner, tc.kind, ct)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Open(%q, %q) error = %v, want %v", tc.owner, tc.kind, err, tc.want)
			}
		})
	}
}

func TestTamper(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	pt := []byte("Thửa đất số 152, tờ bản đồ số 17")
	ct, err := f.v.Seal(ctx, "doc-1", "fields", pt)
	if err != nil {
		t.Fatal(err)
	}
	flip := func(i int) []byte {
		c := bytes.Clone(ct)
		c[i] ^= 0x01
		return c
	}
	tests := []struct {
		name string
		ct   []byte
		want error
	}{
		{"magic", flip(0), ErrFormat},
		{"version", flip(2), ErrFormat},
		{"nonce", flip(headerLen + 3), ErrTampered},
		{"body first byte", flip(headerLen + nonceLen), ErrTampered},
		{"tag last byte", flip(len(ct) - 1), ErrTampered},
		{"truncated by one", ct[:len(ct)-1], ErrTampered},
		{"truncated below overhead", ct[:Overhead-1], ErrFormat},
		{"appended byte", append(bytes.Clone(ct), 0), ErrTampered},
		{"empty", nil, ErrFormat},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := f.v.Open(ctx, "doc-1", "fields", tc.ct)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Open error = %v, want %v", err, tc.want)
			}
			if got != nil {
				t.Error("Open returned plaintext with an error")
			}
		})
	}
	// The wrapped data key record is authenticated too.
	raw, err := f.store.Get(ctx, "keys/doc-1")
	if err != nil {
		t.Fatal(err)
	}
	var rec map[string]any
	if err := jsonUnmarshal(raw, &rec); err != nil {
		t.Fatal(err)
	}
	w, _ := base64.StdEncoding.DecodeString(rec["wrapped"].(string))
	w[len(w)-1] ^= 1
	rec["wrapped"] = base64.StdEncoding.EncodeToString(w)
	if err := f.store.Put(ctx, "keys/doc-1", jsonMarshal(t, rec)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.reopen(t).Open(ctx, "doc-1", "fields", ct); err == nil || !strings.Contains(err.Error(), "does not unwrap") {
		t.Fatalf("Open with a tampered wrapped key: err = %v, want an unwrap failure", err)
	}
}

func TestKeyFileMode(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "k.json")
	if _, err := CreateKeyFile(path); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		mode os.FileMode
		ok   bool
	}{
		{0o600, true},
		{0o400, true},
		{0o644, false},
		{0o640, false},
		{0o604, false},
		{0o660, false},
		{0o666, false},
		{0o700, true},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%04o", tc.mode), func(t *testing.T) {
			if err := os.Chmod(path, tc.mode); err != nil {
				t.Fatal(err)
			}
			_, err := LoadKeyFile(path)
			if tc.ok {
				if err != nil {
					t.Fatalf("LoadKeyFile: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrKeyFileMode) {
				t.Fatalf("LoadKeyFile error = %v, want ErrKeyFileMode", err)
			}
			for _, want := range []string{fmt.Sprintf("%04o", tc.mode), "chmod 600", path} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err, want)
				}
			}
		})
	}
}

func TestCreateKeyFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a", "b", "master.json")
	kr, err := CreateKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %04o, want 0600", fi.Mode().Perm())
	}
	di, _ := os.Stat(filepath.Dir(path))
	if di.Mode().Perm() != 0o700 {
		t.Errorf("key dir mode %04o, want 0700", di.Mode().Perm())
	}
	if _, err := CreateKeyFile(path); !errors.Is(err, fs.ErrExist) {
		t.Errorf("second CreateKeyFile error = %v, want fs.ErrExist", err)
	}
	got, created, err := LoadOrCreateKeyFile(path)
	if err != nil || created {
		t.Fatalf("LoadOrCreateKeyFile = created %v, err %v; want loaded", created, err)
	}
	if diff := cmp.Diff(kr.IDs(), got.IDs()); diff != "" {
		t.Errorf("IDs (-want +got):\n%s", diff)
	}
	if got.Blind("cccd", "079085001234") != kr.Blind("cccd", "079085001234") {
		t.Error("reloaded keyring has another blind key")
	}
	// No temporary files left behind.
	ents, _ := os.ReadDir(filepath.Dir(path))
	if len(ents) != 1 {
		t.Errorf("key dir holds %d entries, want 1", len(ents))
	}
}

func TestLoadOrCreateKeyFileConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "master.json")
	const n = 16
	krs := make([]*Keyring, n)
	var created sync.Map
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			kr, c, err := LoadOrCreateKeyFile(path)
			if err != nil {
				t.Error(err)
				return
			}
			krs[i] = kr
			created.Store(i, c)
		})
	}
	wg.Wait()
	nCreated := 0
	created.Range(func(_, v any) bool {
		if v.(bool) {
			nCreated++
		}
		return true
	})
	if nCreated != 1 {
		t.Errorf("%d callers created the key file, want 1", nCreated)
	}
	for i := 1; i < n; i++ {
		if krs[i] == nil || krs[i].ActiveID() != krs[0].ActiveID() || krs[i].Blind("x", "y") != krs[0].Blind("x", "y") {
			t.Fatalf("caller %d got a different keyring", i)
		}
	}
}

func TestKeyringFromEnv(t *testing.T) {
	raw := bytes.Repeat([]byte{7}, 32)
	path := filepath.Join(t.TempDir(), "k.json")
	fileKR, err := CreateKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fileBytes, _ := os.ReadFile(path)
	tests := []struct {
		name     string
		value    string
		wantID   string
		wantFail bool
	}{
		{"raw key", base64.StdEncoding.EncodeToString(raw), "", false},
		{"raw key unpadded", base64.RawStdEncoding.EncodeToString(raw), "", false},
		{"key file", base64.StdEncoding.EncodeToString(fileBytes), fileKR.ActiveID(), false},
		{"empty", "  ", "", true},
		{"not base64", "not base64 at all!", "", true},
		{"16 bytes", base64.StdEncoding.EncodeToString(raw[:16]), "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			kr, err := KeyringFromEnv(tc.value)
			if tc.wantFail {
				if err == nil {
					t.Fatal("KeyringFromEnv succeeded, want error")
				}
				if strings.TrimSpace(tc.value) != "" && strings.Contains(err.Error(), tc.value) {
					t.Errorf("error contains the value: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantID != "" && kr.ActiveID() != tc.wantID {
				t.Errorf("active ID %q, want %q", kr.ActiveID(), tc.wantID)
			}
			if tc.wantID == "" && !strings.HasPrefix(kr.ActiveID(), "mk-env-") {
				t.Errorf("active ID %q, want mk-env-...", kr.ActiveID())
			}
		})
	}
	// A raw key gives the same ID and blind key on every start, and works
	// in a vault across restarts.
	a, _ := KeyringFromEnv(base64.StdEncoding.EncodeToString(raw))
	b, _ := KeyringFromEnv(base64.StdEncoding.EncodeToString(raw))
	if a.ActiveID() != b.ActiveID() || a.Blind("name", "A") != b.Blind("name", "A") {
		t.Error("raw env key is not stable across loads")
	}
	store, _ := blob.NewFS(t.TempDir())
	ct, err := New(store, a).Seal(context.Background(), "d", "k", []byte("x"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New(store, b).Open(context.Background(), "d", "k", ct); err != nil {
		t.Fatal(err)
	}
}

// sealMany seals one object for each of n owners and returns the
// ciphertexts by owner.
func sealMany(t testing.TB, v *Vault, prefix string, n int) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for i := range n {
		owner := fmt.Sprintf("%s-%03d", prefix, i)
		ct, err := v.Seal(context.Background(), owner, "original", []byte("plain "+owner))
		if err != nil {
			t.Fatal(err)
		}
		out[owner] = ct
	}
	return out
}

func openAll(t testing.TB, v *Vault, cts map[string][]byte) {
	t.Helper()
	for owner, ct := range cts {
		pt, err := v.Open(context.Background(), owner, "original", ct)
		if err != nil {
			t.Fatalf("Open %s: %v", owner, err)
		}
		if string(pt) != "plain "+owner {
			t.Fatalf("Open %s: wrong plaintext", owner)
		}
	}
}

func TestRotateRewrap(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	old := f.kr.ActiveID()
	cts := sealMany(t, f.v, "doc", 20)
	blindBefore := f.v.Blind("cccd", "079085001234")

	newID, err := f.kr.Rotate(f.keyPath)
	if err != nil {
		t.Fatal(err)
	}
	if newID == old || f.kr.ActiveID() != newID {
		t.Fatalf("after Rotate active = %q (new %q, old %q)", f.kr.ActiveID(), newID, old)
	}
	fi, _ := os.Stat(f.keyPath)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("rotated key file mode %04o, want 0600", fi.Mode().Perm())
	}
	// Before re-wrapping, records still open (old key kept), also after a restart.
	openAll(t, f.v, cts)
	openAll(t, f.reopen(t), cts)
	// New owners use the new key.
	cts2 := sealMany(t, f.v, "new", 5)
	st, err := f.v.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := Status{Active: newID, ByMaster: map[string]int{old: 20, newID: 5}, DataKeys: 25}
	if diff := cmp.Diff(want, st); diff != "" {
		t.Errorf("Status before rewrap (-want +got):\n%s", diff)
	}
	if err := f.v.Retire(ctx, f.keyPath, old); err == nil {
		t.Error("Retire of a key still in use succeeded")
	}

	var calls int
	n, err := f.v.Rewrap(ctx, func(done, total int) {
		calls++
		if total != 25 || done != calls {
			t.Errorf("progress(%d, %d) on call %d", done, total, calls)
		}
	})
	if err != nil || n != 20 {
		t.Fatalf("Rewrap = %d, %v; want 20, nil", n, err)
	}
	st, _ = f.v.Status(ctx)
	if diff := cmp.Diff([]string{old}, st.Unused()); diff != "" {
		t.Errorf("Unused (-want +got):\n%s", diff)
	}
	// Restart with the reloaded key file: everything opens.
	v2 := f.reopen(t)
	openAll(t, v2, cts)
	openAll(t, v2, cts2)
	// Retire the old key; still everything opens after another restart.
	if err := f.v.Retire(ctx, f.keyPath, old); err != nil {
		t.Fatal(err)
	}
	v3 := f.reopen(t)
	if diff := cmp.Diff([]string{newID}, v3.Keyring().IDs()); diff != "" {
		t.Errorf("IDs after retire (-want +got):\n%s", diff)
	}
	openAll(t, v3, cts)
	openAll(t, v3, cts2)
	if v3.Blind("cccd", "079085001234") != blindBefore {
		t.Error("blind index changed across rotation")
	}
	if err := f.v.Retire(ctx, f.keyPath, newID); err == nil {
		t.Error("Retire of the active key succeeded")
	}
}

func TestRewrapInterruptedResumes(t *testing.T) {
	f := newFixture(t)
	old := f.kr.ActiveID()
	cts := sealMany(t, f.v, "doc", 30)
	newID, err := f.kr.Rotate(f.keyPath)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n, err := f.v.Rewrap(ctx, func(done, total int) {
		if done == 12 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || n != 12 {
		t.Fatalf("interrupted Rewrap = %d, %v; want 12, context.Canceled", n, err)
	}
	// Mid-way: a restarted process opens everything.
	v2 := f.reopen(t)
	openAll(t, v2, cts)
	st, _ := v2.Status(context.Background())
	if st.ByMaster[old] != 18 || st.ByMaster[newID] != 12 {
		t.Errorf("mid-rewrap status %v, want old 18 new 12", st.ByMaster)
	}
	n, err = v2.Rewrap(context.Background(), nil)
	if err != nil || n != 18 {
		t.Fatalf("resumed Rewrap = %d, %v; want 18, nil", n, err)
	}
	n, err = v2.Rewrap(context.Background(), nil)
	if err != nil || n != 0 {
		t.Fatalf("third Rewrap = %d, %v; want 0, nil", n, err)
	}
	openAll(t, f.reopen(t), cts)
}

func TestDestroy(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cts := sealMany(t, f.v, "doc", 5)
	victim := "doc-002"
	if err := f.v.Destroy(ctx, victim); err != nil {
		t.Fatal(err)
	}
	for _, v := range []*Vault{f.v, f.reopen(t)} {
		if _, err := v.Open(ctx, victim, "original", cts[victim]); !errors.Is(err, ErrErased) {
			t.Errorf("Open erased: err = %v, want ErrErased", err)
		}
		if _, err := v.Seal(ctx, victim, "original", []byte("again")); !errors.Is(err, ErrErased) {
			t.Errorf("Seal erased: err = %v, want ErrErased", err)
		}
		rest := map[string][]byte{}
		for o, ct := range cts {
			if o != victim {
				rest[o] = ct
			}
		}
		openAll(t, v, rest)
	}
	// The wrapped key is gone from the store: only a tombstone remains.
	raw, err := f.store.Get(ctx, "keys/"+victim)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("wrapped")) {
		t.Errorf("tombstone still holds a wrapped key: %s", raw)
	}
	erased, err := f.v.Erased(ctx, victim)
	if err != nil || !erased {
		t.Errorf("Erased = %v, %v", erased, err)
	}
	if err := f.v.Destroy(ctx, victim); err != nil {
		t.Errorf("second Destroy: %v", err)
	}
	// Destroying an owner that never had a key blocks later Seals too.
	if err := f.v.Destroy(ctx, "never"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.v.Seal(ctx, "never", "x", nil); !errors.Is(err, ErrErased) {
		t.Errorf("Seal after Destroy of unknown owner: %v", err)
	}
	st, _ := f.v.Status(ctx)
	if st.Erased != 2 || st.DataKeys != 4 {
		t.Errorf("Status = %+v, want 2 erased, 4 live", st)
	}
	// Rewrap never resurrects an erased key.
	if _, err := f.kr.Rotate(f.keyPath); err != nil {
		t.Fatal(err)
	}
	if _, err := f.v.Rewrap(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := f.reopen(t).Open(ctx, victim, "original", cts[victim]); !errors.Is(err, ErrErased) {
		t.Errorf("after rewrap: %v, want ErrErased", err)
	}
}

func TestConcurrentFirstSeal(t *testing.T) {
	tests := []struct {
		name string
		// vaults builds the vaults that race; they share one store.
		vaults func(t *testing.T, f *fixture) []*Vault
	}{
		{"one vault", func(t *testing.T, f *fixture) []*Vault { return []*Vault{f.v} }},
		{"three vaults sharing a FileLocker", func(t *testing.T, f *fixture) []*Vault {
			l, err := NewFileLocker(filepath.Join(f.dir, "locks"))
			if err != nil {
				t.Fatal(err)
			}
			var vs []*Vault
			for range 3 {
				vs = append(vs, NewWithConfig(f.store, f.kr, Config{Locker: l}))
			}
			return vs
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			testConcurrentFirstSeal(t, f, tc.vaults(t, f))
		})
	}
}

func testConcurrentFirstSeal(t *testing.T, f *fixture, vaults []*Vault) {
	ctx := context.Background()
	const workers = 32
	type sealed struct {
		owner string
		pt    string
		ct    []byte
	}
	results := make(chan sealed, workers*4)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			v := vaults[w%len(vaults)]
			for o := range 4 {
				owner := fmt.Sprintf("race-%d", o)
				pt := fmt.Sprintf("worker %d owner %d", w, o)
				ct, err := v.Seal(ctx, owner, "page/1", []byte(pt))
				if err != nil {
					t.Error(err)
					return
				}
				results <- sealed{owner, pt, ct}
			}
		})
	}
	wg.Wait()
	close(results)
	fresh := f.reopen(t)
	n := 0
	for r := range results {
		n++
		got, err := fresh.Open(ctx, r.owner, "page/1", r.ct)
		if err != nil {
			t.Fatalf("Open %s: %v (a racing Seal used a key that lost)", r.owner, err)
		}
		if string(got) != r.pt {
			t.Fatal("wrong plaintext")
		}
	}
	if n != workers*4 {
		t.Fatalf("%d results, want %d", n, workers*4)
	}
	st, _ := fresh.Status(ctx)
	if st.DataKeys != 4 {
		t.Errorf("%d data keys, want 4", st.DataKeys)
	}
}

// TestConcurrentFirstSealProcesses re-executes the test binary so that
// several processes, sharing the store through a FileLocker, race to create
// the same owners' keys.
func TestConcurrentFirstSealProcesses(t *testing.T) {
	if os.Getenv("VAULT_CHILD") == "1" {
		childSeal(t)
		return
	}
	f := newFixture(t)
	lockDir := filepath.Join(f.dir, "locks")
	outDir := filepath.Join(f.dir, "out")
	const procs = 3
	cmds := make([]*exec.Cmd, procs)
	for i := range procs {
		cmd := exec.Command(os.Args[0], "-test.run=^TestConcurrentFirstSealProcesses$", "-test.count=1")
		cmd.Env = append(os.Environ(), "VAULT_CHILD=1", "VAULT_DIR="+f.dir, "VAULT_LOCKS="+lockDir,
			"VAULT_OUT="+outDir, "VAULT_ID="+strconv.Itoa(i), "VAULT_KEYFILE="+f.keyPath)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds[i] = cmd
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("child %d output:\n%s", i, out.String())
			}
		})
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("child %d: %v", i, err)
		}
	}
	ents, err := os.ReadDir(outDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != procs*4*10 {
		t.Fatalf("%d sealed objects, want %d", len(ents), procs*4*10)
	}
	v := f.reopen(t)
	for _, e := range ents {
		// name: <owner>_<proc>_<i>
		parts := strings.SplitN(e.Name(), "_", 2)
		ct, _ := os.ReadFile(filepath.Join(outDir, e.Name()))
		pt, err := v.Open(context.Background(), parts[0], "page", ct)
		if err != nil {
			t.Fatalf("Open %s: %v", e.Name(), err)
		}
		if string(pt) != e.Name() {
			t.Fatalf("Open %s: wrong plaintext", e.Name())
		}
	}
	st, _ := v.Status(context.Background())
	if st.DataKeys != 4 {
		t.Errorf("%d data keys, want 4", st.DataKeys)
	}
}

func childSeal(t *testing.T) {
	kr, err := LoadKeyFile(os.Getenv("VAULT_KEYFILE"))
	if err != nil {
		t.Fatal(err)
	}
	store, err := blob.NewFS(filepath.Join(os.Getenv("VAULT_DIR"), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	locker, err := NewFileLocker(os.Getenv("VAULT_LOCKS"))
	if err != nil {
		t.Fatal(err)
	}
	out := os.Getenv("VAULT_OUT")
	if err := os.MkdirAll(out, 0o700); err != nil {
		t.Fatal(err)
	}
	id := os.Getenv("VAULT_ID")
	var wg sync.WaitGroup
	for g := range 10 {
		wg.Go(func() {
			// Each goroutine has its own vault (own cache), like separate workers.
			v := NewWithConfig(store, kr, Config{Locker: locker})
			for o := range 4 {
				owner := fmt.Sprintf("p-%d", o)
				name := fmt.Sprintf("%s_%s_%d", owner, id, g)
				ct, err := v.Seal(context.Background(), owner, "page", []byte(name))
				if err != nil {
					t.Error(err)
					return
				}
				if err := os.WriteFile(filepath.Join(out, name), ct, 0o600); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
}

func TestCacheBounded(t *testing.T) {
	f := newFixture(t)
	v := NewWithConfig(f.store, f.kr, Config{CacheSize: 3})
	cts := sealMany(t, v, "c", 10)
	if got := v.cache.len(); got != 3 {
		t.Errorf("cache holds %d keys, want 3", got)
	}
	openAll(t, v, cts)
	if got := v.cache.len(); got != 3 {
		t.Errorf("cache holds %d keys after opens, want 3", got)
	}
	// Expiry: a destroy by another vault is seen after the TTL.
	ctx := context.Background()
	ct := cts["c-009"]
	if _, err := v.Open(ctx, "c-009", "original", ct); err != nil {
		t.Fatal(err)
	}
	if err := f.v.Destroy(ctx, "c-009"); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	v.now = func() time.Time { return now.Add(6 * time.Minute) }
	if _, err := v.Open(ctx, "c-009", "original", ct); !errors.Is(err, ErrErased) {
		t.Errorf("Open after TTL: %v, want ErrErased", err)
	}
}

// TestNoKeyMaterialInOutput checks every error and every printed or logged
// form of the keyring for the key bytes in raw, base64 and hex forms.
func TestNoKeyMaterialInOutput(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.kr.Rotate(f.keyPath); err != nil {
		t.Fatal(err)
	}
	var secrets [][]byte
	for _, m := range f.kr.Keys() {
		secrets = append(secrets, m.key)
	}
	secrets = append(secrets, *f.kr.blind)

	var outputs []string
	add := func(s string) { outputs = append(outputs, s) }
	errs := []error{}
	ct, _ := f.v.Seal(ctx, "doc-1", "k", []byte("x"))
	_, err := f.v.Open(ctx, "doc-1", "other", ct)
	errs = append(errs, err)
	_, err = f.v.Open(ctx, "doc-1", "k", ct[:5])
	errs = append(errs, err)
	_, err = f.v.Open(ctx, "nokey", "k", ct)
	errs = append(errs, err)
	// A key file with a bad active ID and a short key.
	bad := filepath.Join(t.TempDir(), "bad.json")
	kb, _ := f.kr.marshal()
	os.WriteFile(bad, bytes.Replace(kb, []byte(`"active": "`), []byte(`"active": "x`), 1), 0o600)
	_, err = LoadKeyFile(bad)
	errs = append(errs, err)
	os.WriteFile(bad, kb[:len(kb)/2], 0o600)
	_, err = LoadKeyFile(bad)
	errs = append(errs, err)
	os.Chmod(bad, 0o644)
	_, err = LoadKeyFile(bad)
	errs = append(errs, err)
	_, err = KeyringFromEnv(base64.StdEncoding.EncodeToString(kb[:len(kb)-3]))
	errs = append(errs, err)
	// An unknown master key.
	other := NewKeyring()
	_, err = New(f.store, other).Open(ctx, "doc-1", "k", ct)
	errs = append(errs, err)
	for i, e := range errs {
		if e == nil {
			t.Fatalf("case %d produced no error", i)
		}
		add(e.Error())
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x", "%q"} {
		add(fmt.Sprintf(verb, f.kr))
		for _, m := range f.kr.Keys() {
			add(fmt.Sprintf(verb, m))
			add(fmt.Sprintf(verb, &m))
			add(fmt.Sprintf(verb, m.key))
		}
		add(fmt.Sprintf(verb, f.kr.blind))
		add(fmt.Sprintf(verb, *f.kr.blind))
		add(fmt.Sprintf(verb, []any{f.kr, f.kr.Keys()[0], &f.kr.Keys()[0]}))
	}
	var logBuf bytes.Buffer
	lg := slog.New(slog.NewJSONHandler(&logBuf, nil))
	lg.Info("keyring", "kr", f.kr, "mk", f.kr.Keys()[0], "blind", f.kr.blind, "blind2", *f.kr.blind)
	lg2 := slog.New(slog.NewTextHandler(&logBuf, nil))
	lg2.Info("keyring", "kr", f.kr, "mk", f.kr.Keys()[0])
	add(logBuf.String())
	for _, out := range outputs {
		for _, s := range secrets {
			for _, form := range []string{string(s), base64.StdEncoding.EncodeToString(s), hex.EncodeToString(s), fmt.Sprint([]byte(s))} {
				if strings.Contains(out, form) {
					t.Errorf("output leaks key material: %q", out)
				}
			}
		}
	}
	if !strings.Contains(fmt.Sprint(f.kr), f.kr.ActiveID()) {
		t.Error("keyring string does not show the (non-secret) active ID")
	}
}

func TestBlind(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name         string
		field, a, b  string
		wantSame     bool
		wantNormForA string
	}{
		{"cccd grouping", "cccd", "0960 8500 1234", "096085001234", true, "096085001234"},
		{"cccd dashes", "cccd", "096-085-001-234", "096085001234", true, "096085001234"},
		{"cccd prefix", "cccd", "0960850012", "096085001234", false, "0960850012"},
		{"cmnd", "cmnd", " 385 123 456 ", "385123456", true, "385123456"},
		{"phone +84", "phone", "+84 912 345 678", "0912345678", true, "0912345678"},
		{"phone dots", "phone", "0912.345.678", "0912345678", true, "0912345678"},
		{"name case and spaces", "name", "  NGUYỄN   Văn\tAn ", "nguyễn văn an", true, "nguyễn văn an"},
		{"name NFD vs NFC", "name", "Nguye\u0302\u0303n Va\u0306n An", "nguyễn văn an", true, "nguyễn văn an"},
		{"name accents matter", "name", "Nguyen Van An", "Nguyễn Văn An", false, "nguyen van an"},
		{"name prefix", "name", "Nguyễn Văn", "Nguyễn Văn An", false, "nguyễn văn"},
		{"field separation", "name", "385123456", "385123456", true, "385123456"},
		{"serial", "certificate_serial", "BS 123456", "bs  123456", true, "bs 123456"},
		{"name bidi and zero-width dropped", "person_names", "Nguy\u200bễn \u202eVăn\u202c An\ufeff", "nguyễn văn an", true, "nguyễn văn an"},
		{"folded name without diacritics", "person_names_folded", "nguyen hoang phuc", "Nguyễn Hoàng Phúc", true, "nguyen hoang phuc"},
		{"folded name upper case and đ", "person_names_folded", "ĐẶNG  THỊ\tHOA", "dang thi hoa", true, "dang thi hoa"},
		{"folded name NFD", "person_names_folded", "Nguye\u0302\u0303n", "nguyen", true, "nguyen"},
		{"folded address", "addresses_folded", "Xã Đông Hòa, Thị xã Dĩ An", "xa dong hoa, thi xa di an", true, "xa dong hoa, thi xa di an"},
		{"no folding without the suffix", "person_names", "Nguyễn Hoàng Phúc", "nguyen hoang phuc", false, "nguyễn hoàng phúc"},
		{"no folding for other fields", "cccd_folded", "Nguyễn", "nguyen", false, "nguyễn"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Normalize(tc.field, tc.a); got != tc.wantNormForA {
				t.Errorf("Normalize(%q, %q) = %q, want %q", tc.field, tc.a, got, tc.wantNormForA)
			}
			a, b := f.v.Blind(tc.field, tc.a), f.v.Blind(tc.field, tc.b)
			if (a == b) != tc.wantSame {
				t.Errorf("Blind equal = %v, want %v", a == b, tc.wantSame)
			}
			if !strings.HasPrefix(a, tc.field+":") || len(a) != len(tc.field)+1+64 {
				t.Errorf("Blind = %q, want %s:<64 hex>", a, tc.field)
			}
			if strings.Contains(a, Normalize(tc.field, tc.a)) {
				t.Error("blind index contains the value")
			}
		})
	}
	if f.v.Blind("cccd", "385123456") == f.v.Blind("cmnd", "385123456") {
		t.Error("different fields give the same blind index")
	}
	if got := f.v.Blind("cccd", " - "); got != "" {
		t.Errorf("Blind of an empty value = %q, want empty", got)
	}
	if f.v.Blind("person_names", "nguyen van an") == f.v.Blind("person_names_folded", "nguyen van an") {
		t.Error("a folded companion shares its field's key")
	}
	if NewKeyring().Blind("cccd", "096085001234") == f.v.Blind("cccd", "096085001234") {
		t.Error("another blind key gives the same index")
	}
}

func TestFolded(t *testing.T) {
	tests := []struct {
		field, want string
		ok          bool
	}{
		{"person_names", "person_names_folded", true},
		{"addresses", "addresses_folded", true},
		{"cccd", "", false},
		{"person_names_folded", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.field, func(t *testing.T) {
			if got, ok := Folded(tc.field); got != tc.want || ok != tc.ok {
				t.Errorf("Folded(%q) = %q, %v, want %q, %v", tc.field, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

func jsonMarshal(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestReloadAfterRotationElsewhere: `sohoa keys rotate` and rewrap run in
// another process while the server keeps its keyring in memory.
func TestReloadAfterRotationElsewhere(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cts := sealMany(t, f.v, "doc", 5)

	// The CLI process: load, rotate, rewrap.
	cliKR, err := LoadKeyFile(f.keyPath)
	if err != nil {
		t.Fatal(err)
	}
	newID, err := cliKR.Rotate(f.keyPath)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := New(f.store, cliKR).Rewrap(ctx, nil); err != nil || n != 5 {
		t.Fatalf("Rewrap = %d, %v", n, err)
	}

	// The server, without KeyFile, cannot unwrap (cold cache).
	stale := New(f.store, f.kr)
	if _, err := stale.Open(ctx, "doc-000", "original", cts["doc-000"]); !errors.Is(err, ErrUnknownMasterKey) {
		t.Fatalf("Open without reload: %v, want ErrUnknownMasterKey", err)
	}
	// With KeyFile it reloads and carries on, and new keys use the new master.
	srv := NewWithConfig(f.store, f.kr, Config{KeyFile: f.keyPath})
	openAll(t, srv, cts)
	if f.kr.ActiveID() != newID {
		t.Errorf("active after reload %q, want %q", f.kr.ActiveID(), newID)
	}
	// A key file from another installation is refused.
	otherPath := filepath.Join(t.TempDir(), "other.json")
	if _, err := CreateKeyFile(otherPath); err != nil {
		t.Fatal(err)
	}
	if err := f.kr.Reload(otherPath); !errors.Is(err, ErrBadKeyFile) {
		t.Errorf("Reload of a foreign key file: %v, want ErrBadKeyFile", err)
	}
}
