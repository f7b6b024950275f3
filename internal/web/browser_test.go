package web_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sohoa/sohoa/internal/app/apptest"
	"github.com/sohoa/sohoa/internal/corpus"
	"github.com/sohoa/sohoa/internal/testenv"
)

// chromiumPath finds Debian's chromium; under CI a missing browser fails
// the test, elsewhere it skips.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	testenv.Missing(t, "chromium (apt-get install chromium)")
	return ""
}

// browser starts a headless chromium with a fresh profile and returns a
// tab context that ends with the test.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath(t)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("lang", "vi-VN"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	ctx, cancel := chromedp.NewContext(alloc, chromedp.WithLogf(t.Logf))
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // start the browser now
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// shooter saves screenshots under docs/screenshots when
// SOHOA_UPDATE_SCREENSHOTS=1, so ordinary test runs leave the tree clean.
type shooter struct {
	t   *testing.T
	ctx context.Context
	dir string
}

func newShooter(t *testing.T, ctx context.Context) *shooter {
	s := &shooter{t: t, ctx: ctx}
	if os.Getenv("SOHOA_UPDATE_SCREENSHOTS") == "1" {
		s.dir = filepath.Join("..", "..", "docs", "screenshots")
		if err := os.MkdirAll(s.dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// shot saves the whole page as name.png.
func (s *shooter) shot(name string) { s.save(name, chromedp.FullScreenshot(100)) }

// viewport saves what the viewport shows (for emulated devices, where a
// full-page capture crops the width).
func (s *shooter) viewport(name string) { s.save(name, chromedp.CaptureScreenshot()) }

func (s *shooter) save(name string, capture chromedp.Action[[]byte]) {
	s.t.Helper()
	if s.dir == "" {
		return
	}
	png, err := chromedp.Run(s.ctx, capture)
	if err != nil {
		s.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(s.dir, name+".png"), png, 0o644); err != nil {
		s.t.Fatal(err)
	}
}

// do runs browser steps and fails the test with what it was doing.
func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

func signInToken(t *testing.T, ctx context.Context, base, token string) {
	t.Helper()
	do(t, ctx, "sign in with a token",
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.CSS("#token")),
		chromedp.SendKeys(chromedp.CSS("#token"), token),
		chromedp.Click(chromedp.CSS("#login-token")),
		chromedp.WaitVisible(chromedp.CSS("header nav")),
	)
}

func signOut(t *testing.T, ctx context.Context) {
	t.Helper()
	do(t, ctx, "sign out",
		chromedp.Click(chromedp.CSS("header form[action='/logout'] button")),
		chromedp.WaitVisible(chromedp.CSS("#login-token")),
	)
}

// TestBrowser walks the interface in a real chromium against a real
// instance (Redis, Tesseract, embedded index): an administrator creates a
// user, who signs in with a password and uploads a generated PDF by the
// upload form; the batch page follows it live to the end; an official
// finds it with an accentless query and sees personal data masked; a
// pii_reader sees it, reveals a sensitive field with a reason; an operator
// opens the dashboard and asynqmon; the administrator verifies the audit
// chain, which holds those reads.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	ctx := browser(t)
	in := apptest.Start(t, nil)
	base := in.URL
	shots := newShooter(t, ctx)
	tctx, cancel := context.WithTimeout(ctx, 4*time.Minute)
	defer cancel()
	ctx = tctx

	// A generated birth extract: personal names (masked for officials) and
	// an ethnicity (sensitive: revealed only with a reason).
	docs, err := corpus.Generate(corpus.Options{Seed: 11, Documents: 1, PagesPerDoc: [2]int{1, 1},
		Classes: []string{corpus.ClassBirthExtract}})
	if err != nil {
		t.Fatal(err)
	}
	var pdf bytes.Buffer
	if err := corpus.WritePDF(&pdf, docs[0].Pages, docs[0].Truth.DPI); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "trich-luc-khai-sinh.pdf")
	if err := os.WriteFile(file, pdf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	// A file that is not a document: rejected with a reason for staff.
	bad := filepath.Join(t.TempDir(), "hong.pdf")
	if err := os.WriteFile(bad, []byte("đây không phải PDF"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A PDF cut in the middle: accepted, then rejected by the pipeline
	// with a reason for staff.
	cut := filepath.Join(t.TempDir(), "bi-cat.pdf")
	if err := os.WriteFile(cut, pdf.Bytes()[:pdf.Len()/3], 0o600); err != nil {
		t.Fatal(err)
	}
	names := docs[0].Truth.Fields["person_names"]
	if len(names) == 0 {
		t.Fatalf("generated birth extract has no person_names: %v", docs[0].Truth.Fields)
	}

	// The sign-in page is Vietnamese by default.
	do(t, ctx, "open sign-in", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS("#login-password")))
	if lang := eval[string](t, ctx, "document.documentElement.lang"); lang != "vi" {
		t.Errorf("html lang = %q, want vi", lang)
	}
	if h := text(t, ctx, "h1"); h != "Đăng nhập" {
		t.Errorf("sign-in heading %q, want Đăng nhập", h)
	}
	shots.shot("login")

	// Administrator: create a user for archive staff.
	signInToken(t, ctx, base, apptest.AdminToken)
	do(t, ctx, "create a user",
		chromedp.Navigate(base+"/admin"),
		chromedp.WaitVisible(chromedp.CSS("#nu-username")),
		chromedp.SendKeys(chromedp.CSS("#nu-username"), "lan.nguyen"),
		chromedp.SendKeys(chromedp.CSS("#nu-name"), "Nguyễn Thị Lan"),
		chromedp.SetValue(chromedp.CSS("#nu-role"), "uploader"),
		chromedp.SendKeys(chromedp.CSS("#nu-password"), "mat-khau-rat-dai-2026"),
		chromedp.Submit(chromedp.CSS("#nu-password")),
		chromedp.WaitVisible(chromedp.CSS("#users td")),
	)
	if s := text(t, ctx, "#users table"); !strings.Contains(s, "lan.nguyen") {
		t.Fatalf("users table lacks the new user:\n%s", s)
	}
	shots.shot("admin")
	signOut(t, ctx)

	// A wrong password is refused.
	do(t, ctx, "wrong password",
		chromedp.SendKeys(chromedp.CSS("#username"), "lan.nguyen"),
		chromedp.SendKeys(chromedp.CSS("#password"), "wrong password!!"),
		chromedp.Click(chromedp.CSS("#login-password")),
		chromedp.WaitVisible(chromedp.CSS("main .error")),
	)

	// Archive staff: sign in with the password, upload by the form.
	do(t, ctx, "sign in with a password",
		chromedp.SetValue(chromedp.CSS("#username"), "lan.nguyen"),
		chromedp.SetValue(chromedp.CSS("#password"), "mat-khau-rat-dai-2026"),
		chromedp.Click(chromedp.CSS("#login-password")),
		chromedp.WaitVisible(chromedp.CSS("a[href='/upload'][aria-current], a.button[href='/upload']")),
	)
	do(t, ctx, "choose a file",
		chromedp.Navigate(base+"/upload"),
		chromedp.WaitVisible(chromedp.CSS("#dropzone")),
		chromedp.SendKeys(chromedp.CSS("#fonds"), "Phông UBND tỉnh"),
		chromedp.SendKeys(chromedp.CSS("#dossier"), "HS-2026-014"),
		chromedp.SendKeys(chromedp.CSS("#retention"), "Vĩnh viễn"),
		chromedp.SetUploadFiles(chromedp.CSS("#files"), []string{file, bad, cut}),
		chromedp.WaitVisible(chromedp.CSS("#file-list li + li + li")),
	)
	shots.shot("upload")
	do(t, ctx, "upload", chromedp.Click(chromedp.CSS("#upload-submit")), chromedp.WaitVisible(chromedp.CSS("#batch")))
	loc := eval[string](t, ctx, "location.pathname")
	batch := strings.TrimPrefix(loc, "/batches/")
	if batch == loc || batch == "" {
		t.Fatalf("after upload the browser is at %s, want /batches/<id>", loc)
	}
	shots.shot("batch-progress")
	start := time.Now()
	// The page follows the batch over server-sent events and reloads
	// itself once it is finished.
	do(t, ctx, "wait for the batch", chromedp.WaitVisible(chromedp.CSS("#batch:not([data-sse])")))
	t.Logf("batch %s finished in %s (as seen by the browser)", batch, time.Since(start).Round(time.Millisecond))
	if s := text(t, ctx, "#batch-status"); s != "hoàn tất, có lỗi" {
		t.Errorf("batch status %q, want hoàn tất, có lỗi (one file rejected)", s)
	}
	if s := text(t, ctx, "#batch-pages"); !strings.Contains(s, "1/1") {
		t.Errorf("batch pages %q, want 1/1", s)
	}
	if s := text(t, ctx, "#docs tr.s-rejected"); !strings.Contains(s, "hong.pdf") || !strings.Contains(s, "bị từ chối") || len(text(t, ctx, "#docs tr.s-rejected .problem")) < 10 {
		t.Errorf("rejected row %q lacks the file, status or reason", s)
	}
	if s := text(t, ctx, "#docs"); !strings.Contains(s, "bi-cat.pdf\tbị từ chối") || !strings.Contains(s, "Tệp bị hỏng") {
		t.Errorf("the truncated PDF is not shown rejected with its reason:\n%s", s)
	}
	doc := eval[string](t, ctx, "document.querySelector('#docs tr.s-done').dataset.doc")
	shots.shot("batch")
	do(t, ctx, "batch list", chromedp.Navigate(base+"/batches"), chromedp.WaitVisible(chromedp.CSS("tr[data-batch='"+batch+"']")))
	if s := text(t, ctx, "tr[data-batch='"+batch+"'] .status"); s != "hoàn tất, có lỗi" {
		t.Errorf("batch list status %q, want hoàn tất, có lỗi", s)
	}
	shots.shot("batches")
	signOut(t, ctx)

	// Official (searcher): accentless search, masked record.
	signInToken(t, ctx, base, in.Token(t, "searcher"))
	q := "trich luc khai sinh"
	deadline := time.Now().Add(30 * time.Second)
	for {
		do(t, ctx, "search", chromedp.Navigate(base+"/search?q="+strings.ReplaceAll(q, " ", "+")), chromedp.WaitVisible(chromedp.CSS("#results-h")))
		if n := eval[int](t, ctx, fmt.Sprintf("document.querySelectorAll(\"a[href='/records/%s']\").length", doc)); n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("accentless search %q did not find document %s:\n%s", q, doc, text(t, ctx, "main"))
		}
		time.Sleep(500 * time.Millisecond)
	}
	if n := eval[int](t, ctx, "document.querySelectorAll('.snippet mark').length"); n == 0 {
		t.Errorf("no highlighted words in the snippets")
	}
	shots.shot("search")
	do(t, ctx, "open the record", chromedp.Click(chromedp.CSS("a[href='/records/"+doc+"']")), chromedp.WaitVisible(chromedp.CSS("#fields")))
	html := eval[string](t, ctx, "document.documentElement.outerHTML")
	for _, n := range names {
		if strings.Contains(html, n) || strings.Contains(html, strings.ToUpper(n)) {
			t.Errorf("the searcher's record page shows the personal name %q", n)
		}
	}
	if n := eval[int](t, ctx, "document.querySelectorAll('tr.masked').length"); n == 0 {
		t.Error("no masked field on the searcher's record page")
	}
	if n := eval[int](t, ctx, "document.querySelectorAll('.thumbs img, #reveal').length"); n != 0 {
		t.Error("the searcher sees page images or the reveal form")
	}
	shots.shot("record-masked")
	// On a tablet the columns stack.
	do(t, ctx, "tablet", chromedp.EmulateViewport(820, 1180, chromedp.EmulateTouch))
	if w := eval[[]float64](t, ctx, "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"); w[0] > w[1] {
		t.Errorf("record page is %v px wide in a %v px tablet viewport", w[0], w[1])
	}
	shots.viewport("record-tablet")
	do(t, ctx, "laptop", chromedp.EmulateViewport(1280, 900))
	signOut(t, ctx)

	// Official cleared for personal data: names shown, ethnicity revealed
	// with a reason, page image served.
	signInToken(t, ctx, base, in.Token(t, "pii_reader"))
	do(t, ctx, "open the record as pii_reader", chromedp.Navigate(base+"/records/"+doc), chromedp.WaitVisible(chromedp.CSS("#fields")))
	fields := text(t, ctx, "#fields")
	shown := false
	for _, n := range names {
		shown = shown || strings.Contains(strings.ToLower(fields), strings.ToLower(n))
	}
	if !shown {
		t.Errorf("pii_reader does not see any of the names %q in:\n%s", names, fields)
	}
	if n := eval[int](t, ctx, "document.querySelectorAll(\"tr[data-field='ethnicity'].masked\").length"); n != 1 {
		t.Fatalf("ethnicity is not masked before reveal (fields:\n%s)", fields)
	}
	do(t, ctx, "reveal",
		chromedp.SendKeys(chromedp.CSS("#reason"), "Xác minh hồ sơ theo đơn số 12/2026"),
		chromedp.Click(chromedp.CSS("#reveal")),
		chromedp.WaitVisible(chromedp.CSS("main .flash")),
	)
	if n := eval[int](t, ctx, "document.querySelectorAll(\"tr[data-field='ethnicity'].masked\").length"); n != 0 {
		t.Error("ethnicity still masked after reveal")
	}
	do(t, ctx, "page image", chromedp.WaitVisible(chromedp.CSS(".thumbs img")))
	deadline = time.Now().Add(10 * time.Second)
	for eval[int](t, ctx, "document.querySelector('.thumbs img').naturalWidth") == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the page image did not load for the pii_reader")
		}
		time.Sleep(100 * time.Millisecond)
	}
	shots.shot("record-revealed")
	signOut(t, ctx)

	// Operator: dashboard and asynqmon through the session cookie.
	signInToken(t, ctx, base, in.Token(t, "operator"))
	do(t, ctx, "dashboard", chromedp.Navigate(base+"/ops"), chromedp.WaitVisible(chromedp.CSS("#queues")))
	if s := text(t, ctx, "tr[data-queue='ocr']"); !strings.HasPrefix(s, "ocr") {
		t.Errorf("ocr queue row %q", s)
	}
	do(t, ctx, "asynqmon", chromedp.Click(chromedp.CSS("#monitoring-link")), chromedp.WaitVisible(chromedp.CSS("#root")))
	if title := eval[string](t, ctx, "document.title"); !strings.Contains(strings.ToLower(title), "asynq") {
		t.Errorf("monitoring page title %q", title)
	}
	deadline = time.Now().Add(15 * time.Second)
	for !strings.Contains(eval[string](t, ctx, "document.body.innerText"), "ocr") {
		if time.Now().After(deadline) {
			t.Fatalf("asynqmon did not list the ocr queue:\n%s", eval[string](t, ctx, "document.body.innerText"))
		}
		time.Sleep(200 * time.Millisecond)
	}
	shots.shot("monitoring")
	// The dashboard refreshes itself; from the second view on it has a
	// throughput measured since the first.
	do(t, ctx, "back to the dashboard", chromedp.Navigate(base+"/ops"), chromedp.WaitVisible(chromedp.CSS("#queues")))
	deadline = time.Now().Add(15 * time.Second)
	for !strings.Contains(eval[string](t, ctx, "(document.getElementById('ppm')||{}).textContent||''"), "trang/phút") {
		if time.Now().After(deadline) {
			t.Fatalf("no throughput on the dashboard after its refresh: %q", text(t, ctx, "#ppm"))
		}
		time.Sleep(250 * time.Millisecond)
	}
	shots.shot("ops")
	signOut(t, ctx)

	// Administrator: the audit log holds the reveal, and verifies.
	signInToken(t, ctx, base, apptest.AdminToken)
	do(t, ctx, "audit", chromedp.Navigate(base+"/admin/audit"), chromedp.WaitVisible(chromedp.CSS("#verify")),
		chromedp.Click(chromedp.CSS("#verify")), chromedp.WaitVisible(chromedp.CSS("#verify-result")))
	if cls := eval[string](t, ctx, "document.getElementById('verify-result').className"); !strings.Contains(cls, "ok-box") {
		t.Errorf("audit verification failed: %s", text(t, ctx, "#verify-result"))
	}
	log := text(t, ctx, "#audit")
	if !strings.Contains(log, "Xác minh hồ sơ theo đơn số 12/2026") || !strings.Contains(log, "unmask") {
		t.Errorf("the audit log lacks the reveal with its reason:\n%s", log)
	}
	shots.shot("audit")

	// The English switch.
	do(t, ctx, "english", chromedp.Navigate(base+"/admin?lang=en"), chromedp.WaitVisible(chromedp.CSS("#users")))
	if lang := eval[string](t, ctx, "document.documentElement.lang"); lang != "en" {
		t.Errorf("html lang after ?lang=en = %q", lang)
	}
	if h := text(t, ctx, "h1"); h != "Administration" {
		t.Errorf("English heading %q", h)
	}
}
