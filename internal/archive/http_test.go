package archive_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/sohoa/sohoa/internal/archive"
	"github.com/sohoa/sohoa/internal/auth"
	"github.com/sohoa/sohoa/internal/domain"
	"github.com/sohoa/sohoa/internal/pdfa"
)

type recAudit struct {
	mu     sync.Mutex
	events []string
}

func (a *recAudit) Audit(_ context.Context, p auth.Principal, action, object, _ string, d map[string]string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.events = append(a.events, p.Name+" "+action+" "+object+" personal="+d["personal"])
	return nil
}

func TestHandlers(t *testing.T) {
	cat, batch, ids := seed(t)
	au := &recAudit{}
	h := &archive.Handlers{Exporter: archive.New(cat, func(ctx context.Context, id domain.DocumentID) ([]byte, error) {
		return pdfa.FromCatalog(ctx, cat, id)
	}), Audit: au}
	mux := http.NewServeMux()
	mux.Handle("GET /api/v1/batches/{id}/export", h.Batch())
	mux.Handle("POST /api/v1/exports", h.Dossier())
	tests := []struct {
		name, method, path, body string
		role                     auth.Role
		wantStatus               int
		wantCitizen              bool
	}{
		{"batch as searcher", "GET", "/api/v1/batches/" + string(batch) + "/export", "", auth.RoleSearcher, 200, false},
		{"batch as pii_reader", "GET", "/api/v1/batches/" + string(batch) + "/export", "", auth.RolePIIReader, 200, true},
		{"missing batch", "GET", "/api/v1/batches/b20990101t000000aaaaaaaaaa/export", "", auth.RoleSearcher, 404, false},
		{"dossier", "POST", "/api/v1/exports", `{"document_ids":["` + string(ids[1]) + `","` + string(ids[2]) + `"],"file_code":"H55-2024-01"}`, auth.RoleSearcher, 200, false},
		{"dossier bad id", "POST", "/api/v1/exports", `{"document_ids":["../x"]}`, auth.RoleSearcher, 400, false},
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
		})
	}
	want := []string{"searcher export " + string(batch) + " personal=false", "pii_reader export " + string(batch) + " personal=true",
		"searcher export b20990101t000000aaaaaaaaaa personal=false", "searcher export sohoa-dossier personal=false"}
	if strings.Join(au.events, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit:\n%s\nwant:\n%s", strings.Join(au.events, "\n"), strings.Join(want, "\n"))
	}
}
