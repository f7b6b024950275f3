// Package childsrv is the child's side of package child: a process started
// by a child.Pool that reads requests from its pipe, does the untrusted work
// (OCR with Tesseract, opening documents, decoding and rendering pages) and
// answers, until the pipe closes.
//
// The binary's main, and the TestMain of every test binary that runs the
// pipeline, call Main first: in a child it serves and exits, elsewhere it
// returns at once.
package childsrv

import (
	"bufio"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"

	"github.com/sohoa/sohoa/internal/child"
	"github.com/sohoa/sohoa/internal/domain"
	"github.com/sohoa/sohoa/internal/ocr"
	"github.com/sohoa/sohoa/internal/omp"
	"github.com/sohoa/sohoa/internal/pages"
)

// Main serves as a reader child and exits when the process was started as
// one (SOHOA_CHILD=1); otherwise it returns at once.
func Main() {
	if os.Getenv(child.EnvChild) != "1" {
		return
	}
	os.Exit(run())
}

func run() int {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	s := &server{log: log}
	_ = syscall.Setrlimit(syscall.RLIMIT_CORE, &syscall.Rlimit{}) // no core dumps of untrusted data
	if mb, err := strconv.Atoi(os.Getenv(child.EnvMemoryMB)); err == nil && mb > 0 {
		s.memExtra = int64(mb) << 20
		if !raceDetector {
			capBytes, err := limitMemory(s.memExtra)
			if err != nil {
				log.Warn("reader child: memory cap not set", "err", err)
			}
			s.memCap = capBytes
		}
		// Collect garbage harder as the heap nears the cap, so a page's
		// garbage never pushes the child over it.
		debug.SetMemoryLimit(int64(mb) << 20 / 2)
	}
	in := os.NewFile(child.RequestFD, "requests")
	out := os.NewFile(child.ResponseFD, "responses")
	if in == nil || out == nil {
		log.Error("reader child: pipes missing (started outside a child.Pool?)")
		return 2
	}
	// The decoder reads exactly one message at a time from br, so a
	// document's raw bytes after an OpOpen request are read from br too.
	br := bufio.NewReaderSize(in, 1<<16)
	dec := gob.NewDecoder(br)
	enc := gob.NewEncoder(out)
	defer s.close()
	for {
		var req child.Request
		if err := dec.Decode(&req); err != nil {
			if errors.Is(err, io.EOF) {
				return 0 // the pool closed the pipe
			}
			log.Error("reader child: read request", "err", err)
			return 1
		}
		if req.Op == child.OpOpen {
			s.doc, s.docBytes = nil, nil
			if req.DocSize < 0 || req.DocSize > maxDocBytes {
				log.Error("reader child: document size out of range", "size", req.DocSize)
				return 1
			}
			s.docBytes = make([]byte, req.DocSize)
			if _, err := io.ReadFull(br, s.docBytes); err != nil {
				log.Error("reader child: read document", "err", err)
				return 1
			}
		}
		resp := s.handle(&req)
		if err := enc.Encode(resp); err != nil {
			log.Error("reader child: write answer", "err", err)
			return 1
		}
	}
}

// limitMemory caps the process's address space at what it holds now plus
// extra bytes. It returns the cap.
func limitMemory(extra int64) (int64, error) {
	size, err := vmSize()
	if err != nil {
		return 0, err
	}
	limit := uint64(size + extra)
	if err := syscall.Setrlimit(syscall.RLIMIT_AS, &syscall.Rlimit{Cur: limit, Max: limit}); err != nil {
		return 0, fmt.Errorf("setrlimit RLIMIT_AS: %w", err)
	}
	return int64(limit), nil
}

// vmSize reads the process's current address-space size.
func vmSize() (int64, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmSize:"); ok {
			f := strings.Fields(v)
			if len(f) >= 1 {
				kb, err := strconv.ParseInt(f[0], 10, 64)
				return kb << 10, err
			}
		}
	}
	return 0, errors.New("VmSize not in /proc/self/status")
}

// server holds a child's state between requests: the OCR engine, loaded on
// the first page, and the open document.
type server struct {
	log      *slog.Logger
	memCap   int64 // the address-space cap, 0 when none
	memExtra int64 // what the child may add to its start-up size
	engine   *ocr.Engine
	doc      pages.Source
	docBytes []byte // the open document's bytes
}

// maxDocBytes bounds the size of a document a child accepts (the upload
// limits are far below).
const maxDocBytes = 64 << 30

func (s *server) close() {
	if s.engine != nil {
		s.engine.Close()
	}
}

// handle answers one request. A Go panic becomes an error answer; a crash
// in C code ends the process, which the pool reports.
func (s *server) handle(req *child.Request) (resp *child.Response) {
	resp = &child.Response{}
	defer func() {
		if r := recover(); r != nil {
			resp = &child.Response{Err: fmt.Sprintf("reader child: panic in %s: %v", req.Op, r)}
		}
	}()
	ctx := context.Background() // the pool bounds each request's time
	var err error
	switch req.Op {
	case child.OpPing:
		if req.LoadOCR {
			if err = s.loadEngine(); err != nil {
				break
			}
		}
		resp.ThreadLimit, resp.MemoryCap, resp.PID = omp.ThreadLimit(), s.memCap, os.Getpid()
	case child.OpOCR:
		resp.Page, err = s.recognize(ctx, req)
	case child.OpOpen:
		s.doc, err = pages.Open(ctx, s.docBytes, req.Limits)
		if err == nil {
			resp.Pages = s.doc.Pages()
		}
	case child.OpPage:
		if s.doc == nil {
			err = errors.New("reader child: no open document")
			break
		}
		var img pages.Image
		img, err = s.doc.Page(ctx, req.Page)
		if err == nil {
			resp.Image = &img
		}
	case child.OpClose:
		s.doc, s.docBytes = nil, nil
		debug.FreeOSMemory()
	default:
		err = fmt.Errorf("reader child: unknown operation %q", req.Op)
	}
	if err != nil {
		var rej *domain.Rejection
		if errors.As(err, &rej) {
			resp.Rejection = child.ToWire(rej)
		} else {
			resp.Err = err.Error()
		}
	}
	return resp
}

// bytesPerPixel is what reading a page costs in memory per pixel of its
// image: Leptonica's decoded copy (up to 32 bits a pixel for colour) and
// Tesseract's grey and binary copies of it.
const bytesPerPixel = 6

// fits refuses, from the image's header alone, a page whose decoding would
// not fit in the child's memory cap: the refusal then says so, instead of
// the decoder failing for a reason nobody can tell.
func (s *server) fits(img []byte) error {
	if s.memExtra <= 0 {
		return nil
	}
	w, h, _, err := pages.ImageSize(img)
	if err != nil {
		return nil // Leptonica decides whether it can read it
	}
	need := int64(w) * int64(h) * bytesPerPixel
	if need <= s.memExtra {
		return nil
	}
	return domain.Reject("reader_memory",
		fmt.Sprintf("Ảnh trang quá lớn để đọc (%d×%d điểm ảnh cần khoảng %d MiB, giới hạn %d MiB)", w, h, need>>20, s.memExtra>>20),
		fmt.Sprintf("page image too large to read (%d×%d pixels need about %d MiB, limit %d MiB)", w, h, need>>20, s.memExtra>>20),
		nil)
}

// loadEngine loads Tesseract once.
func (s *server) loadEngine() error {
	if s.engine != nil {
		return nil
	}
	var langs []string
	if v := os.Getenv(child.EnvLanguages); v != "" {
		langs = strings.Split(v, "+")
	}
	e, err := ocr.New(ocr.Config{Workers: 1, Languages: langs, TessdataPrefix: os.Getenv(child.EnvTessdata)})
	if err != nil {
		return err
	}
	s.engine = e
	return nil
}

func (s *server) recognize(ctx context.Context, req *child.Request) (*domain.Page, error) {
	if err := s.fits(req.Image); err != nil {
		return nil, err
	}
	if err := s.loadEngine(); err != nil {
		return nil, err
	}
	p, err := s.engine.Recognize(ctx, req.Image, ocr.Options{Marks: req.Read.Marks, DPI: req.Read.DPI})
	if errors.Is(err, ocr.ErrUnreadableImage) {
		return nil, child.ErrUnreadableImage
	}
	if err != nil {
		return nil, err
	}
	return &p, nil
}
