package web

import (
	"net/http"

	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/domain"
)

// batchReview sums up the review state of a batch's finished documents:
// how many were accepted without review, wait for review, or were verified.
func (s *Server) batchReview(r *http.Request, id domain.BatchID) (catalog.BatchReview, error) {
	b, err := s.d.Catalog.GetBatch(r.Context(), id)
	if err != nil {
		return catalog.BatchReview{}, err
	}
	items, err := s.d.Catalog.ReviewItems(r.Context(), b, s.d.Review.OrDefault())
	if err != nil {
		return catalog.BatchReview{}, err
	}
	return catalog.SummarizeReview(items), nil
}
