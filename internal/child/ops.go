package child

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/sohoa/sohoa/internal/domain"
	"github.com/sohoa/sohoa/internal/pages"
)

// answer turns a child's answer into an error when it carries one.
func answer(resp *Response) error {
	switch {
	case resp.Rejection != nil:
		return resp.Rejection.domain()
	case resp.Err != "":
		return errors.New(resp.Err)
	}
	return nil
}

// Recognize reads one encoded page image in a child. It fails with a
// *domain.Rejection for an image that cannot be read, and with one
// wrapping domain.ErrReaderDied when the child died or was stopped on it.
func (p *Pool) Recognize(ctx context.Context, img []byte, opt domain.ReadOptions) (domain.Page, error) {
	s, err := p.acquire(ctx)
	if err != nil {
		return domain.Page{}, err
	}
	defer p.release(s)
	resp, err := p.call(ctx, s, &Request{Op: OpOCR, Image: img, Read: opt}, subjectPage)
	if err != nil {
		return domain.Page{}, err
	}
	if err := answer(resp); err != nil {
		return domain.Page{}, err
	}
	if resp.Page == nil {
		return domain.Page{}, errors.New("child: OCR answer without a page")
	}
	return *resp.Page, nil
}

// Ping asks a child (starting it if needed) for its thread limit, memory
// cap and process ID; with loadOCR the child first loads Tesseract.
func (p *Pool) Ping(ctx context.Context, loadOCR bool) (*Response, error) {
	s, err := p.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer p.release(s)
	resp, err := p.call(ctx, s, &Request{Op: OpPing, LoadOCR: loadOCR}, subjectPage)
	if err != nil {
		return nil, err
	}
	return resp, answer(resp)
}

// Document is a document opened in a child: its pages are decoded or
// rendered there, one at a time. It holds one of the pool's slots until
// Close. Not safe for concurrent use.
type Document struct {
	p     *Pool
	s     *slot
	doc   io.ReaderAt
	size  int64
	lim   pages.Limits
	pages int
	// open reports whether the current child holds the document; after a
	// child died on a page, the next page reopens it in a new child.
	open bool
}

// Open opens a document of size bytes in a child and returns its page
// source. The bytes are streamed to the child from doc (again, should a
// child die on a page and a new one take over), so the caller never needs
// the whole file in memory. The input is refused with a *domain.Rejection
// (wrapping domain.ErrReaderDied when the child died opening it).
func (p *Pool) Open(ctx context.Context, doc io.ReaderAt, size int64, lim pages.Limits) (*Document, error) {
	s, err := p.acquire(ctx)
	if err != nil {
		return nil, err
	}
	d := &Document{p: p, s: s, doc: doc, size: size, lim: lim}
	if err := d.reopen(ctx); err != nil {
		p.release(s)
		return nil, err
	}
	return d, nil
}

func (d *Document) reopen(ctx context.Context) error {
	body := io.NewSectionReader(d.doc, 0, d.size)
	resp, err := d.p.callWith(ctx, d.s, &Request{Op: OpOpen, DocSize: d.size, Limits: d.lim}, body, subjectDocument)
	if err != nil {
		return err
	}
	if err := answer(resp); err != nil {
		return err
	}
	if d.pages != 0 && resp.Pages != d.pages {
		return fmt.Errorf("child: document reopened with %d pages, had %d", resp.Pages, d.pages)
	}
	d.pages, d.open = resp.Pages, true
	return nil
}

// Pages returns the number of pages.
func (d *Document) Pages() int { return d.pages }

// Page returns page n's image. A page whose decoding kills the child fails
// with a rejection wrapping domain.ErrReaderDied; the next page is read by a
// new child.
func (d *Document) Page(ctx context.Context, n domain.PageNo) (pages.Image, error) {
	if !d.open {
		if err := d.reopen(ctx); err != nil {
			return pages.Image{}, err
		}
	}
	resp, err := d.p.call(ctx, d.s, &Request{Op: OpPage, Page: n}, subjectPage)
	if err != nil {
		d.open = false
		return pages.Image{}, err
	}
	if err := answer(resp); err != nil {
		return pages.Image{}, err
	}
	if resp.Image == nil {
		return pages.Image{}, fmt.Errorf("child: answer for page %d without an image", n)
	}
	return *resp.Image, nil
}

// Close forgets the document in the child and gives the slot back.
func (d *Document) Close() error {
	if d.s == nil {
		return nil
	}
	if d.open {
		// A child that cannot close is replaced on its next use.
		if _, err := d.p.call(context.Background(), d.s, &Request{Op: OpClose}, subjectDocument); err != nil {
			d.p.cfg.Log.Warn("reader child: close document", "err", err)
		}
	}
	d.p.release(d.s)
	d.s, d.doc = nil, nil
	return nil
}
