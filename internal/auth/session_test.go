package auth

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
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
	p, err := NewStore(b).Login(ctx, "lan.nguyen", pw)
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
			if _, err := s.Login(ctx, tc.user, tc.pw); !errors.Is(err, ErrUnauthorized) {
				t.Errorf("Login = %v, want ErrUnauthorized", err)
			}
		})
	}
	if err := s.SetPassword(ctx, "lan.nguyen", "a new long password"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Login(ctx, "lan.nguyen", pw); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("old password after SetPassword: %v", err)
	}
	if err := s.DisableUser(ctx, "lan.nguyen"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Login(ctx, "lan.nguyen", "a new long password"); !errors.Is(err, ErrUnauthorized) {
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
	up, err := s.Login(ctx, "hung", "operator password 1")
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
	_, op, _ := s.Create(ctx, RoleOperator, "ops")
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
		name, method, cookie, csrf, fetchSite, auth string
		want                                        int
	}{
		{"get with cookie", "GET", sess.ID, "", "", "", 200},
		{"no cookie", "GET", "", "", "", "", 401},
		{"unknown cookie", "GET", strings.Repeat("a", 64), "", "", "", 401},
		{"wrong role", "GET", ssess.ID, "", "", "", 403},
		{"post without csrf", "POST", sess.ID, "", "", "", 403},
		{"post cross-site", "POST", sess.ID, "", "cross-site", "", 403},
		{"post wrong csrf", "POST", sess.ID, strings.Repeat("0", 64), "", "", 403},
		{"post with csrf", "POST", sess.ID, sess.CSRF, "", "", 200},
		{"post same-origin", "DELETE", sess.ID, "", "same-origin", "", 200},
		{"bad bearer beats cookie", "GET", sess.ID, "", "", "Bearer nope", 401},
		{"other scheme beats cookie", "GET", sess.ID, "", "", "Basic eDp5", 401},
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

func TestSessionCookieAttributes(t *testing.T) {
	sess := Session{ID: strings.Repeat("a", 64), Expires: time.Now().Add(time.Hour)}
	for _, tls := range []bool{false, true} {
		r := httptest.NewRequest("POST", "/login", nil)
		if tls {
			r = httptest.NewRequest("POST", "https://sohoa.example/login", nil)
		}
		w := httptest.NewRecorder()
		SetSessionCookie(w, r, sess)
		c := w.Result().Cookies()
		if len(c) != 1 || !c[0].HttpOnly || c[0].SameSite != http.SameSiteLaxMode || c[0].Secure != tls || c[0].Path != "/" {
			t.Errorf("tls=%v: cookie %+v", tls, c)
		}
	}
}

func TestLoginConcurrencyBound(t *testing.T) {
	_, b, _ := newStore(t)
	s := NewStoreWithConfig(b, Config{MaxConcurrentLogins: 1})
	s.kdf <- struct{}{} // one login in progress
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := s.Login(ctx, "anyone", "any password 123"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Login while the bound is reached = %v, want a deadline error", err)
	}
	<-s.kdf
	if _, err := s.Login(context.Background(), "anyone", "any password 123"); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("Login after = %v, want ErrUnauthorized", err)
	}
}

// TestLoginLockout: after MaxLoginFailures wrong passwords a username's
// sign-ins are refused, even with the right password, until the period
// ends; unknown names lock the same way; a success clears the count.
func TestLoginLockout(t *testing.T) {
	_, b, _ := newStore(t)
	s := NewStoreWithConfig(b, Config{MaxLoginFailures: 3, LoginLockout: time.Minute})
	now := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return now }
	ctx := context.Background()
	const pw = "correct horse battery"
	if _, err := s.CreateUser(ctx, "lan.nguyen", "Nguyễn Thị Lan", RoleSearcher, pw); err != nil {
		t.Fatal(err)
	}
	// Two failures, then a success: the count starts again.
	for range 2 {
		if _, err := s.Login(ctx, "lan.nguyen", "wrong password 1"); !errors.Is(err, ErrUnauthorized) {
			t.Fatalf("wrong password: %v", err)
		}
	}
	if _, err := s.Login(ctx, "lan.nguyen", pw); err != nil {
		t.Fatalf("right password after two failures: %v", err)
	}
	for range 3 {
		if _, err := s.Login(ctx, "lan.nguyen", "wrong password 1"); !errors.Is(err, ErrUnauthorized) {
			t.Fatalf("wrong password: %v", err)
		}
	}
	if _, err := s.Login(ctx, "lan.nguyen", pw); !errors.Is(err, ErrThrottled) || errors.Is(err, ErrUnauthorized) {
		t.Errorf("right password after 3 failures = %v, want ErrThrottled", err)
	}
	for range 3 {
		s.Login(ctx, "nobody.here", "wrong password 1")
	}
	if _, err := s.Login(ctx, "nobody.here", "wrong password 1"); !errors.Is(err, ErrThrottled) {
		t.Errorf("unknown name after 3 failures = %v, want ErrThrottled (no hint that it does not exist)", err)
	}
	now = now.Add(61 * time.Second)
	if _, err := s.Login(ctx, "lan.nguyen", pw); err != nil {
		t.Errorf("right password after the lockout = %v", err)
	}
}
