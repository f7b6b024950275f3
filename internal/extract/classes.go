package extract

// ClassInfo is one document class as people see it: the vocabulary that the
// index, the API, the web filters and the upload form share. ID is what is
// stored and filtered on; Title (Vietnamese) and TitleEN (English) are the
// labels, both from the class's YAML entry (title, title_en).
type ClassInfo struct {
	ID       string `json:"id"`
	Pipeline string `json:"pipeline"`
	Title    string `json:"title"`
	TitleEN  string `json:"title_en"`
}

// Label returns the class's label in lang ("en" for English, anything else
// for Vietnamese). A class without an English title, or without any title,
// falls back to the Vietnamese title and then to its ID.
func (c ClassInfo) Label(lang string) string {
	if lang == "en" && c.TitleEN != "" {
		return c.TitleEN
	}
	if c.Title != "" {
		return c.Title
	}
	return c.ID
}

// ClassList returns every class of every pipeline, pipelines in priority
// order and classes in the order of their file.
func (e *Engine) ClassList() []ClassInfo {
	var out []ClassInfo
	for _, p := range e.pipelines {
		for _, c := range p.classes {
			out = append(out, ClassInfo{ID: c.id, Pipeline: p.Name, Title: c.title, TitleEN: c.titleEN})
		}
	}
	return out
}

// FindClass returns the class of list whose ID is id.
func FindClass(list []ClassInfo, id string) (ClassInfo, bool) {
	for _, c := range list {
		if c.ID == id {
			return c, true
		}
	}
	return ClassInfo{}, false
}
