package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/sohoa/sohoa/internal/app"
	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/domain"
)

// cmdEval: sohoa eval measures extraction on the verified records of the
// data directory and, with --export DIR, writes them out for an accuracy
// test (admin on the server host; audited).
func cmdEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flagSet("eval", "sohoa eval [--batch ID] [--class C] [--json] [--export DIR [--personal --reason R]]:\n"+
		"đo độ chính xác trích xuất trên các văn bản đã duyệt / measure extraction on the verified records\n"+
		"(per class and field: documents, values changed, precision, recall, precision above the threshold).", stderr)
	cfgPath := configFlag(fs)
	batch := fs.String("batch", "", "only this batch")
	class := fs.String("class", "", "only this class")
	asJSON := fs.Bool("json", false, "print the figures as JSON (as GET /api/v1/review/stats)")
	export := fs.String("export", "", "write the verified documents (page images, OCR, values) to this new or empty directory")
	personal := fs.Bool("personal", false, "with --export: include personal and sensitive values and every page (needs --reason; audited)")
	reason := fs.String("reason", "", "lý do xuất dữ liệu cá nhân (ghi nhật ký, mã hoá) / why personal data is exported (audited, encrypted)")
	if err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	if *personal && (*export == "" || *reason == "") {
		fs.Usage()
		return usageError{"eval: --personal needs --export and --reason"}
	}
	if *batch != "" && !catalog.ValidBatchID(*batch) {
		return usageError{fmt.Sprintf("eval: %q is not a batch ID", *batch)}
	}
	cfg, err := app.LoadFile(*cfgPath)
	if err != nil {
		return err
	}
	th, err := app.EvalThreshold(cfg)
	if err != nil {
		return err
	}
	core, err := app.OpenCore(cfg, newLogger(stderr, cfg.LogFormat, false))
	if err != nil {
		return err
	}
	defer core.Close()
	acc, err := app.Eval(ctx, core, app.EvalOptions{Batch: domain.BatchID(*batch), Class: *class, ExportDir: *export,
		Personal: *personal, Reason: *reason}, th)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(acc)
	}
	if err := app.PrintAccuracy(stdout, acc); err != nil {
		return err
	}
	if *export != "" {
		fmt.Fprintf(stdout, "đã ghi / wrote %s\n", *export)
	}
	return nil
}
