package main

import (
	"fmt"
	"io"

	"github.com/sohoa/sohoa/internal/app"
)

// cmdConfig: sohoa config check validates the configuration file (--config
// or SOHOA_CONFIG) with its SOHOA_* overrides, and the secrets it names.
func cmdConfig(args []string, stdout, stderr io.Writer) error {
	_, args, err := subcommand("config", "sohoa config check [--config FILE]", args, stdout, "check")
	if err != nil {
		return err
	}
	fs := flagSet("config check", "sohoa config check: kiểm tra cấu hình / check the configuration file, SOHOA_* variables and the secrets they name.\nNothing is created or opened for writing.", stderr)
	cfgPath := configFlag(fs)
	if err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	cfg, err := app.LoadFile(*cfgPath)
	if err == nil {
		err = app.CheckSecrets(cfg)
	}
	if err != nil {
		fmt.Fprintln(stdout, err)
		return fmt.Errorf("configuration has problems")
	}
	file := *cfgPath
	if file == "" {
		file = "(none)"
	}
	fmt.Fprintf(stdout, "configuration OK (file %s, role %s, data %s, index %s)\n", file, cfg.Role, cfg.DataDir, map[bool]string{true: "elasticsearch", false: "embedded"}[cfg.ElasticsearchURL != ""])
	return nil
}
