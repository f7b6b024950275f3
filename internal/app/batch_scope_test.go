package app_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sohoa/sohoa/internal/app/apptest"
	"github.com/sohoa/sohoa/internal/client"
)

// TestBatchScope: an uploader lists, reads and retries only the batches
// they uploaded; another uploader's batch answers 404, as an unknown one
// does, and admins see every batch. The same file uploaded by two
// uploaders makes a document for each: the second is not told that the
// first holds it.
func TestBatchScope(t *testing.T) {
	if testing.Short() {
		t.Skip("needs a running instance")
	}
	in := apptest.Start(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	a, b := in.Client(t, "uploader"), in.Client(t, "uploader")

	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 40, 40))); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "ho-so-Nguyen-Van-A.png")
	if err := os.WriteFile(file, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	resA, err := a.Upload(ctx, []string{file}, map[string]string{"note": "hồ sơ riêng của A"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	resB, err := b.Upload(ctx, []string{file}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resA.Documents != 1 || resB.Documents != 1 {
		t.Errorf("documents: A %d, B %d; want 1 each (B's copy is not A's duplicate)", resA.Documents, resB.Documents)
	}
	batchA, err := batchView(ctx, a, resA.ID)
	if err != nil {
		t.Fatal(err)
	}
	batchB, err := batchView(ctx, b, resB.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(batchB.Documents) != 1 || batchB.Documents[0].Duplicate || batchB.Documents[0].ID == batchA.Documents[0].ID {
		t.Errorf("B's batch %+v: want a document of its own, not a duplicate of A's %s", batchB.Documents, batchA.Documents[0].ID)
	}
	// A uploading the same file again is told it is theirs already.
	resA2, err := a.Upload(ctx, []string{file}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if again, err := batchView(ctx, a, resA2.ID); err != nil || resA2.Documents != 0 || len(again.Documents) != 1 ||
		!again.Documents[0].Duplicate || again.Documents[0].ID != batchA.Documents[0].ID {
		t.Errorf("A's second upload: %v %+v, want a duplicate of %s", err, again, batchA.Documents[0].ID)
	}

	unknown := "b20990101t000000ffffffffff"
	for _, id := range []string{resA.ID, unknown} {
		if _, err := batchView(ctx, b, id); !isNotFound(err) {
			t.Errorf("B GET batch %s: %v, want 404", id, err)
		}
		var out map[string]any
		if err := b.PostJSON(ctx, "/api/v1/batches/"+url.PathEscape(id)+"/retry", nil, &out); !isNotFound(err) {
			t.Errorf("B retries batch %s: %v, want 404", id, err)
		}
	}
	lists := []struct {
		who  string
		c    *client.Client
		want map[string]bool // batch ID -> listed
	}{
		{"uploader A", a, map[string]bool{resA.ID: true, resA2.ID: true, resB.ID: false}},
		{"uploader B", b, map[string]bool{resA.ID: false, resA2.ID: false, resB.ID: true}},
		{"admin", in.Admin, map[string]bool{resA.ID: true, resA2.ID: true, resB.ID: true}},
	}
	for _, l := range lists {
		var out struct {
			Batches []struct {
				ID   string `json:"id"`
				Note string `json:"note"`
			} `json:"batches"`
		}
		if err := l.c.GetJSON(ctx, "/api/v1/batches", &out); err != nil {
			t.Fatal(err)
		}
		listed := map[string]bool{}
		for _, bt := range out.Batches {
			listed[bt.ID] = true
		}
		for id, want := range l.want {
			if listed[id] != want {
				t.Errorf("%s lists batch %s: %v, want %v", l.who, id, listed[id], want)
			}
		}
	}
	if _, err := in.Admin.Batch(ctx, resB.ID); err != nil {
		t.Errorf("admin reads B's batch: %v", err)
	}
}

// scopedBatch is what TestBatchScope reads of a batch.
type scopedBatch struct {
	Documents []struct {
		ID        string `json:"id"`
		Duplicate bool   `json:"duplicate"`
	} `json:"documents"`
}

func batchView(ctx context.Context, c *client.Client, id string) (*scopedBatch, error) {
	var b scopedBatch
	if err := c.GetJSON(ctx, "/api/v1/batches/"+url.PathEscape(id), &b); err != nil {
		return nil, err
	}
	return &b, nil
}

// isNotFound reports an API error with status 404.
func isNotFound(err error) bool {
	var ce *client.Error
	return errors.As(err, &ce) && ce.Status == http.StatusNotFound
}
