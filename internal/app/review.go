package app

import (
	"slices"

	"github.com/sohoa/sohoa/internal/api"
	"github.com/sohoa/sohoa/internal/extract"
)

// reviewThreshold is the field confidence below which a value goes to the
// review queue: review.confidence_threshold when set, otherwise the
// extractor's calibrated threshold (pipelines/confidence.yaml), above which
// its values were right at least 97 % of the time on the evaluation data.
func reviewThreshold(cfg Config, e *extract.Engine) float64 {
	if t := cfg.Review.ConfidenceThreshold; t > 0 {
		return t
	}
	if e != nil {
		return e.ConfidenceThreshold()
	}
	return api.DefaultConfidenceThreshold
}

// fieldValidator checks a reviewer's corrections with the API's format
// checks of what a person types (ISO dates, digits of ID numbers) and the
// extractor's structural validators (refusing).
type fieldValidator struct{}

// refusing are the extractor's validators that a correction must pass:
// the structure of a value, which a person cannot know better than the
// rule. The others (a name opening with an unlisted family name, a symbol
// without the issuer's abbreviation, an implausible area, a CCCD whose
// birth year differs from a birth date that may itself be wrong) are
// doubts about machine reading: a reviewer who looked at the page decides.
var refusing = []string{
	extract.ReasonCCCDLength, extract.ReasonCCCDProvince, extract.ReasonCCCDCentury,
	extract.ReasonCMNDLength,
	extract.ReasonDateInvalid, extract.ReasonDateFuture, extract.ReasonDateTooEarly,
	extract.ReasonSymbolGrammar, extract.ReasonNumberGrammar,
	extract.ReasonAreaNotNumber, extract.ReasonParcelNotNumber, extract.ReasonSheetNotNumber,
}

func (fieldValidator) ValidateField(name, value string, others map[string]string) []string {
	codes := api.LocalValidator{}.ValidateField(name, value, others)
	for _, c := range extract.ValidateField(name, value, others) {
		if slices.Contains(refusing, c) && !slices.Contains(codes, c) {
			codes = append(codes, c)
		}
	}
	return codes
}

func (fieldValidator) ReasonText(code, lang string) string {
	if t := extract.ReasonText(code, lang); t != code {
		return t
	}
	return api.LocalValidator{}.ReasonText(code, lang)
}
