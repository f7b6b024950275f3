package vault

import (
	"bytes"
	"context"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"sync"
)

// Chunked (streaming) format, version 2, for objects too large to hold in
// memory (uploaded originals):
//
//	"SV" 2 | chunk size (uint32 BE) | 7-byte random nonce prefix | chunk 0 | chunk 1 | ...
//
// Chunk i is AES-256-GCM under the owner's data key of at most ChunkSize
// plaintext bytes with the nonce prefix || uint32 BE i || final flag (1 on the
// last chunk, else 0), and the same associated data as a whole object (the
// 14-byte header, the owner and the kind). This is the STREAM construction of
// age and Tink: reordered chunks fail (the index is in the nonce), a dropped
// tail fails (no chunk left carries the final flag), chunks moved from
// another object fail (another prefix and header), and so do chunks moved
// from another owner or kind. Every chunk but the last is full; the last
// holds 1..ChunkSize bytes, or 0 when the object is empty.
const (
	formatV2        = 2
	streamPrefixLen = 7
	streamHeaderLen = headerLen + 4 + streamPrefixLen
	// ChunkSize is the plaintext size of each chunk of a streamed object.
	ChunkSize = 64 << 10
	// minChunk and maxChunk bound the chunk size a reader accepts.
	minChunk, maxChunk = 512, 4 << 20
)

// sealer seals the chunks of one object.
type sealer struct {
	aead  cipher.AEAD
	aad   []byte
	nonce [nonceLen]byte
}

func (s *sealer) setNonce(i uint32, last bool) []byte {
	binary.BigEndian.PutUint32(s.nonce[streamPrefixLen:], i)
	s.nonce[nonceLen-1] = 0
	if last {
		s.nonce[nonceLen-1] = 1
	}
	return s.nonce[:]
}

// SealWriter returns a writer that seals what is written to it for owner and
// kind in the chunked format and writes the result to w, holding at most
// one chunk in memory. Close writes the final chunk (it does not close w);
// without Close the sealed object is incomplete and does not open. The
// object opens with Open or OpenReaderAt. SealWriter fails with ErrErased for
// a destroyed owner. The writer is not safe for concurrent use.
func (v *Vault) SealWriter(ctx context.Context, owner, kind string, w io.Writer) (io.WriteCloser, error) {
	if err := checkOwnerKind(owner, kind); err != nil {
		return nil, err
	}
	aead, err := v.dataKey(ctx, owner, true)
	if err != nil {
		return nil, fmt.Errorf("vault: seal %s/%s: %w", owner, kind, err)
	}
	hdr := make([]byte, streamHeaderLen)
	hdr[0], hdr[1], hdr[2] = magic0, magic1, formatV2
	binary.BigEndian.PutUint32(hdr[headerLen:], ChunkSize)
	if _, err := rand.Read(hdr[headerLen+4:]); err != nil {
		return nil, fmt.Errorf("vault: seal %s/%s: nonce: %w", owner, kind, err)
	}
	if _, err := w.Write(hdr); err != nil {
		return nil, fmt.Errorf("vault: seal %s/%s: %w", owner, kind, err)
	}
	sw := &sealWriter{w: w, owner: owner, kind: kind, buf: make([]byte, 0, ChunkSize),
		out: make([]byte, 0, ChunkSize+tagLen)}
	sw.s.aead, sw.s.aad = aead, sealAAD(hdr, owner, kind)
	copy(sw.s.nonce[:], hdr[headerLen+4:])
	return sw, nil
}

type sealWriter struct {
	w           io.Writer
	owner, kind string
	s           sealer
	buf, out    []byte
	index       uint32
	err         error
	closed      bool
}

func (w *sealWriter) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	if w.closed {
		return 0, fmt.Errorf("vault: seal %s/%s: write after Close", w.owner, w.kind)
	}
	n := 0
	for len(p) > 0 {
		// A full chunk is sealed only once more data shows it is not the last.
		if len(w.buf) == ChunkSize {
			if err := w.flush(false); err != nil {
				return n, err
			}
		}
		k := copy(w.buf[len(w.buf):ChunkSize], p)
		w.buf = w.buf[:len(w.buf)+k]
		p = p[k:]
		n += k
	}
	return n, nil
}

func (w *sealWriter) flush(last bool) error {
	if !last && w.index == math.MaxUint32 {
		w.err = fmt.Errorf("vault: seal %s/%s: object larger than the chunked format allows", w.owner, w.kind)
		return w.err
	}
	w.out = w.s.aead.Seal(w.out[:0], w.s.setNonce(w.index, last), w.buf, w.s.aad)
	if _, err := w.w.Write(w.out); err != nil {
		w.err = fmt.Errorf("vault: seal %s/%s: %w", w.owner, w.kind, err)
		return w.err
	}
	w.buf = w.buf[:0]
	w.index++
	return nil
}

// Close seals the final chunk. Calling it again does nothing.
func (w *sealWriter) Close() error {
	if w.err != nil || w.closed {
		return w.err
	}
	w.closed = true
	return w.flush(true)
}

// Object is a sealed object opened for reading without holding it in
// memory: ReadAt decrypts only the chunks it touches (keeping the last one),
// so archive/zip can read a stored ZIP through it. Read and Seek read it in
// order. Every chunk is authenticated before a byte of it is returned; a
// failure gives an error wrapping ErrTampered. ReadAt is safe for concurrent
// use (calls are serialised); Read and Seek share one offset and are not.
type Object struct {
	r      io.ReaderAt
	what   string // owner/kind, for errors
	size   int64  // plaintext
	chunk  int64  // plaintext bytes per chunk
	chunks int64
	s      sealer
	plain  []byte // a whole version-1 object

	mu     sync.Mutex
	cached int64 // index of the chunk in buf, -1 for none
	buf    []byte
	ct     []byte
	off    int64 // for Read and Seek
}

// OpenReaderAt opens the sealed object of size bytes that r reads, sealed
// for owner and kind. A chunked object is read chunk by chunk; a
// whole-object (version 1) ciphertext is read and opened in memory, as Open
// does. The final chunk is authenticated here, so a truncated or extended
// object fails at once with ErrTampered. Other errors are as for Open.
func (v *Vault) OpenReaderAt(ctx context.Context, owner, kind string, r io.ReaderAt, size int64) (*Object, error) {
	if err := checkOwnerKind(owner, kind); err != nil {
		return nil, err
	}
	what := owner + "/" + kind
	var hdr [streamHeaderLen]byte
	n, err := r.ReadAt(hdr[:], 0)
	if n < headerLen || hdr[0] != magic0 || hdr[1] != magic1 || size < headerLen {
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("vault: open %s: %w", what, err)
		}
		return nil, fmt.Errorf("vault: open %s: %w", what, ErrFormat)
	}
	switch hdr[2] {
	case formatV1:
		if size > math.MaxInt32 {
			return nil, fmt.Errorf("vault: open %s: %w (whole object of %d bytes)", what, ErrFormat, size)
		}
		ct := make([]byte, size)
		if _, err := r.ReadAt(ct, 0); err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("vault: open %s: %w", what, err)
		}
		pt, err := v.Open(ctx, owner, kind, ct)
		if err != nil {
			return nil, err
		}
		return &Object{what: what, size: int64(len(pt)), plain: pt, cached: -1}, nil
	case formatV2:
	default:
		return nil, fmt.Errorf("vault: open %s: %w (version %d)", what, ErrFormat, hdr[2])
	}
	if n < streamHeaderLen || size < streamHeaderLen+tagLen {
		return nil, fmt.Errorf("vault: open %s: %w", what, ErrFormat)
	}
	chunk := int64(binary.BigEndian.Uint32(hdr[headerLen:]))
	if chunk < minChunk || chunk > maxChunk {
		return nil, fmt.Errorf("vault: open %s: %w (chunk size %d)", what, ErrFormat, chunk)
	}
	body := size - streamHeaderLen
	sealed := chunk + tagLen
	chunks := (body + sealed - 1) / sealed
	last := body - (chunks-1)*sealed - tagLen
	if last < 0 || (last == 0 && chunks > 1) || chunks-1 > math.MaxUint32 {
		return nil, fmt.Errorf("vault: open %s: %w (truncated)", what, ErrTampered)
	}
	aead, err := v.dataKey(ctx, owner, false)
	if err != nil {
		return nil, fmt.Errorf("vault: open %s: %w", what, err)
	}
	o := &Object{r: r, what: what, size: (chunks-1)*chunk + last, chunk: chunk, chunks: chunks, cached: -1,
		buf: make([]byte, 0, chunk), ct: make([]byte, sealed)}
	o.s.aead, o.s.aad = aead, sealAAD(hdr[:], owner, kind)
	copy(o.s.nonce[:], hdr[headerLen+4:])
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.load(chunks - 1); err != nil {
		return nil, err
	}
	return o, nil
}

// load decrypts chunk i into o.buf. The caller holds o.mu.
func (o *Object) load(i int64) error {
	if o.cached == i {
		return nil
	}
	o.cached = -1
	start := streamHeaderLen + i*(o.chunk+tagLen)
	n := o.chunk + tagLen
	if i == o.chunks-1 {
		n = o.size - i*o.chunk + tagLen
	}
	ct := o.ct[:n]
	if m, err := o.r.ReadAt(ct, start); m < len(ct) {
		if err == nil || errors.Is(err, io.EOF) {
			return fmt.Errorf("vault: open %s: chunk %d: %w (short read)", o.what, i, ErrTampered)
		}
		return fmt.Errorf("vault: open %s: chunk %d: %w", o.what, i, err)
	}
	pt, err := o.s.aead.Open(o.buf[:0], o.s.setNonce(uint32(i), i == o.chunks-1), ct, o.s.aad)
	if err != nil {
		return fmt.Errorf("vault: open %s: chunk %d: %w", o.what, i, ErrTampered)
	}
	o.buf, o.cached = pt, i
	return nil
}

// Size returns the plaintext size.
func (o *Object) Size() int64 { return o.size }

// ReadAt reads plaintext at off, decrypting the chunks it needs.
func (o *Object) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("vault: read %s: negative offset", o.what)
	}
	if o.plain != nil || o.r == nil {
		if off >= o.size {
			return 0, io.EOF
		}
		n := copy(p, o.plain[off:])
		if n < len(p) {
			return n, io.EOF
		}
		return n, nil
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	n := 0
	for n < len(p) {
		if off >= o.size {
			return n, io.EOF
		}
		i := off / o.chunk
		if err := o.load(i); err != nil {
			return n, err
		}
		k := copy(p[n:], o.buf[off-i*o.chunk:])
		n += k
		off += int64(k)
	}
	return n, nil
}

// Read reads the plaintext in order from the current offset.
func (o *Object) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	n, err := o.ReadAt(p, o.off)
	o.off += int64(n)
	if n > 0 && errors.Is(err, io.EOF) {
		err = nil
	}
	return n, err
}

// Seek sets the offset of the next Read.
func (o *Object) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += o.off
	case io.SeekEnd:
		offset += o.size
	default:
		return 0, fmt.Errorf("vault: seek %s: bad whence %d", o.what, whence)
	}
	if offset < 0 {
		return 0, fmt.Errorf("vault: seek %s: negative offset", o.what)
	}
	o.off = offset
	return offset, nil
}

var (
	_ io.ReaderAt   = (*Object)(nil)
	_ io.ReadSeeker = (*Object)(nil)
)

// openChunked opens a whole chunked object held in memory.
func (v *Vault) openChunked(ctx context.Context, owner, kind string, ct []byte) ([]byte, error) {
	o, err := v.OpenReaderAt(ctx, owner, kind, bytes.NewReader(ct), int64(len(ct)))
	if err != nil {
		return nil, err
	}
	pt := make([]byte, o.Size())
	if _, err := o.ReadAt(pt, 0); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return pt, nil
}
