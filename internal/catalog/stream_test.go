package catalog_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/sohoa/sohoa/internal/blob"
	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/catalog/catalogtest"
	"github.com/sohoa/sohoa/internal/domain"
	"github.com/sohoa/sohoa/internal/vault"
)

func newCatalog(t testing.TB) (*catalog.Catalog, *blob.FS) { return catalogtest.New(t) }

func randomBytes(n int) []byte {
	r := rand.New(rand.NewPCG(uint64(n), 1))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// failingReader returns data, then err.
type failingReader struct {
	data []byte
	err  error
}

func (r *failingReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestOriginalStreams(t *testing.T) {
	ctx := context.Background()
	id := domain.DocumentID("0123456789abcdef0123456789abcdef")
	for _, size := range []int{0, 1, vault.ChunkSize, 5*vault.ChunkSize + 9} {
		t.Run(fmt.Sprintf("%d bytes", size), func(t *testing.T) {
			c, store := newCatalog(t)
			data := randomBytes(size)
			n, err := c.PutOriginalFrom(ctx, id, bytes.NewReader(data))
			if err != nil || n != int64(size) {
				t.Fatalf("PutOriginalFrom = %d, %v; want %d", n, err, size)
			}
			raw, err := store.Get(ctx, "docs/"+string(id)+"/original")
			if err != nil {
				t.Fatal(err)
			}
			if size > 16 && bytes.Contains(raw, data[:16]) {
				t.Fatal("the stored original holds plaintext")
			}
			got, err := c.GetOriginal(ctx, id)
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("GetOriginal: %d bytes, %v", len(got), err)
			}
			r, err := c.OpenOriginal(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if r.Size() != int64(size) {
				t.Errorf("Size = %d, want %d", r.Size(), size)
			}
			if size > 10 {
				buf := make([]byte, 10)
				if _, err := r.ReadAt(buf, int64(size-10)); err != nil && !errors.Is(err, io.EOF) {
					t.Fatal(err)
				}
				if !bytes.Equal(buf, data[size-10:]) {
					t.Error("ReadAt of the last 10 bytes differs")
				}
			}
			seq, err := io.ReadAll(r)
			if err != nil || !bytes.Equal(seq, data) {
				t.Fatalf("Read: %d bytes, %v", len(seq), err)
			}
		})
	}
}

// TestOriginalOldFormat: an original stored whole (before streaming) opens
// through OpenOriginal.
func TestOriginalOldFormat(t *testing.T) {
	c, _ := newCatalog(t)
	ctx := context.Background()
	id := domain.DocumentID("0123456789abcdef0123456789abcdef")
	data := randomBytes(70_000)
	if err := c.PutOriginal(ctx, id, data); err != nil {
		t.Fatal(err)
	}
	r, err := c.OpenOriginal(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got, err := io.ReadAll(r); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("Read: %d bytes, %v", len(got), err)
	}
}

// TestFailedStreamLeavesNothing: a source that fails half way leaves no
// object behind, and the error is the source's.
func TestFailedStreamLeavesNothing(t *testing.T) {
	c, store := newCatalog(t)
	ctx := context.Background()
	boom := errors.New("connection reset")
	_, err := c.PutUpload(ctx, "b1", 0, &failingReader{data: randomBytes(3 * vault.ChunkSize), err: boom})
	if !errors.Is(err, boom) {
		t.Fatalf("PutUpload error = %v, want the reader's", err)
	}
	_, err = c.PutOriginalFrom(ctx, "0123456789abcdef0123456789abcdef", &failingReader{data: []byte("%PDF-"), err: boom})
	if !errors.Is(err, boom) {
		t.Fatalf("PutOriginalFrom error = %v, want the reader's", err)
	}
	for _, prefix := range []string{"uploads/", "docs/"} {
		keys, err := store.List(ctx, prefix)
		if err != nil || len(keys) != 0 {
			t.Errorf("List(%q) after failed writes = %q, %v; want nothing", prefix, keys, err)
		}
	}
}

func TestUploads(t *testing.T) {
	c, _ := newCatalog(t)
	ctx := context.Background()
	data := randomBytes(2*vault.ChunkSize + 1)
	if _, err := c.PutUpload(ctx, "b1", 3, bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.OpenUpload(ctx, "b1", 4); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("OpenUpload of a missing upload: %v, want ErrNotFound", err)
	}
	if _, err := c.OpenUpload(ctx, "b2", 3); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("OpenUpload of another batch: %v, want ErrNotFound", err)
	}
	r, err := c.OpenUpload(ctx, "b1", 3)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	r.Close()
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("Read: %d bytes, %v", len(got), err)
	}
	if err := c.DeleteUpload(ctx, "b1", 3); err != nil {
		t.Fatal(err)
	}
	if _, err := c.OpenUpload(ctx, "b1", 3); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("OpenUpload after DeleteUpload: %v, want ErrNotFound", err)
	}
}
