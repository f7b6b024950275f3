package api

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/domain"
)

// getReviewStats serves the accuracy measured on verified records:
// GET /api/v1/review/stats?batch=&class= (operator). Per class and per
// field: documents verified, values the reviewers changed, precision,
// recall, and the precision of the values at or above the confidence
// threshold. It holds counts and field names only, never a value.
func (s *Server) getReviewStats(w http.ResponseWriter, r *http.Request) error {
	qv := r.URL.Query()
	f := catalog.StatsFilter{Class: qv.Get("class")}
	if b := qv.Get("batch"); b != "" {
		if !catalog.ValidBatchID(b) {
			return errNotFound("batch")
		}
		f.Batch = domain.BatchID(b)
	}
	acc, err := s.cat.MeasureVerified(r.Context(), f, s.thresholds().Field)
	if errors.Is(err, catalog.ErrNotFound) {
		return errNotFound("batch")
	}
	if err != nil {
		return err
	}
	if err := s.auditOrFail(r, "review_stats", string(f.Batch), "", map[string]string{"documents": strconv.Itoa(acc.Documents)}); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, acc)
	return nil
}
