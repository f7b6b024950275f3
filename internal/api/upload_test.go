package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/sohoa/sohoa/internal/api"
	"github.com/sohoa/sohoa/internal/auth"
	"github.com/sohoa/sohoa/internal/blob"
	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/catalog/catalogtest"
	"github.com/sohoa/sohoa/internal/pipeline"
	"github.com/sohoa/sohoa/internal/testenv"
)

// apiFixture is an API server over a filesystem store, with one uploader
// token.
type apiFixture struct {
	srv     *api.Server
	store   *blob.FS
	cat     *catalog.Catalog
	token   string
	tokenID string
	uploads *pipeline.UploadLimiter
}

// newAPI builds the server; queue may be nil when no upload is committed.
func newAPI(t testing.TB, queue *asynq.Client) *apiFixture {
	t.Helper()
	cat, store := catalogtest.New(t)
	as := auth.NewStore(store)
	token, p, err := as.Create(context.Background(), auth.RoleUploader, "máy quét 1")
	if err != nil {
		t.Fatal(err)
	}
	uploads := pipeline.NewUploadLimiter(1, 2)
	pipe := pipeline.New(pipeline.Config{}, pipeline.Deps{Catalog: cat, Queue: queue})
	srv := api.New(api.Deps{Pipeline: pipe, Catalog: cat, Auth: as, Uploads: uploads})
	return &apiFixture{srv: srv, store: store, cat: cat, token: token, tokenID: p.TokenID, uploads: uploads}
}

// upload posts body as a multipart upload with the fixture's token.
func (f *apiFixture) upload(t testing.TB, body io.Reader, contentType, lang string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/api/v1/batches", body)
	req.Header.Set("Authorization", "Bearer "+f.token)
	req.Header.Set("Content-Type", contentType)
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	return rec
}

// emptyForm is a multipart form with metadata and no file.
func emptyForm(t testing.TB) (*bytes.Buffer, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("note", "lô thử")
	mw.Close()
	return &b, mw.FormDataContentType()
}

type apiErrorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func TestUploadConcurrencyLimit(t *testing.T) {
	f := newAPI(t, nil)
	release, err := f.uploads.Acquire(f.tokenID) // an upload of this token in flight
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ lang, want string }{
		{"", "Đang có quá nhiều lượt tải lên"},
		{"en", "too many uploads in progress"},
	} {
		t.Run("lang "+tc.lang, func(t *testing.T) {
			body, ct := emptyForm(t)
			rec := f.upload(t, body, ct, tc.lang)
			if rec.Code != http.StatusTooManyRequests {
				t.Fatalf("status %d, want 429 (%s)", rec.Code, rec.Body)
			}
			if rec.Header().Get("Retry-After") == "" {
				t.Error("no Retry-After header")
			}
			var e apiErrorBody
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil {
				t.Fatalf("body %q: %v", rec.Body, err)
			}
			if e.Error.Code != "too_many_uploads" || !strings.HasPrefix(e.Error.Message, tc.want) {
				t.Errorf("error = %+v, want too_many_uploads with %q", e.Error, tc.want)
			}
		})
	}
	// Two other uploaders take both overall slots: now everyone waits.
	release()
	var others []func()
	for _, who := range []string{"someone-else", "a-third"} {
		r, err := f.uploads.Acquire(who)
		if err != nil {
			t.Fatal(err)
		}
		others = append(others, r)
	}
	body, ct := emptyForm(t)
	if rec := f.upload(t, body, ct, ""); rec.Code != http.StatusTooManyRequests {
		t.Errorf("with the server full: status %d, want 429", rec.Code)
	}
	for _, r := range others {
		r()
	}
	// With the slots free the request goes through (and has no files).
	body, ct = emptyForm(t)
	if rec := f.upload(t, body, ct, ""); rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "no_files") {
		t.Errorf("after release: status %d %s, want 400 no_files", rec.Code, rec.Body)
	}
}

// pdfStream yields a PDF header followed by zeros, n bytes in all, without
// holding them.
type pdfStream struct{ n, off int64 }

func (s *pdfStream) Read(p []byte) (int, error) {
	if s.off >= s.n {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), s.n-s.off)]
	clear(p)
	const header = "%PDF-1.4\n"
	if s.off < int64(len(header)) {
		copy(p, header[s.off:])
	}
	s.off += int64(len(p))
	return len(p), nil
}

// TestUploadMemoryBound uploads a 200 MiB file through the API handler in
// this process and samples the Go heap meanwhile: the file streams to the
// store, so the heap stays a small fraction of it.
func TestUploadMemoryBound(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 400 MiB to disk")
	}
	opt, err := asynq.ParseRedisURI(testenv.RedisURL(t))
	if err != nil {
		t.Fatal(err)
	}
	queue := asynq.NewClient(opt)
	defer queue.Close()
	f := newAPI(t, queue)
	const size = 200 << 20

	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		part, err := mw.CreateFormFile("file", "lớn.pdf")
		if err == nil {
			_, err = io.Copy(part, &pdfStream{n: size})
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()

	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var peak uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapInuse)
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	})
	start := time.Now()
	rec := f.upload(t, pr, mw.FormDataContentType(), "")
	elapsed := time.Since(start)
	close(stop)
	wg.Wait()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)

	if rec.Code != http.StatusAccepted {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var res struct{ Documents, Files, Rejected int }
	if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil || res.Documents != 1 || res.Rejected != 0 {
		t.Fatalf("response %s (%v), want one document", rec.Body, err)
	}
	growth := int64(peak) - int64(before.HeapInuse)
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("%d MiB upload in %v: heap in use %.1f MiB before, peak %.1f MiB (+%.1f MiB); %.1f MiB allocated in all",
		size>>20, elapsed.Round(time.Millisecond), mib(before.HeapInuse), mib(peak), float64(growth)/(1<<20), mib(allocated))
	if growth > 64<<20 {
		t.Errorf("heap grew by %.1f MiB during a %d MiB upload, want < 64 MiB", float64(growth)/(1<<20), size>>20)
	}
	// What was stored is the upload, and nothing was left in staging.
	if keys, err := f.store.List(context.Background(), "uploads/"); err != nil || len(keys) != 0 {
		t.Errorf("staging objects left: %q, %v", keys, err)
	}
	ids, err := f.cat.DocumentIDs(context.Background())
	if err != nil || len(ids) != 1 {
		t.Fatalf("documents %v, %v", ids, err)
	}
	orig, err := f.cat.OpenOriginal(context.Background(), ids[0])
	if err != nil {
		t.Fatal(err)
	}
	defer orig.Close()
	if orig.Size() != size {
		t.Errorf("stored original has %d bytes, want %d", orig.Size(), size)
	}
}

func mib(n uint64) float64 { return float64(n) / (1 << 20) }
