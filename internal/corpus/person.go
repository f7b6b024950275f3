package corpus

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
	"unicode"
)

// person is a citizen with consistent identity data.
type person struct {
	name     string // "Nguyễn Văn An" (Vietnamese capitalisation)
	male     bool
	birth    time.Time
	province province // birth registration province, starts the CCCD
	cccd     string   // 12 digits
	cmnd     string   // 9 digits, old ID card
	address  string   // full residence address
	phone    string
}

// upperName is the name as printed on certificates: "NGUYỄN VĂN AN".
func (p person) upperName() string { return strings.ToUpper(p.name) }

// honorific is "Ông" or "Bà".
func (p person) honorific() string {
	if p.male {
		return "Ông"
	}
	return "Bà"
}

// birthDMY is the birth date as written on forms: "05/03/1998".
func (p person) birthDMY() string { return p.birth.Format("02/01/2006") }

// birthISO is the birth date as an ISO date.
func (p person) birthISO() string { return p.birth.Format("2006-01-02") }

// people draws persons and remembers every name and number it handed out,
// so that one corpus never reuses a citizen's value for another purpose
// (e.g. a signer who shares a citizen's name would defeat leak tests).
type people struct {
	rng   *rand.Rand
	names map[string]bool
	ids   map[string]bool
}

func newPeople(rng *rand.Rand) *people {
	return &people{rng: rng, names: map[string]bool{}, ids: map[string]bool{}}
}

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

// fullName draws an unused full name of the given sex.
func (g *people) fullName(male bool) string {
	for {
		var n string
		if male {
			n = pick(g.rng, surnames) + " " + pick(g.rng, maleMiddle) + " " + pick(g.rng, maleGiven)
		} else {
			n = pick(g.rng, surnames) + " " + pick(g.rng, femaleMiddle) + " " + pick(g.rng, femaleGiven)
		}
		if g.rng.IntN(6) == 0 { // some names carry two middle names
			mid := strings.Fields(n)
			extra := pick(g.rng, maleMiddle)
			if !male {
				extra = pick(g.rng, femaleMiddle)
			}
			if extra != mid[1] {
				n = mid[0] + " " + mid[1] + " " + extra + " " + mid[2]
			}
		}
		if !g.names[n] {
			g.names[n] = true
			return n
		}
	}
}

// digits returns n random decimal digits.
func (g *people) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + g.rng.IntN(10))
	}
	return string(b)
}

// CCCD builds a 12-digit citizen ID: province code, century/sex digit,
// two-digit birth year and six random digits (Thông tư 07/2016/TT-BCA).
func CCCD(provinceCode string, male bool, birthYear int, six string) string {
	century := 0
	switch {
	case birthYear >= 2100:
		century = 6
	case birthYear >= 2000:
		century = 2
	case birthYear < 1900:
		century = 8
	}
	if !male {
		century++
	}
	return fmt.Sprintf("%s%d%02d%s", provinceCode, century, birthYear%100, six)
}

// newPerson draws a citizen born between minYear and maxYear.
func (g *people) newPerson(male bool, minYear, maxYear int) person {
	p := person{male: male, name: g.fullName(male)}
	y := minYear + g.rng.IntN(maxYear-minYear+1)
	p.birth = time.Date(y, time.Month(1+g.rng.IntN(12)), 1+g.rng.IntN(28), 0, 0, 0, 0, time.UTC)
	// Most people in a Cà Mau archive were registered in Cà Mau or a neighbour.
	switch r := g.rng.IntN(10); {
	case r < 6:
		p.province = provinces[len(provinces)-1] // 096 Cà Mau
	case r < 8:
		p.province = provinces[len(provinces)-2] // 095 Bạc Liêu
	default:
		p.province = pick(g.rng, provinces[:])
	}
	for {
		p.cccd = CCCD(p.province.code, male, y, g.digits(6))
		p.cmnd = "38" + g.digits(7)
		p.phone = "0" + pick(g.rng, phonePrefixes) + g.digits(7)
		if !g.ids[p.cccd] && !g.ids[p.cmnd] && !g.ids[p.phone] {
			break
		}
	}
	g.ids[p.cccd], g.ids[p.cmnd], g.ids[p.phone] = true, true, true
	p.address = g.address()
	return p
}

// unit returns a commune and its district in Cà Mau.
func (g *people) unit() (district, commune) {
	d := pick(g.rng, caMauDistricts)
	return d, pick(g.rng, d.communes)
}

// address draws a residence address in Cà Mau province.
func (g *people) address() string {
	d, c := g.unit()
	return g.addressIn(d, c)
}

func (g *people) addressIn(d district, c commune) string {
	var first string
	switch c.kind {
	case "phường":
		first = fmt.Sprintf("Số %d, đường %s, khóm %d", 1+g.rng.IntN(320), pick(g.rng, streets), 1+g.rng.IntN(9))
	case "thị trấn":
		first = fmt.Sprintf("Khóm %d", 1+g.rng.IntN(9))
	default:
		if g.rng.IntN(2) == 0 {
			first = fmt.Sprintf("Ấp %d", 1+g.rng.IntN(12))
		} else {
			first = "Ấp " + pick(g.rng, hamlets)
		}
	}
	return fmt.Sprintf("%s, %s %s, %s %s, tỉnh Cà Mau", first, c.kind, c.name, d.kind, d.name)
}

// capitalizeFirst upper-cases the first letter of s.
func capitalizeFirst(s string) string {
	for i, r := range s {
		return string(unicode.ToUpper(r)) + s[i+len(string(r)):]
	}
	return s
}

// renumber gives p a new unused CCCD for its (possibly changed) province.
func (g *people) renumber(p person) string {
	for {
		id := CCCD(p.province.code, p.male, p.birth.Year(), g.digits(6))
		if !g.ids[id] {
			g.ids[id] = true
			return id
		}
	}
}
