package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/sohoa/sohoa/internal/api"
	"github.com/sohoa/sohoa/internal/auth"
	"github.com/sohoa/sohoa/internal/catalog/catalogtest"
	"github.com/sohoa/sohoa/internal/pipeline"
)

// auditEntry is what recordingAuditor keeps of an audited action.
type auditEntry struct {
	actor   auth.Principal
	action  string
	object  string
	details map[string]string
}

// recordingAuditor keeps every audited action.
type recordingAuditor struct {
	mu      sync.Mutex
	entries []auditEntry
}

func (a *recordingAuditor) Audit(_ context.Context, p auth.Principal, action, object, _ string, details map[string]string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.entries = append(a.entries, auditEntry{p, action, object, details})
	return nil
}

func (a *recordingAuditor) last(t testing.TB) auditEntry {
	t.Helper()
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.entries) == 0 {
		t.Fatal("nothing audited")
	}
	return a.entries[len(a.entries)-1]
}

// accessFixture is an API server with an auth store under cfg and a
// recording auditor.
type accessFixture struct {
	srv   *api.Server
	auth  *auth.Store
	audit *recordingAuditor
}

func newAccessAPI(t testing.TB, cfg auth.Config, ready map[string]api.Checker) *accessFixture {
	t.Helper()
	cat, store := catalogtest.New(t)
	as := auth.NewStoreWithConfig(store, cfg)
	rec := &recordingAuditor{}
	pipe := pipeline.New(pipeline.Config{}, pipeline.Deps{Catalog: cat})
	srv := api.New(api.Deps{Pipeline: pipe, Catalog: cat, Auth: as, Audit: rec, Ready: ready})
	return &accessFixture{srv: srv, auth: as, audit: rec}
}

func (f *accessFixture) token(t testing.TB, role auth.Role, name string) (string, auth.Principal) {
	t.Helper()
	tok, p, err := f.auth.Create(context.Background(), role, name)
	if err != nil {
		t.Fatal(err)
	}
	return tok, p
}

func (f *accessFixture) do(t testing.TB, method, path, token, body string, header map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	return rec
}

// TestReadyzAnonymous: anonymous /readyz says ok or not_ready only (issue
// #18: it returned internal error text); an operator gets the details.
func TestReadyzAnonymous(t *testing.T) {
	const secret = "dial tcp 10.20.30.40:6379: connect: connection refused"
	for _, tc := range []struct {
		name       string
		fail       bool
		wantStatus int
		wantBody   string
	}{
		{"ready", false, http.StatusOK, "ok"},
		{"not ready", true, http.StatusServiceUnavailable, "not_ready"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newAccessAPI(t, auth.Config{}, map[string]api.Checker{
				"redis": func(context.Context) error {
					if tc.fail {
						return errors.New(secret)
					}
					return nil
				},
				"store": func(context.Context) error { return nil },
			})
			opTok, _ := f.token(t, auth.RoleOperator, "ops")
			searchTok, _ := f.token(t, auth.RoleSearcher, "official")
			for _, caller := range []struct{ name, token string }{{"anonymous", ""}, {"searcher", searchTok}, {"bad token", "sohoa_nope"}} {
				rec := f.do(t, "GET", "/readyz", caller.token, "", nil)
				var got map[string]any
				if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
					t.Fatalf("%s: body %q: %v", caller.name, rec.Body, err)
				}
				if rec.Code != tc.wantStatus || len(got) != 1 || got["status"] != tc.wantBody {
					t.Errorf("%s: %d %s, want %d {\"status\":%q} only", caller.name, rec.Code, rec.Body, tc.wantStatus, tc.wantBody)
				}
			}
			rec := f.do(t, "GET", "/readyz", opTok, "", nil)
			var got struct {
				Status string            `json:"status"`
				Ready  bool              `json:"ready"`
				Checks map[string]string `json:"checks"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || rec.Code != tc.wantStatus {
				t.Fatalf("operator: %d %s %v", rec.Code, rec.Body, err)
			}
			if got.Ready == tc.fail || got.Checks["store"] != "ok" || (tc.fail && got.Checks["redis"] != secret) {
				t.Errorf("operator details %+v", got)
			}
		})
	}
}

// TestTokenIssueAndApproval: issuing a token is audited with the issuer,
// the roles granted and the name; under second_admin a pii_reader token
// works only once another admin approves it (issue #18: an admin could
// mint themselves a pii_reader token, audited as a bare token_create).
func TestTokenIssueAndApproval(t *testing.T) {
	f := newAccessAPI(t, auth.Config{TokenApproval: auth.TokenApprovalSecondAdmin}, nil)
	aliceTok, alice := f.token(t, auth.RoleAdmin, "alice")
	bobTok, bob := f.token(t, auth.RoleAdmin, "bob")

	type created struct {
		Token, ID, Role, Name, Status string
	}
	issue := func(role string) created {
		t.Helper()
		rec := f.do(t, "POST", "/api/v1/tokens", aliceTok, `{"role":"`+role+`","name":"Cán bộ `+role+`"}`, nil)
		var c created
		if rec.Code != http.StatusCreated || json.Unmarshal(rec.Body.Bytes(), &c) != nil {
			t.Fatalf("POST /api/v1/tokens %s: %d %s", role, rec.Code, rec.Body)
		}
		e := f.audit.last(t)
		if e.action != "token_create" || e.object != c.ID || e.actor.TokenID != alice.TokenID ||
			e.details["issuer"] != alice.TokenID || e.details["role"] != role || e.details["name"] != "Cán bộ "+role ||
			e.details["granted"] != auth.GrantedRoles(auth.Role(role)) || e.details["status"] != c.Status {
			t.Errorf("audit of %s token: %+v", role, e)
		}
		return c
	}

	searcher := issue("searcher")
	if searcher.Status != "active" {
		t.Errorf("searcher token status %q, want active", searcher.Status)
	}
	pii := issue("pii_reader")
	if pii.Status != "pending" || f.audit.last(t).details["privileged"] != "true" {
		t.Fatalf("pii_reader token status %q, want pending", pii.Status)
	}
	if rec := f.do(t, "GET", "/api/v1/search?q=x", pii.Token, "", nil); rec.Code != http.StatusUnauthorized {
		t.Errorf("pending token used: %d, want 401", rec.Code)
	}
	// Alice cannot approve her own request; an unknown ID is 404.
	if rec := f.do(t, "POST", "/api/v1/tokens/"+pii.ID+"/approve", aliceTok, "", nil); rec.Code != http.StatusForbidden ||
		!strings.Contains(rec.Body.String(), "self_approval") {
		t.Errorf("self-approval: %d %s", rec.Code, rec.Body)
	}
	if rec := f.do(t, "POST", "/api/v1/tokens/0123456789abcdef/approve", bobTok, "", nil); rec.Code != http.StatusNotFound {
		t.Errorf("unknown token: %d %s", rec.Code, rec.Body)
	}
	// A searcher cannot approve.
	if rec := f.do(t, "POST", "/api/v1/tokens/"+pii.ID+"/approve", searcher.Token, "", nil); rec.Code != http.StatusForbidden {
		t.Errorf("approval by a searcher: %d", rec.Code)
	}
	rec := f.do(t, "POST", "/api/v1/tokens/"+pii.ID+"/approve", bobTok, "", nil)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"status":"active"`) {
		t.Fatalf("approval by bob: %d %s", rec.Code, rec.Body)
	}
	if e := f.audit.last(t); e.action != "token_approve" || e.actor.TokenID != bob.TokenID || e.object != pii.ID ||
		e.details["issuer"] != alice.TokenID || e.details["role"] != "pii_reader" {
		t.Errorf("audit of the approval: %+v", e)
	}
	if p, err := f.auth.Verify(context.Background(), pii.Token); err != nil || p.Role != auth.RolePIIReader {
		t.Errorf("approved token: %+v, %v", p, err)
	}
	if rec := f.do(t, "POST", "/api/v1/tokens/"+pii.ID+"/approve", bobTok, "", nil); rec.Code != http.StatusConflict {
		t.Errorf("second approval: %d, want 409", rec.Code)
	}
	// A pending admin token cannot be used to approve either.
	adm := issue("admin")
	if rec := f.do(t, "POST", "/api/v1/tokens/"+adm.ID+"/approve", adm.Token, "", nil); rec.Code != http.StatusUnauthorized {
		t.Errorf("pending admin approving itself: %d, want 401", rec.Code)
	}
}

// TestAPICookieCrossSite: the session cookie does not authenticate API
// requests that a browser says come from another site (issue #18: a
// hostile page could make an official's browser call the API); bearer
// tokens are unaffected.
func TestAPICookieCrossSite(t *testing.T) {
	f := newAccessAPI(t, auth.Config{}, nil)
	tok, p := f.token(t, auth.RoleAdmin, "alice")
	sess, err := f.auth.NewSession(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	cookie := auth.SessionCookie + "=" + sess.ID
	for _, tc := range []struct {
		name   string
		token  string
		header map[string]string
		want   int
	}{
		{"cookie same-origin", "", map[string]string{"Cookie": cookie, "Sec-Fetch-Site": "same-origin"}, http.StatusOK},
		{"cookie cross-site", "", map[string]string{"Cookie": cookie, "Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"cookie foreign origin", "", map[string]string{"Cookie": cookie, "Origin": "https://evil.example"}, http.StatusForbidden},
		{"bearer cross-site", tok, map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if rec := f.do(t, "GET", "/api/v1/tokens", tc.token, "", tc.header); rec.Code != tc.want {
				t.Errorf("%d %s, want %d", rec.Code, rec.Body, tc.want)
			}
		})
	}
}
