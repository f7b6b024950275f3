package pipeline

import (
	"context"
	"fmt"

	"github.com/sohoa/sohoa/internal/domain"
)

// KeyDestroyer destroys an owner's data key. *vault.Vault satisfies it.
type KeyDestroyer interface {
	Destroy(ctx context.Context, owner string) error
}

// Purge erases a document: its data key is destroyed first (crypto-erasure:
// any copy of its objects, in backups too, can no longer be decrypted), then
// its objects are deleted from the store and its record from the index.
// Other documents are untouched. Purging is idempotent.
func (p *Pipeline) Purge(ctx context.Context, keys KeyDestroyer, id domain.DocumentID) error {
	if err := keys.Destroy(ctx, string(id)); err != nil {
		return fmt.Errorf("purge %s: destroy key: %w", id, err)
	}
	if err := p.cat.DeleteDocument(ctx, id); err != nil {
		return fmt.Errorf("purge %s: delete objects: %w", id, err)
	}
	if p.index != nil {
		if err := p.index.Delete(ctx, string(id)); err != nil {
			return fmt.Errorf("purge %s: delete from index: %w", id, err)
		}
	}
	p.log.Info("document purged", "document", id)
	return nil
}

// Reindex rebuilds this process's index from the blob store, deriving the
// blind-index tokens again from each record's fields.
func (p *Pipeline) Reindex(ctx context.Context, progress func(done, total int)) (ReindexStats, error) {
	if p.index == nil {
		return ReindexStats{}, fmt.Errorf("reindex: this process has no index")
	}
	return Reindex(ctx, p.cat, p.index, p.blind, progress)
}
