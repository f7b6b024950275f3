package archive

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/sohoa/sohoa/internal/search"
)

// FuzzWriteCSV: the package reads no untrusted bytes (it writes ZIPs,
// PDFs, JSON, XML and CSV), but the CSV export carries OCR'd text that
// whoever wrote the scanned paper controls. Whatever the title, type and
// issuer hold, the CSV reads back as the same rows and no cell of theirs
// starts as a spreadsheet formula.
func FuzzWriteCSV(f *testing.F) {
	for _, s := range [][3]string{
		{"Quyết định số 12/QĐ-UBND", "decision", "UBND tỉnh Cà Mau"},
		{"=HYPERLINK(\"http://x\")", "+1", "@SUM(A1)"},
		{"-2+3", "\tcmd", "\r\n=1"},
		{"\"quoted\",comma", "line\nbreak", "\xff\xfe"},
		{"", "", ""},
	} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, title, docType, issuer string) {
		var b bytes.Buffer
		hits := []search.Hit{{ID: "d1", Title: title, DocType: docType, Issuer: issuer, BatchID: "b1"}, {ID: "d2", Title: issuer}}
		if err := WriteCSV(&b, hits); err != nil {
			t.Fatal(err)
		}
		r := csv.NewReader(strings.NewReader(strings.TrimPrefix(b.String(), "\uFEFF")))
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatalf("the CSV does not read back: %v\n%q", err, b.String())
		}
		if len(rows) != 1+len(hits) {
			t.Fatalf("%d rows read back, want %d", len(rows), 1+len(hits))
		}
		for i, row := range rows[1:] {
			for _, c := range []int{1, 2, 4} { // title, doc_type, issuer
				if cell := row[c]; cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					t.Fatalf("row %d column %s starts as a formula: %q", i+1, CSVHeader[c], cell)
				}
			}
		}
	})
}
