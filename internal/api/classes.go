package api

import (
	"net/http"
	"strings"

	"github.com/sohoa/sohoa/internal/extract"
	"github.com/sohoa/sohoa/internal/search"
)

// ClassLister lists the document classes of the extraction engine, the one
// vocabulary of the index, the API and the web interface. *extract.Engine
// satisfies it.
type ClassLister interface {
	ClassList() []extract.ClassInfo
}

// classList returns the engine's classes, none when no lister is set.
func classList(l ClassLister) []extract.ClassInfo {
	if l == nil {
		return nil
	}
	return l.ClassList()
}

// SetType sets the type filter of q from the value of a "type" parameter: a
// class ID (what the web filters send, extract.ClassInfo.ID) filters on the
// class; any other value filters on doc_type exactly, as the parameter
// always has (the type a document names itself, e.g. "Quyết định").
func SetType(q *search.Query, classes []extract.ClassInfo, v string) {
	v = strings.TrimSpace(v)
	if v == "" {
		return
	}
	if _, ok := extract.FindClass(classes, v); ok {
		q.Class = v
		return
	}
	q.DocType = v
}

// classView is one class as GET /api/v1/classes shows it: Label is the
// title in the caller's language (Accept-Language).
type classView struct {
	extract.ClassInfo
	Label string `json:"label"`
}

// getClasses lists the document classes: the IDs the type filter and the
// "class" facet use, with their Vietnamese and English titles.
func (s *Server) getClasses(w http.ResponseWriter, r *http.Request) error {
	l := lang(r)
	list := classList(s.classes)
	out := make([]classView, 0, len(list))
	for _, c := range list {
		out = append(out, classView{ClassInfo: c, Label: c.Label(l)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"classes": out})
	return nil
}
