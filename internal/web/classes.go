package web

import (
	"strings"

	"golang.org/x/text/unicode/norm"

	"github.com/sohoa/sohoa/internal/extract"
)

// classList returns the engine's document classes (Deps.Classes), none
// when no lister is set.
func (s *Server) classList() []extract.ClassInfo {
	if s.d.Classes == nil {
		return nil
	}
	return s.d.Classes.ClassList()
}

// option is a choice of a select element.
type option struct{ Value, Label string }

// optGroup is a labelled group of options (an optgroup element).
type optGroup struct {
	Label   string
	Options []option
}

// DocTypes lists the document classes for the search filter: the class IDs
// that the index holds, labelled in the page's language.
func (v *view) DocTypes() []option {
	out := make([]option, 0, len(v.classes))
	for _, c := range v.classes {
		out = append(out, option{c.ID, c.Label(v.Lang)})
	}
	return out
}

// ClassLabel names the class id in the page's language; an unknown id (a
// class removed from the pipelines, or a doc_type value from an older
// link) is shown as is.
func (v *view) ClassLabel(id string) string {
	if c, ok := extract.FindClass(v.classes, id); ok {
		return c.Label(v.Lang)
	}
	return id
}

// HitType is what a hit shows as its type: the class's label, followed by
// the document's own type word when that says more (an "other
// administrative document" that names itself "Chỉ thị").
func (v *view) HitType(class, docType string) string {
	label := v.ClassLabel(class)
	switch {
	case class == "":
		return docType
	case docType == "" || docType == class || equalFold(docType, label):
		return label
	}
	c, _ := extract.FindClass(v.classes, class)
	if equalFold(docType, c.Title) {
		return label
	}
	return label + " · " + docType
}

// uploadHints are the choices of the upload form's pipeline field: detect
// automatically, or for each pipeline (a group) any of its classes or one
// of them. The batch's pipeline field accepts a pipeline name or a class ID.
func (v *view) uploadHints() []optGroup {
	groups := []optGroup{{Options: []option{{"", v.T("upload.auto")}}}}
	for _, c := range v.classes {
		if g := &groups[len(groups)-1]; g.Options[0].Value != c.Pipeline {
			groups = append(groups, optGroup{Label: pipelineLabel(v.Lang, c.Pipeline),
				Options: []option{{c.Pipeline, v.T("upload.anyclass", pipelineLabel(v.Lang, c.Pipeline))}}})
		}
		g := &groups[len(groups)-1]
		g.Options = append(g.Options, option{c.ID, c.Label(v.Lang)})
	}
	return groups
}

// pipelineLabel names a pipeline: its message when the interface has one,
// else its name (a pipeline added by a YAML file).
func pipelineLabel(lang, name string) string {
	if _, ok := messages["pipeline."+name]; ok {
		return tr(lang, "pipeline."+name)
	}
	return name
}

// equalFold reports whether a and b are the same words, ignoring case and
// Unicode normal form.
func equalFold(a, b string) bool { return strings.EqualFold(norm.NFC.String(a), norm.NFC.String(b)) }
