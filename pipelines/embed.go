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

// PII holds the vocabulary of the personal-data detector (pii/*.yaml: family
// names, given-name syllables, words that are not names, address units,
// labels). internal/pii loads it; it is kept out of FS's root so the
// pipeline loader does not read it as a pipeline.
//
//go:embed pii/*.yaml
var PII embed.FS

// Layouts holds the page layouts (layout/*.yaml: where each element of a
// document sits, its fuzzy anchors and the blocks that are never part of
// the header) that pipelines and classes name with `layout:`.
//
//go:embed layout/*.yaml
var Layouts embed.FS
