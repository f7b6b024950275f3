// Package child reads untrusted page data — image decoding, PDF parsing and
// rendering, OCR — in supervised child processes, so that whatever an input
// does to a decoder (a crash in C code, a memory blow-up, a page that never
// finishes) costs that page, never the worker, the API or other pages
// (DESIGN invariant 7).
//
// A Pool keeps long-lived children, one per slot, each a copy of the running
// binary started with SOHOA_CHILD=1 (package childsrv serves that side; the
// binary's main calls childsrv.Main first). Each child loads Tesseract once
// and reads page after page, so no page pays for a process start. Requests
// and answers travel as gob messages over two pipes (file descriptors 3 and
// 4), leaving the child's stdout and stderr to its libraries and logs.
//
// Every child runs with OMP_THREAD_LIMIT=1 (one single-threaded Tesseract
// per core, see package omp), an address-space cap (RLIMIT_AS, set by the
// child on itself right after start: what it has then plus
// Config.MemoryMB) and no core dumps; the pool gives each request a time
// limit. A child that dies or is killed fails its request with a
// *domain.Rejection that wraps domain.ErrReaderDied and says in plain words
// what happened; the next request starts a fresh child.
package child

import (
	"errors"

	"github.com/sohoa/sohoa/internal/domain"
	"github.com/sohoa/sohoa/internal/pages"
)

// Environment of a child process, set by the pool.
const (
	// EnvChild marks a process as a reader child ("1").
	EnvChild = "SOHOA_CHILD"
	// EnvLanguages is the child's Tesseract languages, joined with "+".
	EnvLanguages = "SOHOA_CHILD_LANGUAGES"
	// EnvTessdata overrides Tesseract's data directory.
	EnvTessdata = "SOHOA_CHILD_TESSDATA"
	// EnvMemoryMB is how much address space the child may add to what it
	// has after start, in MiB.
	EnvMemoryMB = "SOHOA_CHILD_MEMORY_MB"
)

// File descriptors of the two pipes in a child.
const (
	RequestFD  = 3 // the child reads requests here
	ResponseFD = 4 // the child writes answers here
)

// Op is what a request asks a child to do.
type Op string

// Operations.
const (
	// OpOCR reads one encoded page image: Request.Image, .Read, .MaxPixels.
	OpOCR Op = "ocr"
	// OpOpen opens a document and keeps it open for OpPage; the answer
	// carries the number of pages. The document's Request.DocSize bytes
	// follow the request on the pipe as they are, not inside the gob
	// message, so neither side holds an encoded copy of a large file.
	OpOpen Op = "open"
	// OpPage returns page Request.Page of the open document.
	OpPage Op = "page"
	// OpClose forgets the open document.
	OpClose Op = "close"
	// OpPing answers with the child's thread limit and memory cap; with
	// Request.LoadOCR it first loads Tesseract, so missing language data
	// is found at start-up, not on the first page.
	OpPing Op = "ping"
)

// Request is one message to a child.
type Request struct {
	Op        Op
	Image     []byte
	Read      domain.ReadOptions
	MaxPixels int64
	DocSize   int64
	Limits    pages.Limits
	Page      domain.PageNo
	LoadOCR   bool
}

// Response is a child's answer to one Request.
type Response struct {
	Page      *domain.Page
	Image     *pages.Image
	Pages     int
	Rejection *Rejection // the input was refused, with a reason for staff
	Err       string     // any other failure
	// Ping answers.
	ThreadLimit int
	MemoryCap   int64 // bytes of address space the child may use; 0: none
	PID         int
}

// Rejection carries a *domain.Rejection across the pipe.
type Rejection struct {
	Code, VI, EN, Cause string
}

// ToWire converts a rejection for sending.
func ToWire(r *domain.Rejection) *Rejection {
	w := &Rejection{Code: r.Code, VI: r.VI, EN: r.EN}
	if r.Err != nil {
		w.Cause = r.Err.Error()
	}
	return w
}

func (w *Rejection) domain() *domain.Rejection {
	var cause error
	if w.Cause != "" {
		cause = errors.New(w.Cause)
	}
	return domain.Reject(w.Code, w.VI, w.EN, cause)
}

// ErrUnreadableImage is the rejection of a page image that no decoder can read.
var ErrUnreadableImage = domain.Reject("unreadable_image",
	"Ảnh trang không đọc được (tệp ảnh hỏng hoặc không đúng định dạng)",
	"the page image cannot be decoded (damaged or not an image)", nil)
