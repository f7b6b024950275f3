package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sohoa/sohoa/internal/access/accesstest"
	"github.com/sohoa/sohoa/internal/auth"
	"github.com/sohoa/sohoa/internal/catalog/catalogtest"
	"github.com/sohoa/sohoa/internal/pipeline"
	"github.com/sohoa/sohoa/internal/search"
	"github.com/sohoa/sohoa/internal/web"
)

type noSearch struct{}

func (noSearch) Search(context.Context, search.Query) (search.Result, error) {
	return search.Result{}, nil
}

// TestRecordPagePolicy opens the record page, its reveal form, page images
// and the original with each role: what each sees, and what the audit
// records, come from the access policy, as in the API.
func TestRecordPagePolicy(t *testing.T) {
	ctx := context.Background()
	cat, store := catalogtest.New(t)
	as := auth.NewStore(store)
	id := accesstest.Seed(t, cat)
	name, ethnicity, issuer := accesstest.Name, accesstest.Ethnicity, accesstest.Issuer
	au := &accesstest.Audit{Keys: []string{"unmasked", "page", "original", "via"}}
	ts := serveWeb(t, web.Deps{Pipeline: pipeline.New(pipeline.Config{}, pipeline.Deps{Catalog: cat}), Catalog: cat,
		Search: noSearch{}, Auth: as, Audit: au})
	sessions := map[auth.Role]*session{}
	for _, r := range []auth.Role{auth.RoleSearcher, auth.RolePIIReader, auth.RoleAdmin} {
		tok, _, err := as.Create(ctx, r, "t-"+string(r))
		if err != nil {
			t.Fatal(err)
		}
		sessions[r] = signIn(t, ts.URL, tok)
	}
	au.Take() // sign-ins
	rec := "/records/" + string(id)
	obj := " " + string(id)
	tests := []struct {
		name, method, path, reason string
		role                       auth.Role
		status                     int
		show, hide                 []string
		audit                      []string
	}{
		{"searcher", "GET", rec, "", auth.RoleSearcher, 200, []string{issuer}, []string{name, ethnicity, `id="reveal"`, rec + "/pages/1"},
			[]string{"searcher view" + obj + " via=web"}},
		{"admin", "GET", rec, "", auth.RoleAdmin, 200, []string{issuer}, []string{name, ethnicity, `id="reveal"`, rec + "/original"},
			[]string{"admin view" + obj + " via=web"}},
		{"pii_reader", "GET", rec, "", auth.RolePIIReader, 200, []string{issuer, name, `id="reveal"`, rec + "/pages/1", rec + "/original"}, []string{ethnicity},
			[]string{"pii_reader unmask" + obj + " unmasked=person_names,text via=web"}},
		{"reveal", "POST", rec + "/reveal", " xác minh hộ tịch ", auth.RolePIIReader, 200, []string{issuer, name, ethnicity}, []string{`id="reveal"`},
			[]string{"pii_reader unmask" + obj + " unmasked=ethnicity,person_names,text via=web reason=xác minh hộ tịch"}},
		{"reveal without reason", "POST", rec + "/reveal", "   ", auth.RolePIIReader, 400, nil, []string{ethnicity}, nil},
		{"reveal with a long reason", "POST", rec + "/reveal", strings.Repeat("a", 501), auth.RolePIIReader, 400, nil, []string{ethnicity}, nil},
		{"reveal as searcher", "POST", rec + "/reveal", "x", auth.RoleSearcher, 403, nil, []string{ethnicity}, nil},
		{"page image", "GET", rec + "/pages/1", "", auth.RolePIIReader, 200, nil, nil,
			[]string{"pii_reader download" + obj + " page=1 via=web"}},
		{"page image as searcher", "GET", rec + "/pages/1", "", auth.RoleSearcher, 403, nil, nil, nil},
		{"page image as admin", "GET", rec + "/pages/1", "", auth.RoleAdmin, 403, nil, nil, nil},
		{"original", "GET", rec + "/original", "", auth.RolePIIReader, 200, nil, nil,
			[]string{"pii_reader download" + obj + " original=true via=web"}},
		{"original as searcher", "GET", rec + "/original", "", auth.RoleSearcher, 403, nil, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := sessions[tc.role]
			var resp *http.Response
			var body string
			if tc.method == "POST" {
				resp, body = post(t, s.c, ts.URL+tc.path, url.Values{"csrf": {s.csrf}, "reason": {tc.reason}}, map[string]string{"Origin": ts.URL})
			} else {
				resp, body = get(t, s.c, ts.URL+tc.path)
			}
			if resp.StatusCode != tc.status {
				t.Fatalf("HTTP %d, want %d\n%s", resp.StatusCode, tc.status, body)
			}
			for _, v := range tc.show {
				if !strings.Contains(body, v) {
					t.Errorf("page lacks %q", v)
				}
			}
			for _, v := range tc.hide {
				if strings.Contains(body, v) {
					t.Errorf("page shows %q", v)
				}
			}
			if diff := cmp.Diff(tc.audit, au.Take()); diff != "" {
				t.Errorf("audit (-want +got)\n%s", diff)
			}
		})
	}
}
