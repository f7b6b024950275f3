package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestConfigCheck(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name  string
		yaml  string
		wants []string // substrings of the error; none means valid
	}{
		{"valid", "listen: 127.0.0.1:9000\nworkers: 2\n", nil},
		{"wrong type", "listen: 127.0.0.1:9000\nelasticsearch:\n  shards: two\n", []string{"elasticsearch.shards (line 3)", "!!str"}},
		{"unknown key", "listen: 127.0.0.1:9000\nlisen: x\n", []string{"lisen", "not found"}},
		{"bad values", "role: everything\nworkers: 0\nredis_url: http://x\n", []string{"role:", "redis_url:"}},
		{"missing secret", "master_key_file: " + filepath.Join(dir, "nope.json") + "\n", []string{"master_key_file: missing secret"}},
		{"es password", "elasticsearch_url: http://127.0.0.1:9200\nelasticsearch:\n  username: sohoa\n", []string{"elasticsearch.password: missing secret"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-")+".yaml")
			if err := os.WriteFile(f, []byte(c.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			t.Setenv("SOHOA_CONFIG", f)
			t.Setenv("SOHOA_DATA_DIR", filepath.Join(dir, "data"))
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
