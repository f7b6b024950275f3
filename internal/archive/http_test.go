package archive_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sohoa/sohoa/internal/access/accesstest"
	"github.com/sohoa/sohoa/internal/archive"
	"github.com/sohoa/sohoa/internal/auth"
	"github.com/sohoa/sohoa/internal/domain"
	"github.com/sohoa/sohoa/internal/pdfa"
)

func TestHandlers(t *testing.T) {
	cat, batch, ids := seed(t)
	au := &accesstest.Audit{Keys: []string{"personal", "unmasked"}}
	h := &archive.Handlers{Exporter: archive.New(cat, func(ctx context.Context, id domain.DocumentID) ([]byte, error) {
		return pdfa.FromCatalog(ctx, cat, id)
	}), Audit: au}
	mux := http.NewServeMux()
	mux.Handle("GET /api/v1/batches/{id}/export", h.Batch())
	mux.Handle("POST /api/v1/exports", h.Dossier())
	mux.Handle("GET /api/v1/documents/{id}/pdf", h.PDF())
	exp := "/api/v1/batches/" + string(batch) + "/export"
	dossier := func(extra string) string {
		return `{"document_ids":["` + string(ids[0]) + `","` + string(ids[1]) + `","` + string(ids[2]) + `"],"file_code":"H55-2024-01"` + extra + `}`
	}
	tests := []struct {
		name, method, path, body string
		role                     auth.Role
		wantStatus               int
		wantCitizen              bool
		wantCode                 string
	}{
		{"batch as searcher", "GET", exp, "", auth.RoleSearcher, 200, false, ""},
		// Finding (issue 18): without a reason, a pii_reader's export
		// released personal and sensitive values.
		{"batch as pii_reader without reason", "GET", exp, "", auth.RolePIIReader, 200, false, ""},
		{"batch as pii_reader with reason", "GET", exp + "?reason=h%E1%BB%93+s%C6%A1+thu%E1%BA%BF", "", auth.RolePIIReader, 200, true, ""},
		{"batch personal as pii_reader without reason", "GET", exp + "?personal=true", "", auth.RolePIIReader, 400, false, "reason_required"},
		{"batch personal as pii_reader blank reason", "GET", exp + "?personal=true&reason=+++", "", auth.RolePIIReader, 400, false, "reason_required"},
		{"batch personal as searcher", "GET", exp + "?personal=true&reason=x", "", auth.RoleSearcher, 403, false, "pii_required"},
		{"batch bad personal", "GET", exp + "?personal=maybe", "", auth.RolePIIReader, 400, false, "bad_request"},
		{"batch reason too long", "GET", exp + "?reason=" + strings.Repeat("a", 501), "", auth.RolePIIReader, 400, false, "bad_reason"},
		{"batch as uploader", "GET", exp, "", auth.RoleUploader, 403, false, "forbidden"},
		{"batch as admin with reason", "GET", exp + "?reason=x", "", auth.RoleAdmin, 200, false, ""},
		{"missing batch", "GET", "/api/v1/batches/b20990101t000000aaaaaaaaaa/export", "", auth.RoleSearcher, 404, false, "not_found"},
		{"dossier", "POST", "/api/v1/exports", dossier(""), auth.RoleSearcher, 200, false, ""},
		{"dossier as pii_reader without reason", "POST", "/api/v1/exports", dossier(""), auth.RolePIIReader, 200, false, ""},
		{"dossier as pii_reader with reason", "POST", "/api/v1/exports", dossier(`,"reason":"đối chiếu","personal":true`), auth.RolePIIReader, 200, true, ""},
		{"dossier personal without reason", "POST", "/api/v1/exports", dossier(`,"personal":true`), auth.RolePIIReader, 400, false, "reason_required"},
		{"dossier bad id", "POST", "/api/v1/exports", `{"document_ids":["../x"]}`, auth.RoleSearcher, 400, false, "bad_request"},
		{"personal pdf as searcher", "GET", "/api/v1/documents/" + string(ids[0]) + "/pdf", "", auth.RoleSearcher, 403, false, "pii_required"},
		{"personal pdf as admin", "GET", "/api/v1/documents/" + string(ids[0]) + "/pdf", "", auth.RoleAdmin, 403, false, "pii_required"},
		{"personal pdf as pii_reader", "GET", "/api/v1/documents/" + string(ids[0]) + "/pdf?reason=ho+so+thue", "", auth.RolePIIReader, 200, true, ""},
		// Finding (issue 18): the PDF holds the page images, which need
		// pii_reader, but it was served to searchers when text redaction
		// found nothing.
		{"public pdf as searcher", "GET", "/api/v1/documents/" + string(ids[1]) + "/pdf", "", auth.RoleSearcher, 403, false, "pii_required"},
		{"public pdf as pii_reader", "GET", "/api/v1/documents/" + string(ids[1]) + "/pdf", "", auth.RolePIIReader, 200, false, ""},
		{"quarantined pdf", "GET", "/api/v1/documents/" + string(ids[2]) + "/pdf", "", auth.RolePIIReader, 403, false, "quarantined"},
		{"missing pdf", "GET", "/api/v1/documents/0123456789abcdef0123456789abcdef/pdf", "", auth.RolePIIReader, 404, false, "not_found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.body))
			req = req.WithContext(auth.WithPrincipal(req.Context(), auth.Principal{TokenID: "t1", Name: string(tc.role), Role: tc.role}))
			rr := httptest.NewRecorder()
			mux.ServeHTTP(rr, req)
			if rr.Code != tc.wantStatus {
				t.Fatalf("HTTP %d, want %d: %s", rr.Code, tc.wantStatus, rr.Body.String())
			}
			if rr.Code != 200 {
				var e struct {
					Error struct{ Code, Message string }
				}
				if err := json.Unmarshal(rr.Body.Bytes(), &e); err != nil || e.Error.Code != tc.wantCode || e.Error.Message == "" {
					t.Errorf("error %+v (%v), want code %s", e, err, tc.wantCode)
				}
				return
			}
			if strings.HasSuffix(req.URL.Path, "/pdf") {
				if got := rr.Header().Get("Content-Type"); got != "application/pdf" || !bytes.HasPrefix(rr.Body.Bytes(), []byte("%PDF-1.7")) {
					t.Fatalf("not a PDF: %s", got)
				}
				if got := strings.Contains(pdftotext(t, rr.Body.Bytes()), citizen); got != tc.wantCitizen {
					t.Errorf("citizen's name in the PDF text: %v, want %v", got, tc.wantCitizen)
				}
				return
			}
			files := unzip(t, rr.Body.Bytes())
			var all []byte
			for _, d := range files {
				all = append(all, d...)
			}
			if got := bytes.Contains(all, []byte(citizen)); got != tc.wantCitizen {
				t.Errorf("citizen's name in package: %v, want %v", got, tc.wantCitizen)
			}
			if got := bytes.Contains(all, []byte(ethnicity)); got != tc.wantCitizen {
				t.Errorf("sensitive value in package: %v, want %v", got, tc.wantCitizen)
			}
		})
	}
	released := " unmasked=ethnicity,original_name,page_images,person_names,text"
	want := []string{
		"searcher export " + string(batch) + " personal=false",
		"pii_reader export " + string(batch) + " personal=true unmasked=page_images",
		"pii_reader export " + string(batch) + " personal=true" + released + " reason=hồ sơ thuế",
		"admin export " + string(batch) + " personal=false reason=x",
		"searcher export sohoa-dossier personal=false",
		"pii_reader export sohoa-dossier personal=true unmasked=page_images",
		"pii_reader export sohoa-dossier personal=true" + released + " reason=đối chiếu",
		"pii_reader download " + string(ids[0]) + " personal=true reason=ho so thue",
		"pii_reader download " + string(ids[1]) + " personal=false",
	}
	if diff := cmp.Diff(want, au.Take()); diff != "" {
		t.Errorf("audit (-want +got):\n%s", diff)
	}
}

// pdftotext returns the text of a PDF through poppler (under CI=true a
// missing pdftotext fails).
func pdftotext(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext not found (poppler-utils)")
		}
		t.Skip("pdftotext not found (poppler-utils)")
	}
	f := filepath.Join(t.TempDir(), "d.pdf")
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-raw", f, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}
