package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/sohoa/sohoa/internal/child/childsrv"
	"github.com/sohoa/sohoa/internal/omp"
)

func main() {
	// In a reader child (started by a child.Pool) this serves and exits.
	childsrv.Main()
	if err := omp.EnsureThreadLimit(); err != nil {
		fmt.Fprintln(os.Stderr, "sohoa:", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "sohoa:", err)
		var ue usageError
		if errors.As(err, &ue) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

const usage = `sohoa: số hoá hồ sơ lưu trữ / records digitisation

Cách dùng / usage:
  sohoa serve [--role all|api|worker]     chạy API và bộ xử lý / run API and workers
  sohoa ingest [--wait] FILES...          tải tệp quét lên / upload scans as a batch
  sohoa search [flags] QUERY              tìm kiếm / search records
  sohoa token create --role R --name N    tạo mã truy cập / create an access token
  sohoa keys status|rotate|rewrap         quản lý khoá / manage master keys
  sohoa audit verify                      kiểm tra nhật ký / verify the audit log
  sohoa user create|passwd|disable|list   tài khoản web / web accounts
  sohoa records purge --reason R ID       xoá vĩnh viễn / erase a document
  sohoa reindex                           dựng lại chỉ mục / rebuild the index
  sohoa export --batch ID --out F.zip     gói lưu trữ / archive package
  sohoa exchange token|backfill           trao đổi liên thông / partner exchange
  sohoa watch DIR                         theo dõi thư mục quét / watch a scan folder
  sohoa config check                      kiểm tra cấu hình / check the configuration
  sohoa version                           phiên bản / versions

Mỗi lệnh có --help. Each command has --help.
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError{"no command"}
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return cmdServe(ctx, rest, stdout, stderr)
	case "ingest":
		return cmdIngest(ctx, rest, stdout, stderr)
	case "search":
		return cmdSearch(ctx, rest, stdout, stderr)
	case "token":
		return cmdToken(ctx, rest, stdout, stderr)
	case "keys":
		return cmdKeys(ctx, rest, stdout, stderr)
	case "audit":
		return cmdAudit(ctx, rest, stdout, stderr)
	case "user":
		return cmdUser(ctx, rest, stdout, stderr)
	case "records":
		return cmdRecords(ctx, rest, stdout, stderr)
	case "reindex":
		return cmdReindex(ctx, rest, stdout, stderr)
	case "exchange":
		return cmdExchange(ctx, rest, stdout, stderr)
	case "export":
		return cmdExport(ctx, rest, stdout, stderr)
	case "watch":
		return cmdWatch(ctx, rest, stdout, stderr)
	case "config":
		return cmdConfig(rest, stdout, stderr)
	case "version", "--version":
		return cmdVersion(stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return usageError{fmt.Sprintf("unknown command %q", cmd)}
}

func newLogger(w io.Writer, format string, debug bool) *slog.Logger {
	level := slog.LevelInfo
	if debug {
		level = slog.LevelDebug
	}
	opts := &slog.HandlerOptions{Level: level}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func flagSet(name, help string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "%s\n\nFlags:\n", help)
		fs.PrintDefaults()
	}
	return fs
}
