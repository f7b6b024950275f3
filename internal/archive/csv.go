package archive

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/sohoa/sohoa/internal/search"
)

// CSVHeader is the first row of WriteCSV.
var CSVHeader = []string{"document_id", "title", "doc_type", "issued_date", "issuer", "batch_id", "score"}

// WriteCSV writes search hits as CSV (RFC 4180, UTF-8 with a byte-order
// mark so spreadsheet programs read Vietnamese correctly). Hits hold only
// public metadata, so the file may go to any searcher. Cells that a
// spreadsheet would run as a formula (starting with = + - @) are prefixed
// with an apostrophe.
func WriteCSV(w io.Writer, hits []search.Hit) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return fmt.Errorf("archive: csv: %w", err)
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return fmt.Errorf("archive: csv: %w", err)
	}
	for _, h := range hits {
		date := ""
		if !h.IssuedDate.IsZero() {
			date = h.IssuedDate.Format("2006-01-02")
		}
		row := []string{h.ID, cell(h.Title), cell(h.DocType), date, cell(h.Issuer), h.BatchID, fmt.Sprintf("%.4f", h.Score)}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("archive: csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("archive: csv: %w", err)
	}
	return nil
}

func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
