package app_test

import (
	"context"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sohoa/sohoa/internal/client"
)

// TestTwoWorkersAndGracefulShutdown runs one API process and two worker
// processes on one Redis and one store: the batch's pages are split between
// the workers. Midway one worker gets SIGTERM: it stops taking tasks,
// finishes or hands back what it holds and exits cleanly, and the other
// worker completes the batch with no page lost or failed.
func TestTwoWorkersAndGracefulShutdown(t *testing.T) {
	if testing.Short() {
		t.Skip("multi-process test")
	}
	cl := newCluster(t)
	a, b := cl.worker(1), cl.worker(1)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	uploader := cl.token(ctx, "uploader")
	const docs = 8
	files := writeTwoPageDocs(t, t.TempDir(), docs)
	res, err := uploader.Upload(ctx, files, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	type exit struct {
		after time.Duration
		code  int
	}
	stopped := make(chan exit, 1)
	signalled := false
	bt, err := uploader.Wait(ctx, res.ID, 200*time.Millisecond, func(bt *client.Batch) {
		if !signalled && bt.PagesDone >= 6 {
			signalled = true
			aPages := strings.Count(a.logs.String(), `"msg":"page read"`)
			t.Logf("SIGTERM worker A at %d/%d pages (A read %d)", bt.PagesDone, bt.PagesTotal, aPages)
			start := time.Now()
			a.cmd.Process.Signal(syscall.SIGTERM)
			go func() {
				a.cmd.Wait()
				stopped <- exit{time.Since(start), a.cmd.ProcessState.ExitCode()}
			}()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if bt.Status != "done" || bt.PagesDone != 2*docs {
		t.Fatalf("batch %+v, want done with %d pages", bt, 2*docs)
	}
	select {
	case e := <-stopped:
		t.Logf("worker A exited %.1fs after SIGTERM, code %d", e.after.Seconds(), e.code)
		if e.code != 0 {
			t.Errorf("worker A exit code %d, want 0\n%s", e.code, a.logs.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatal("worker A did not exit within 60s of SIGTERM")
	}
	aPages := strings.Count(a.logs.String(), `"msg":"page read"`)
	bPages := strings.Count(b.logs.String(), `"msg":"page read"`)
	t.Logf("pages read: worker A %d, worker B %d", aPages, bPages)
	if aPages == 0 || bPages == 0 {
		t.Errorf("the batch was not split between the workers (A %d, B %d)", aPages, bPages)
	}
	if aPages+bPages < 2*docs {
		t.Errorf("%d pages read in all, want at least %d", aPages+bPages, 2*docs)
	}
	for _, d := range bt.Documents {
		if d.Status != "done" || d.Error != "" {
			t.Errorf("document %s: %s %s", d.Name, d.Status, d.Error)
		}
	}
}
