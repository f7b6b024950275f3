package pdfa

import (
	"encoding/xml"
	"strings"
	"time"
)

// xmp returns the XMP packet: PDF/A identification, Dublin Core properties
// from md (each in the value type the XMP specification gives it, which
// PDF/A validators check) and the xmp/pdf properties that mirror the Info
// dictionary.
func xmp(md Metadata) []byte {
	esc := func(s string) string {
		var b strings.Builder
		_ = xml.EscapeText(&b, []byte(s))
		return b.String()
	}
	date := md.Created.UTC().Format(time.RFC3339)
	var b strings.Builder
	b.WriteString("<?xpacket begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n")
	b.WriteString(`<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about=""
  xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:xmp="http://ns.adobe.com/xap/1.0/"
  xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
  xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/">
<pdfaid:part>2</pdfaid:part>
<pdfaid:conformance>B</pdfaid:conformance>
`)
	b.WriteString("<dc:format>application/pdf</dc:format>\n")
	b.WriteString("<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">" + esc(md.Title) + "</rdf:li></rdf:Alt></dc:title>\n")
	if md.Subject != "" {
		b.WriteString("<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">" + esc(md.Subject) + "</rdf:li></rdf:Alt></dc:description>\n")
	}
	if md.DocType != "" {
		b.WriteString("<dc:type><rdf:Bag><rdf:li>" + esc(md.DocType) + "</rdf:li></rdf:Bag></dc:type>\n")
	}
	if md.Identifier != "" {
		b.WriteString("<dc:identifier>" + esc(md.Identifier) + "</dc:identifier>\n")
	}
	if md.Issuer != "" {
		b.WriteString("<dc:publisher><rdf:Bag><rdf:li>" + esc(md.Issuer) + "</rdf:li></rdf:Bag></dc:publisher>\n")
	}
	if validDate(md.IssuedDate) {
		b.WriteString("<dc:date><rdf:Seq><rdf:li>" + md.IssuedDate + "</rdf:li></rdf:Seq></dc:date>\n")
	}
	b.WriteString("<dc:language><rdf:Bag><rdf:li>" + esc(md.Language) + "</rdf:li></rdf:Bag></dc:language>\n")
	b.WriteString("<xmp:CreateDate>" + date + "</xmp:CreateDate>\n")
	b.WriteString("<xmp:ModifyDate>" + date + "</xmp:ModifyDate>\n")
	b.WriteString("<xmp:MetadataDate>" + date + "</xmp:MetadataDate>\n")
	b.WriteString("<xmp:CreatorTool>" + esc(Producer) + "</xmp:CreatorTool>\n")
	b.WriteString("<pdf:Producer>" + esc(Producer) + "</pdf:Producer>\n")
	if md.DocumentID != "" {
		b.WriteString("<xmpMM:DocumentID>urn:sohoa:document:" + esc(md.DocumentID) + "</xmpMM:DocumentID>\n")
	}
	b.WriteString("</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n")
	// Padding lets tools update the packet in place, as the XMP spec advises.
	b.WriteString(strings.Repeat(strings.Repeat(" ", 99)+"\n", 20))
	b.WriteString("<?xpacket end=\"w\"?>")
	return []byte(b.String())
}

func validDate(s string) bool {
	_, err := time.Parse("2006-01-02", s)
	return err == nil
}
