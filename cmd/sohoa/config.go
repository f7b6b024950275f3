package main

import (
	"fmt"
	"io"

	"github.com/sohoa/sohoa/internal/app"
)

// cmdConfig: sohoa config check validates SOHOA_CONFIG and SOHOA_* settings.
func cmdConfig(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "check" {
		fmt.Fprintln(stderr, "usage: sohoa config check")
		return usageError{"config: expected 'check'"}
	}
	cfg, err := app.Load()
	if err == nil {
		err = app.CheckSecrets(cfg)
	}
	if err != nil {
		fmt.Fprintln(stdout, err)
		return fmt.Errorf("configuration has problems")
	}
	fmt.Fprintf(stdout, "configuration OK (role %s, data %s, index %s)\n", cfg.Role, cfg.DataDir, map[bool]string{true: "elasticsearch", false: "embedded"}[cfg.ElasticsearchURL != ""])
	return nil
}
