package pdfa

import (
	"context"
	"errors"
	"fmt"

	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/domain"
)

// Catalog reads what a document's PDF is built from. *catalog.Catalog
// satisfies it.
type Catalog interface {
	GetDocument(ctx context.Context, id domain.DocumentID) (*catalog.Document, error)
	GetRecord(ctx context.Context, id domain.DocumentID) (*catalog.Record, error)
	GetPage(ctx context.Context, id domain.DocumentID, n domain.PageNo) (*domain.Page, error)
	GetPageImage(ctx context.Context, id domain.DocumentID, n domain.PageNo) ([]byte, error)
}

// FromCatalog builds the searchable PDF/A of a finished document from its
// stored page images, OCR words and record (MetadataFor). A page that
// failed OCR keeps its image without a text layer; a page that failed
// before it had an image (in the split) is left out.
func FromCatalog(ctx context.Context, cat Catalog, id domain.DocumentID) ([]byte, error) {
	d, err := cat.GetDocument(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("pdfa %s: %w", id, err)
	}
	rec, err := cat.GetRecord(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("pdfa %s: %w", id, err)
	}
	pages := make([]Page, 0, d.Pages)
	for n := domain.PageNo(1); int(n) <= d.Pages; n++ {
		pg, err := cat.GetPage(ctx, id, n)
		if err != nil {
			return nil, fmt.Errorf("pdfa %s page %d: %w", id, n, err)
		}
		img, err := cat.GetPageImage(ctx, id, n)
		if errors.Is(err, catalog.ErrNotFound) && pg.Error != "" {
			// A page that could not even be taken out of the file (its
			// reason is in the record) has no image to archive.
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("pdfa %s page %d: %w", id, n, err)
		}
		pages = append(pages, Page{Image: img, Width: pg.Width, Height: pg.Height, DPI: pg.DPI, Words: pg.Words})
	}
	if len(pages) == 0 {
		return nil, fmt.Errorf("pdfa %s: no page image to archive", id)
	}
	out, err := Build(ctx, MetadataFor(rec), pages)
	if err != nil {
		return nil, fmt.Errorf("pdfa %s: %w", id, err)
	}
	return out, nil
}
