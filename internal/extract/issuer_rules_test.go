package extract

import "testing"

// The header of an English translation of a civil-status record: the
// body's name wraps onto a second line beside the English motto, which is
// never part of it, and the possessive "PEOPLE'S" is a word of the name.
func TestIssuerEnglishTranslation(t *testing.T) {
	tests := []struct {
		name, head, want string
	}{
		{"motto on its own lines", "PEOPLE'S COMMITTEE OF\nPHU XUYEN COMMUNE\n\nSOCIALIST REPUBLIC OF VIETNAM\nIndependence - Freedom - Happiness\n", "PEOPLE'S COMMITTEE OF PHU XUYEN COMMUNE"},
		{"motto glued to both lines", "PEOPLE'S COMMITTEE OF AN HOA SOCIALIST REPUBLIC OF VIETNAM\nWARD Independence - Freedom - Happiness\n", "PEOPLE'S COMMITTEE OF AN HOA WARD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := tt.head + "\nNo.: 242/TLKS-BS\n\nEXTRACT OF BIRTH REGISTRATION\n(Translation from Vietnamese)\n\nFull name: MAI DINH SANG\nDate of birth: 21/10/1999\n"
			r := extractText(t, text, "")
			if got := r.Fields["issuer"].Value; got != tt.want {
				t.Errorf("issuer = %q, want %q", got, tt.want)
			}
		})
	}
}
