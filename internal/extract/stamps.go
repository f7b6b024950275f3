package extract

import (
	"regexp"
	"strings"

	"github.com/sohoa/sohoa/internal/domain"
)

// stamps is what detectStamps found.
type stamps struct {
	secrecy    string
	conf       float64
	page       domain.PageNo
	accessMode bool
	urgency    string
	uconf      float64
	upage      domain.PageNo
}

// secrecyLevels and urgencyLevels map stamp texts (key form) to their
// canonical spelling, most severe first (vocab/stamps.yaml).
var secrecyLevels, urgencyLevels = voc.secrecy, voc.urgency

var (
	reSegments   = regexp.MustCompile(`[ \t]{2,}|\t|\|`)
	reDoMat      = regexp.MustCompile(`(?i)(?:^|[^\pL])(?:do|muc do)[ \t]*mat[ \t]*[:.][ \t]*(tuyet[ \t]*mat|toi[ \t]*mat|mat)\b`)
	reAccessMode = regexp.MustCompile(`(?i)(?:che[ \t]*do[ \t]*(?:su[ \t]*dung|truy[ \t]*cap|tiep[ \t]*can)|access[ \t]*mode)[ \t]*[:.]?[ \t]*0?3\b`)
	reDoKhan     = regexp.MustCompile(`(?i)(?:^|[^\pL])do[ \t]*khan[ \t]*[:.][ \t]*(hoa[ \t]*toc|thuong[ \t]*khan|khan)\b`)
	reTrailStamp = regexp.MustCompile(`[0-9/\-]\S*[ \t]+((?:TUYET|TOI)?[ \t]*MAT|HOA[ \t]*TOC|THUONG[ \t]*KHAN|KHAN)[ \t]*$`)
)

// secRank orders secrecy levels: 0 for none, higher for more severe.
func secRank(name string) int { return levelRank(name, secrecyLevels) }

// urgRank orders urgency levels: 0 for none, higher for more urgent.
func urgRank(name string) int { return levelRank(name, urgencyLevels) }

// levelRank ranks a level's name by its place in levels (most severe
// first; a name may have several texts): 1 for the least severe, 0 when
// absent.
func levelRank(name string, levels []stampLevel) int {
	rank, last := 0, ""
	for i := len(levels) - 1; i >= 0; i-- {
		if levels[i].name != last {
			rank++
			last = levels[i].name
		}
		if levels[i].name == name {
			return rank
		}
	}
	return 0
}

// detectStamps finds secrecy and urgency marks. A stamp is a short,
// stand-alone segment in capitals ("TỐI MẬT" on its own line or box), never
// the word "mật" inside a sentence such as "bí mật nhà nước"; "Độ mật: ..."
// and access mode 03 count too.
func detectStamps(d *doc) stamps {
	var st stamps
	setSec := func(name string, conf float64, pg domain.PageNo) {
		if secRank(name) > secRank(st.secrecy) {
			st.secrecy, st.conf, st.page = name, conf, pg
		}
	}
	setUrg := func(name string, conf float64, pg domain.PageNo) {
		if urgRank(name) > urgRank(st.urgency) {
			st.urgency, st.uconf, st.upage = name, conf, pg
		}
	}
	for _, p := range d.pages {
		for i, l := range p.lines {
			raw := p.lineText(i)
			if strings.TrimSpace(raw) == "" {
				continue
			}
			conf := p.conf(l.start, l.end)
			for _, seg := range reSegments.Split(raw, -1) {
				seg = strings.TrimSpace(seg)
				if seg == "" || !mostlyUpper(seg) {
					continue
				}
				k := lineKey(seg)
				if name, ok := matchLevel(k, secrecyLevels); ok && notMat(seg) {
					setSec(name, conf, p.no)
				}
				if name, ok := matchLevel(k, urgencyLevels); ok {
					setUrg(name, conf, p.no)
				}
			}
			f := fold(raw)
			if m := reTrailStamp.FindStringSubmatch(strings.TrimSpace(f)); m != nil && mostlyUpper(m[1]) {
				k := lineKey(m[1])
				if name, ok := matchLevel(k, secrecyLevels); ok && notMat(raw) {
					setSec(name, conf*0.9, p.no)
				}
				if name, ok := matchLevel(k, urgencyLevels); ok {
					setUrg(name, conf*0.9, p.no)
				}
			}
			if m := reDoMat.FindStringSubmatch(f); m != nil {
				if name, ok := matchLevel(key(m[1]), secrecyLevels); ok {
					setSec(name, conf, p.no)
				}
			}
			if reAccessMode.MatchString(f) {
				if st.secrecy == "" {
					st.accessMode = true
				}
				setSec("MẬT", conf, p.no)
			}
			if m := reDoKhan.FindStringSubmatch(f); m != nil {
				if name, ok := matchLevel(key(m[1]), urgencyLevels); ok {
					setUrg(name, conf, p.no)
				}
			}
		}
	}
	if st.secrecy != "" && st.accessMode {
		// A real stamp found too: report the stamp.
		st.accessMode = secRank(st.secrecy) == 1 && !hasStamp(d)
	}
	return st
}

func hasStamp(d *doc) bool {
	for _, p := range d.pages {
		for i := range p.lines {
			for _, seg := range reSegments.Split(p.lineText(i), -1) {
				if _, ok := matchLevel(lineKey(seg), secrecyLevels); ok && mostlyUpper(seg) && notMat(seg) {
					return true
				}
			}
		}
	}
	return false
}

// matchLevel matches a segment in key form against stamp texts, allowing a
// single OCR error in the longer ones.
func matchLevel(k string, levels []stampLevel) (string, bool) {
	if k == "" || len(k) > 20 {
		return "", false
	}
	for _, l := range levels {
		if k == l.key {
			return l.name, true
		}
	}
	for _, l := range levels {
		if len(l.key) >= 7 && levenshtein(k, l.key) <= 1 {
			return l.name, true
		}
	}
	return "", false
}

// notMat reports whether s does not spell "MẶT"/"MÁT" (face, cool) rather
// than "MẬT": an A carrying a breve or a tone without circumflex is not a
// secrecy stamp. OCR that dropped every mark still counts as MẬT.
func notMat(s string) bool {
	return !strings.ContainsAny(s, "ẶẠÁÀẢÃĂẮẰẲẴặạáàảãăắằẳẵ")
}

// marksDoc builds a document of the pages' Marks readings, or nil when no
// page has one.
func marksDoc(pages []domain.Page) *doc {
	var d *doc
	for i := range pages {
		if strings.TrimSpace(pages[i].Marks) == "" {
			continue
		}
		if d == nil {
			d = &doc{}
		}
		d.pages = append(d.pages, preparePage(&domain.Page{No: pages[i].No, Text: pages[i].Marks}))
	}
	return d
}

// merge keeps the higher secrecy and urgency of two detections.
func (st stamps) merge(o stamps) stamps {
	if secRank(o.secrecy) > secRank(st.secrecy) {
		st.secrecy, st.conf, st.page, st.accessMode = o.secrecy, o.conf, o.page, o.accessMode
	}
	if urgRank(o.urgency) > urgRank(st.urgency) {
		st.urgency, st.uconf, st.upage = o.urgency, o.uconf, o.upage
	}
	return st
}
