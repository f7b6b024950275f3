// Package pipelines embeds the document pipelines shipped with sohoa
// (*.yaml in this directory, described in README.md) so the binary works
// without the files on disk. extract.Default loads them.
package pipelines

import "embed"

// FS holds the shipped pipeline files at its root. It is read-only and safe
// for concurrent use.
//
//go:embed *.yaml
var FS embed.FS
