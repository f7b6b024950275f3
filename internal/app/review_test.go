package app_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/sohoa/sohoa/internal/app"
	"github.com/sohoa/sohoa/internal/app/apptest"
	"github.com/sohoa/sohoa/internal/client"
	"github.com/sohoa/sohoa/internal/corpus"
)

// TestReviewEndToEnd goes through the real stack: upload → a field below
// the threshold puts the document in the review queue → a reviewer
// corrects it through the API → the record shows the corrected value and
// its history → search by the corrected value finds it and by the old one
// does not → the stats count the change → the audit names the field, not
// the value.
func TestReviewEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	// A threshold above any OCR confidence: every extracted field needs review.
	in := apptest.Start(t, func(c *app.Config) { c.Review.ConfidenceThreshold = 0.999 })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	uploader, searcher, reviewer := in.Client(t, "uploader"), in.Client(t, "searcher"), in.Client(t, "reviewer")
	files, _ := writeDocs(t, t.TempDir(), corpus.Options{Seed: 11, Documents: 1, PagesPerDoc: [2]int{1, 1},
		Classes: []string{"decision"}}, "pdf")
	res, err := uploader.Upload(ctx, files, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := uploader.Wait(ctx, res.ID, 250*time.Millisecond, nil)
	if err != nil || b.Status != "done" {
		t.Fatalf("batch %+v: %v", b, err)
	}
	id := b.Documents[0].ID

	var queue struct {
		Items []struct {
			DocumentID string   `json:"document_id"`
			Reasons    []string `json:"reasons"`
			Version    int      `json:"version"`
		} `json:"items"`
	}
	if err := reviewer.GetJSON(ctx, "/api/v1/review?batch="+res.ID, &queue); err != nil {
		t.Fatal(err)
	}
	if len(queue.Items) != 1 || queue.Items[0].DocumentID != id || !slices.Contains(queue.Items[0].Reasons, "low_confidence:doc_number") {
		t.Fatalf("queue %+v, want the document with low_confidence:doc_number", queue)
	}
	var doc struct {
		Fields map[string]struct {
			Value any `json:"value"`
		} `json:"fields"`
	}
	if err := reviewer.GetJSON(ctx, "/api/v1/documents/"+id, &doc); err != nil {
		t.Fatal(err)
	}
	old, _ := doc.Fields["doc_number"].Value.(string)
	if old == "" {
		t.Fatalf("no doc_number extracted: %+v", doc.Fields)
	}
	const corrected = "98765"
	body := fmt.Sprintf(`{"fields":{"doc_number":{"value":%q}},"verified":true,"version":%d}`, corrected, queue.Items[0].Version)
	req, _ := http.NewRequestWithContext(ctx, http.MethodPatch, in.URL+"/api/v1/documents/"+id+"/fields", bytes.NewReader([]byte(body)))
	req.Header.Set("Authorization", "Bearer "+reviewer.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("PATCH: HTTP %d", resp.StatusCode)
	}

	find := func(c *client.Client, value string) bool {
		r, err := c.Search(ctx, "", url.Values{"f.doc_number": {value}})
		if err != nil {
			t.Fatal(err)
		}
		return slices.ContainsFunc(r.Hits, func(h client.Hit) bool { return h.DocumentID == id })
	}
	if !find(searcher, corrected) {
		t.Error("search by the corrected value does not find the document")
	}
	if find(searcher, old) {
		t.Errorf("search by the extracted value %q still finds the document", old)
	}
	var hist struct {
		Versions []struct {
			Source  string   `json:"source"`
			Changed []string `json:"changed"`
		} `json:"versions"`
	}
	if err := reviewer.GetJSON(ctx, "/api/v1/documents/"+id+"/history", &hist); err != nil {
		t.Fatal(err)
	}
	if len(hist.Versions) != 2 || hist.Versions[1].Source != "reviewer" || !slices.Equal(hist.Versions[1].Changed, []string{"doc_number"}) {
		t.Errorf("history %+v", hist)
	}
	if err := reviewer.GetJSON(ctx, "/api/v1/review?batch="+res.ID, &queue); err != nil || len(queue.Items) != 0 {
		t.Errorf("queue after verification: %+v %v", queue, err)
	}
	// The stats count the verified document and the changed value.
	var stats struct {
		Documents int `json:"documents"`
		Classes   []struct {
			Fields []struct {
				Field   string `json:"field"`
				Changed int    `json:"changed"`
			} `json:"fields"`
		} `json:"classes"`
	}
	if err := in.Client(t, "operator").GetJSON(ctx, "/api/v1/review/stats?batch="+res.ID, &stats); err != nil {
		t.Fatal(err)
	}
	changed := map[string]int{}
	for _, c := range stats.Classes {
		for _, f := range c.Fields {
			changed[f.Field] += f.Changed
		}
	}
	if stats.Documents != 1 || changed["doc_number"] != 1 {
		t.Errorf("stats after the correction: %+v", stats)
	}
	log, err := os.ReadFile(app.AuditPath(in.Config))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(log, []byte(`"correct"`)) || !bytes.Contains(log, []byte(`doc_number`)) {
		t.Error("the audit log has no correct entry naming doc_number")
	}
	if bytes.Contains(log, []byte(corrected)) {
		t.Error("the audit log holds the corrected value")
	}
}
