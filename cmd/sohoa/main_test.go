package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// cliEnv runs the CLI in an empty temporary directory with no SOHOA_*
// setting, so a command that acts would create var/ there.
func cliEnv(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	for _, k := range []string{"SOHOA_CONFIG", "SOHOA_DATA_DIR", "SOHOA_MASTER_KEY", "SOHOA_MASTER_KEY_FILE",
		"SOHOA_AUDIT_KEY_FILE", "SOHOA_AUDIT_ANCHOR_FILE", "SOHOA_ROLE", "SOHOA_LISTEN"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	// A server that refuses at once, should a client command ever act.
	t.Setenv("SOHOA_SERVER", "http://127.0.0.1:1")
	return dir
}

func runCLI(args ...string) (string, error) {
	var out bytes.Buffer
	err := run(context.Background(), args, &out, &out)
	return out.String(), err
}

func assertEmptyDir(t *testing.T, dir string) {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		t.Errorf("command created %s", e.Name())
	}
}

// commands lists every subcommand with its maximum number of arguments
// (-1: any).
var commands = []struct {
	args    []string
	maxArgs int
}{
	{[]string{"serve"}, 0},
	{[]string{"ingest"}, -1},
	{[]string{"search"}, -1},
	{[]string{"token", "create"}, 0},
	{[]string{"keys", "status"}, 0},
	{[]string{"keys", "rotate"}, 0},
	{[]string{"keys", "rewrap"}, 0},
	{[]string{"audit", "verify"}, 0},
	{[]string{"user", "create"}, 0},
	{[]string{"user", "passwd"}, 1},
	{[]string{"user", "disable"}, 1},
	{[]string{"user", "list"}, 0},
	{[]string{"records", "purge"}, 1},
	{[]string{"reindex"}, 0},
	{[]string{"export"}, 0},
	{[]string{"eval"}, 0},
	{[]string{"exchange", "token"}, 0},
	{[]string{"exchange", "backfill"}, 0},
	{[]string{"watch"}, 1},
	{[]string{"config", "check"}, 0},
	{[]string{"version"}, 0},
}

// TestCommandsActOnlyOnWhatTheyUnderstood: for every subcommand, -h and
// --help print help and do nothing (no master key, no audit log, no
// request); an unknown flag and extra arguments are usage errors and do
// nothing either.
func TestCommandsActOnlyOnWhatTheyUnderstood(t *testing.T) {
	for _, c := range commands {
		name := strings.Join(c.args, " ")
		for _, h := range []string{"-h", "--help"} {
			t.Run(name+" "+h, func(t *testing.T) {
				dir := cliEnv(t)
				out, err := runCLI(append(append([]string{}, c.args...), h)...)
				if !errors.Is(err, flag.ErrHelp) {
					t.Errorf("err = %v, want flag.ErrHelp (exit 0 without acting)", err)
				}
				if !strings.Contains(out, "sohoa "+c.args[0]) {
					t.Errorf("help output does not describe the command:\n%s", out)
				}
				assertEmptyDir(t, dir)
			})
		}
		t.Run(name+" unknown flag", func(t *testing.T) {
			dir := cliEnv(t)
			_, err := runCLI(append(append([]string{}, c.args...), "--no-such-flag", "x")...)
			var ue usageError
			if !errors.As(err, &ue) {
				t.Errorf("err = %v, want a usage error", err)
			}
			assertEmptyDir(t, dir)
		})
		if c.maxArgs >= 0 {
			t.Run(name+" extra argument", func(t *testing.T) {
				dir := cliEnv(t)
				args := append([]string{}, c.args...)
				for i := 0; i <= c.maxArgs; i++ {
					args = append(args, "arg")
				}
				if c.args[0] == "records" {
					args = append(args, "--reason", "r")
				}
				_, err := runCLI(args...)
				var ue usageError
				if !errors.As(err, &ue) {
					t.Errorf("%q: err = %v, want a usage error", args, err)
				}
				assertEmptyDir(t, dir)
			})
		}
	}
	// Commands with subcommands: help on the command itself, and an
	// unknown subcommand.
	for _, group := range []string{"token", "keys", "audit", "user", "records", "exchange", "config"} {
		t.Run(group+" help", func(t *testing.T) {
			dir := cliEnv(t)
			for _, h := range []string{"-h", "--help", "help"} {
				out, err := runCLI(group, h)
				if !errors.Is(err, flag.ErrHelp) || !strings.Contains(out, "sohoa "+group) {
					t.Errorf("%s %s: err %v, output %q", group, h, err, out)
				}
			}
			var ue usageError
			if _, err := runCLI(group, "no-such-subcommand"); !errors.As(err, &ue) {
				t.Errorf("unknown subcommand: %v", err)
			}
			if _, err := runCLI(group); !errors.As(err, &ue) {
				t.Errorf("no subcommand: %v", err)
			}
			assertEmptyDir(t, dir)
		})
	}
}

// TestConfigFlag: --config is read, not ignored.
func TestConfigFlag(t *testing.T) {
	dir := cliEnv(t)
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("listen: nope\nno_such_key: 1\n"), 0o600)
	good := filepath.Join(dir, "good.yaml")
	os.WriteFile(good, []byte("listen: 127.0.0.1:9999\ndata_dir: "+filepath.Join(dir, "data")+"\n"), 0o600)
	tests := []struct {
		name    string
		args    []string
		env     string
		wantErr bool
		want    string
	}{
		{"bad file", []string{"config", "check", "--config", bad}, "", true, "no_such_key"},
		{"missing file", []string{"config", "check", "--config", filepath.Join(dir, "none.yaml")}, "", true, "none.yaml"},
		{"good file", []string{"config", "check", "--config", good}, "", false, "configuration OK (file " + good},
		{"flag beats SOHOA_CONFIG", []string{"config", "check", "--config", bad}, good, true, "no_such_key"},
		{"SOHOA_CONFIG without the flag", []string{"config", "check"}, bad, true, "no_such_key"},
		{"audit verify reads --config", []string{"audit", "verify", "--config", bad}, "", true, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.env != "" {
				t.Setenv("SOHOA_CONFIG", tc.env)
			}
			out, err := runCLI(tc.args...)
			if (err != nil) != tc.wantErr || !strings.Contains(out+errString(err), tc.want) {
				t.Errorf("err %v, output %q; want error %v and %q", err, out, tc.wantErr, tc.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "var")); err == nil {
		t.Error("a command created ./var")
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestAuditVerifyCLI: audit verify checks the anchors: it passes on an
// untouched log, and fails once the log and its head are deleted.
func TestAuditVerifyCLI(t *testing.T) {
	dir := cliEnv(t)
	cfg := filepath.Join(dir, "sohoa.yaml")
	os.WriteFile(cfg, []byte("data_dir: "+filepath.Join(dir, "data")+"\n"), 0o600)
	if out, err := runCLI("token", "create", "--role", "searcher", "--name", "probe", "--config", cfg); err != nil {
		t.Fatalf("token create: %v\n%s", err, out)
	}
	out, err := runCLI("audit", "verify", "--config", cfg)
	if err != nil || !strings.Contains(out, "OK, 1 entries") || !strings.Contains(out, "1 anchors") {
		t.Fatalf("verify of an untouched log: %v\n%s", err, out)
	}
	log := filepath.Join(dir, "data", "audit", "audit.log")
	os.Remove(log)
	os.Remove(log + ".head")
	out, err = runCLI("audit", "verify", "--config", cfg)
	if err == nil || !strings.Contains(out, "missing") {
		t.Errorf("verify of a deleted log: %v\n%s", err, out)
	}
	if _, err := os.Stat(log); err == nil {
		t.Error("audit verify created the log")
	}
}
