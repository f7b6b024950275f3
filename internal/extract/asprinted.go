package extract

// A document typed without diacritics keeps its values as printed: the
// engine does not restore marks the page never had, and the marks OCR put
// on a few words of such a page (a stray "tính" for "tinh") are noise, not
// text. A page whose OCR lost marks on some words still has them on most
// others (accentless tells the two apart), and there the repairs restore
// them.

// engineNamed are the fields whose values are the engine's names for what
// it recognised (the class's type word, the vocabulary's purposes), not text
// read on the page: they keep their spelling on any document.
var engineNamed = map[string]bool{"doc_type": true, "secrecy": true, "urgency": true, "land_purpose": true}

// keepAsPrinted takes the diacritics off every value read from the page of
// a document typed without them.
func keepAsPrinted(fields map[string]Field) {
	for name, f := range fields {
		if engineNamed[name] {
			continue
		}
		f.Value = fold(f.Value)
		if len(f.Values) > 0 {
			vs := make([]string, len(f.Values))
			for i, v := range f.Values {
				vs[i] = fold(v)
			}
			f.Values = vs
		}
		fields[name] = f
	}
}
