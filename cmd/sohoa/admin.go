package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/sohoa/sohoa/internal/audit"
	"github.com/sohoa/sohoa/internal/auth"
	"github.com/sohoa/sohoa/internal/exchange"
)

// cmdUser manages web sign-in accounts in the data directory.
func cmdUser(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	const usageText = "sohoa user create --username U --name N --role R | passwd U | disable U | list  [--config FILE]"
	sub, args, err := subcommand("user", usageText, args, stdout, "create", "passwd", "disable", "list")
	if err != nil {
		return err
	}
	var fs *flag.FlagSet
	var username, name, role *string
	nargs := 0
	switch sub {
	case "create":
		fs = flagSet("user create", "sohoa user create --username U --name N --role R: tạo tài khoản đăng nhập web / create a web account.\nThe password is read from the terminal (or one line of standard input), never from a flag.", stderr)
		username = fs.String("username", "", "sign-in name")
		name = fs.String("name", "", "full name shown in the audit log")
		role = fs.String("role", "", "uploader, searcher, pii_reader, operator or admin")
	case "passwd":
		fs = flagSet("user passwd", "sohoa user passwd USERNAME: đổi mật khẩu / set a web account's password (read from the terminal or standard input).", stderr)
		nargs = 1
	case "disable":
		fs = flagSet("user disable", "sohoa user disable USERNAME: khoá tài khoản / disable a web account.", stderr)
		nargs = 1
	default: // list
		fs = flagSet("user list", "sohoa user list: liệt kê tài khoản / list web accounts.", stderr)
	}
	cfgPath := configFlag(fs)
	if err := parse(fs, args, nargs, nargs); err != nil {
		return err
	}
	var r auth.Role
	if sub == "create" {
		if r, err = auth.ParseRole(*role); err != nil {
			return usageError{err.Error()}
		}
	}
	core, err := openCore(*cfgPath, stderr)
	if err != nil {
		return err
	}
	defer core.Close()
	record := func(action, object string, details map[string]string) error {
		_, err := core.Audit.Append(ctx, audit.Event{Actor: audit.Actor{Name: "cli"}, Role: "admin", Action: audit.Action(action), Object: object, Details: details})
		return err
	}
	switch sub {
	case "create":
		pw, err := readPassword(stderr)
		if err != nil {
			return err
		}
		u, err := core.Auth.CreateUser(ctx, *username, *name, r, pw)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "user %s (%s) created\n", *username, r)
		return record("user_create", "user:"+*username, map[string]string{"role": string(r), "name": fmt.Sprint(u.Name)})
	case "passwd":
		pw, err := readPassword(stderr)
		if err != nil {
			return err
		}
		if err := core.Auth.SetPassword(ctx, fs.Arg(0), pw); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "password changed")
		return record("user_passwd", "user:"+fs.Arg(0), nil)
	case "disable":
		if err := core.Auth.DisableUser(ctx, fs.Arg(0)); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "user disabled")
		return record("user_disable", "user:"+fs.Arg(0), nil)
	default: // list
		users, err := core.Auth.Users(ctx)
		if err != nil {
			return err
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(users)
	}
}

// readPassword reads a password without echo from a terminal, or one line
// from standard input otherwise.
func readPassword(stderr io.Writer) (string, error) {
	if term.IsTerminal(int(os.Stdin.Fd())) {
		fmt.Fprint(stderr, "Mật khẩu / password: ")
		b, err := term.ReadPassword(int(os.Stdin.Fd()))
		fmt.Fprintln(stderr)
		return string(b), err
	}
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("read password from standard input: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// cmdRecords: sohoa records purge ID --reason R (through the API, admin token).
func cmdRecords(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	_, args, err := subcommand("records", "sohoa records purge [--server URL] [--token T] --reason R DOCUMENT_ID", args, stdout, "purge")
	if err != nil {
		return err
	}
	fs := flagSet("records purge", "sohoa records purge --reason R DOCUMENT_ID: xoá vĩnh viễn một văn bản (huỷ khoá dữ liệu) / erase a document by destroying its key.", stderr)
	server, token := clientFlags(fs)
	reason := fs.String("reason", "", "why (kept encrypted in the audit log; required)")
	if err := parse(fs, args, 1, 1); err != nil {
		return err
	}
	if *reason == "" {
		fs.Usage()
		return usageError{"records purge: give --reason"}
	}
	c := newClient(*server, *token)
	if err := c.Do(ctx, "DELETE", "/api/v1/documents/"+url.PathEscape(fs.Arg(0))+"?reason="+url.QueryEscape(*reason), nil); err != nil {
		return fmt.Errorf("purge: %w", err)
	}
	fmt.Fprintf(stdout, "document %s erased\n", fs.Arg(0))
	return nil
}

// cmdReindex rebuilds the search index from the blob store (operator token).
func cmdReindex(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flagSet("reindex", "sohoa reindex: dựng lại chỉ mục tìm kiếm từ kho lưu trữ / rebuild the search index from the blob store.", stderr)
	server, token := clientFlags(fs)
	if err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	var st map[string]int
	if err := newClient(*server, *token).PostJSON(ctx, "/api/v1/reindex", nil, &st); err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	fmt.Fprintf(stdout, "%d documents: %d indexed, %d quarantined, %d unfinished\n", st["documents"], st["indexed"], st["quarantined"], st["unfinished"])
	return nil
}

// cmdExchange: partner tokens and feed backfill.
func cmdExchange(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	sub, args, err := subcommand("exchange", "sohoa exchange token | backfill [--config FILE]", args, stdout, "token", "backfill")
	if err != nil {
		return err
	}
	if sub == "token" {
		fs := flagSet("exchange token", "sohoa exchange token: tạo mã cho cơ quan đối tác / make a partner token and its SHA-256 for the partners file.", stderr)
		if err := parse(fs, args, 0, 0); err != nil {
			return err
		}
		tok, sum := exchange.NewToken()
		fmt.Fprintf(stdout, "token (give to the partner, shown once): %s\ntoken_sha256 (put in the partners file): %s\n", tok, sum)
		return nil
	}
	core, err := coreCommand("exchange backfill", "sohoa exchange backfill: đưa mọi hồ sơ vào luồng trao đổi / publish every record to the exchange feed.", args, stderr)
	if err != nil {
		return err
	}
	defer core.Close()
	n, err := exchange.NewFeed(core.Store, exchange.FeedConfig{}).Backfill(ctx, core.Catalog)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d records published to the exchange feed\n", n)
	return nil
}

// cmdExport downloads a batch's archive package (searcher; personal data
// only with a pii_reader token and --reason, which the audit keeps).
func cmdExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flagSet("export", "sohoa export --batch ID --out FILE.zip: tải gói lưu trữ (PDF/A + siêu dữ liệu NĐ 30) / download an archive package.", stderr)
	server, token := clientFlags(fs)
	batch := fs.String("batch", "", "batch ID")
	out := fs.String("out", "", "ZIP file to write")
	reason := fs.String("reason", "", "lý do xuất dữ liệu cá nhân (pii_reader, ghi nhật ký) / why personal data is exported (pii_reader, audited)")
	if err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	if *batch == "" || *out == "" {
		fs.Usage()
		return usageError{"export: --batch and --out are required"}
	}
	f, err := os.OpenFile(*out, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	path := "/api/v1/batches/" + url.PathEscape(*batch) + "/export"
	if *reason != "" {
		path += "?" + url.Values{"reason": {*reason}, "personal": {"true"}}.Encode()
	}
	if err := newClient(*server, *token).Download(ctx, path, f); err != nil {
		os.Remove(*out)
		return fmt.Errorf("export: %w", err)
	}
	fmt.Fprintf(stdout, "wrote %s\n", *out)
	return f.Close()
}
