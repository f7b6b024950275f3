package hostile

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/sohoa/sohoa/internal/testenv"
)

// OCRmyPDFCorpusEnv names the directory holding OCRmyPDF 16.10.4's test
// files (tests/resources/ of its source distribution), which
// `make ocrmypdf-corpus` fetches into a cache and `make test` exports.
const OCRmyPDFCorpusEnv = "SOHOA_OCRMYPDF_CORPUS"

// OCRmyPDFCorpusFiles is how many files the corpus directory holds: 51 PDFs,
// images and an ODT, plus README.rst and linn.txt.
const OCRmyPDFCorpusFiles = 53

// OCRmyPDFCorpus returns the paths of every file of OCRmyPDF's test corpus,
// sorted by name, from the directory in SOHOA_OCRMYPDF_CORPUS. When it is
// unset or incomplete, the test fails under CI=true; otherwise it logs why and
// returns nil, so the caller runs without that part.
func OCRmyPDFCorpus(t testing.TB) []string {
	t.Helper()
	dir := os.Getenv(OCRmyPDFCorpusEnv)
	missing := func(why string) []string {
		t.Helper()
		if testenv.CI() {
			t.Fatalf("OCRmyPDF's test corpus is required under CI=true (make test fetches it): %s", why)
		}
		t.Logf("OCRmyPDF's test corpus left out (%s); `make ocrmypdf-corpus` fetches it", why)
		return nil
	}
	if dir == "" {
		return missing(OCRmyPDFCorpusEnv + " is not set")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return missing(err.Error())
	}
	var files []string
	for _, e := range entries {
		if e.Type().IsRegular() {
			files = append(files, filepath.Join(dir, e.Name()))
		}
	}
	if len(files) != OCRmyPDFCorpusFiles {
		return missing(fmt.Sprintf("%s holds %d files, want %d", dir, len(files), OCRmyPDFCorpusFiles))
	}
	return files
}
