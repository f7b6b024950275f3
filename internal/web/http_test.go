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

	"golang.org/x/text/unicode/norm"

	"github.com/sohoa/sohoa/internal/app"
	"github.com/sohoa/sohoa/internal/app/apptest"
	"github.com/sohoa/sohoa/internal/audit"
	"github.com/sohoa/sohoa/internal/auth"
	"github.com/sohoa/sohoa/internal/blob"
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
		if ck.Name == auth.SessionCookie && (!ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Secure) {
			t.Errorf("session cookie %+v is not HttpOnly SameSite=Strict, without Secure on loopback http", ck)
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
	t.Run("wrong passwords are throttled for this client, with Retry-After", func(t *testing.T) {
		c := newClient(t)
		var resp *http.Response
		var body string
		for i := range 6 {
			_, page := get(t, c, base+"/login")
			m := loginCSRF.FindStringSubmatch(page)
			resp, body = post(t, c, base+"/login", url.Values{"login_csrf": {m[1]}, "username": {"throttle.me"}, "password": {"wrong password 123"}}, nil)
			if i < 5 && resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("failure %d: status %d", i+1, resp.StatusCode)
			}
		}
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "1" || !strings.Contains(body, "Quá nhiều lần đăng nhập sai") {
			t.Errorf("6th attempt: status %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
		}
	})
	t.Run("API by cookie refuses cross-site requests", func(t *testing.T) {
		op := sessions[auth.RoleOperator]
		for _, tc := range []struct {
			header map[string]string
			want   int
		}{
			{map[string]string{"Sec-Fetch-Site": "same-origin"}, http.StatusOK},
			{map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
			{map[string]string{"Origin": "https://evil.example"}, http.StatusForbidden},
		} {
			req, _ := http.NewRequest("GET", base+"/metrics", nil)
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			resp, err := op.c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Errorf("%v: %d, want %d", tc.header, resp.StatusCode, tc.want)
			}
		}
	})
	t.Run("sign-in next cannot leave the site", func(t *testing.T) {
		c := newClient(t)
		_, page := get(t, c, base+"/login")
		m := loginCSRF.FindStringSubmatch(page)
		resp, _ := post(t, c, base+"/login", url.Values{"login_csrf": {m[1]}, "token": {apptest.AdminToken}, "next": {"/%09/evil.example/x"}}, nil)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
			t.Errorf("status %d, Location %q, want 303 /", resp.StatusCode, resp.Header.Get("Location"))
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
	t.Run("wrong tokens are throttled for this client", func(t *testing.T) {
		// Last: it throttles token sign-ins from 127.0.0.1 for a second.
		c := newClient(t)
		var resp *http.Response
		for range 11 {
			_, page := get(t, c, base+"/login")
			m := loginCSRF.FindStringSubmatch(page)
			resp, _ = post(t, c, base+"/login", url.Values{"login_csrf": {m[1]}, "token": {"sohoa_0123456789abcdef_" + strings.Repeat("0", 64)}}, nil)
		}
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
			t.Errorf("11th wrong token: status %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
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

// TestSearchAuditKeepsNoPersonalValues: a search typed in the web UI or
// the API is audited (who searched, a keyed hash of the text, which filters)
// without any value typed: not the names, numbers and dates RedactQuery
// finds, nor accentless names, a given name after a label, or an address.
func TestSearchAuditKeepsNoPersonalValues(t *testing.T) {
	if testing.Short() {
		t.Skip("needs a running instance")
	}
	in := apptest.Start(t, nil)
	tok := in.Token(t, "searcher")
	s := signIn(t, in.URL, tok)
	const name, cccd, born = "Nguyễn Thị Bích Ngọc", "096185001234", "12/03/1990"
	queries := []string{name + " " + cccd + " " + born, "quach hong dieu", "[họ tên] Diệu", "số 12 ngõ 5 Láng Hạ, Đống Đa"}
	for _, q := range queries {
		resp, body := get(t, s.c, in.URL+"/search?"+url.Values{"q": {q}, "type": {"birth_extract"}}.Encode())
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("web search: status %d\n%s", resp.StatusCode, body)
		}
		req, _ := http.NewRequest("GET", in.URL+"/api/v1/search?"+url.Values{"q": {q}}.Encode(), nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		r2, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r2.Body.Close()
		if r2.StatusCode != http.StatusOK {
			t.Fatalf("API search: status %d", r2.StatusCode)
		}
	}
	log, err := os.ReadFile(app.AuditPath(in.Config))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(log), `"action":"search"`); n != 2*len(queries) {
		t.Fatalf("%d searches audited, want %d:\n%s", n, 2*len(queries), log)
	}
	for _, v := range []string{name, "Bích Ngọc", "bich ngoc", cccd, born, "quach", "hong dieu", "Diệu", "Dieu", "Láng Hạ", "Lang Ha", "Đống Đa", "ngõ 5"} {
		for _, f := range []string{v, strings.ToLower(v), strings.ToUpper(v), norm.NFD.String(v)} {
			if strings.Contains(string(log), f) {
				t.Errorf("audit log holds %q typed in a query", f)
			}
		}
	}
	if strings.Count(string(log), `"query_hmac"`) != 2*len(queries) || !strings.Contains(string(log), `"filters":"type"`) {
		t.Errorf("audit log does not keep the query's hash and filter names:\n%s", log)
	}
	if _, err := audit.VerifyWith(app.AuditPath(in.Config), mustVerifyOptions(t, in.Config)); err != nil {
		t.Errorf("audit log does not verify against its anchor: %v", err)
	}
}

func mustVerifyOptions(t *testing.T, cfg app.Config) audit.VerifyOptions {
	t.Helper()
	o, err := app.AuditVerifyOptions(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// TestTokenApprovalWeb: with auth.token_approval: second_admin, a
// pii_reader token made on the admin page is pending, is audited with its
// issuer, and works only after another admin approves it there (issue #18).
func TestTokenApprovalWeb(t *testing.T) {
	if testing.Short() {
		t.Skip("needs a running instance")
	}
	in := apptest.Start(t, func(c *app.Config) { c.Auth.TokenApproval = "second_admin" })
	base := in.URL
	first := signIn(t, base, apptest.AdminToken)

	resp, body := post(t, first.c, base+"/admin/tokens", url.Values{"csrf": {first.csrf}, "name": {"Cán bộ tra cứu"}, "role": {"pii_reader"}}, nil)
	m := regexp.MustCompile(`id="new-token">(sohoa_([0-9a-f]{16})_[0-9a-f]{64})<`).FindStringSubmatch(body)
	if resp.StatusCode != http.StatusCreated || m == nil || !strings.Contains(body, "chưa dùng được") {
		t.Fatalf("create: status %d, pending token not shown", resp.StatusCode)
	}
	tok, id := m[1], m[2]
	if resp, _ := post(t, newClient(t), base+"/login", url.Values{"token": {tok}}, nil); resp.StatusCode == http.StatusSeeOther {
		t.Error("a pending token signed in")
	}
	// The admin who asked cannot approve.
	resp, body = post(t, first.c, base+"/admin/tokens/"+id+"/approve", url.Values{"csrf": {first.csrf}}, nil)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "Không thể tự duyệt") {
		t.Errorf("self-approval: status %d", resp.StatusCode)
	}
	// Nor give themselves an admin account: it waits too.
	resp, _ = post(t, first.c, base+"/admin/users", url.Values{"csrf": {first.csrf}, "username": {"binh.tran"}, "name": {"Trần Bình"},
		"role": {"admin"}, "password": {"second admin password"}}, nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create admin user: %d", resp.StatusCode)
	}
	signInPassword := func(username, password string) (*http.Client, int) {
		c := newClient(t)
		_, page := get(t, c, base+"/login")
		lm := loginCSRF.FindStringSubmatch(page)
		resp, _ := post(t, c, base+"/login", url.Values{"login_csrf": {lm[1]}, "username": {username}, "password": {password}}, nil)
		return c, resp.StatusCode
	}
	if _, status := signInPassword("binh.tran", "second admin password"); status == http.StatusSeeOther {
		t.Error("a pending admin user signed in")
	}
	// A second admin, made from the command line (which has the data
	// directory), approves with CSRF.
	fs, err := blob.NewFS(filepath.Join(in.Config.DataDir, "store"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := auth.NewStore(fs).CreateUser(context.Background(), "chi.le", "Lê Chi", auth.RoleAdmin, "second admin password"); err != nil {
		t.Fatal(err)
	}
	second, status := signInPassword("chi.le", "second admin password")
	if status != http.StatusSeeOther {
		t.Fatalf("second admin sign-in: %d", status)
	}
	_, page := get(t, second, base+"/admin")
	csrf := formCSRF.FindStringSubmatch(page)
	if !strings.Contains(page, "/admin/tokens/"+id+"/approve") {
		t.Error("the admin page offers no approval for the pending token")
	}
	if resp, _ := post(t, second, base+"/admin/tokens/"+id+"/approve", nil, nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("approval without CSRF: %d, want 403", resp.StatusCode)
	}
	if resp, _ := post(t, second, base+"/admin/tokens/"+id+"/approve", url.Values{"csrf": {csrf[1]}}, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("approval: %d", resp.StatusCode)
	}
	signIn(t, base, tok) // now usable
	if resp, _ := post(t, second, base+"/admin/users/binh.tran/approve", url.Values{"csrf": {csrf[1]}}, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("user approval: %d", resp.StatusCode)
	}
	if _, status := signInPassword("binh.tran", "second admin password"); status != http.StatusSeeOther {
		t.Errorf("approved admin user: sign-in %d", status)
	}

	logs, err := os.ReadFile(filepath.Join(in.Config.DataDir, "audit", "audit.log"))
	if err != nil {
		t.Fatal(err)
	}
	var create, approve, userApprove bool
	for _, line := range strings.Split(string(logs), "\n") {
		byChi := strings.Contains(line, `"actor":{"token_id":"user:chi.le"`)
		switch {
		case strings.Contains(line, `"object":"`+id+`"`):
			create = create || strings.Contains(line, `"token_create"`) && strings.Contains(line, `"granted":"pii_reader,searcher"`) &&
				strings.Contains(line, `"status":"pending"`) && strings.Contains(line, `"issuer_name":"bootstrap admin"`)
			approve = approve || strings.Contains(line, `"token_approve"`) && byChi
		case strings.Contains(line, `"object":"user:binh.tran"`):
			userApprove = userApprove || strings.Contains(line, `"user_approve"`) && byChi
		}
	}
	if !create || !approve || !userApprove {
		t.Errorf("audit: token_create with issuer and roles %v, token_approve %v and user_approve %v by the second admin\n%s", create, approve, userApprove, logs)
	}
}
