package app_test

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sohoa/sohoa/internal/app"
	"github.com/sohoa/sohoa/internal/app/apptest"
	"github.com/sohoa/sohoa/internal/client"
	"github.com/sohoa/sohoa/internal/corpus"
)

// TestRebuildFromBlobStore is invariant 1 and the key-rotation and erasure
// acceptance: after a batch, Redis is flushed and the index deleted, the
// master key is rotated offline, and the instance restarted; reindex from
// the blob store alone brings every record back, every record still
// decrypts, and purging one document makes it unrecoverable while the
// others stay intact.
func TestRebuildFromBlobStore(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	in := apptest.Start(t, nil)
	uploader := in.Client(t, "uploader")
	files, _ := writeDocs(t, t.TempDir(), corpus.Options{Seed: 41, Documents: 3, DPI: 200,
		Classes: []string{"land_certificate", "decision", "notice"}}, "png")
	res, err := uploader.Upload(ctx, files, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := uploader.Wait(ctx, res.ID, 250*time.Millisecond, nil)
	if err != nil || b.Status != "done" {
		t.Fatalf("batch: %v %+v", err, b)
	}
	searcher := in.Client(t, "searcher")
	waitIndexed(t, ctx, searcher, res.ID, 3)
	reader := in.Client(t, "pii_reader")
	before := map[string]string{}
	for _, d := range b.Documents {
		before[d.ID] = documentText(t, ctx, reader, d.ID)
	}
	in.Stop()

	// Lose all work state and the derived index; rotate the master key.
	opt, _ := redis.ParseURL(in.Config.RedisURL)
	rc := redis.NewClient(opt)
	if err := rc.FlushDB(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	rc.Close()
	if err := os.RemoveAll(filepath.Join(in.Config.DataDir, "index")); err != nil {
		t.Fatal(err)
	}
	core, err := app.OpenCore(in.Config, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	oldKey := core.Keyring.ActiveID()
	newKey, err := core.Keyring.Rotate(in.Config.MasterKeyFile)
	if err != nil {
		t.Fatal(err)
	}
	n, err := core.Vault.Rewrap(ctx, nil)
	if err != nil || n == 0 {
		t.Fatalf("rewrap: %d keys, %v", n, err)
	}
	st, err := core.Vault.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.ByMaster[oldKey] != 0 {
		t.Errorf("after rewrap %d data keys still under the old master key", st.ByMaster[oldKey])
	}
	core.Close()
	t.Logf("rotated %s -> %s, %d data keys re-wrapped", oldKey, newKey, n)

	// Restart on the same data directory and Redis database.
	in2 := apptest.Start(t, func(c *app.Config) { c.DataDir, c.RedisURL = in.Config.DataDir, in.Config.RedisURL })
	searcher2, reader2 := in2.Client(t, "searcher"), in2.Client(t, "pii_reader")
	if r, err := searcher2.Search(ctx, "", url.Values{"batch": {res.ID}}); err != nil || r.Total != 0 {
		t.Fatalf("deleted index still answers: %v %+v", err, r)
	}
	operator := in2.Client(t, "operator")
	var stats struct{ Documents, Indexed int }
	if err := operator.PostJSON(ctx, "/api/v1/reindex", nil, &stats); err != nil {
		t.Fatal(err)
	}
	if stats.Indexed != 3 {
		t.Fatalf("reindex: %+v, want 3 indexed", stats)
	}
	waitIndexed(t, ctx, searcher2, res.ID, 3)
	for id, text := range before {
		if got := documentText(t, ctx, reader2, id); got != text {
			t.Errorf("document %s reads differently after rotation and restart", id)
		}
	}
	// Batch status survives the loss of Redis (derived from the blob store).
	if b2, err := (&client.Client{Base: in2.URL, Token: uploader.Token}).Batch(ctx, res.ID); err != nil || b2.Status != "done" || b2.PagesDone != 3 {
		t.Errorf("batch after Redis flush: %v %+v", err, b2)
	}

	// Purge one document: gone from the index and unreadable; the rest intact.
	victim := b.Documents[0].ID
	admin := in2.Admin
	if err := del(ctx, admin, "/api/v1/documents/"+victim+"?reason=yeu+cau+xoa+du+lieu"); err != nil {
		t.Fatal(err)
	}
	var ce *client.Error
	if err := reader2.GetJSON(ctx, "/api/v1/documents/"+victim, &struct{}{}); !errors.As(err, &ce) || ce.Status != 404 {
		t.Errorf("purged document: %v, want 404", err)
	}
	if r, _ := searcher2.Search(ctx, "", url.Values{"batch": {res.ID}}); r == nil || r.Total != 2 {
		t.Errorf("index after purge: %+v, want 2 records", r)
	}
	keyFile := filepath.Join(in.Config.DataDir, "store", "keys", victim)
	if b, err := os.ReadFile(keyFile); err == nil && len(b) > 200 {
		t.Errorf("purged document's key record still holds a key (%d bytes)", len(b))
	}
	for _, d := range b.Documents[1:] {
		if got := documentText(t, ctx, reader2, d.ID); got != before[d.ID] {
			t.Errorf("document %s damaged by another document's purge", d.ID)
		}
	}
}

func del(ctx context.Context, c *client.Client, path string) error {
	return c.Do(ctx, "DELETE", path, nil)
}
