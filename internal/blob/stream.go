package blob

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Writer writes one object as a stream. Nothing is visible under its key
// until Commit returns nil; Abort, or a failed Commit, leaves neither the
// object nor any temporary data (an object previously stored under the key
// stays as it was). A Writer is not safe for concurrent use.
type Writer interface {
	io.Writer
	// Commit makes the object visible, atomically.
	Commit() error
	// Abort discards what was written. It is a no-op after Commit.
	Abort()
}

// Object is a stored object opened for reading: at random (ReadAt), or in
// order (Read). Close releases it.
type Object interface {
	io.ReaderAt
	io.Reader
	io.Closer
	// Size is the object's size in bytes.
	Size() int64
}

// Streamer is implemented by stores that write and read objects without
// holding them in memory. *FS and *S3 implement it.
type Streamer interface {
	// Create starts writing the object under key.
	Create(ctx context.Context, key string) (Writer, error)
	// Open opens the object under key; a missing key gives an error
	// wrapping ErrNotFound.
	Open(ctx context.Context, key string) (Object, error)
}

var (
	_ Streamer = (*FS)(nil)
	_ Streamer = (*S3)(nil)
)

// Create returns a Writer for key in s: s's own when s is a Streamer;
// otherwise one that buffers the object in memory and Puts it at Commit.
func Create(ctx context.Context, s Store, key string) (Writer, error) {
	if st, ok := s.(Streamer); ok {
		return st.Create(ctx, key)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !ValidKey(key) {
		return nil, fmt.Errorf("blob: invalid key %q", key)
	}
	return &bufWriter{ctx: ctx, s: s, key: key}, nil
}

// Open opens the object under key in s: through s's own Open when s is a
// Streamer; otherwise by reading it whole with Get.
func Open(ctx context.Context, s Store, key string) (Object, error) {
	if st, ok := s.(Streamer); ok {
		return st.Open(ctx, key)
	}
	b, err := s.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	return bytesObject{bytes.NewReader(b)}, nil
}

// bufWriter is the in-memory Writer of a store that cannot stream.
type bufWriter struct {
	ctx  context.Context
	s    Store
	key  string
	buf  bytes.Buffer
	done bool
}

func (w *bufWriter) Write(p []byte) (int, error) { return w.buf.Write(p) }

func (w *bufWriter) Commit() error {
	if w.done {
		return fmt.Errorf("blob: put %s: writer already finished", w.key)
	}
	w.done = true
	return w.s.Put(w.ctx, w.key, w.buf.Bytes())
}

func (w *bufWriter) Abort() { w.done, w.buf = true, bytes.Buffer{} }

type bytesObject struct{ *bytes.Reader }

func (bytesObject) Close() error { return nil }

// Create starts writing key through a temporary file in the key's
// directory; Commit fsyncs it and renames it into place.
func (s *FS) Create(ctx context.Context, key string) (Writer, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p, err := s.path(key)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return nil, fmt.Errorf("blob: put %s: %w", key, err)
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("blob: put %s: %w", key, err)
	}
	return &fsWriter{ctx: ctx, f: f, path: p, key: key}, nil
}

type fsWriter struct {
	ctx  context.Context
	f    *os.File
	path string
	key  string
	done bool
}

func (w *fsWriter) Write(p []byte) (int, error) {
	if w.done {
		return 0, fmt.Errorf("blob: put %s: writer already finished", w.key)
	}
	n, err := w.f.Write(p)
	if err != nil {
		return n, fmt.Errorf("blob: put %s: %w", w.key, err)
	}
	return n, nil
}

func (w *fsWriter) Commit() error {
	if w.done {
		return fmt.Errorf("blob: put %s: writer already finished", w.key)
	}
	w.done = true
	tmp := w.f.Name()
	defer os.Remove(tmp) // no-op after a successful rename
	if err := w.ctx.Err(); err != nil {
		w.f.Close()
		return err
	}
	if err := w.f.Sync(); err != nil {
		w.f.Close()
		return fmt.Errorf("blob: put %s: %w", w.key, err)
	}
	if err := w.f.Close(); err != nil {
		return fmt.Errorf("blob: put %s: %w", w.key, err)
	}
	if err := os.Rename(tmp, w.path); err != nil {
		return fmt.Errorf("blob: put %s: %w", w.key, err)
	}
	return nil
}

func (w *fsWriter) Abort() {
	if w.done {
		return
	}
	w.done = true
	w.f.Close()
	os.Remove(w.f.Name())
}

// Open opens the file of key for reading.
func (s *FS) Open(ctx context.Context, key string) (Object, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p, err := s.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if missing(err) {
		return nil, fmt.Errorf("blob: get %s: %w", key, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("blob: get %s: %w", key, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("blob: get %s: %w", key, err)
	}
	if fi.IsDir() {
		f.Close()
		return nil, fmt.Errorf("blob: get %s: %w", key, ErrNotFound)
	}
	return fileObject{File: f, size: fi.Size()}, nil
}

type fileObject struct {
	*os.File
	size int64
}

func (o fileObject) Size() int64 { return o.size }
