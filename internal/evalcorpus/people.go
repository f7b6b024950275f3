package evalcorpus

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// person is an invented citizen.
type person struct {
	name    string
	male    bool
	birth   time.Time
	cccd    string
	address string
	phone   string
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// newPerson invents a citizen of province p born between the years.
func newPerson(r *rand.Rand, p province, male bool, from, to int) person {
	var name string
	if male {
		name = pick(r, surnames) + " " + pick(r, middleMale) + " " + pick(r, givenMale)
	} else {
		name = pick(r, surnames) + " " + pick(r, middleFemale) + " " + pick(r, givenFemale)
	}
	if r.IntN(5) == 0 { // a two-syllable middle part
		name = strings.Replace(name, " ", " "+pick(r, []string{"Văn", "Thị", "Hoàng", "Ngọc"})+" ", 1)
		if male {
			name = strings.Replace(name, " Thị ", " Văn ", 1)
		} else {
			name = strings.Replace(name, " Văn ", " Thị ", 1)
		}
	}
	birth := time.Date(from+r.IntN(to-from+1), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
	century := 0
	if birth.Year() >= 2000 {
		century = 2
	}
	if !male {
		century++
	}
	cccd := fmt.Sprintf("%s%d%02d%06d", p.code, century, birth.Year()%100, r.IntN(1000000))
	phone := pick(r, []string{"091", "098", "035", "077", "086"}) + fmt.Sprintf("%07d", r.IntN(10000000))
	return person{name: name, male: male, birth: birth, cccd: cccd, address: address(r, p), phone: phone}
}

// address is a residence in p, before or after the 2025 reorganisation.
func address(r *rand.Rand, p province) string {
	if r.IntN(4) == 0 {
		return capFirst(pick(r, []string{"thôn Tân Lập", "tổ dân phố 4", "ấp Phú Lợi", "khu phố 2"})) + ", " + pick(r, p.communes2025) + ", " + p.kind + " " + p.name
	}
	d := pick(r, p.districts)
	head := capFirst(pick(r, d.hamlets))
	if r.IntN(3) == 0 {
		head = fmt.Sprintf("Số %d đường %s", 3+r.IntN(240), pick(r, streets))
	}
	return head + ", " + pick(r, d.communes) + ", " + d.kind + " " + d.name + ", " + p.kind + " " + p.name
}

func (p person) dmy() string { return p.birth.Format("02/01/2006") }
func (p person) iso() string { return p.birth.Format("2006-01-02") }

// title is "Ông" or "Bà".
func (p person) title() string {
	if p.male {
		return "Ông"
	}
	return "Bà"
}

func capFirst(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return s
	}
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

func lowerFirst(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return s
	}
	r[0] = unicode.ToLower(r[0])
	return string(r)
}

// upper is Vietnamese upper case.
func upper(s string) string { return strings.ToUpper(s) }

// titleCase capitalises every word ("NGUYEN VAN AN" -> "Nguyen Van An").
func titleCase(s string) string {
	ws := strings.Fields(strings.ToLower(s))
	for i, w := range ws {
		ws[i] = capFirst(w)
	}
	return strings.Join(ws, " ")
}

// fold removes Vietnamese diacritics (đ -> d), as typed on a keyboard
// without a Vietnamese input method.
func fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, _ := transform.String(t, s)
	return strings.NewReplacer("đ", "d", "Đ", "D").Replace(out)
}

// viDate is "ngày 05 tháng 02 năm 2024" (NĐ 30: zero before days below 10
// and months below 3).
func viDate(t time.Time) string {
	return fmt.Sprintf("ngày %s tháng %s năm %d", dayStr(t), monthStr(t), t.Year())
}

func dayStr(t time.Time) string { return fmt.Sprintf("%02d", t.Day()) }

func monthStr(t time.Time) string {
	if t.Month() < 3 {
		return fmt.Sprintf("%02d", int(t.Month()))
	}
	return fmt.Sprint(int(t.Month()))
}

// groupThousands writes 1250 as "1.250".
func groupThousands(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	return b.String()
}
