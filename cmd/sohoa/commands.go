package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/user"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/otiai10/gosseract/v2"

	"github.com/sohoa/sohoa/internal/app"
	"github.com/sohoa/sohoa/internal/audit"
	"github.com/sohoa/sohoa/internal/auth"
	"github.com/sohoa/sohoa/internal/client"
	"github.com/sohoa/sohoa/internal/omp"
)

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flagSet("serve", "sohoa serve: chạy API, giao diện web và bộ xử lý / run the API, web UI and workers.\nSettings: SOHOA_CONFIG and SOHOA_* variables (README.md).", stderr)
	role := fs.String("role", "", "what this process runs: all, api or worker (default all, or SOHOA_ROLE)")
	debugLog := fs.Bool("debug", false, "debug logging")
	cfgPath := configFlag(fs)
	if err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	cfg, err := app.LoadFile(*cfgPath)
	if err != nil {
		return err
	}
	if *role != "" {
		cfg.Role = *role
		if err := cfg.Validate(); err != nil {
			return err
		}
	}
	log := newLogger(stderr, cfg.LogFormat, *debugLog)
	log.Info("starting sohoa", "omp_thread_limit", omp.ThreadLimit(), "tesseract", gosseract.Version(), "go", runtime.Version())
	return app.Serve(ctx, cfg, log, stdout, func(s app.Started) {
		fmt.Fprintf(stdout, "sohoa đang chạy / running at http://%s\n", s.Addr)
	})
}

// clientFlags adds --server and --token, defaulting to SOHOA_SERVER and SOHOA_TOKEN.
func clientFlags(fs interface {
	String(name, value, usage string) *string
}) (*string, *string) {
	server := os.Getenv("SOHOA_SERVER")
	if server == "" {
		server = "http://127.0.0.1:8080"
	}
	return fs.String("server", server, "server URL (SOHOA_SERVER)"), fs.String("token", os.Getenv("SOHOA_TOKEN"), "access token (SOHOA_TOKEN)")
}

func newClient(server, token string) *client.Client {
	lang := "vi"
	if strings.HasPrefix(strings.ToLower(os.Getenv("LANG")), "en") {
		lang = "en"
	}
	return &client.Client{Base: server, Token: token, Lang: lang}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func cmdIngest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flagSet("ingest", "sohoa ingest [flags] FILES...: tải tệp quét lên thành một lô / upload scans as one batch.", stderr)
	server, token := clientFlags(fs)
	wait := fs.Bool("wait", false, "wait until the batch is processed, showing progress")
	pipeline := fs.String("pipeline", "", "pipeline name (default: automatic)")
	fonds := fs.String("fonds", "", "fonds / archive code")
	dossier := fs.String("dossier", "", "dossier code")
	retention := fs.String("retention", "", "retention code (01 permanent ... 07 other)")
	note := fs.String("note", "", "note")
	if err := parse(fs, args, 1, -1); err != nil {
		return err
	}
	c := newClient(*server, *token)
	tty := isTerminal(stderr)
	res, err := c.Upload(ctx, fs.Args(), map[string]string{"pipeline": *pipeline, "fonds": *fonds, "dossier": *dossier,
		"retention": *retention, "note": *note}, func(sent, total int64) {
		if tty && total > 0 {
			fmt.Fprintf(stderr, "\rĐang tải lên / uploading %s %3d%%", bar(float64(sent)/float64(total)), sent*100/total)
		}
	})
	if tty {
		fmt.Fprintln(stderr)
	}
	if err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	fmt.Fprintf(stdout, "batch %s: %d documents (%d files, %d rejected)\n", res.ID, res.Documents, res.Files, res.Rejected)
	if !*wait {
		return nil
	}
	b, err := c.Wait(ctx, res.ID, time.Second, func(b *client.Batch) {
		if tty {
			frac := 0.0
			if b.PagesTotal > 0 {
				frac = float64(b.PagesDone) / float64(b.PagesTotal)
			}
			fmt.Fprintf(stderr, "\rĐang xử lý / processing %s %d/%d pages  %-16s", bar(frac), b.PagesDone, b.PagesTotal, b.Status)
		}
	})
	if tty {
		fmt.Fprintln(stderr)
	}
	if err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	for _, d := range b.Documents {
		line := fmt.Sprintf("  %-10s %s (%d pages)", d.Status, d.Name, d.Pages)
		if d.Error != "" {
			line += ": " + d.Error
		}
		fmt.Fprintln(stdout, line)
	}
	fmt.Fprintf(stdout, "batch %s: %s, %d/%d pages\n", b.ID, b.Status, b.PagesDone, b.PagesTotal)
	if b.Status != "done" {
		return errors.New("some documents were not processed; see above")
	}
	return nil
}

func bar(frac float64) string {
	const width = 24
	if frac < 0 {
		frac = 0
	}
	if frac > 1 {
		frac = 1
	}
	n := int(frac * width)
	return "[" + strings.Repeat("#", n) + strings.Repeat(".", width-n) + "]"
}

func cmdSearch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flagSet("search", "sohoa search [flags] QUERY: tìm kiếm hồ sơ (không dấu cũng được) / search records (accents optional).", stderr)
	server, token := clientFlags(fs)
	typ := fs.String("type", "", "document type filter")
	from := fs.String("from", "", "issued on or after (YYYY-MM-DD)")
	to := fs.String("to", "", "issued on or before (YYYY-MM-DD)")
	size := fs.Int("size", 10, "hits to show")
	if err := parse(fs, args, 0, -1); err != nil {
		return err
	}
	q := strings.Join(fs.Args(), " ")
	params := url.Values{}
	for k, v := range map[string]string{"type": *typ, "from": *from, "to": *to} {
		if v != "" {
			params.Set(k, v)
		}
	}
	params.Set("size", fmt.Sprint(*size))
	res, err := newClient(*server, *token).Search(ctx, q, params)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	fmt.Fprintf(stdout, "%d kết quả / results\n", res.Total)
	for i, h := range res.Hits {
		snip := strings.NewReplacer("<mark>", "[", "</mark>", "]").Replace(h.Snippet)
		fmt.Fprintf(stdout, "%2d. %s  [%s] %s\n    %s\n    %s\n", i+1, h.Title, h.DocType, h.IssuedDate, h.DocumentID, snip)
	}
	return nil
}

func cmdToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	const usageText = "sohoa token create --role ROLE --name NAME [--config FILE]"
	_, args, err := subcommand("token", usageText, args, stdout, "create")
	if err != nil {
		return err
	}
	fs := flagSet("token create", "sohoa token create --role R --name N: tạo mã truy cập trong thư mục dữ liệu / create a token in the data directory.\nRoles: uploader, searcher, pii_reader, operator, admin. The token is printed once.", stderr)
	role := fs.String("role", "", "role")
	name := fs.String("name", "", "who or what the token is for")
	cfgPath := configFlag(fs)
	if err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	r, err := auth.ParseRole(*role)
	if err != nil {
		return usageError{err.Error()}
	}
	core, err := openCore(*cfgPath, stderr)
	if err != nil {
		return err
	}
	defer core.Close()
	tok, p, err := core.Auth.Create(ctx, r, *name)
	if err != nil {
		return err
	}
	// The issuer is whoever ran the command: the CLI acts with the data
	// directory's rights, so its tokens need no approval, but the audit
	// names the OS account, the roles granted and the token's name.
	osUser := os.Getenv("USER")
	if u, err := user.Current(); err == nil {
		osUser = u.Username
	}
	if _, err := core.Audit.Append(ctx, audit.Event{Actor: audit.Actor{Name: "cli"}, Role: "admin",
		Action: audit.ActionTokenCreate, Object: p.TokenID, Details: auth.IssueAuditDetails(auth.TokenInfo{ID: p.TokenID, Name: p.Name,
			Role: r, Approval: auth.Approval{RequestedBy: "cli", RequestedByName: osUser}})}); err != nil {
		_ = core.Auth.Revoke(ctx, p.TokenID)
		return err
	}
	fmt.Fprintln(stdout, tok)
	return nil
}

// openCore opens the data directory of the configuration at cfgPath (""
// for none).
func openCore(cfgPath string, stderr io.Writer) (*app.Core, error) {
	cfg, err := app.LoadFile(cfgPath)
	if err != nil {
		return nil, err
	}
	return app.OpenCore(cfg, newLogger(stderr, cfg.LogFormat, false))
}

// configCommand parses the flags of a command that takes only --config and
// loads that configuration; help and usage errors read nothing.
func configCommand(name, help string, args []string, stderr io.Writer) (app.Config, error) {
	fs := flagSet(name, help, stderr)
	cfgPath := configFlag(fs)
	if err := parse(fs, args, 0, 0); err != nil {
		return app.Config{}, err
	}
	return app.LoadFile(*cfgPath)
}

// coreCommand is configCommand that then opens the data directory.
func coreCommand(name, help string, args []string, stderr io.Writer) (*app.Core, error) {
	cfg, err := configCommand(name, help, args, stderr)
	if err != nil {
		return nil, err
	}
	return app.OpenCore(cfg, newLogger(stderr, cfg.LogFormat, false))
}

func cmdKeys(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	const usageText = "sohoa keys status|rotate|rewrap [--config FILE]"
	sub, args, err := subcommand("keys", usageText, args, stdout, "status", "rotate", "rewrap")
	if err != nil {
		return err
	}
	help := map[string]string{
		"status": "sohoa keys status: trạng thái khoá / show the master keys and data keys.",
		"rotate": "sohoa keys rotate: tạo khoá chủ mới và bọc lại khoá dữ liệu / add a new master key and re-wrap every data key.",
		"rewrap": "sohoa keys rewrap: bọc lại khoá dữ liệu bằng khoá chủ hiện hành / re-wrap every data key under the active master key.",
	}[sub]
	core, err := coreCommand("keys "+sub, help, args, stderr)
	if err != nil {
		return err
	}
	defer core.Close()
	record := func(action audit.Action, details map[string]string) error {
		_, err := core.Audit.Append(ctx, audit.Event{Actor: audit.Actor{Name: "cli"}, Role: "admin", Action: action, Details: details})
		return err
	}
	switch sub {
	case "status":
		st, err := core.Vault.Status(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "active master key: %s\n%+v\n", core.Keyring.ActiveID(), st)
		return record(audit.ActionKeyStatus, nil)
	case "rotate":
		id, err := core.Keyring.Rotate(core.Config.MasterKeyFile)
		if err != nil {
			return err
		}
		n, err := core.Vault.Rewrap(ctx, nil)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "new active master key %s; %d data keys re-wrapped\n", id, n)
		return record(audit.ActionKeyRotate, map[string]string{"key_id": id, "rewrapped": fmt.Sprint(n)})
	default: // rewrap
		n, err := core.Vault.Rewrap(ctx, nil)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%d data keys re-wrapped under %s\n", n, core.Keyring.ActiveID())
		return record(audit.ActionKeyRewrap, map[string]string{"rewrapped": fmt.Sprint(n)})
	}
}

// cmdAudit: sohoa audit verify checks the log, its head and its anchors
// with the audit key. It opens nothing for writing and creates nothing.
func cmdAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	const usageText = "sohoa audit verify [--config FILE]"
	_, args, err := subcommand("audit", usageText, args, stdout, "verify")
	if err != nil {
		return err
	}
	cfg, err := configCommand("audit verify", "sohoa audit verify: kiểm tra nhật ký kiểm toán / verify the audit log.\n"+
		"Checks every entry's hash, sequence and HMAC (audit.key_file), the head file, and that every head\n"+
		"anchored in audit.anchor_file is still in the log. Exits non-zero on any problem.", args, stderr)
	if err != nil {
		return err
	}
	opts, err := app.AuditVerifyOptions(cfg)
	if err != nil {
		return err
	}
	rep, err := audit.VerifyWith(app.AuditPath(cfg), opts)
	fmt.Fprintln(stdout, rep.String())
	return err
}

func cmdVersion(args []string, stdout, stderr io.Writer) error {
	fs := flagSet("version", "sohoa version: phiên bản / print the versions of sohoa, Go and Tesseract.", stderr)
	if err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	v := "(devel)"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		v = bi.Main.Version
	}
	fmt.Fprintf(stdout, "sohoa %s\ngo %s\ntesseract %s\nomp_thread_limit %d\n", v, runtime.Version(), gosseract.Version(), omp.ThreadLimit())
	return nil
}
