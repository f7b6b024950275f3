// Package blobtest is the conformance suite every blob.Store must pass: the
// filesystem store and the S3 store run the same tests, so code written
// against blob.Store behaves the same on one machine and on many.
package blobtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sohoa/sohoa/internal/blob"
)

// Run runs the conformance suite. open must return a new, empty store for
// each call (a fresh directory, or a fresh key prefix in a bucket). The
// streaming tests go through blob.Create and blob.Open, so they exercise the
// store's own streaming when it is a blob.Streamer, and the in-memory
// fallback otherwise.
func Run(t *testing.T, open func(t *testing.T) blob.Store) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, s blob.Store)
	}{
		{"RoundTrip", testRoundTrip},
		{"Overwrite", testOverwrite},
		{"NotFound", testNotFound},
		{"NotFoundOnPathConflict", testNotFoundOnPathConflict},
		{"Delete", testDelete},
		{"List", testList},
		{"InvalidKeys", testInvalidKeys},
		{"CanceledContext", testCanceledContext},
		{"ConcurrentPutIsAtomic", testConcurrentPut},
		{"StreamRoundTrip", testStreamRoundTrip},
		{"StreamInvisibleUntilCommit", testStreamInvisibleUntilCommit},
		{"StreamAbortLeavesNothing", testStreamAbort},
		{"StreamNotFound", testStreamNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
}

func mustPut(t *testing.T, s blob.Store, key string, data []byte) {
	t.Helper()
	if err := s.Put(context.Background(), key, data); err != nil {
		t.Fatalf("Put(%q): %v", key, err)
	}
}

func testRoundTrip(t *testing.T, s blob.Store) {
	ctx := context.Background()
	big := make([]byte, 3<<20+17) // larger than one read buffer, odd length
	r := rand.New(rand.NewPCG(1, 2))
	for i := range big {
		big[i] = byte(r.Uint32())
	}
	cases := []struct {
		name string
		key  string
		data []byte
	}{
		{"empty object", "docs/empty", []byte{}},
		{"text", "docs/d1/manifest.json", []byte(`{"id":"d1","tên":"Nguyễn Văn A"}`)},
		{"binary with NULs", "docs/d1/pages/0001.ocr", []byte{0, 1, 2, 0xff, 0, 0xfe}},
		{"key with colon and dots", "keys/v1:abc.def-1_2", []byte("wrapped")},
		{"3 MiB", "originals/sha256-aa/orig.pdf", big},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mustPut(t, s, tc.key, tc.data)
			got, err := s.Get(ctx, tc.key)
			if err != nil {
				t.Fatalf("Get(%q): %v", tc.key, err)
			}
			if !bytes.Equal(got, tc.data) {
				t.Fatalf("Get(%q) = %d bytes, want the %d bytes put", tc.key, len(got), len(tc.data))
			}
		})
	}
}

func testOverwrite(t *testing.T, s blob.Store) {
	ctx := context.Background()
	mustPut(t, s, "a/b", []byte("first, longer value"))
	mustPut(t, s, "a/b", []byte("second"))
	got, err := s.Get(ctx, "a/b")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("second", string(got)); diff != "" {
		t.Errorf("after overwrite (-want +got):\n%s", diff)
	}
	keys, err := s.List(ctx, "a/")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a/b"}, keys); diff != "" {
		t.Errorf("List after overwrite (-want +got):\n%s", diff)
	}
}

func testNotFound(t *testing.T, s blob.Store) {
	ctx := context.Background()
	mustPut(t, s, "present/x", []byte("x"))
	for _, key := range []string{"missing", "present/y", "other/x"} {
		t.Run(key, func(t *testing.T) {
			_, err := s.Get(ctx, key)
			if !errors.Is(err, blob.ErrNotFound) {
				t.Fatalf("Get(%q) error = %v, want one wrapping blob.ErrNotFound", key, err)
			}
		})
	}
}

// testNotFoundOnPathConflict reads keys that are a prefix of an existing
// key, or that extend an existing key: neither exists, so both are
// ErrNotFound (a filesystem sees a directory or "not a directory" there).
func testNotFoundOnPathConflict(t *testing.T, s blob.Store) {
	ctx := context.Background()
	mustPut(t, s, "present/x", []byte("x"))
	for _, key := range []string{"present/x/under", "present"} {
		t.Run(key, func(t *testing.T) {
			_, err := s.Get(ctx, key)
			if !errors.Is(err, blob.ErrNotFound) {
				t.Fatalf("Get(%q) error = %v, want one wrapping blob.ErrNotFound", key, err)
			}
		})
	}
}

func testDelete(t *testing.T, s blob.Store) {
	ctx := context.Background()
	mustPut(t, s, "d/one", []byte("1"))
	mustPut(t, s, "d/two", []byte("2"))
	if err := s.Delete(ctx, "d/one"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := s.Get(ctx, "d/one"); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Get after Delete: err = %v, want ErrNotFound", err)
	}
	if err := s.Delete(ctx, "d/one"); err != nil {
		t.Errorf("Delete of a missing key: %v, want nil", err)
	}
	if err := s.Delete(ctx, "never/existed"); err != nil {
		t.Errorf("Delete of a never-written key: %v, want nil", err)
	}
	keys, err := s.List(ctx, "d/")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"d/two"}, keys); diff != "" {
		t.Errorf("List after Delete (-want +got):\n%s", diff)
	}
}

func testList(t *testing.T, s blob.Store) {
	ctx := context.Background()
	// Written out of order; List must sort.
	for _, k := range []string{
		"docs/b/2", "docs/a/1", "docs/ab/1", "docs/a/sub/deep/x", "docs/a/0",
		"batches/b1/batch.json", "docsx/1", "zz",
	} {
		mustPut(t, s, k, []byte(k))
	}
	cases := []struct {
		prefix string
		want   []string
	}{
		{"docs/a/", []string{"docs/a/0", "docs/a/1", "docs/a/sub/deep/x"}},
		{"docs/a", []string{"docs/a/0", "docs/a/1", "docs/a/sub/deep/x", "docs/ab/1"}},
		{"docs/", []string{"docs/a/0", "docs/a/1", "docs/a/sub/deep/x", "docs/ab/1", "docs/b/2"}},
		{"docs", []string{"docs/a/0", "docs/a/1", "docs/a/sub/deep/x", "docs/ab/1", "docs/b/2", "docsx/1"}},
		{"batches/b1/", []string{"batches/b1/batch.json"}},
		{"nothing/", nil},
		{"", []string{"batches/b1/batch.json", "docs/a/0", "docs/a/1", "docs/a/sub/deep/x", "docs/ab/1", "docs/b/2", "docsx/1", "zz"}},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("prefix %q", tc.prefix), func(t *testing.T) {
			got, err := s.List(ctx, tc.prefix)
			if err != nil {
				t.Fatalf("List(%q): %v", tc.prefix, err)
			}
			if len(got) == 0 {
				got = nil
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("List(%q) (-want +got):\n%s", tc.prefix, diff)
			}
		})
	}
}

func testInvalidKeys(t *testing.T, s blob.Store) {
	ctx := context.Background()
	for _, key := range []string{"", "/abs", "trailing/", "a//b", "..", "../escape", "a/../b", "./a", "with space", "dấu", "a\\b", "nul\x00"} {
		t.Run(fmt.Sprintf("%q", key), func(t *testing.T) {
			if err := s.Put(ctx, key, []byte("x")); err == nil {
				t.Errorf("Put(%q) succeeded, want an error", key)
			}
			if _, err := s.Get(ctx, key); err == nil || errors.Is(err, blob.ErrNotFound) {
				t.Errorf("Get(%q) error = %v, want an invalid-key error", key, err)
			}
			if err := s.Delete(ctx, key); err == nil {
				t.Errorf("Delete(%q) succeeded, want an error", key)
			}
		})
	}
	keys, err := s.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 0 {
		t.Errorf("invalid keys left objects behind: %q", keys)
	}
}

func testCanceledContext(t *testing.T, s blob.Store) {
	mustPut(t, s, "c/x", []byte("x"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Put(ctx, "c/y", []byte("y")); !errors.Is(err, context.Canceled) {
		t.Errorf("Put with canceled ctx: err = %v, want context.Canceled", err)
	}
	if _, err := s.Get(ctx, "c/x"); !errors.Is(err, context.Canceled) {
		t.Errorf("Get with canceled ctx: err = %v, want context.Canceled", err)
	}
	if _, err := s.List(ctx, "c/"); !errors.Is(err, context.Canceled) {
		t.Errorf("List with canceled ctx: err = %v, want context.Canceled", err)
	}
	if _, err := s.Get(context.Background(), "c/y"); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Put with canceled ctx wrote the object (Get err = %v)", err)
	}
}

// testConcurrentPut overwrites one key from several goroutines while others
// read it: every read must return one complete version, never a mix or a
// truncated object, and never ErrNotFound once the key exists.
func testConcurrentPut(t *testing.T, s blob.Store) {
	ctx := context.Background()
	const writers, rounds, size = 4, 8, 256 << 10
	version := func(w, r int) []byte { return bytes.Repeat([]byte{byte(1 + w*rounds + r)}, size) }
	mustPut(t, s, "hot/key", version(0, 0))
	var wg sync.WaitGroup
	errc := make(chan error, 64)
	for w := range writers {
		wg.Go(func() {
			for r := range rounds {
				if err := s.Put(ctx, "hot/key", version(w, r)); err != nil {
					errc <- err
					return
				}
			}
		})
	}
	for range 2 {
		wg.Go(func() {
			for range writers * rounds {
				b, err := s.Get(ctx, "hot/key")
				if err != nil {
					errc <- fmt.Errorf("Get during overwrites: %w", err)
					return
				}
				if len(b) != size || !bytes.Equal(b, bytes.Repeat(b[:1], size)) {
					errc <- fmt.Errorf("Get during overwrites returned a torn object (%d bytes)", len(b))
					return
				}
			}
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
	keys, err := s.List(ctx, "hot/")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"hot/key"}, keys); diff != "" {
		t.Errorf("List after concurrent overwrites (-want +got):\n%s", diff)
	}
}

// streamPut writes data under key through blob.Create in uneven pieces and
// commits.
func streamPut(t *testing.T, s blob.Store, key string, data []byte) {
	t.Helper()
	w, err := blob.Create(context.Background(), s, key)
	if err != nil {
		t.Fatalf("Create(%q): %v", key, err)
	}
	for rest, step := data, 1; len(rest) > 0; step = step*5 + 3 {
		n := min(step, len(rest))
		if _, err := w.Write(rest[:n]); err != nil {
			w.Abort()
			t.Fatalf("Write(%q): %v", key, err)
		}
		rest = rest[n:]
	}
	if err := w.Commit(); err != nil {
		t.Fatalf("Commit(%q): %v", key, err)
	}
}

func testStreamRoundTrip(t *testing.T, s blob.Store) {
	ctx := context.Background()
	big := make([]byte, 9<<20+5) // more than one S3 part
	r := rand.New(rand.NewPCG(5, 6))
	for i := range big {
		big[i] = byte(r.Uint32())
	}
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"empty", []byte{}},
		{"small", []byte("Nguyễn Văn A")},
		{"9 MiB", big},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := "stream/" + fmt.Sprint(len(tc.data))
			streamPut(t, s, key, tc.data)
			got, err := s.Get(ctx, key)
			if err != nil || !bytes.Equal(got, tc.data) {
				t.Fatalf("Get after streamed put: %d bytes, %v; want %d bytes", len(got), err, len(tc.data))
			}
			o, err := blob.Open(ctx, s, key)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer o.Close()
			if o.Size() != int64(len(tc.data)) {
				t.Errorf("Size = %d, want %d", o.Size(), len(tc.data))
			}
			for range 20 {
				if len(tc.data) == 0 {
					break
				}
				off := r.IntN(len(tc.data))
				buf := make([]byte, min(r.IntN(1<<20)+1, len(tc.data)-off))
				n, err := o.ReadAt(buf, int64(off))
				if n != len(buf) || (err != nil && !errors.Is(err, io.EOF)) || !bytes.Equal(buf, tc.data[off:off+n]) {
					t.Fatalf("ReadAt(%d bytes at %d) = %d, %v", len(buf), off, n, err)
				}
			}
			seq, err := io.ReadAll(o)
			if err != nil || !bytes.Equal(seq, tc.data) {
				t.Fatalf("Read: %d bytes, %v; want %d bytes", len(seq), err, len(tc.data))
			}
		})
	}
}

// testStreamInvisibleUntilCommit: while a streamed object is being written,
// readers see the previous version (or nothing), never part of the new one.
func testStreamInvisibleUntilCommit(t *testing.T, s blob.Store) {
	ctx := context.Background()
	w, err := blob.Create(ctx, s, "inflight/new")
	if err != nil {
		t.Fatal(err)
	}
	w.Write(bytes.Repeat([]byte("x"), 100<<10))
	if _, err := s.Get(ctx, "inflight/new"); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Get during a streamed put: err = %v, want ErrNotFound", err)
	}
	if keys, err := s.List(ctx, "inflight/"); err != nil || len(keys) != 0 {
		t.Errorf("List during a streamed put = %q, %v; want nothing", keys, err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	mustPut(t, s, "inflight/old", []byte("old version"))
	w, err = blob.Create(ctx, s, "inflight/old")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("new version, half written"))
	if got, err := s.Get(ctx, "inflight/old"); err != nil || string(got) != "old version" {
		t.Errorf("Get during an overwrite = %q, %v; want the old version", got, err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get(ctx, "inflight/old"); err != nil || string(got) != "new version, half written" {
		t.Errorf("Get after the overwrite = %q, %v; want the new version", got, err)
	}
}

// testStreamAbort: an aborted write, or one whose context ends before
// Commit, leaves no object and keeps the previous version.
func testStreamAbort(t *testing.T, s blob.Store) {
	ctx := context.Background()
	mustPut(t, s, "ab/kept", []byte("kept"))
	for _, key := range []string{"ab/new", "ab/kept"} {
		w, err := blob.Create(ctx, s, key)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(bytes.Repeat([]byte("y"), 3<<20))
		w.Abort()
		w.Abort() // twice is harmless
		if err := w.Commit(); err == nil {
			t.Errorf("Commit after Abort of %q succeeded", key)
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	w, err := blob.Create(cctx, s, "ab/canceled")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("z"))
	cancel()
	if err := w.Commit(); err == nil {
		t.Error("Commit after the context ended succeeded")
	}
	keys, err := s.List(ctx, "ab/")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"ab/kept"}, keys); diff != "" {
		t.Errorf("List after aborted writes (-want +got):\n%s", diff)
	}
	if got, err := s.Get(ctx, "ab/kept"); err != nil || string(got) != "kept" {
		t.Errorf("aborted overwrite changed the object: %q, %v", got, err)
	}
	if _, err := blob.Create(ctx, s, "../escape"); err == nil {
		t.Error("Create with an invalid key succeeded")
	}
}

func testStreamNotFound(t *testing.T, s blob.Store) {
	ctx := context.Background()
	mustPut(t, s, "present/x", []byte("x"))
	for _, key := range []string{"missing", "present", "present/x/under"} {
		if _, err := blob.Open(ctx, s, key); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("Open(%q) error = %v, want ErrNotFound", key, err)
		}
	}
}
