package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sohoa/sohoa/internal/audit"
)

// useConfig writes a YAML configuration named after a test case under dir
// and points SOHOA_CONFIG (and SOHOA_DATA_DIR) at it for the test.
func useConfig(t *testing.T, dir, name, yaml string) {
	t.Helper()
	f := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".yaml")
	if err := os.WriteFile(f, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SOHOA_CONFIG", f)
	t.Setenv("SOHOA_DATA_DIR", filepath.Join(dir, "data"))
}

func TestConfigCheck(t *testing.T) {
	dir := t.TempDir()
	// A production-like layout: the master key and the audit key in a
	// secrets directory, the anchor on another path, none in the data dir.
	secrets := filepath.Join(dir, "secrets")
	master, auditKey := filepath.Join(secrets, "master.json"), filepath.Join(secrets, "audit.key")
	if err := os.MkdirAll(secrets, 0o700); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(master, []byte("{}"), 0o600)
	if _, err := audit.LoadKeyFile(auditKey, true); err != nil {
		t.Fatal(err)
	}
	anchor := filepath.Join(dir, "anchor", "audit-anchor.log")
	prod := "master_key_file: " + master + "\n"
	cases := []struct {
		name  string
		yaml  string
		wants []string // substrings of the error; none means valid
	}{
		{"valid", "listen: 127.0.0.1:9000\nworkers: 2\n", nil},
		{"wrong type", "listen: 127.0.0.1:9000\nelasticsearch:\n  shards: two\n", []string{"elasticsearch.shards (line 3)", "!!str"}},
		{"unknown key", "listen: 127.0.0.1:9000\nlisen: x\n", []string{"lisen", "not found"}},
		{"bad values", "role: everything\nworkers: 0\nredis_url: http://x\n", []string{"role:", "redis_url:"}},
		{"missing secret", "master_key_file: " + filepath.Join(dir, "nope.json") + "\naudit:\n  anchor_file: " + anchor + "\n",
			[]string{"master_key_file: missing secret", "audit.key_file: audit key"}},
		{"production audit", prod + "audit:\n  anchor_file: " + anchor + "\n", nil},
		{"production without anchor", prod, []string{"audit.anchor_file: required"}},
		{"production audit in data dir", prod + "audit:\n  key_file: " + filepath.Join(dir, "data", "audit.key") +
			"\n  anchor_file: " + filepath.Join(dir, "data", "x", "anchor.log") + "\n",
			[]string{"audit.key_file: " + filepath.Join(dir, "data", "audit.key") + " is inside data_dir", "audit.anchor_file: " + filepath.Join(dir, "data", "x", "anchor.log") + " is inside data_dir"}},
		{"es password", "elasticsearch_url: http://127.0.0.1:9200\nelasticsearch:\n  username: sohoa\n", []string{"elasticsearch.password: missing secret"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			useConfig(t, dir, c.name, c.yaml)
			cfg, err := Load()
			if err == nil {
				err = CheckSecrets(cfg)
			}
			if len(c.wants) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want %q", c.wants)
			}
			for _, w := range c.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// loadExpecting runs Load; with wantErr it checks that Load fails with an
// error containing it and returns false, else it returns the configuration.
func loadExpecting(t *testing.T, wantErr string) (Config, bool) {
	t.Helper()
	cfg, err := Load()
	if wantErr != "" {
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Fatalf("error = %v, want one containing %q", err, wantErr)
		}
		return cfg, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return cfg, true
}

// TestUploadLimitSettings: max_uploads_per_token and max_uploads default to
// 2 and 8, come from YAML or the environment, and are validated.
func TestUploadLimitSettings(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name          string
		yaml          string
		env           map[string]string
		perToken, all int
		wantErr       string
	}{
		{"defaults", "", nil, 2, 8, ""},
		{"yaml", "max_uploads_per_token: 3\nmax_uploads: 20\n", nil, 3, 20, ""},
		{"env over yaml", "max_uploads_per_token: 3\nmax_uploads: 20\n",
			map[string]string{"SOHOA_MAX_UPLOADS_PER_TOKEN": "1", "SOHOA_MAX_UPLOADS": "4"}, 1, 4, ""},
		{"env not a number", "", map[string]string{"SOHOA_MAX_UPLOADS": "many"}, 0, 0, "SOHOA_MAX_UPLOADS"},
		{"per token above overall", "max_uploads_per_token: 9\nmax_uploads: 4\n", nil, 0, 0, "max_uploads_per_token: 9"},
		{"negative", "max_uploads: -1\n", nil, 0, 0, "max_uploads: -1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			useConfig(t, dir, c.name, c.yaml)
			for _, k := range []string{"SOHOA_MAX_UPLOADS_PER_TOKEN", "SOHOA_MAX_UPLOADS"} {
				t.Setenv(k, c.env[k])
			}
			cfg, ok := loadExpecting(t, c.wantErr)
			if !ok {
				return
			}
			if cfg.MaxUploadsPerToken != c.perToken || cfg.MaxUploads != c.all {
				t.Errorf("limits = %d per token, %d overall; want %d, %d", cfg.MaxUploadsPerToken, cfg.MaxUploads, c.perToken, c.all)
			}
		})
	}
}

// TestAuthSettings: auth.secure_cookie defaults on beyond loopback and off
// on loopback; auth.token_approval and auth.trusted_proxies are validated;
// the environment overrides the file.
func TestAuthSettings(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name       string
		yaml       string
		env        map[string]string
		wantSecure bool
		approval   string
		proxies    int
		wantErr    string
	}{
		{"loopback default", "listen: 127.0.0.1:8080\n", nil, false, "none", 0, ""},
		{"localhost default", "listen: localhost:8080\n", nil, false, "none", 0, ""},
		{"ipv6 loopback default", "listen: '[::1]:8080'\n", nil, false, "none", 0, ""},
		{"all interfaces default", "listen: 0.0.0.0:8080\n", nil, true, "none", 0, ""},
		{"empty host default", "listen: ':8080'\n", nil, true, "none", 0, ""},
		{"lan address default", "listen: 192.168.1.10:8080\n", nil, true, "none", 0, ""},
		{"explicit off beyond loopback", "listen: 0.0.0.0:8080\nauth:\n  secure_cookie: false\n", nil, false, "none", 0, ""},
		{"explicit on loopback", "auth:\n  secure_cookie: true\n", nil, true, "none", 0, ""},
		{"env over yaml", "auth:\n  secure_cookie: true\n  token_approval: none\n",
			map[string]string{"SOHOA_AUTH_SECURE_COOKIE": "false", "SOHOA_AUTH_TOKEN_APPROVAL": "second_admin", "SOHOA_AUTH_TRUSTED_PROXIES": "10.0.0.1, 10.2.0.0/16"},
			false, "second_admin", 2, ""},
		{"second admin", "auth:\n  token_approval: second_admin\n  trusted_proxies: [10.0.0.5, 'fd00::/8']\n", nil, false, "second_admin", 2, ""},
		{"bad approval", "auth:\n  token_approval: two_admins\n", nil, false, "", 0, "auth.token_approval"},
		{"bad proxy", "auth:\n  trusted_proxies: [proxy.internal]\n", nil, false, "", 0, "auth.trusted_proxies"},
		{"bad env bool", "", map[string]string{"SOHOA_AUTH_SECURE_COOKIE": "yes please"}, false, "", 0, "SOHOA_AUTH_SECURE_COOKIE"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			useConfig(t, dir, c.name, c.yaml)
			for _, k := range []string{"SOHOA_AUTH_SECURE_COOKIE", "SOHOA_AUTH_TOKEN_APPROVAL", "SOHOA_AUTH_TRUSTED_PROXIES", "SOHOA_LISTEN"} {
				if v, ok := c.env[k]; ok {
					t.Setenv(k, v)
				} else {
					t.Setenv(k, "") // restored after the test
					os.Unsetenv(k)
				}
			}
			cfg, ok := loadExpecting(t, c.wantErr)
			if !ok {
				return
			}
			ac := cfg.authStoreConfig()
			if ac.SecureCookie != c.wantSecure || ac.TokenApproval != c.approval || len(ac.TrustedProxies) != c.proxies {
				t.Errorf("auth config %+v, want secure %v, approval %s, %d proxies", ac, c.wantSecure, c.approval, c.proxies)
			}
		})
	}
}
