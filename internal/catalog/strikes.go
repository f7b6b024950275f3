package catalog

import (
	"context"
	"errors"
	"fmt"

	"github.com/sohoa/sohoa/internal/domain"
)

// Strikes count how often reading a page (or, for page 0, opening the
// document) killed a reader process, per attempt of the document. They live
// in the blob store, so a page that crashes readers is failed after a few
// strikes even when every worker that took it died, and it is not handed out
// again and again.
type strikes struct {
	N       int      `json:"n"`
	Reasons []string `json:"reasons"`
}

func strikeKey(id domain.DocumentID, attempt int, n domain.PageNo) string {
	return fmt.Sprintf("docs/%s/strikes/%d-%05d", id, attempt, n)
}

// AddStrike records that reading page n (0: opening the document) of an
// attempt killed a reader, with the reason, and returns the count so far.
// Concurrent strikes on the same page may count once; a page is read by one
// worker at a time.
func (c *Catalog) AddStrike(ctx context.Context, id domain.DocumentID, attempt int, n domain.PageNo, reason string) (int, error) {
	key, kind := strikeKey(id, attempt, n), fmt.Sprintf("strikes-%d-%d", attempt, n)
	var s strikes
	if err := c.getJSON(ctx, key, string(id), kind, &s); err != nil && !errors.Is(err, ErrNotFound) {
		return 0, err
	}
	s.N++
	s.Reasons = append(s.Reasons, reason)
	if err := c.putJSON(ctx, key, string(id), kind, &s); err != nil {
		return 0, err
	}
	return s.N, nil
}
