package evalcorpus

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"math/rand/v2"
	"strings"
)

//go:embed templates/*.html
var templateFS embed.FS

var docTemplate = template.Must(template.ParseFS(templateFS, "templates/doc.html"))

// docPage is what templates/doc.html renders: every part is optional.
type docPage struct {
	Font       string
	Size       float64 // points
	HeadSize   float64 // points, the header table (NĐ 30: 12-13)
	Leading    float64
	MarginTop  int // mm
	MarginLeft int // mm
	LeftWidth  int // per cent of the header's left column
	SignGap    int // px between the authority lines and the signer's name
	// PageNumbers prints the page number at the top centre from the
	// second page on (NĐ 30).
	PageNumbers bool

	Stamp   *stamp
	Copy    *copyBlock
	Head    *header
	Top     []line // lines above the title (forms)
	Title   []string
	Subject []string
	To      string
	ToList  []string
	Blocks  []block
	Sign    *signature
	Annex   *grid
	Foot    string
}

// header is the NĐ 30 header: issuer left, motto right.
type header struct {
	Parent    []string
	Issuer    []string
	Star      bool // Party documents put a star under the issuer
	Number    template.HTML
	Vv        []string
	Marks     []string
	Motto     []string
	PlaceDate template.HTML
}

type line struct{ Class, Text string }

// block is a paragraph, a form table or a grid; Break starts a new page.
type block struct {
	Break bool
	Class string
	Para  string
	Rows  [][]string
	Grid  *grid
}

type grid struct {
	Title []string
	Ref   string
	Head  []string
	Rows  [][]string
}

type signature struct {
	Break      bool
	PlaceDate  template.HTML
	Authority  []string
	Note       string
	Signer     string
	Recipients []string
	Below      bool
	Left       []template.HTML
}

// copyBlock is the certification of a copy (NĐ 30 Appendix I, part III):
// the copying agency's own number, date and signer.
type copyBlock struct {
	Top        bool
	Kind       string // SAO Y, BẢN SAO, SAO Y BẢN CHÍNH, SAO LỤC
	Agency     []string
	Agency0    string
	Number     string
	PlaceDate  string
	Authority  []string
	Signer     string
	Recipients []string
}

// stamp is a received stamp (dấu "ĐẾN") printed over the header.
type stamp struct {
	Left, Top, Rotate float64
	Lines             []template.HTML
}

// render executes the template; accentless folds every letter.
func (p *docPage) render(accentless bool) (string, error) {
	var b bytes.Buffer
	if err := docTemplate.Execute(&b, p); err != nil {
		return "", fmt.Errorf("evalcorpus: template: %w", err)
	}
	s := b.String()
	if accentless {
		s = fold(s)
	}
	return s, nil
}

// handwritten writes s as if filled in by hand with a blue pen: each
// character jittered in size, angle and baseline.
func handwritten(r *rand.Rand, s string) template.HTML {
	var b strings.Builder
	b.WriteString(`<span class="hw">`)
	for _, c := range s {
		fmt.Fprintf(&b, `<span style="transform: rotate(%.1fdeg) translateY(%.1fpx) scale(%.2f, %.2f); margin-right: %.1fpx">%s</span>`,
			r.Float64()*16-8, r.Float64()*4-2, 0.9+r.Float64()*0.3, 0.9+r.Float64()*0.35, r.Float64()*2.5, template.HTMLEscapeString(string(c)))
	}
	b.WriteString(`</span>`)
	return template.HTML(b.String())
}
