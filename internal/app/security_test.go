package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/text/unicode/norm"

	"github.com/sohoa/sohoa/internal/app/apptest"
	"github.com/sohoa/sohoa/internal/client"
	"github.com/sohoa/sohoa/internal/corpus"
)

// TestNoPersonalDataAtRest is invariant 2: after a batch of documents full of
// citizen names, ID numbers, birth dates and addresses is processed, none of
// those values is anywhere on disk (data directory, index, keys, audit log),
// in a Redis dump, or in the logs, in NFC or NFD form; yet a pii_reader finds
// them through the API and a searcher sees them masked.
func TestNoPersonalDataAtRest(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	in := apptest.Start(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	uploader, searcher, reader := in.Client(t, "uploader"), in.Client(t, "searcher"), in.Client(t, "pii_reader")

	files, docs := writeDocs(t, t.TempDir(), corpus.Options{Seed: 11, Documents: 4, PagesPerDoc: [2]int{1, 2},
		Classes: []string{"land_certificate", "birth_extract", "decision", "official_letter"}}, "pdf")
	res, err := uploader.Upload(ctx, files, map[string]string{"note": "kiểm tra dữ liệu cá nhân"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := uploader.Wait(ctx, res.ID, 250*time.Millisecond, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range b.Documents {
		if d.Status != "done" {
			t.Fatalf("document %s: %s %s", d.Name, d.Status, d.Error)
		}
	}
	// Wait until every record is indexed before looking at the index files.
	waitIndexed(t, ctx, searcher, res.ID, len(docs))

	var values []string
	for _, d := range docs {
		for _, v := range d.Truth.PersonalValues {
			if len([]rune(v)) >= 6 { // short values (e.g. "Nam") occur in ordinary text
				values = append(values, v)
			}
		}
	}
	if len(values) < 8 {
		t.Fatalf("only %d personal values in the corpus; the test would prove little", len(values))
	}
	needles := map[string][]byte{}
	for _, v := range values {
		needles[v+" (NFC)"] = []byte(norm.NFC.String(v))
		needles[v+" (NFD)"] = []byte(norm.NFD.String(v))
	}

	// Redis: force a dump so work state is on disk too.
	opt, _ := redis.ParseURL(in.Config.RedisURL)
	rc := redis.NewClient(opt)
	defer rc.Close()
	dir, err := rc.ConfigGet(ctx, "dir").Result()
	if err != nil {
		t.Fatal(err)
	}
	if err := rc.Save(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	roots := []string{in.Config.DataDir, dir["dir"]}
	scanned := 0
	for _, root := range roots {
		err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			scanned++
			for name, n := range needles {
				if bytes.Contains(b, n) {
					t.Errorf("personal value %s found in the clear in %s", name, p)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	logs := in.Logs()
	for name, n := range needles {
		if bytes.Contains(logs, n) {
			t.Errorf("personal value %s found in the logs", name)
		}
	}
	// No secret reaches the logs either: tokens, the admin token, key material.
	keyFile, err := os.ReadFile(in.Config.MasterKeyFile)
	if err != nil {
		t.Fatal(err)
	}
	var kf struct {
		Keys []struct {
			Key string `json:"key"`
		} `json:"keys"`
		BlindKey string `json:"blind_key"`
	}
	if err := json.Unmarshal(keyFile, &kf); err != nil || len(kf.Keys) == 0 {
		t.Fatalf("key file: %v", err)
	}
	secrets := map[string]string{"admin token": apptest.AdminToken, "uploader token": uploader.Token,
		"searcher token": searcher.Token, "pii_reader token": reader.Token, "blind key": kf.BlindKey}
	for i, k := range kf.Keys {
		secrets[fmt.Sprintf("master key %d", i)] = k.Key
	}
	for name, v := range secrets {
		if v == "" || bytes.Contains(logs, []byte(v)) {
			t.Errorf("%s found in the logs (or empty)", name)
		}
	}
	t.Logf("%d personal values, %d files scanned under %v, %d bytes of logs: no clear-text hit expected; %d secrets absent from logs",
		len(values), scanned, roots, len(logs), len(secrets))

	// Through the API: a pii_reader finds a document by its citizen ID, a
	// searcher cannot look it up and sees personal fields masked.
	var cccd, docName string
	for _, d := range docs {
		if v := d.Truth.Fields["cccd"]; len(v) > 0 {
			cccd = v[0]
			docName = d.Truth.ID
			break
		}
	}
	if cccd == "" {
		t.Fatal("corpus has no CCCD")
	}
	hits, err := reader.Search(ctx, "", url.Values{"cccd": {cccd}})
	if err != nil {
		t.Fatal(err)
	}
	if hits.Total == 0 {
		t.Fatalf("pii_reader lookup by CCCD of %s found nothing", docName)
	}
	if _, err := searcher.Search(ctx, "", url.Values{"cccd": {cccd}}); err == nil || !strings.Contains(err.Error(), "403") {
		t.Errorf("searcher lookup by CCCD: err = %v, want 403", err)
	}
	if hits, err := reader.Search(ctx, "", url.Values{"cccd": {cccd[:9]}}); err != nil || hits.Total != 0 {
		t.Errorf("prefix of a CCCD matched: %v %+v", err, hits)
	}
	id := hits.Hits[0].DocumentID
	var masked, clear struct {
		Fields map[string]struct {
			Value  any  `json:"value"`
			Masked bool `json:"masked"`
		} `json:"fields"`
		Text string `json:"text"`
	}
	if err := searcher.GetJSON(ctx, "/api/v1/documents/"+id, &masked); err != nil {
		t.Fatal(err)
	}
	if err := reader.GetJSON(ctx, "/api/v1/documents/"+id, &clear); err != nil {
		t.Fatal(err)
	}
	if f := masked.Fields["cccd"]; !f.Masked || f.Value != nil {
		t.Errorf("searcher sees cccd %+v, want masked", f)
	}
	if strings.Contains(masked.Text, cccd) {
		t.Error("searcher's text contains the CCCD")
	}
	if f := clear.Fields["cccd"]; f.Masked || f.Value == nil {
		t.Errorf("pii_reader sees cccd %+v, want the value", f)
	}
	if !strings.Contains(clear.Text, cccd[:4]) {
		t.Error("pii_reader's text lacks the CCCD")
	}
}

// waitIndexed waits until the index holds n records of a batch.
func waitIndexed(t *testing.T, ctx context.Context, c *client.Client, batch string, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		r, err := c.Search(ctx, "", url.Values{"batch": {batch}})
		if err != nil {
			t.Fatal(err)
		}
		if r.Total >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("index holds %d records of batch %s, want %d", r.Total, batch, n)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
