// Package apptest runs a real sohoa instance (API, workers, embedded or
// Elasticsearch index, real Redis and Tesseract) inside a test, for
// end-to-end and browser tests.
package apptest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sohoa/sohoa/internal/api"
	"github.com/sohoa/sohoa/internal/app"
	"github.com/sohoa/sohoa/internal/client"
	"github.com/sohoa/sohoa/internal/search/es"
	"github.com/sohoa/sohoa/internal/testenv"
)

// AdminToken is the bootstrap admin token of every test instance.
const AdminToken = "test-admin-token-0123456789abcdef"

// Instance is a running `sohoa serve` for one test.
type Instance struct {
	Config app.Config
	URL    string         // http://127.0.0.1:port
	Admin  *client.Client // authenticated as the bootstrap admin
	Routes []api.Route    // every route the instance serves, with its role
	logs   *syncBuffer
	cancel context.CancelFunc
	done   chan error
	stop   sync.Once
}

// Start runs an instance with role all on a free port, a fresh data
// directory and its own Redis database; mutate may change the configuration
// before it starts. The instance stops when the test ends.
func Start(t testing.TB, mutate func(*app.Config)) *Instance {
	t.Helper()
	cfg := app.Config{
		Listen: "127.0.0.1:0", DataDir: t.TempDir(), RedisURL: testenv.RedisURL(t), AdminToken: AdminToken, Workers: 2,
	}
	if mutate != nil {
		mutate(&cfg)
	}
	cfg.Defaults()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	startc := make(chan app.Started, 1)
	done := make(chan error, 1)
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(io.MultiWriter(testWriter{t}, logs), &slog.HandlerOptions{Level: slog.LevelDebug}))
	go func() { done <- app.Serve(ctx, cfg, log, io.Discard, func(s app.Started) { startc <- s }) }()
	var st app.Started
	select {
	case st = <-startc:
	case err := <-done:
		cancel()
		t.Fatalf("serve: %v", err)
	case <-time.After(60 * time.Second):
		cancel()
		t.Fatal("serve did not start in 60s")
	}
	in := &Instance{Config: cfg, URL: "http://" + st.Addr, Routes: st.Routes, logs: logs, cancel: cancel, done: done}
	in.Admin = &client.Client{Base: in.URL, Token: AdminToken}
	t.Cleanup(in.Stop)
	return in
}

// Stop shuts the instance down and waits for it (at most a minute). Calls
// after the first return at once.
func (in *Instance) Stop() {
	in.stop.Do(func() {
		in.cancel()
		select {
		case <-in.done:
		case <-time.After(60 * time.Second):
		}
	})
}

// Token creates a token with role through the API and returns its secret.
func (in *Instance) Token(t testing.TB, role string) string {
	t.Helper()
	var out struct{ Token string }
	if err := in.Admin.PostJSON(context.Background(), "/api/v1/tokens", map[string]string{"role": role, "name": "test " + role}, &out); err != nil {
		t.Fatalf("create %s token: %v", role, err)
	}
	return out.Token
}

// Client returns an API client with a new token of role.
func (in *Instance) Client(t testing.TB, role string) *client.Client {
	return &client.Client{Base: in.URL, Token: in.Token(t, role)}
}

// Logs returns everything the instance logged so far (debug level included).
func (in *Instance) Logs() []byte { return in.logs.Bytes() }

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf.Bytes())
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte("level=DEBUG")) {
		return len(p), nil
	}
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// WithElasticsearch configures an instance to use the Elasticsearch at
// SOHOA_ELASTICSEARCH_URL (failing under CI when unset) with an index of its
// own, visible to search as soon as it is written, and dropped when the
// test ends.
func WithElasticsearch(t testing.TB) func(*app.Config) {
	t.Helper()
	url := testenv.ElasticsearchURL(t)
	prefix := fmt.Sprintf("sohoa-test-%d-%d", os.Getpid(), time.Now().UnixNano())
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		ix, err := es.Open(ctx, es.Config{URLs: []string{url}, IndexPrefix: prefix})
		if err == nil {
			ix.Drop(ctx)
			ix.Close()
		}
	})
	return func(c *app.Config) {
		c.ElasticsearchURL = url
		c.Elasticsearch.IndexPrefix = prefix
		c.Elasticsearch.RefreshOnWrite = true
	}
}
