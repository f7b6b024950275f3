package app

import (
	"context"
	"strings"

	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/domain"
	"github.com/sohoa/sohoa/internal/extract"
	"github.com/sohoa/sohoa/internal/pipeline"
)

// extractor adapts the extraction engine to the pipeline's Extractor.
type extractor struct{ e *extract.Engine }

func (x extractor) Extract(ctx context.Context, pages []domain.Page, hint string) (pipeline.Extraction, error) {
	r, err := x.e.Extract(ctx, pages, hint)
	if err != nil {
		return pipeline.Extraction{}, err
	}
	dup := extract.DuplicateKey(r)
	// People the class does not name (annex tables, translations, letters)
	// are found by the detector: they are kept for the blind index, and
	// scrubbed from the public fields that quote them.
	redacted, mentions := extract.RedactWithMentions(pages, r)
	extract.ScrubPublic(r.Fields, mentions)
	out := pipeline.Extraction{
		Pipeline: r.Pipeline, Class: r.Class, ClassConfidence: r.ClassConfidence,
		Fields: map[string]catalog.Field{}, Secrecy: r.Secrecy, QuarantineReason: r.QuarantineReason,
		DuplicateKey: dup, Redacted: redacted, Mentions: mentions, Missing: r.Missing,
	}
	for name, f := range r.Fields {
		out.Fields[name] = catalog.Field{Value: f.Value, Values: f.Values, Confidence: f.Confidence, Page: f.Page, Sensitivity: f.Sensitivity, Reasons: f.Reasons}
	}
	out.Title = title(r.Fields)
	return out, nil
}

// title composes a record title from public fields: type, number/symbol, subject.
func title(f map[string]extract.Field) string {
	pub := func(name string) string {
		if v, ok := f[name]; ok && v.Sensitivity == domain.Public {
			return strings.TrimSpace(v.Value)
		}
		return ""
	}
	var parts []string
	if t := pub("doc_type"); t != "" {
		parts = append(parts, t)
	}
	num, sym := pub("doc_number"), pub("doc_symbol")
	switch {
	case num != "" && sym != "":
		parts = append(parts, "số "+num+"/"+sym)
	case num != "":
		parts = append(parts, "số "+num)
	}
	head := strings.Join(parts, " ")
	if s := pub("subject"); s != "" {
		if head != "" {
			return head + ": " + s
		}
		return s
	}
	return head
}
