package vault

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
)

// sealStream seals pt with SealWriter, writing it in uneven pieces.
func sealStream(t testing.TB, v *Vault, owner, kind string, pt []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	w, err := v.SealWriter(context.Background(), owner, kind, &out)
	if err != nil {
		t.Fatal(err)
	}
	for rest, step := pt, 1; len(rest) > 0; step = step*3 + 1 {
		n := min(step, len(rest))
		if _, err := w.Write(rest[:n]); err != nil {
			t.Fatal(err)
		}
		rest = rest[n:]
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 7))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func TestStreamRoundTrip(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		size int
	}{
		{"empty", 0}, {"one byte", 1}, {"chunk-1", ChunkSize - 1}, {"chunk", ChunkSize},
		{"chunk+1", ChunkSize + 1}, {"several chunks", 3*ChunkSize + 17}, {"exactly two chunks", 2 * ChunkSize},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pt := randomBytes(tc.size, uint64(tc.size))
			ct := sealStream(t, f.v, "doc-1", "original", pt)
			chunks := max(1, (tc.size+ChunkSize-1)/ChunkSize)
			if want := streamHeaderLen + tc.size + chunks*tagLen; len(ct) != want {
				t.Errorf("sealed size = %d, want %d", len(ct), want)
			}
			if tc.size > 16 && bytes.Contains(ct, pt[:16]) {
				t.Error("sealed object contains plaintext")
			}
			got, err := f.reopen(t).Open(ctx, "doc-1", "original", ct)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if !bytes.Equal(got, pt) {
				t.Fatalf("Open returned %d bytes, not the %d sealed", len(got), len(pt))
			}
			o, err := f.v.OpenReaderAt(ctx, "doc-1", "original", bytes.NewReader(ct), int64(len(ct)))
			if err != nil {
				t.Fatalf("OpenReaderAt: %v", err)
			}
			if o.Size() != int64(len(pt)) {
				t.Fatalf("Size = %d, want %d", o.Size(), len(pt))
			}
			seq, err := io.ReadAll(o)
			if err != nil || !bytes.Equal(seq, pt) {
				t.Fatalf("Read: %d bytes, err %v; want the %d sealed", len(seq), err, len(pt))
			}
			// Random access across chunk boundaries.
			r := rand.New(rand.NewPCG(3, uint64(tc.size)))
			for range 50 {
				if len(pt) == 0 {
					break
				}
				off := r.IntN(len(pt))
				n := r.IntN(2*ChunkSize + 1)
				buf := make([]byte, n)
				k, err := o.ReadAt(buf, int64(off))
				want := pt[off:min(off+n, len(pt))]
				if k != len(want) || !bytes.Equal(buf[:k], want) || (k < n && !errors.Is(err, io.EOF)) || (k == n && err != nil && !errors.Is(err, io.EOF)) {
					t.Fatalf("ReadAt(%d bytes at %d) = %d, %v; want %d bytes", n, off, k, err, len(want))
				}
			}
		})
	}
}

func TestStreamTamper(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	pt := randomBytes(3*ChunkSize+100, 1)
	ct := sealStream(t, f.v, "doc-1", "original", pt)
	other := sealStream(t, f.v, "doc-1", "original", pt) // same plaintext, another object
	sealed := ChunkSize + tagLen
	chunk := func(b []byte, i int) []byte { return b[streamHeaderLen+i*sealed : streamHeaderLen+(i+1)*sealed] }
	flip := func(i int) []byte {
		c := bytes.Clone(ct)
		c[i] ^= 0x20
		return c
	}
	swapped := bytes.Clone(ct)
	copy(chunk(swapped, 0), chunk(ct, 1))
	copy(chunk(swapped, 1), chunk(ct, 0))
	foreign := bytes.Clone(ct)
	copy(chunk(foreign, 1), chunk(other, 1))
	// Dropping whole chunks from the end leaves a non-final chunk last.
	droppedTail := ct[:streamHeaderLen+3*sealed]
	// Sealing a prefix of pt as its own object, then grafting a chunk of
	// ct onto it, mixes objects.
	grafted := append(bytes.Clone(ct[:streamHeaderLen+sealed]), chunk(other, 1)...)
	for _, tc := range []struct {
		name string
		ct   []byte
		want error
	}{
		{"header chunk size", flip(headerLen + 1), ErrTampered},
		{"nonce prefix", flip(headerLen + 5), ErrTampered},
		{"first chunk body", flip(streamHeaderLen + 10), ErrTampered},
		{"middle chunk tag", flip(streamHeaderLen + 2*sealed - 1), ErrTampered},
		{"last byte", flip(len(ct) - 1), ErrTampered},
		{"truncated by one", ct[:len(ct)-1], ErrTampered},
		{"truncated inside last tag", ct[:len(ct)-tagLen+3], ErrTampered},
		{"whole chunks dropped", droppedTail, ErrTampered},
		{"appended byte", append(bytes.Clone(ct), 0), ErrTampered},
		{"appended chunk", append(bytes.Clone(ct), chunk(ct, 0)...), ErrTampered},
		{"chunks reordered", swapped, ErrTampered},
		{"chunk from another object", foreign, ErrTampered},
		{"chunk grafted from another object", grafted, ErrTampered},
		{"version", flip(2), ErrFormat},
		{"header only", ct[:streamHeaderLen], ErrFormat},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := f.v.Open(ctx, "doc-1", "original", tc.ct); !errors.Is(err, tc.want) {
				t.Errorf("Open error = %v, want %v", err, tc.want)
			}
			o, err := f.v.OpenReaderAt(ctx, "doc-1", "original", bytes.NewReader(tc.ct), int64(len(tc.ct)))
			if err == nil {
				_, err = io.ReadAll(o)
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("OpenReaderAt+Read error = %v, want %v", err, tc.want)
			}
		})
	}
	// Opened as another owner or kind, every chunk fails.
	if _, err := f.v.Seal(ctx, "doc-2", "x", nil); err != nil {
		t.Fatal(err)
	}
	for _, ok := range [][2]string{{"doc-1", "pdf"}, {"doc-2", "original"}} {
		if _, err := f.v.Open(ctx, ok[0], ok[1], ct); !errors.Is(err, ErrTampered) {
			t.Errorf("Open as %s/%s: error = %v, want ErrTampered", ok[0], ok[1], err)
		}
	}
}

// TestStreamOldFormat: whole objects sealed by Seal (version 1) still open
// through OpenReaderAt.
func TestStreamOldFormat(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	pt := randomBytes(100_000, 2)
	ct, err := f.v.Seal(ctx, "doc-1", "original", pt)
	if err != nil {
		t.Fatal(err)
	}
	o, err := f.v.OpenReaderAt(ctx, "doc-1", "original", bytes.NewReader(ct), int64(len(ct)))
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(o)
	if err != nil || !bytes.Equal(got, pt) {
		t.Fatalf("old format through OpenReaderAt: %d bytes, %v", len(got), err)
	}
	ct[len(ct)-1] ^= 1
	if _, err := f.v.OpenReaderAt(ctx, "doc-1", "original", bytes.NewReader(ct), int64(len(ct))); !errors.Is(err, ErrTampered) {
		t.Errorf("tampered old object: error = %v, want ErrTampered", err)
	}
}

// TestStreamZip reads a sealed ZIP through OpenReaderAt with archive/zip.
func TestStreamZip(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	entries := map[string][]byte{"a.bin": randomBytes(5*ChunkSize+3, 4), "b.txt": []byte("Nguyễn Văn A")}
	for name, b := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	ct := sealStream(t, f.v, "batch-1", "upload-0", zb.Bytes())
	o, err := f.v.OpenReaderAt(ctx, "batch-1", "upload-0", bytes.NewReader(ct), int64(len(ct)))
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(o, o.Size())
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != len(entries) {
		t.Fatalf("%d entries, want %d", len(zr.File), len(entries))
	}
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || !bytes.Equal(got, entries[zf.Name]) {
			t.Errorf("entry %s: %d bytes, %v", zf.Name, len(got), err)
		}
	}
}

// TestSealWriterErased: a destroyed owner cannot be sealed for.
func TestSealWriterErased(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if err := f.v.Destroy(ctx, "doc-9"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.v.SealWriter(ctx, "doc-9", "original", io.Discard); !errors.Is(err, ErrErased) {
		t.Fatalf("SealWriter for an erased owner: error = %v, want ErrErased", err)
	}
}
