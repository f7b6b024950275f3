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
  sohoa eval [--export DIR]               độ chính xác trên hồ sơ đã duyệt / accuracy on verified records
  sohoa exchange token|backfill           trao đổi liên thông / partner exchange
  sohoa watch DIR                         theo dõi thư mục quét / watch a scan folder
  sohoa config check                      kiểm tra cấu hình / check the configuration
  sohoa version                           phiên bản / versions

Mỗi lệnh có --help. Each command has --help.
Lệnh đọc cấu hình nhận --config FILE (mặc định SOHOA_CONFIG).
Commands that read the configuration take --config FILE (default SOHOA_CONFIG).
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
	case "eval":
		return cmdEval(ctx, rest, stdout, stderr)
	case "watch":
		return cmdWatch(ctx, rest, stdout, stderr)
	case "config":
		return cmdConfig(rest, stdout, stderr)
	case "version", "--version":
		return cmdVersion(rest, stdout, stderr)
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

// parse parses a command's flags and checks it got between minArgs and
// maxArgs positional arguments (maxArgs < 0: no limit). -h or --help prints
// the usage and returns flag.ErrHelp, so that the command does nothing; an
// unknown flag or a wrong number of arguments is a usageError.
func parse(fs *flag.FlagSet, args []string, minArgs, maxArgs int) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{fmt.Sprintf("%s: %v", fs.Name(), err)}
	}
	n := fs.NArg()
	switch {
	case n < minArgs:
		fs.Usage()
		return usageError{fmt.Sprintf("%s: missing arguments", fs.Name())}
	case maxArgs >= 0 && n > maxArgs:
		fs.Usage()
		return usageError{fmt.Sprintf("%s: unexpected arguments %q", fs.Name(), fs.Args()[maxArgs:])}
	}
	return nil
}

// configFlag adds --config, the YAML configuration file (default
// SOHOA_CONFIG).
func configFlag(fs *flag.FlagSet) *string {
	return fs.String("config", os.Getenv("SOHOA_CONFIG"), "configuration file (SOHOA_CONFIG)")
}

// subcommand splits the args of a command with subcommands (sohoa keys
// status ...). "-h", "--help" or "help" prints usageText to stdout and
// returns flag.ErrHelp; no subcommand, or one not in names, is a usageError.
func subcommand(cmd, usageText string, args []string, stdout io.Writer, names ...string) (string, []string, error) {
	if len(args) == 0 {
		return "", nil, usageError{"usage: " + usageText}
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprintln(stdout, "usage: "+usageText)
		return "", nil, flag.ErrHelp
	}
	for _, n := range names {
		if args[0] == n {
			return n, args[1:], nil
		}
	}
	return "", nil, usageError{fmt.Sprintf("%s: unknown subcommand %q; usage: %s", cmd, args[0], usageText)}
}
