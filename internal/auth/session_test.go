package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestPasswordHash(t *testing.T) {
	weak := KDFParams{Time: 1, Memory: 64, Threads: 1}
	h := HashPassword("mật khẩu đủ dài 123", weak)
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("hash %q is not a PHC argon2id string", h)
	}
	if h == HashPassword("mật khẩu đủ dài 123", weak) {
		t.Error("two hashes of one password are equal: no salt")
	}
	parts := strings.Split(h, "$")
	for _, tc := range []struct {
		name, hash, pw string
		want           bool
	}{
		{"right", h, "mật khẩu đủ dài 123", true},
		{"wrong", h, "mật khẩu đủ dài 124", false},
		{"empty password", h, "", false},
		{"argon2i", strings.Replace(h, "argon2id", "argon2i", 1), "mật khẩu đủ dài 123", false},
		{"other version", strings.Replace(h, "v=19", "v=16", 1), "mật khẩu đủ dài 123", false},
		{"huge memory", strings.Replace(h, "m=64", "m=99999999", 1), "mật khẩu đủ dài 123", false},
		{"zero time", strings.Replace(h, "t=1", "t=0", 1), "mật khẩu đủ dài 123", false},
		{"short hash", strings.Join(append(parts[:5:5], "AAAA"), "$"), "mật khẩu đủ dài 123", false},
		{"garbage", "plain", "plain", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CheckPassword(tc.hash, tc.pw); got != tc.want {
				t.Errorf("CheckPassword = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestUsers(t *testing.T) {
	s, b, dir := newStore(t)
	ctx := context.Background()
	const pw = "correct horse battery"
	u, err := s.CreateUser(ctx, "lan.nguyen", "Nguyễn Thị Lan", RoleUploader, pw)
	if err != nil {
		t.Fatal(err)
	}
	if u.Username != "lan.nguyen" || u.Role != RoleUploader {
		t.Errorf("CreateUser = %+v", u)
	}
	for _, tc := range []struct {
		name, user, display string
		role                Role
		pw                  string
		want                error
	}{
		{"taken", "lan.nguyen", "x", RoleSearcher, pw, ErrUserExists},
		{"short password", "minh", "x", RoleSearcher, "short", ErrBadPassword},
		{"bad username", "Lan Nguyen", "x", RoleSearcher, pw, nil},
		{"path username", "../etc", "x", RoleSearcher, pw, nil},
		{"bad role", "minh", "x", "root", pw, nil},
		{"empty name", "minh", " ", RoleSearcher, pw, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.CreateUser(ctx, tc.user, tc.display, tc.role, tc.pw)
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Errorf("CreateUser error = %v, want %v", err, tc.want)
			}
		})
	}
	// The password is stored nowhere on disk.
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			data, _ := os.ReadFile(path)
			if strings.Contains(string(data), pw) {
				t.Errorf("%s contains the password", path)
			}
		}
		return nil
	})
	p, err := NewStore(b).Login(ctx, "192.0.2.1", "lan.nguyen", pw)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Principal{TokenID: "user:lan.nguyen", Name: "Nguyễn Thị Lan", Role: RoleUploader}, p); diff != "" {
		t.Errorf("Login (-want +got):\n%s", diff)
	}
	for _, tc := range []struct{ name, user, pw string }{
		{"wrong password", "lan.nguyen", pw + "!"},
		{"unknown user", "nobody", pw},
		{"empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := s.Login(ctx, "192.0.2.1", tc.user, tc.pw); !errors.Is(err, ErrUnauthorized) {
				t.Errorf("Login = %v, want ErrUnauthorized", err)
			}
		})
	}
	if err := s.SetPassword(ctx, "lan.nguyen", "a new long password"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Login(ctx, "192.0.2.1", "lan.nguyen", pw); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("old password after SetPassword: %v", err)
	}
	if err := s.DisableUser(ctx, "lan.nguyen"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Login(ctx, "192.0.2.1", "lan.nguyen", "a new long password"); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("Login of a disabled user: %v", err)
	}
	list, err := s.Users(ctx)
	if err != nil || len(list) != 1 || list[0].Disabled == nil {
		t.Errorf("Users = %+v, %v", list, err)
	}
}

func TestSessions(t *testing.T) {
	s, b, _ := newStore(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return now }
	tok, tp, _ := s.Create(ctx, RoleSearcher, "official")
	_ = tok
	sess, err := s.NewSession(ctx, tp)
	if err != nil {
		t.Fatal(err)
	}
	other := NewStore(b) // another process, on the same clock
	other.now = s.now
	got, err := other.Session(ctx, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Principal != tp || got.CSRF != sess.CSRF || len(sess.CSRF) != 64 {
		t.Errorf("Session = %+v, want principal %+v and CSRF %q", got, tp, sess.CSRF)
	}
	if !got.ValidCSRF(sess.CSRF) || got.ValidCSRF("") || got.ValidCSRF(sess.CSRF[1:]) {
		t.Error("ValidCSRF accepts the wrong token or refuses the right one")
	}
	// Expiry.
	now = now.Add(12*time.Hour + time.Second)
	if _, err := s.Session(ctx, sess.ID); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("expired session: %v", err)
	}
	now = now.Add(-12 * time.Hour)
	// Revoking the token ends its sessions.
	sess2, _ := s.NewSession(ctx, tp)
	if err := s.Revoke(ctx, tp.TokenID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Session(ctx, sess2.ID); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("session of a revoked token: %v", err)
	}
	// A user's session follows the user record; logout ends it.
	if _, err := s.CreateUser(ctx, "hung", "Trần Hùng", RoleOperator, "operator password 1"); err != nil {
		t.Fatal(err)
	}
	up, err := s.Login(ctx, "192.0.2.1", "hung", "operator password 1")
	if err != nil {
		t.Fatal(err)
	}
	us, _ := s.NewSession(ctx, up)
	if got, err := s.Session(ctx, us.ID); err != nil || got.Principal != up {
		t.Errorf("user session = %+v, %v", got, err)
	}
	if err := s.EndSession(ctx, us.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Session(ctx, us.ID); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("session after EndSession: %v", err)
	}
	us2, _ := s.NewSession(ctx, up)
	_ = s.DisableUser(ctx, "hung")
	if _, err := s.Session(ctx, us2.ID); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("session of a disabled user: %v", err)
	}
	for _, id := range []string{"", "x", strings.Repeat("g", 64), "../../tokens/x"} {
		if _, err := s.Session(ctx, id); !errors.Is(err, ErrUnauthorized) {
			t.Errorf("Session(%q) = %v", id, err)
		}
	}
	now = now.Add(24 * time.Hour)
	if n, err := s.PurgeSessions(ctx); err != nil || n < 2 {
		t.Errorf("PurgeSessions = %d, %v; want >= 2", n, err)
	}
}

// TestRequireCookie runs Require with session cookies in a real server:
// reads pass, state changes need the CSRF header or a same-origin fetch.
func TestRequireCookie(t *testing.T) {
	s, _, _ := newStore(t)
	ctx := context.Background()
	opTok, op, _ := s.Create(ctx, RoleOperator, "ops")
	sess, err := s.NewSession(ctx, op)
	if err != nil {
		t.Fatal(err)
	}
	_, sp, _ := s.Create(ctx, RoleSearcher, "official")
	ssess, _ := s.NewSession(ctx, sp)
	srv := httptest.NewServer(s.Require(RoleOperator, nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := PrincipalFrom(r.Context())
		io.WriteString(w, p.Name)
	})))
	defer srv.Close()
	for _, tc := range []struct {
		name, method, cookie, csrf, fetchSite, auth, origin string
		want                                                int
	}{
		{"get with cookie", "GET", sess.ID, "", "", "", "", 200},
		{"no cookie", "GET", "", "", "", "", "", 401},
		{"unknown cookie", "GET", strings.Repeat("a", 64), "", "", "", "", 401},
		{"wrong role", "GET", ssess.ID, "", "", "", "", 403},
		{"post without csrf", "POST", sess.ID, "", "", "", "", 403},
		{"post cross-site", "POST", sess.ID, "", "cross-site", "", "", 403},
		{"post wrong csrf", "POST", sess.ID, strings.Repeat("0", 64), "", "", "", 403},
		{"post with csrf", "POST", sess.ID, sess.CSRF, "", "", "", 200},
		{"post same-origin", "DELETE", sess.ID, "", "same-origin", "", "", 200},
		{"bad bearer beats cookie", "GET", sess.ID, "", "", "Bearer nope", "", 401},
		{"other scheme beats cookie", "GET", sess.ID, "", "", "Basic eDp5", "", 401},
		// Issue #18: a hostile page's GET (an <img>, a link, a fetch) must
		// not use the official's cookie.
		{"get cross-site", "GET", sess.ID, "", "cross-site", "", "", 403},
		{"get same-site subdomain", "GET", sess.ID, "", "same-site", "", "", 403},
		{"get typed in address bar", "GET", sess.ID, "", "none", "", "", 200},
		{"get same-origin", "GET", sess.ID, "", "same-origin", "", "", 200},
		{"get foreign origin", "GET", sess.ID, "", "", "", "https://evil.example", 403},
		{"get null origin", "GET", sess.ID, "", "", "", "null", 403},
		{"get own origin", "GET", sess.ID, "", "same-origin", "", "self", 200},
		{"post cross-site with csrf", "POST", sess.ID, sess.CSRF, "cross-site", "", "", 403},
		{"bearer cross-site", "GET", "", "", "cross-site", "Bearer " + opTok, "https://evil.example", 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, srv.URL, nil)
			if tc.cookie != "" {
				req.AddCookie(&http.Cookie{Name: SessionCookie, Value: tc.cookie})
			}
			if tc.csrf != "" {
				req.Header.Set(CSRFHeader, tc.csrf)
			}
			if tc.fetchSite != "" {
				req.Header.Set("Sec-Fetch-Site", tc.fetchSite)
			}
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			switch tc.origin {
			case "":
			case "self":
				req.Header.Set("Origin", srv.URL)
			default:
				req.Header.Set("Origin", tc.origin)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Errorf("status %d, want %d (%s)", resp.StatusCode, tc.want, body)
			}
			if tc.want == 200 && string(body) != "ops" {
				t.Errorf("principal %q", body)
			}
		})
	}
}

// TestSessionCookieAttributes: the session cookie is HttpOnly and
// SameSite=Strict (issue #18: Lax let cross-site GETs carry it), and Secure
// over TLS or when configured.
func TestSessionCookieAttributes(t *testing.T) {
	sess := Session{ID: strings.Repeat("a", 64), Expires: time.Now().Add(time.Hour)}
	for _, tc := range []struct {
		name           string
		tls, secureCfg bool
		wantSecure     bool
	}{
		{"plain http, loopback default", false, false, false},
		{"tls", true, false, true},
		{"plain http, secure configured", false, true, true},
		{"tls, secure configured", true, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, b, _ := newStore(t)
			s := NewStoreWithConfig(b, Config{SecureCookie: tc.secureCfg})
			r := httptest.NewRequest("POST", "/login", nil)
			if tc.tls {
				r = httptest.NewRequest("POST", "https://sohoa.example/login", nil)
			}
			for _, set := range []func(http.ResponseWriter, *http.Request){
				func(w http.ResponseWriter, r *http.Request) { s.SetSessionCookie(w, r, sess) },
				s.ClearSessionCookie,
			} {
				w := httptest.NewRecorder()
				set(w, r)
				c := w.Result().Cookies()
				if len(c) != 1 || !c[0].HttpOnly || c[0].SameSite != http.SameSiteStrictMode || c[0].Secure != tc.wantSecure || c[0].Path != "/" {
					t.Errorf("cookie %+v, want HttpOnly SameSite=Strict Secure=%v", c, tc.wantSecure)
				}
			}
		})
	}
}

func TestLoginConcurrencyBound(t *testing.T) {
	_, b, _ := newStore(t)
	s := NewStoreWithConfig(b, Config{MaxConcurrentLogins: 1})
	s.kdf <- struct{}{} // one login in progress
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := s.Login(ctx, "192.0.2.1", "anyone", "any password 123"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Login while the bound is reached = %v, want a deadline error", err)
	}
	<-s.kdf
	if _, err := s.Login(context.Background(), "192.0.2.1", "anyone", "any password 123"); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("Login after = %v, want ErrUnauthorized", err)
	}
}

// TestLoginThrottle: wrong passwords slow down the client that gives them,
// with backoff, and never lock the user out for everyone (issue #18: ten
// wrong passwords used to lock a known username out everywhere).
func TestLoginThrottle(t *testing.T) {
	_, b, _ := newStore(t)
	s := NewStoreWithConfig(b, Config{Throttle: ThrottleConfig{FreeFailures: 3, ClientFailures: 8, BaseDelay: time.Second, MaxDelay: 8 * time.Second}})
	now := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return now }
	ctx := context.Background()
	const pw = "correct horse battery"
	const attacker, user = "198.51.100.7", "203.0.113.20"
	if _, err := s.CreateUser(ctx, "lan.nguyen", "Nguyễn Thị Lan", RoleSearcher, pw); err != nil {
		t.Fatal(err)
	}
	wrong := func(client, name string) error {
		t.Helper()
		_, err := s.Login(ctx, client, name, "wrong password 1")
		return err
	}
	// Two failures, then a success: the count starts again.
	for range 2 {
		if err := wrong(attacker, "lan.nguyen"); !errors.Is(err, ErrUnauthorized) {
			t.Fatalf("wrong password: %v", err)
		}
	}
	if _, err := s.Login(ctx, attacker, "lan.nguyen", pw); err != nil {
		t.Fatalf("right password after two failures: %v", err)
	}
	// Three free failures, then backoff: 1s, 2s, 4s, capped at 8s.
	for range 3 {
		if err := wrong(attacker, "lan.nguyen"); !errors.Is(err, ErrUnauthorized) {
			t.Fatalf("free failure: %v", err)
		}
	}
	for i, want := range []int{1, 2, 4, 8, 8} {
		_, err := s.Login(ctx, attacker, "lan.nguyen", pw)
		secs, ok := RetryAfter(err)
		if !errors.Is(err, ErrThrottled) || errors.Is(err, ErrUnauthorized) || !ok || secs != want {
			t.Fatalf("attempt %d too soon = %v (retry after %d), want ErrThrottled after %ds", i, err, secs, want)
		}
		now = now.Add(time.Duration(want) * time.Second)
		if err := wrong(attacker, "lan.nguyen"); !errors.Is(err, ErrUnauthorized) {
			t.Fatalf("attempt %d after waiting: %v", i, err)
		}
	}
	// The real user, at their own address, is not locked out.
	if _, err := s.Login(ctx, user, "lan.nguyen", pw); err != nil {
		t.Errorf("real user elsewhere while the attacker is throttled: %v", err)
	}
	// Unknown names throttle the same way (no hint that they do not exist).
	now = now.Add(2 * time.Hour)
	for range 3 {
		wrong(user, "nobody.here")
	}
	if err := wrong(user, "nobody.here"); !errors.Is(err, ErrThrottled) {
		t.Errorf("unknown name after 3 failures = %v, want ErrThrottled", err)
	}
	// The client's budget over all usernames: 8 failures spread over
	// names, then every name is throttled for this client only.
	now = now.Add(2 * time.Hour)
	for i := range 8 {
		if err := wrong(attacker, fmt.Sprintf("user%d", i)); !errors.Is(err, ErrUnauthorized) {
			t.Fatalf("spray %d: %v", i, err)
		}
	}
	if err := wrong(attacker, "user99"); !errors.Is(err, ErrThrottled) {
		t.Errorf("9th name from one client = %v, want ErrThrottled", err)
	}
	if _, err := s.Login(ctx, user, "lan.nguyen", pw); err != nil {
		t.Errorf("other client during a spray: %v", err)
	}
	// Counts are forgotten after an hour without failures.
	now = now.Add(61 * time.Minute)
	if _, err := s.Login(ctx, attacker, "lan.nguyen", pw); err != nil {
		t.Errorf("after an hour: %v", err)
	}
}

// TestLoginThrottleParallel: parallel attempts cannot slip past the
// backoff by all starting before the first failure is counted.
func TestLoginThrottleParallel(t *testing.T) {
	_, b, _ := newStore(t)
	s := NewStoreWithConfig(b, Config{Throttle: ThrottleConfig{FreeFailures: 2}, MaxConcurrentLogins: 64})
	var wg sync.WaitGroup
	var mu sync.Mutex
	tried := 0
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.Login(context.Background(), "198.51.100.7", "lan.nguyen", "wrong password 1")
			if errors.Is(err, ErrUnauthorized) {
				mu.Lock()
				tried++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if tried != 2 {
		t.Errorf("%d of 20 parallel attempts checked a password, want 2", tried)
	}
}

// TestTokenThrottle: a client presenting wrong tokens is slowed down
// (issue #18: token sign-in had no throttle); others are not.
func TestTokenThrottle(t *testing.T) {
	_, b, _ := newStore(t)
	s := NewStoreWithConfig(b, Config{Throttle: ThrottleConfig{TokenFailures: 3}})
	now := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return now }
	ctx := context.Background()
	tok, _, _ := s.Create(ctx, RoleSearcher, "official")
	bad := tok[:len(tok)-1] + "0"
	if bad == tok {
		bad = tok[:len(tok)-1] + "1"
	}
	for range 3 {
		if _, err := s.VerifyFrom(ctx, "198.51.100.7", bad); !errors.Is(err, ErrUnauthorized) {
			t.Fatalf("wrong token: %v", err)
		}
	}
	if _, err := s.VerifyFrom(ctx, "198.51.100.7", tok); !errors.Is(err, ErrThrottled) {
		t.Errorf("4th token from the same client = %v, want ErrThrottled", err)
	}
	if _, err := s.VerifyFrom(ctx, "203.0.113.20", tok); err != nil {
		t.Errorf("right token from another client: %v", err)
	}
	now = now.Add(time.Second)
	if _, err := s.VerifyFrom(ctx, "198.51.100.7", tok); err != nil {
		t.Errorf("right token after the wait: %v", err)
	}

	// Over HTTP: Require answers 429 with Retry-After, Vietnamese first.
	h := s.Require(RoleSearcher, nil, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	for i := range 5 {
		r := httptest.NewRequest("GET", "/api/v1/search", nil)
		r.RemoteAddr = "192.0.2.50:4000"
		r.Header.Set("Authorization", "Bearer "+bad)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if i < 3 && w.Code != http.StatusUnauthorized {
			t.Errorf("bad token %d: %d", i, w.Code)
		}
		if i >= 4 && (w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") == "" || !strings.Contains(w.Body.String(), "Quá nhiều")) {
			t.Errorf("bad token %d: %d Retry-After %q %s", i, w.Code, w.Header().Get("Retry-After"), w.Body)
		}
	}
}

func TestClientIP(t *testing.T) {
	proxy := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	for _, tc := range []struct {
		name, remote, xff string
		trusted           []netip.Prefix
		want              string
	}{
		{"v4", "203.0.113.9:5000", "", nil, "203.0.113.9"},
		{"xff ignored by default", "203.0.113.9:5000", "1.2.3.4", nil, "203.0.113.9"},
		{"xff from untrusted peer", "203.0.113.9:5000", "1.2.3.4", proxy, "203.0.113.9"},
		{"xff from trusted proxy", "10.1.2.3:5000", "1.2.3.4", proxy, "1.2.3.4"},
		{"spoofed left hop", "10.1.2.3:5000", "6.6.6.6, 1.2.3.4", proxy, "1.2.3.4"},
		{"chain of proxies", "10.1.2.3:5000", "1.2.3.4, 10.9.9.9", proxy, "1.2.3.4"},
		{"garbage hop", "10.1.2.3:5000", "junk", proxy, "10.1.2.3"},
		{"v6 by /64", "[2001:db8:1:2:3:4:5:6]:443", "", nil, "2001:db8:1:2::/64"},
		{"v4-mapped", "[::ffff:203.0.113.9]:1", "", nil, "203.0.113.9"},
		{"unparsable", "pipe", "", nil, "unknown"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.remote
			if tc.xff != "" {
				r.Header.Set("X-Forwarded-For", tc.xff)
			}
			if got := ClientIP(r, tc.trusted); got != tc.want {
				t.Errorf("ClientIP = %q, want %q", got, tc.want)
			}
		})
	}
}
