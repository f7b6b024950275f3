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

// Vocab holds the extractor's vocabularies (vocab/*.yaml: document types
// and abbreviations, signing titles, administrative units, the gazetteer of
// provinces, land-use purposes, stamps, OCR confusion classes).
// internal/extract loads them with the pipelines.
//
//go:embed vocab/*.yaml
var Vocab embed.FS

// CCCDCodes is vocab/cccd_codes.yaml: the province codes and century digits
// of 12-digit citizen identity numbers (Thông tư 59/2021/TT-BCA), read by
// extract.ValidateField and the cccd normaliser.
//
//go:embed vocab/cccd_codes.yaml
var CCCDCodes []byte

// Confidence is confidence.yaml: the calibrated threshold above which an
// extracted field is right at least 97 % of the time, and the limits of the
// handwriting check. The pipeline loader does not read it as a pipeline.
//
//go:embed confidence.yaml
var Confidence []byte

// Layouts holds the page layouts (layout/*.yaml: where each element of a
// document sits, its fuzzy anchors and the blocks that are never part of
// the header) that pipelines and classes name with `layout:`.
//
//go:embed layout/*.yaml
var Layouts embed.FS
