package pipeline

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/sohoa/sohoa/internal/blob"
	"github.com/sohoa/sohoa/internal/blob/blobtest"
	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/domain"
	"github.com/sohoa/sohoa/internal/pages"
	"github.com/sohoa/sohoa/internal/search"
	"github.com/sohoa/sohoa/internal/testenv"
	"github.com/sohoa/sohoa/internal/vault"
)

// memStore is an in-memory blob.Store. TestMemStore runs the blob
// conformance suite on it, so it behaves as the real stores do.
type memStore struct {
	mu   sync.Mutex
	objs map[string][]byte
}

var _ blob.Store = (*memStore)(nil)

func newMemStore() *memStore { return &memStore{objs: map[string][]byte{}} }

func (s *memStore) check(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !blob.ValidKey(key) {
		return fmt.Errorf("memstore: invalid key %q", key)
	}
	return nil
}

func (s *memStore) Put(ctx context.Context, key string, data []byte) error {
	if err := s.check(ctx, key); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.objs[key] = bytes.Clone(data)
	return nil
}

func (s *memStore) Get(ctx context.Context, key string) ([]byte, error) {
	if err := s.check(ctx, key); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.objs[key]
	if !ok {
		return nil, fmt.Errorf("memstore: %s: %w", key, blob.ErrNotFound)
	}
	return bytes.Clone(b), nil
}

func (s *memStore) Delete(ctx context.Context, key string) error {
	if err := s.check(ctx, key); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.objs, key)
	return nil
}

func (s *memStore) List(ctx context.Context, prefix string) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var keys []string
	for k := range s.objs {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys, nil
}

func TestMemStore(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) blob.Store { return newMemStore() })
}

// queued is a task as the fake queue recorded it.
type queued struct {
	Type     string
	ID       string
	Queue    string
	MaxRetry int
	Timeout  time.Duration
	Payload  string
}

// fakeQueue records enqueued tasks. Like asynq, it refuses a second task
// with the ID of one in the same queue with asynq.ErrTaskIDConflict
// (TestFakeQueueAgreesWithAsynq checks this against the real client).
type fakeQueue struct {
	mu    sync.Mutex
	tasks []queued
}

var _ Enqueuer = (*fakeQueue)(nil)

func (q *fakeQueue) EnqueueContext(ctx context.Context, t *asynq.Task, opts ...asynq.Option) (*asynq.TaskInfo, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	e := queued{Type: t.Type(), Queue: "default", Payload: string(t.Payload())}
	for _, o := range opts {
		switch o.Type() {
		case asynq.TaskIDOpt:
			e.ID = o.Value().(string)
		case asynq.QueueOpt:
			e.Queue = o.Value().(string)
		case asynq.MaxRetryOpt:
			e.MaxRetry = o.Value().(int)
		case asynq.TimeoutOpt:
			e.Timeout = o.Value().(time.Duration)
		}
	}
	if e.ID == "" {
		return nil, fmt.Errorf("fake queue: %s task without an ID: the pipeline gives every task a deterministic one", e.Type)
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, prev := range q.tasks {
		if prev.ID == e.ID && prev.Queue == e.Queue {
			return nil, asynq.ErrTaskIDConflict
		}
	}
	q.tasks = append(q.tasks, e)
	return &asynq.TaskInfo{ID: e.ID, Queue: e.Queue, Type: e.Type, Payload: t.Payload(), MaxRetry: e.MaxRetry,
		Timeout: e.Timeout, State: asynq.TaskStatePending}, nil
}

// ofType returns the recorded tasks of one type, in order.
func (q *fakeQueue) ofType(typ string) []queued {
	q.mu.Lock()
	defer q.mu.Unlock()
	var out []queued
	for _, e := range q.tasks {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

func TestFakeQueueAgreesWithAsynq(t *testing.T) {
	opt, err := asynq.ParseRedisURI(testenv.RedisURL(t))
	if err != nil {
		t.Fatal(err)
	}
	client := asynq.NewClient(opt)
	t.Cleanup(func() { client.Close() })
	for _, tc := range []struct {
		name string
		q    Enqueuer
	}{{"asynq", client}, {"fake", &fakeQueue{}}} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			enqueue := func(queue string) (*asynq.TaskInfo, error) {
				return tc.q.EnqueueContext(ctx, asynq.NewTask(TypeOCR, []byte(`{"page":1}`)), asynq.TaskID("ocr:x:1:1"),
					asynq.Queue(queue), asynq.MaxRetry(3), asynq.Timeout(5*time.Minute))
			}
			info, err := enqueue(QueueOCR)
			if err != nil {
				t.Fatalf("first enqueue: %v", err)
			}
			got := queued{Type: info.Type, ID: info.ID, Queue: info.Queue, MaxRetry: info.MaxRetry, Timeout: info.Timeout, Payload: string(info.Payload)}
			want := queued{Type: TypeOCR, ID: "ocr:x:1:1", Queue: QueueOCR, MaxRetry: 3, Timeout: 5 * time.Minute, Payload: `{"page":1}`}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("task info (-want +got):\n%s", diff)
			}
			if _, err := enqueue(QueueOCR); !errors.Is(err, asynq.ErrTaskIDConflict) {
				t.Errorf("second enqueue with the same ID: err = %v, want asynq.ErrTaskIDConflict", err)
			}
			if _, err := enqueue(QueueSplit); err != nil {
				t.Errorf("same ID in another queue: %v, want success", err)
			}
		})
	}
}

// answer is what the fake recognizer says for one read.
type answer struct {
	page domain.Page
	err  error
}

// fakeRecognizer answers reads from a script, in order, and records the
// options of each read.
type fakeRecognizer struct {
	mu      sync.Mutex
	answers []answer
	reads   []domain.ReadOptions
}

var _ Recognizer = (*fakeRecognizer)(nil)

func (r *fakeRecognizer) Recognize(ctx context.Context, img []byte, opt domain.ReadOptions) (domain.Page, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reads = append(r.reads, opt)
	if len(r.answers) == 0 {
		return domain.Page{}, errors.New("fake recognizer: no answer scripted for this read")
	}
	a := r.answers[0]
	r.answers = r.answers[1:]
	return a.page, a.err
}

// fakeDoc is an opened document whose pages are given.
type fakeDoc struct {
	pages  []fakePage
	closed bool
}

type fakePage struct {
	img pages.Image
	err error
}

var _ PageSource = (*fakeDoc)(nil)

func (d *fakeDoc) Pages() int { return len(d.pages) }

func (d *fakeDoc) Page(ctx context.Context, n domain.PageNo) (pages.Image, error) {
	p := d.pages[n-1]
	return p.img, p.err
}

func (d *fakeDoc) Close() error { d.closed = true; return nil }

// fakeSplitter opens its document; opens scripts errors for the first opens
// (nil: open the document).
type fakeSplitter struct {
	opens  []error
	doc    *fakeDoc
	opened int
}

var _ Splitter = (*fakeSplitter)(nil)

func (s *fakeSplitter) Open(ctx context.Context, doc io.ReaderAt, size int64, lim pages.Limits) (PageSource, error) {
	s.opened++
	if len(s.opens) > 0 {
		err := s.opens[0]
		s.opens = s.opens[1:]
		if err != nil {
			return nil, err
		}
	}
	if s.doc == nil {
		return nil, errors.New("fake splitter: no document")
	}
	return s.doc, nil
}

// fakeIndex records what the pipeline indexes and deletes.
type fakeIndex struct {
	mu      sync.Mutex
	records map[string]search.Record
	deleted []string
}

var _ Indexer = (*fakeIndex)(nil)

func (x *fakeIndex) Index(ctx context.Context, r search.Record) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.records == nil {
		x.records = map[string]search.Record{}
	}
	x.records[r.ID] = r
	return nil
}

func (x *fakeIndex) Delete(ctx context.Context, id string) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	delete(x.records, id)
	x.deleted = append(x.deleted, id)
	return nil
}

// audited is one action recorded by fakeAuditor.
type audited struct {
	Action, Object string
	Details        map[string]string
}

type fakeAuditor struct{ events []audited }

var _ SystemAuditor = (*fakeAuditor)(nil)

func (a *fakeAuditor) AuditSystem(ctx context.Context, action, object string, details map[string]string) error {
	a.events = append(a.events, audited{action, object, details})
	return nil
}

// fixture is a pipeline over an in-memory store sealed by a real vault, the
// real test Redis, and fakes for the queue, readers, extractor and index.
type fixture struct {
	p        *Pipeline
	cat      *catalog.Catalog
	store    *memStore
	vault    *vault.Vault
	queue    *fakeQueue
	redisURL string
	rdb      *redis.Client
	ocr      *fakeRecognizer
	split    *fakeSplitter
	index    *fakeIndex
	audit    *fakeAuditor
	mux      *asynq.ServeMux

	// extraction is what the fake extractor finds; extracted the pages it got.
	extraction Extraction
	extracted  []domain.Page
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{store: newMemStore(), queue: &fakeQueue{}, redisURL: testenv.RedisURL(t),
		ocr: &fakeRecognizer{}, split: &fakeSplitter{}, index: &fakeIndex{}, audit: &fakeAuditor{}}
	opt, err := redis.ParseURL(f.redisURL)
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opt)
	t.Cleanup(func() { rdb.Close() })
	f.rdb = rdb
	f.vault = vault.New(f.store, vault.NewKeyring())
	f.cat = catalog.New(f.store, f.vault)
	extract := ExtractorFunc(func(ctx context.Context, pgs []domain.Page, hint string) (Extraction, error) {
		f.extracted = pgs
		return f.extraction, nil
	})
	f.p = New(Config{}, Deps{Catalog: f.cat, Queue: f.queue, Redis: rdb, OCR: f.ocr, Split: f.split,
		Extract: extract, Index: f.index, Blind: f.vault, Audit: f.audit,
		Log: slog.New(slog.NewTextHandler(t.Output(), nil))})
	f.mux = asynq.NewServeMux()
	f.p.Register(f.mux, true, true)
	return f
}

// addDocument stores a queued document (attempt 1) of n pages and its original.
func (f *fixture) addDocument(t testing.TB, name string, n int) *catalog.Document {
	t.Helper()
	ctx := context.Background()
	d := &catalog.Document{ID: catalog.DocumentIDFor(hex.EncodeToString(sha(name))), BatchID: "b1", Name: name,
		Format: "pdf", Pages: n, Status: domain.DocQueued, Attempt: 1}
	if err := f.cat.PutOriginal(ctx, d.ID, []byte("%PDF- "+name)); err != nil {
		t.Fatal(err)
	}
	if err := f.cat.PutDocument(ctx, d); err != nil {
		t.Fatal(err)
	}
	return d
}

func sha(s string) []byte { h := sha256.Sum256([]byte(s)); return h[:] }

// document reads a document's current state.
func (f *fixture) document(t testing.TB, id domain.DocumentID) *catalog.Document {
	t.Helper()
	d, err := f.cat.GetDocument(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// page reads a stored page result, nil when there is none.
func (f *fixture) page(t testing.TB, id domain.DocumentID, n domain.PageNo) *domain.Page {
	t.Helper()
	pg, err := f.cat.GetPage(context.Background(), id, n)
	if errors.Is(err, catalog.ErrNotFound) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return pg
}

// strikes reports how many strikes page n of an attempt has. The catalog
// only counts up, so it adds one and takes it off the answer: call it last.
func (f *fixture) strikes(t testing.TB, id domain.DocumentID, attempt int, n domain.PageNo) int {
	t.Helper()
	c, err := f.cat.AddStrike(context.Background(), id, attempt, n, "probe")
	if err != nil {
		t.Fatal(err)
	}
	return c - 1
}

// run delivers a task to the handler the pipeline registers for its type.
func (f *fixture) run(ctx context.Context, typ string, payload any) error {
	b, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	return f.mux.ProcessTask(ctx, asynq.NewTask(typ, b))
}

// drain delivers every queued task, including the tasks they enqueue, in
// order, as asynq would: a task whose handler returns a plain error is
// delivered again, up to its retry limit. A task that fails for good fails
// the test.
func (f *fixture) drain(t testing.TB) {
	t.Helper()
	for i := 0; ; i++ {
		f.queue.mu.Lock()
		if i == len(f.queue.tasks) {
			f.queue.mu.Unlock()
			return
		}
		e := f.queue.tasks[i]
		f.queue.mu.Unlock()
		for attempt := 0; ; attempt++ {
			err := f.mux.ProcessTask(context.Background(), asynq.NewTask(e.Type, []byte(e.Payload)))
			if err == nil {
				break
			}
			if errors.Is(err, asynq.SkipRetry) || attempt == e.MaxRetry {
				t.Fatalf("task %s failed for good: %v", e.ID, err)
			}
		}
	}
}

// lastAttemptContext returns the context asynq gives a task on its last
// attempt (asynq offers no other way to make one): a real asynq server runs a
// probe task enqueued with no retries, whose handler hands its context over
// and holds it valid until the test ends.
func lastAttemptContext(t testing.TB, redisURL string) context.Context {
	t.Helper()
	opt, err := asynq.ParseRedisURI(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	const queue, typ = "test-last-attempt", "test:last-attempt"
	srv := asynq.NewServer(opt, asynq.Config{Concurrency: 1, Queues: map[string]int{queue: 1},
		LogLevel: asynq.FatalLevel, TaskCheckInterval: 50 * time.Millisecond, ShutdownTimeout: 5 * time.Second})
	ctxc, release := make(chan context.Context), make(chan struct{})
	mux := asynq.NewServeMux()
	mux.HandleFunc(typ, func(ctx context.Context, _ *asynq.Task) error {
		ctxc <- ctx
		<-release
		return nil
	})
	if err := srv.Start(mux); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
	t.Cleanup(func() { close(release) })
	client := asynq.NewClient(opt)
	defer client.Close()
	if _, err := client.Enqueue(asynq.NewTask(typ, nil), asynq.Queue(queue), asynq.MaxRetry(0)); err != nil {
		t.Fatal(err)
	}
	select {
	case ctx := <-ctxc:
		if !lastAttempt(ctx) {
			t.Fatal("asynq's context for a task with no retries left is not a last attempt")
		}
		return ctx
	case <-time.After(30 * time.Second):
		t.Fatal("the probe task did not run within 30s")
		return nil
	}
}

// pngPage is a small, real page image.
func pngPage(t testing.TB) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 40, 20))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	img.SetGray(5, 5, color.Gray{Y: 0})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
