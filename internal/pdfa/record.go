package pdfa

import (
	"github.com/sohoa/sohoa/internal/catalog"
	"github.com/sohoa/sohoa/internal/domain"
)

// MetadataFor returns the XMP metadata of a record: its title and public
// fields only (doc_type, doc_number/doc_symbol, issuer, issued_date,
// subject). A field whose sensitivity is not public is never copied, so
// the metadata of a PDF holds no personal data whoever reads it.
func MetadataFor(r *catalog.Record) Metadata {
	pub := func(name string) string {
		f, ok := r.Fields[name]
		if !ok || f.Sensitivity != domain.Public {
			return ""
		}
		if f.Value != "" {
			return f.Value
		}
		if len(f.Values) > 0 {
			return f.Values[0]
		}
		return ""
	}
	md := Metadata{
		Title:      r.Title,
		DocType:    pub("doc_type"),
		Issuer:     pub("issuer"),
		IssuedDate: pub("issued_date"),
		Subject:    pub("subject"),
		DocumentID: string(r.DocumentID),
		Created:    r.FinalizedAt,
	}
	if md.DocType == "" {
		md.DocType = r.Class
	}
	switch num, sym := pub("doc_number"), pub("doc_symbol"); {
	case num != "" && sym != "":
		md.Identifier = num + "/" + sym
	default:
		md.Identifier = num + sym
	}
	if md.Title == "" {
		md.Title = md.DocType
	}
	return md
}
