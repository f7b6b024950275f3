package app

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sohoa/sohoa/internal/audit"
	"github.com/sohoa/sohoa/internal/vault"
)

// TestAuditKeyOutsideMasterKey: the audit log is keyed with audit.key_file,
// not with a key derived from the master key; a log left by an earlier
// version (keyed with the master key) is kept aside and linked from the new
// log's first entry, and both verify with their own keys.
func TestAuditKeyOutsideMasterKey(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{DataDir: filepath.Join(dir, "data")}
	cfg.Defaults()
	if !cfg.Development() {
		t.Fatal("a default configuration is not development")
	}
	kr, _, err := vault.LoadOrCreateKeyFile(cfg.MasterKeyFile)
	if err != nil {
		t.Fatal(err)
	}
	// A log written the old way.
	old, err := audit.OpenWithConfig(AuditPath(cfg), audit.Config{Key: legacyAuditKey(kr), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if _, err := old.Append(context.Background(), audit.Event{Action: audit.ActionSearch}); err != nil {
			t.Fatal(err)
		}
	}
	old.Close()

	var logs bytes.Buffer
	core, err := OpenCore(cfg, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	core.Close()
	key, err := os.ReadFile(cfg.Audit.KeyFile)
	if err != nil {
		t.Fatalf("no audit key file created in development: %v", err)
	}
	if fi, _ := os.Stat(cfg.Audit.KeyFile); fi.Mode().Perm() != 0o600 || len(key) == 0 {
		t.Errorf("audit key file mode %04o", fi.Mode().Perm())
	}
	opts, err := AuditVerifyOptions(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(opts.Key, legacyAuditKey(kr)) {
		t.Error("the audit key is still derived from the master key")
	}
	rep, err := audit.VerifyWith(AuditPath(cfg), opts)
	if err != nil {
		t.Fatalf("new log: %v\n%s", err, rep)
	}
	l, err := audit.OpenWithConfig(AuditPath(cfg), audit.Config{Key: opts.Key})
	if err != nil {
		t.Fatal(err)
	}
	es, err := l.Read(0, 10)
	l.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 || es[0].Action != "audit_key_change" || es[0].Details["previous_seq"] != "3" {
		t.Fatalf("first entry of the new log: %+v", es)
	}
	retired := filepath.Join(filepath.Dir(AuditPath(cfg)), es[0].Details["previous_log"])
	if rep, err := audit.VerifyWithKey(retired, legacyAuditKey(kr)); err != nil || rep.LastHash != es[0].Details["previous_hash"] {
		t.Errorf("retired log: %v\n%s", err, rep)
	}
	if !strings.Contains(logs.String(), "kept aside") {
		t.Errorf("no warning about the retired log:\n%s", logs.String())
	}
}
