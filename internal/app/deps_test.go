package app_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestAPIDoesNotLinkOCR keeps the API's packages free of Tesseract: pages
// are read in child processes, never where requests are served.
func TestAPIDoesNotLinkOCR(t *testing.T) {
	for _, pkg := range []string{"../api", "../pipeline", "../web"} {
		out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			if strings.Contains(dep, "gosseract") || strings.HasSuffix(dep, "/internal/ocr") {
				t.Errorf("%s links %s", pkg, dep)
			}
		}
	}
}
