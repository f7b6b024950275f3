package extract

import (
	"sort"
	"strings"

	"github.com/sohoa/sohoa/internal/domain"
	"github.com/sohoa/sohoa/internal/pii"
)

// mentionFields are the detector's kinds kept as mentions, each under the
// field whose blind index a lookup uses. Bare dates are left out: without a
// person they say nothing a lookup needs.
var mentionFields = map[pii.Kind]string{
	pii.Name: "person_names", pii.CCCD: "cccd", pii.CMND: "cmnd", pii.Passport: "passport",
	pii.Phone: "phones", pii.BirthDate: "birth_dates", pii.Address: "addresses",
}

// mentionsOf returns the values of the detector's spans on the pages, by
// field name: the people of an annex table, of a translation or of a letter,
// whatever the class extracted. They are personal: they belong in the
// encrypted record and its blind index, never in the search index's text or
// public fields. Values are trimmed, their spaces collapsed, each listed
// once, sorted.
func mentionsOf(pages []domain.Page, detected []Span) map[string][]string {
	text := map[domain.PageNo]string{}
	for _, p := range pages {
		if _, ok := text[p.No]; !ok {
			text[p.No] = p.Text
		}
	}
	seen := map[string]bool{}
	out := map[string][]string{}
	for _, s := range detected {
		field, ok := mentionFields[pii.Kind(s.Field)]
		t := text[s.Page]
		if !ok || s.End > len(t) {
			continue
		}
		v := strings.Join(strings.Fields(t[s.Start:s.End]), " ")
		if v == "" || seen[field+"\x00"+v] {
			continue
		}
		seen[field+"\x00"+v] = true
		out[field] = append(out[field], v)
	}
	for _, vs := range out {
		sort.Strings(vs)
	}
	return out
}

// ScrubPublic replaces, in the public fields other than the signer's, every
// occurrence of a mentioned personal value with its placeholder, so that a
// subject such as "Bên ủy quyền: Kiều Kim Mai" reaches the index as "Bên ủy
// quyền: [họ tên]". The signer of an official act stays public.
func ScrubPublic(fields map[string]Field, mentions map[string][]string) {
	var vals []protectedValue
	for field, vs := range mentions {
		for _, v := range vs {
			vals = append(vals, protectedValue{field: field, sens: domain.Personal, value: v})
		}
	}
	if len(vals) > 0 {
		scrubPublicFields(fields, vals)
	}
}
