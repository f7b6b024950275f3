package pipeline

import (
	"context"
	"errors"
	"fmt"

	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/domain"
	"github.com/sohoa/sohoa/internal/search"
)

// Rebuilder is a backend that can build a new index from scratch and swap
// it in atomically (Elasticsearch behind an alias).
type Rebuilder interface {
	Rebuild(ctx context.Context, fill func(ctx context.Context, add func(search.Record) error) error) error
}

// ReindexStats reports what Reindex did.
type ReindexStats struct {
	Documents   int `json:"documents"`   // documents in the blob store
	Indexed     int `json:"indexed"`     // records written to the index
	Quarantined int `json:"quarantined"` // secret documents kept out of the index
	Unfinished  int `json:"unfinished"`  // documents without a finished record
}

// Reindex rebuilds the search index from the blob store alone (invariant 1:
// the index is derived). A backend that implements Rebuilder gets a new
// index swapped in atomically, so searches keep working throughout; others
// are updated in place, record by record. When blind is not nil, each
// record's blind-index tokens are derived again from its decrypted fields
// (BlindTokens), so records indexed before a kind of token existed (the
// accent-folded names) gain it; with nil the stored tokens are used.
// progress, if not nil, is called after each document.
func Reindex(ctx context.Context, cat *catalog.Catalog, ix Indexer, blind Blinder, progress func(done, total int)) (ReindexStats, error) {
	ids, err := cat.DocumentIDs(ctx)
	if err != nil {
		return ReindexStats{}, fmt.Errorf("reindex: list documents: %w", err)
	}
	st := ReindexStats{Documents: len(ids)}
	fill := func(ctx context.Context, add func(search.Record) error, del func(id string) error) error {
		for i, id := range ids {
			if err := ctx.Err(); err != nil {
				return err
			}
			rec, skip, err := recordFor(ctx, cat, blind, id)
			if err != nil {
				return err
			}
			switch skip {
			case domain.DocQuarantined:
				st.Quarantined++
				if del != nil {
					if err := del(string(id)); err != nil {
						return err
					}
				}
			case "":
				if err := add(rec); err != nil {
					return fmt.Errorf("reindex %s: %w", id, err)
				}
				st.Indexed++
			default:
				st.Unfinished++
			}
			if progress != nil {
				progress(i+1, len(ids))
			}
		}
		return nil
	}
	if rb, ok := ix.(Rebuilder); ok {
		err = rb.Rebuild(ctx, func(ctx context.Context, add func(search.Record) error) error { return fill(ctx, add, nil) })
	} else {
		err = fill(ctx, func(r search.Record) error { return ix.Index(ctx, r) }, func(id string) error { return ix.Delete(ctx, id) })
	}
	return st, err
}

// recordFor returns a document's index record, or the status that keeps it
// out of the index.
func recordFor(ctx context.Context, cat *catalog.Catalog, blind Blinder, id domain.DocumentID) (search.Record, domain.DocStatus, error) {
	d, err := cat.GetDocument(ctx, id)
	if err != nil {
		return search.Record{}, "", fmt.Errorf("reindex %s: %w", id, err)
	}
	if d.Status == domain.DocQuarantined {
		return search.Record{}, domain.DocQuarantined, nil
	}
	if d.Status != domain.DocDone {
		return search.Record{}, d.Status, nil
	}
	rec, err := cat.GetRecord(ctx, id)
	if errors.Is(err, catalog.ErrNotFound) {
		return search.Record{}, domain.DocProcessing, nil
	}
	if err != nil {
		return search.Record{}, "", fmt.Errorf("reindex %s: %w", id, err)
	}
	if blind != nil {
		rec.Blind = RecordBlind(blind, rec)
	}
	return SearchRecord(d, rec), "", nil
}

// RecordBlind derives a record's blind-index tokens from its fields and
// mentions (BlindTokens): what a correction stores in Record.Blind.
func RecordBlind(b Blinder, r *catalog.Record) []string {
	return BlindTokens(b, withMentions(r.Fields, r.Mentions))
}

// IndexDocument indexes one document again from the blob store, with the
// blind tokens stored in its record (after a correction, say); a
// quarantined document is removed from the index.
func (p *Pipeline) IndexDocument(ctx context.Context, id domain.DocumentID) error {
	if p.index == nil {
		return fmt.Errorf("index %s: this process has no index", id)
	}
	rec, skip, err := recordFor(ctx, p.cat, nil, id)
	switch {
	case err != nil:
		return err
	case skip == domain.DocQuarantined:
		return p.index.Delete(ctx, string(id))
	case skip != "":
		return fmt.Errorf("index %s: document is %s", id, skip)
	}
	return p.index.Index(ctx, rec)
}
