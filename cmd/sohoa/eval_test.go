package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sohoa/sohoa/internal/app"
	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/domain"
)

// The personal values of the seeded records.
const (
	evalOldCCCD = "001190012399"
	evalNewCCCD = "001190012345"
	evalReason  = "chuẩn bị bộ kiểm thử độ chính xác"
)

// seedVerified writes into the data directory of cfg a batch of three
// documents: "citizen" (a corrected doc_number and CCCD, verified), "letter"
// (public fields only, verified as extracted, with a page image and its
// OCR) and "pending" (corrected, not verified).
func seedVerified(t *testing.T, cfgPath string) map[string]domain.DocumentID {
	t.Helper()
	ctx := context.Background()
	cfg, err := app.LoadFile(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	core, err := app.OpenCore(cfg, newLogger(os.Stderr, "", false))
	if err != nil {
		t.Fatal(err)
	}
	defer core.Close()
	cat := core.Catalog
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	bid := catalog.NewBatchID(t0)
	b := &catalog.Batch{ID: bid, CreatedAt: t0, Uploader: "u t-uploader"}
	pub := func(v string, c float64) catalog.Field {
		return catalog.Field{Value: v, Confidence: c, Sensitivity: domain.Public}
	}
	docs := map[string]domain.DocumentID{}
	seeds := []struct {
		name   string
		rec    catalog.Record
		edits  map[string]catalog.Edit
		verify bool
	}{
		{"citizen", catalog.Record{Class: "to_khai", Fields: map[string]catalog.Field{
			"doc_number": pub("77", 0.95), "issuer": pub("UBND xã", 0.9),
			"cccd": {Values: []string{evalOldCCCD}, Confidence: 0.9, Sensitivity: domain.Personal}},
			Text: []string{"CCCD " + evalOldCCCD}, Redacted: []string{"CCCD [cccd]"}},
			map[string]catalog.Edit{"doc_number": {Value: "71"}, "cccd": {Values: []string{evalNewCCCD}}}, true},
		{"letter", catalog.Record{Class: "cong_van", Fields: map[string]catalog.Field{
			"doc_number": pub("15", 0.95), "issuer": pub("UBND huyện", 0.6)},
			Text: []string{"Công văn 15"}, Redacted: []string{"Công văn 15"}}, nil, true},
		{"pending", catalog.Record{Class: "cong_van", Fields: map[string]catalog.Field{"doc_number": pub("9", 0.3)}},
			map[string]catalog.Edit{"doc_number": {Value: "8"}}, false},
	}
	png := []byte("\x89PNG\r\n\x1a\n fake page")
	for i, s := range seeds {
		id := catalog.DocumentIDFor(fmt.Sprintf("%032x%032x", i+1, 0))
		docs[s.name] = id
		b.Items = append(b.Items, catalog.Item{Name: s.name + ".pdf", DocumentID: id, Format: "pdf"})
		rec := s.rec
		rec.DocumentID, rec.BatchID, rec.Name, rec.Pages, rec.FinalizedAt, rec.ClassConfidence = id, bid, s.name+".pdf", 1, t0, 0.9
		for _, err := range []error{
			cat.PutDocument(ctx, &catalog.Document{ID: id, BatchID: bid, Name: s.name + ".pdf", Status: domain.DocDone, Pages: 1}),
			cat.PutRecord(ctx, &rec),
			cat.PutPageImage(ctx, id, 1, png),
			cat.PutPage(ctx, id, &domain.Page{No: 1, Text: strings.Join(rec.Text, ""), Words: []domain.Word{{Text: "Công"}}}),
		} {
			if err != nil {
				t.Fatal(err)
			}
		}
		if _, err := cat.UpdateRecord(ctx, id, 1, func(r *catalog.Record) error {
			changed := catalog.Correct(r, s.edits, "tok", "Chị Lan", t0.Add(time.Hour), func(string) domain.Sensitivity { return domain.Public })
			r.Revision = &catalog.Revision{By: "tok", ByName: "Chị Lan", At: t0.Add(time.Hour), Changed: changed, Verified: s.verify}
			if s.verify {
				r.Verified = &catalog.Verification{By: "tok", ByName: "Chị Lan", At: t0.Add(time.Hour)}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	if err := cat.PutBatch(ctx, b); err != nil {
		t.Fatal(err)
	}
	return docs
}

// readTree returns every file under dir by its path relative to dir.
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestEvalCLI: sohoa eval measures the verified records (the pending one
// does not count), prints the table and the JSON of the API; --export
// writes the verified documents without personal values, images of
// documents holding personal data, or an audit of any value; --personal
// needs a reason and then writes everything, audited with the field names
// and the reason encrypted.
func TestEvalCLI(t *testing.T) {
	dir := cliEnv(t)
	cfg := filepath.Join(dir, "sohoa.yaml")
	os.WriteFile(cfg, []byte("data_dir: "+filepath.Join(dir, "data")+"\nreview:\n  confidence_threshold: 0.8\n"), 0o600)
	docs := seedVerified(t, cfg)

	out, err := runCLI("eval", "--config", cfg)
	if err != nil {
		t.Fatalf("eval: %v\n%s", err, out)
	}
	t.Logf("sohoa eval:\n%s", out)
	for _, want := range []string{"2 văn bản đã duyệt / verified documents", "threshold 0.80", "to_khai", "cong_van", "doc_number"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	out, err = runCLI("eval", "--config", cfg, "--json", "--class", "to_khai")
	var acc catalog.Accuracy
	if err != nil || json.Unmarshal([]byte(out), &acc) != nil {
		t.Fatalf("eval --json: %v\n%s", err, out)
	}
	if acc.Documents != 1 || len(acc.Classes) != 1 || acc.All.Changed != 2 || acc.All.Right != 1 || acc.All.Above != 3 || acc.All.AboveRight != 1 {
		t.Errorf("to_khai: %s", out)
	}

	var ue usageError
	for _, args := range [][]string{
		{"--personal", "--export", filepath.Join(dir, "x")},
		{"--personal", "--reason", "r"},
		{"--batch", "../etc"},
	} {
		if _, err := runCLI(append([]string{"eval", "--config", cfg}, args...)...); !errors.As(err, &ue) {
			t.Errorf("%q: err %v, want a usage error", args, err)
		}
	}

	plain := filepath.Join(dir, "plain")
	if out, err := runCLI("eval", "--config", cfg, "--export", plain); err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	files := readTree(t, plain)
	citizen, letter := string(docs["citizen"]), string(docs["letter"])
	for _, want := range []string{"manifest.json", citizen + "/record.json", letter + "/record.json", letter + "/page-001.png", letter + "/page-001.ocr.json"} {
		if _, ok := files[want]; !ok {
			t.Errorf("export lacks %s (has %v)", want, keys(files))
		}
	}
	for _, no := range []string{citizen + "/page-001.png", citizen + "/page-001.ocr.json", string(docs["pending"]) + "/record.json"} {
		if _, ok := files[no]; ok {
			t.Errorf("export without --personal has %s", no)
		}
	}
	for name, body := range files {
		for _, v := range []string{evalOldCCCD, evalNewCCCD} {
			if strings.Contains(body, v) {
				t.Errorf("%s holds a personal value", name)
			}
		}
	}
	var rec struct {
		Fields map[string]struct {
			Value     string `json:"value"`
			Extracted struct {
				Value      string  `json:"value"`
				Confidence float64 `json:"confidence"`
			} `json:"extracted"`
		} `json:"fields"`
		Withheld []string `json:"withheld"`
	}
	if err := json.Unmarshal([]byte(files[citizen+"/record.json"]), &rec); err != nil {
		t.Fatal(err)
	}
	if f := rec.Fields["doc_number"]; f.Value != "71" || f.Extracted.Value != "77" || f.Extracted.Confidence != 0.95 ||
		len(rec.Withheld) != 1 || rec.Withheld[0] != "cccd" {
		t.Errorf("citizen record: %s", files[citizen+"/record.json"])
	}
	if out, err := runCLI("eval", "--config", cfg, "--export", plain); err == nil {
		t.Errorf("export into a non-empty directory: %s", out)
	}

	full := filepath.Join(dir, "full")
	if out, err := runCLI("eval", "--config", cfg, "--export", full, "--personal", "--reason", evalReason); err != nil {
		t.Fatalf("export --personal: %v\n%s", err, out)
	}
	files = readTree(t, full)
	if !strings.Contains(files[citizen+"/record.json"], evalNewCCCD) || !strings.Contains(files[citizen+"/record.json"], evalOldCCCD) {
		t.Errorf("--personal: the citizen record lacks its CCCD (verified and extracted): %s", files[citizen+"/record.json"])
	}
	if _, ok := files[citizen+"/page-001.png"]; !ok {
		t.Errorf("--personal: no page image of the citizen document")
	}

	log, err := os.ReadFile(filepath.Join(dir, "data", "audit", "audit.log"))
	if err != nil {
		t.Fatal(err)
	}
	var exports []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(string(log)), "\n") {
		for _, v := range []string{evalOldCCCD, evalNewCCCD, evalReason} {
			if strings.Contains(line, v) {
				t.Errorf("audit entry holds %q: %s", v, line)
			}
		}
		var e map[string]any
		json.Unmarshal([]byte(line), &e)
		if e["action"] == "export" {
			exports = append(exports, e["details"].(map[string]any))
		}
	}
	if len(exports) != 2 || exports[0]["personal"] != "false" || exports[0]["unmasked"] != nil ||
		exports[1]["personal"] != "true" || exports[1]["unmasked"] != "cccd" || exports[1]["scope"] != "eval" || exports[1]["documents"] != "2" {
		t.Errorf("export audit entries: %v", exports)
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
