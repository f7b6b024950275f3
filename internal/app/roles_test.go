package app_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/sohoa/sohoa/internal/app"
	"github.com/sohoa/sohoa/internal/app/apptest"
	"github.com/sohoa/sohoa/internal/auth"
)

// TestRoleMatrix calls every route the server mounts with no token, a bad
// token and a token of each role: a caller without the route's role gets
// 401 or 403, a caller with it never does.
func TestRoleMatrix(t *testing.T) {
	if testing.Short() {
		t.Skip("needs a running instance")
	}
	// Each route's calls come from their own client address (forwarded by
	// a trusted proxy, 127.0.0.1): the bad token of every route must not add
	// up to the token throttle of one client.
	in := apptest.Start(t, func(c *app.Config) { c.Auth.TrustedProxies = []string{"127.0.0.1"} })
	tokens := map[auth.Role]string{}
	for _, r := range auth.Roles() {
		if r == auth.RoleAdmin {
			tokens[r] = apptest.AdminToken
			continue
		}
		tokens[r] = in.Token(t, string(r))
	}
	if len(in.Routes) < 8 {
		t.Fatalf("only %d routes", len(in.Routes))
	}
	for i, rt := range in.Routes {
		client := fmt.Sprintf("198.18.%d.%d", i/250, i%250+1)
		method, path, ok := strings.Cut(rt.Pattern, " ")
		if !ok {
			method, path = http.MethodGet, rt.Pattern
		}
		path = strings.NewReplacer("{id}", "0123456789abcdef0123456789abcdef", "{n}", "1", "{$}", "").Replace(path)
		if strings.HasPrefix(path, "/debug/pprof/") {
			// The CPU profile and the trace last 30 s by default: one
			// second answers the role question as well.
			path += "?seconds=1"
		}
		t.Run(rt.Pattern, func(t *testing.T) {
			if rt.Role == "" {
				t.Skip("public route")
			}
			call := func(token string) int {
				req, err := http.NewRequest(method, in.URL+path, strings.NewReader("{}"))
				if err != nil {
					t.Fatal(err)
				}
				if token != "" {
					req.Header.Set("Authorization", "Bearer "+token)
				}
				req.Header.Set("X-Forwarded-For", client)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return resp.StatusCode
			}
			if got := call(""); got != http.StatusUnauthorized {
				t.Errorf("no token: %d, want 401", got)
			}
			if got := call("sohoa_0000000000000000_" + strings.Repeat("0", 64)); got != http.StatusUnauthorized {
				t.Errorf("bad token: %d, want 401", got)
			}
			for role, tok := range tokens {
				got := call(tok)
				allowed := role.Implies(rt.Role)
				switch {
				case allowed && (got == http.StatusUnauthorized || got == http.StatusForbidden):
					t.Errorf("%s: %d, want access", role, got)
				case !allowed && got != http.StatusForbidden:
					t.Errorf("%s: %d, want 403", role, got)
				}
			}
		})
	}
}

// TestViewRouteRoles pins the role each route of a record view is mounted
// with (issue 18: the searchable PDF holds the page images, so it needs
// pii_reader like them; exports and the CSV need searcher, and decide what
// they release themselves).
func TestViewRouteRoles(t *testing.T) {
	if testing.Short() {
		t.Skip("needs a running instance")
	}
	in := apptest.Start(t, nil)
	want := map[string]auth.Role{
		"GET /api/v1/documents/{id}":                 auth.RoleSearcher,
		"GET /api/v1/documents/{id}/pages/{n}/image": auth.RolePIIReader,
		"GET /api/v1/documents/{id}/pdf":             auth.RolePIIReader,
		"GET /api/v1/batches/{id}/export":            auth.RoleSearcher,
		"POST /api/v1/exports":                       auth.RoleSearcher,
		"GET /api/v1/search/export.csv":              auth.RoleSearcher,
	}
	got := map[string]auth.Role{}
	for _, rt := range in.Routes {
		if _, ok := want[rt.Pattern]; ok {
			got[rt.Pattern] = rt.Role
		}
	}
	for p, r := range want {
		if got[p] != r {
			t.Errorf("%s mounted with role %q, want %q", p, got[p], r)
		}
	}
}
