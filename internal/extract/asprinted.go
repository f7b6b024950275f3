package extract

import "slices"

// A document typed without diacritics keeps its values as printed: the
// engine does not restore marks the page never had, and the marks OCR put
// on a few words of such a page (a stray "tính" for "tinh") are noise, not
// text. A page whose OCR lost marks on some words still has them on most
// others (accentless tells the two apart), and there the repairs restore
// them.

// engineNamed are the fields whose values are the engine's names for what
// it recognised (the class's type word), not text
// read on the page: they keep their spelling on any document.
var engineNamed = map[string]bool{"doc_type": true, "secrecy": true, "urgency": true}

// keepAsPrinted takes the diacritics off every value read from the page of
// a document typed without them. The repairs have run (a misread slash,
// a place's spelling); a value they changed only in its marks keeps the
// confidence it had as read (read holds the fields before the repairs).
func keepAsPrinted(fields, read map[string]Field) {
	for name, f := range fields {
		if engineNamed[name] {
			continue
		}
		f.Value = fold(f.Value)
		f.Values = foldAll(f.Values)
		if was, ok := read[name]; ok && f.Value == fold(was.Value) && slices.Equal(f.Values, foldAll(was.Values)) {
			f.Confidence = was.Confidence
		}
		fields[name] = f
	}
}

// foldAll folds each value of vs.
func foldAll(vs []string) []string {
	if len(vs) == 0 {
		return nil
	}
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = fold(v)
	}
	return out
}
