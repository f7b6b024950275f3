package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sohoa/sohoa/internal/app"
	"github.com/sohoa/sohoa/internal/app/apptest"
	"github.com/sohoa/sohoa/internal/auth"
	"github.com/sohoa/sohoa/internal/client"
)

// session is a signed-in HTTP client with its CSRF token.
type session struct {
	c    *http.Client
	base string
	csrf string
}

var (
	loginCSRF = regexp.MustCompile(`name="login_csrf" value="([0-9a-f]+)"`)
	formCSRF  = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)
)

func newClient(t *testing.T) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func get(t *testing.T, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func post(t *testing.T, c *http.Client, u string, form url.Values, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// signIn signs in with a token through the sign-in form.
func signIn(t *testing.T, base, token string) *session {
	t.Helper()
	c := newClient(t)
	_, body := get(t, c, base+"/login")
	m := loginCSRF.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("sign-in form has no login_csrf")
	}
	resp, body := post(t, c, base+"/login", url.Values{"login_csrf": {m[1]}, "token": {token}, "next": {"/"}}, nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: status %d\n%s", resp.StatusCode, body)
	}
	for _, ck := range resp.Cookies() {
		if ck.Name == auth.SessionCookie && (!ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode) {
			t.Errorf("session cookie %+v is not HttpOnly SameSite=Lax", ck)
		}
	}
	s := &session{c: c, base: base}
	_, body = get(t, c, base+"/login") // any page with a signed-in layout
	if m := formCSRF.FindStringSubmatch(body); m != nil {
		s.csrf = m[1]
	} else {
		t.Fatal("no CSRF token on a signed-in page")
	}
	return s
}

// TestHTTPSecurity checks roles, CSRF, sessions and headers over HTTP
// against a real instance.
func TestHTTPSecurity(t *testing.T) {
	if testing.Short() {
		t.Skip("needs a running instance")
	}
	in := apptest.Start(t, nil)
	base := in.URL

	resp, body := get(t, newClient(t), base+"/login")
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP %q", csp)
	}
	if resp.Header.Get("X-Frame-Options") != "DENY" {
		t.Error("no X-Frame-Options: DENY")
	}
	if !strings.Contains(body, `<html lang="vi">`) {
		t.Error("sign-in page is not Vietnamese by default")
	}
	if strings.Contains(body, "<script>") || strings.Contains(body, " style=") || strings.Contains(body, " on") && regexp.MustCompile(` on[a-z]+=`).MatchString(body) {
		t.Error("inline script or style in the page")
	}

	// Not signed in: pages send the browser to the sign-in page.
	resp, _ = get(t, newClient(t), base+"/search?q=x")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
		t.Errorf("anonymous /search: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}

	sessions := map[auth.Role]*session{}
	tokens := map[auth.Role]string{}
	for _, r := range auth.Roles() {
		tokens[r] = in.Token(t, string(r))
		sessions[r] = signIn(t, base, tokens[r])
	}
	pages := []struct {
		path string
		need auth.Role
	}{
		{"/upload", auth.RoleUploader},
		{"/batches", auth.RoleUploader},
		{"/search?q=quyet+dinh", auth.RoleSearcher},
		{"/records/0123456789abcdef0123456789abcdef/pages/1", auth.RolePIIReader},
		{"/ops", auth.RoleOperator},
		{"/admin", auth.RoleAdmin},
		{"/admin/audit", auth.RoleAdmin},
		{"/metrics", auth.RoleOperator},     // the API's Require, by cookie
		{"/monitoring/", auth.RoleOperator}, // asynqmon, by cookie
	}
	for _, pg := range pages {
		for _, r := range auth.Roles() {
			t.Run(fmt.Sprintf("%s as %s", pg.path, r), func(t *testing.T) {
				resp, _ := get(t, sessions[r].c, base+pg.path)
				switch {
				case !r.Implies(pg.need) && resp.StatusCode != http.StatusForbidden:
					t.Errorf("status %d, want 403", resp.StatusCode)
				case r.Implies(pg.need) && resp.StatusCode == http.StatusForbidden:
					t.Errorf("status 403 for a role that may open it")
				case r.Implies(pg.need) && strings.HasPrefix(pg.path, "/records/") && resp.StatusCode != http.StatusNotFound:
					t.Errorf("unknown document: status %d, want 404", resp.StatusCode)
				case r.Implies(pg.need) && !strings.HasPrefix(pg.path, "/records/") && resp.StatusCode != http.StatusOK:
					t.Errorf("status %d, want 200", resp.StatusCode)
				}
			})
		}
	}

	admin := sessions[auth.RoleAdmin]
	create := url.Values{"name": {"máy quét 2"}, "role": {"uploader"}}
	t.Run("form without CSRF token", func(t *testing.T) {
		resp, _ := post(t, admin.c, base+"/admin/tokens", create, nil)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("status %d, want 403", resp.StatusCode)
		}
	})
	t.Run("form with a wrong CSRF token", func(t *testing.T) {
		f := url.Values{"csrf": {strings.Repeat("0", 64)}, "name": create["name"], "role": create["role"]}
		resp, _ := post(t, admin.c, base+"/admin/tokens", f, nil)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("status %d, want 403", resp.StatusCode)
		}
	})
	t.Run("cross-site form with the token", func(t *testing.T) {
		f := url.Values{"csrf": {admin.csrf}, "name": create["name"], "role": create["role"]}
		resp, _ := post(t, admin.c, base+"/admin/tokens", f, map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("status %d, want 403", resp.StatusCode)
		}
	})
	t.Run("form with the CSRF token", func(t *testing.T) {
		f := url.Values{"csrf": {admin.csrf}, "name": create["name"], "role": create["role"]}
		resp, body := post(t, admin.c, base+"/admin/tokens", f, nil)
		if resp.StatusCode != http.StatusCreated || !regexp.MustCompile(`id="new-token">sohoa_[0-9a-f]{16}_[0-9a-f]{64}<`).MatchString(body) {
			t.Errorf("status %d; token not shown once", resp.StatusCode)
		}
	})
	t.Run("sign-in without its CSRF cookie", func(t *testing.T) {
		resp, _ := post(t, newClient(t), base+"/login", url.Values{"token": {apptest.AdminToken}, "login_csrf": {"00"}}, nil)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("status %d, want 403", resp.StatusCode)
		}
	})
	t.Run("API state change by cookie needs CSRF", func(t *testing.T) {
		up := sessions[auth.RoleUploader]
		u := base + "/api/v1/batches/b20261125t000000aaaaaaaaaa/retry"
		resp, body := post(t, up.c, u, nil, nil)
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, `"csrf"`) {
			t.Errorf("without token: %d %s", resp.StatusCode, body)
		}
		resp, body = post(t, up.c, u, nil, map[string]string{auth.CSRFHeader: up.csrf})
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("with token: %d %s, want 404 (no such batch)", resp.StatusCode, body)
		}
	})
	t.Run("wrong password", func(t *testing.T) {
		c := newClient(t)
		_, body := get(t, c, base+"/login")
		m := loginCSRF.FindStringSubmatch(body)
		resp, body := post(t, c, base+"/login", url.Values{"login_csrf": {m[1]}, "username": {"nobody"}, "password": {"wrong password 123"}}, nil)
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, `role="alert"`) {
			t.Errorf("status %d", resp.StatusCode)
		}
	})
	t.Run("logout ends the session", func(t *testing.T) {
		op := sessions[auth.RoleOperator]
		resp, _ := post(t, op.c, base+"/logout", url.Values{"csrf": {op.csrf}}, nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("logout: %d", resp.StatusCode)
		}
		u, _ := url.Parse(base)
		for _, ck := range op.c.Jar.Cookies(u) {
			if ck.Name == auth.SessionCookie {
				t.Error("session cookie kept after logout")
			}
		}
		resp, _ = get(t, op.c, base+"/ops")
		if resp.StatusCode != http.StatusSeeOther {
			t.Errorf("/ops after logout: %d, want a redirect to sign in", resp.StatusCode)
		}
	})
	t.Run("batch page, events and retry", func(t *testing.T) {
		up := sessions[auth.RoleUploader]
		dir := t.TempDir()
		evil := filepath.Join(dir, `<img src=x onerror=alert(1)>.pdf`)
		if err := os.WriteFile(evil, []byte("not a document"), 0o600); err != nil {
			t.Fatal(err)
		}
		upClient := &client.Client{Base: base, Token: tokens[auth.RoleUploader]}
		res, err := upClient.Upload(context.Background(), []string{evil}, map[string]string{"note": `<script>alert(1)</script>`}, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, body := get(t, up.c, base+"/batches/"+res.ID)
		if resp.StatusCode != http.StatusOK || strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
			t.Errorf("batch page: status %d, or the file name or note is not escaped", resp.StatusCode)
		}
		if !strings.Contains(body, "&lt;img src=x onerror=alert(1)&gt;.pdf") || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("batch page lacks the escaped file name or note")
		}
		resp, body = get(t, up.c, base+"/batches/"+res.ID+"/events")
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") ||
			!strings.Contains(body, "event: batch\ndata: {") || !strings.Contains(body, `"status":"done_with_errors"`) || !strings.HasSuffix(body, "event: done\ndata: {}\n\n") {
			t.Errorf("events: %s\n%s", ct, body)
		}
		resp, _ = post(t, up.c, base+"/batches/"+res.ID+"/retry", nil, nil)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("retry without CSRF: %d, want 403", resp.StatusCode)
		}
		resp, _ = post(t, up.c, base+"/batches/"+res.ID+"/retry", url.Values{"csrf": {up.csrf}}, nil)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/batches/"+res.ID+"?retried=0" {
			t.Errorf("retry: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		resp, _ = get(t, up.c, base+"/batches/b20990101t000000ffffffffff")
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("unknown batch: %d, want 404", resp.StatusCode)
		}

		// Another uploader neither sees nor retries the batch: it is not
		// found, as if it did not exist. An admin sees it.
		other := signIn(t, base, in.Token(t, "uploader"))
		for _, p := range []string{"/batches/" + res.ID, "/batches/" + res.ID + "/events"} {
			if resp, body := get(t, other.c, base+p); resp.StatusCode != http.StatusNotFound || strings.Contains(body, "alert(1)") {
				t.Errorf("another uploader's GET %s: %d, want 404 without the batch", p, resp.StatusCode)
			}
		}
		if resp, _ := post(t, other.c, base+"/batches/"+res.ID+"/retry", url.Values{"csrf": {other.csrf}}, nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("another uploader's retry: %d, want 404", resp.StatusCode)
		}
		for _, p := range []string{"/batches", "/batches/events"} {
			if _, body := get(t, other.c, base+p); strings.Contains(body, res.ID) {
				t.Errorf("another uploader's %s lists the batch", p)
			}
			if _, body := get(t, up.c, base+p); !strings.Contains(body, res.ID) {
				t.Errorf("the uploader's %s does not list their batch", p)
			}
		}
		if resp, body := get(t, sessions[auth.RoleAdmin].c, base+"/batches/"+res.ID); resp.StatusCode != http.StatusOK || !strings.Contains(body, "alert(1)") {
			t.Errorf("admin's batch page: %d, want the batch", resp.StatusCode)
		}
	})
	t.Run("personal lookup is POST only", func(t *testing.T) {
		resp, _ := get(t, sessions[auth.RolePIIReader].c, base+"/search/person?cccd=001088001234")
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("GET /search/person: %d, want 405", resp.StatusCode)
		}
		pr := sessions[auth.RolePIIReader]
		resp, body := post(t, pr.c, base+"/search/person", url.Values{"csrf": {pr.csrf}, "cccd": {"001088001234"}}, nil)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "0 kết quả") {
			t.Errorf("POST /search/person: %d", resp.StatusCode)
		}
	})
}

// TestSearchAuditKeepsNoPersonalValues: a search typed in the web UI is
// audited (who searched, for what) without the personal values typed in
// the query: the audit log is a file on disk.
func TestSearchAuditKeepsNoPersonalValues(t *testing.T) {
	if testing.Short() {
		t.Skip("needs a running instance")
	}
	in := apptest.Start(t, nil)
	s := signIn(t, in.URL, in.Token(t, "searcher"))
	const name, cccd, born = "Nguyễn Thị Bích Ngọc", "096185001234", "12/03/1990"
	resp, body := get(t, s.c, in.URL+"/search?"+url.Values{"q": {name + " " + cccd + " " + born}}.Encode())
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("search: status %d\n%s", resp.StatusCode, body)
	}
	log, err := os.ReadFile(app.AuditPath(in.Config))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(log), `"action":"search"`) {
		t.Fatalf("the search was not audited:\n%s", log)
	}
	for _, v := range []string{name, "Bích Ngọc", cccd, born} {
		if strings.Contains(string(log), v) {
			t.Errorf("audit log holds %q typed in the query", v)
		}
	}
	if !strings.Contains(string(log), "[họ tên]") || !strings.Contains(string(log), "[số]") {
		t.Errorf("audit log does not show the query with placeholders:\n%s", log)
	}
}
