package corpus

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"os"
	"path/filepath"
)

// Output formats understood by WriteCorpus.
const (
	FormatPDF  = "pdf"
	FormatTIFF = "tiff"
	FormatPNG  = "png"
	FormatJPEG = "jpeg"
)

// IndexEntry is one written document file in index.json.
type IndexEntry struct {
	ID     string   `json:"id"`
	Class  string   `json:"class"`
	Format string   `json:"format"`
	File   string   `json:"file"`            // the document, or its first page for png/jpeg
	Files  []string `json:"files,omitempty"` // every page file for png/jpeg
	Truth  string   `json:"truth"`           // the truth JSON file
	Pages  int      `json:"pages"`
	Secret bool     `json:"secret"`
}

// WriteCorpus writes every document in every format to dir (created if
// missing) with WriteDocument, then index.json listing them all with
// WriteIndex. Formats default to pdf. Safe for concurrent use on different
// directories.
func WriteCorpus(dir string, docs []Document, formats []string) error {
	index := []IndexEntry{}
	for _, d := range docs {
		entries, err := WriteDocument(dir, d, formats)
		if err != nil {
			return err
		}
		index = append(index, entries...)
	}
	return WriteIndex(dir, index)
}

// WriteDocument writes one document to dir (created if missing) in each
// format: "<id>.pdf", "<id>.tiff", "<id>-p<N>.png" or "<id>-p<N>.jpg", each
// with a truth file "<id>.<format>.json" (Truth with File, Files and Format
// set; paths relative to dir). Formats default to pdf. Each file is written
// to a temporary name and renamed. It returns the index entries.
func WriteDocument(dir string, d Document, formats []string) ([]IndexEntry, error) {
	if len(formats) == 0 {
		formats = []string{FormatPDF}
	}
	for _, f := range formats {
		switch f {
		case FormatPDF, FormatTIFF, FormatPNG, FormatJPEG:
		default:
			return nil, fmt.Errorf("write corpus: unknown format %q (want pdf, tiff, png or jpeg)", f)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("write corpus: %w", err)
	}
	dpi := d.Truth.DPI
	if dpi == 0 {
		dpi = 300
	}
	var index []IndexEntry
	for _, f := range formats {
		t := d.Truth
		t.Format = f
		t.Files = nil
		var buf bytes.Buffer
		switch f {
		case FormatPDF, FormatTIFF:
			t.File = d.Truth.ID + "." + f
			var err error
			if f == FormatPDF {
				err = WritePDF(&buf, d.Pages, dpi)
			} else {
				err = WriteTIFF(&buf, d.Pages, dpi)
			}
			if err != nil {
				return nil, fmt.Errorf("write corpus %s: %w", d.Truth.ID, err)
			}
			if err := writeFile(filepath.Join(dir, t.File), buf.Bytes()); err != nil {
				return nil, err
			}
		default:
			ext := map[string]string{FormatPNG: "png", FormatJPEG: "jpg"}[f]
			for i, p := range d.Pages {
				name := fmt.Sprintf("%s-p%d.%s", d.Truth.ID, i+1, ext)
				buf.Reset()
				if err := writePage(&buf, f, p, dpi); err != nil {
					return nil, fmt.Errorf("write corpus %s page %d: %w", d.Truth.ID, i+1, err)
				}
				if err := writeFile(filepath.Join(dir, name), buf.Bytes()); err != nil {
					return nil, err
				}
				t.Files = append(t.Files, name)
			}
			if len(t.Files) == 0 {
				return nil, fmt.Errorf("write corpus %s: no pages", d.Truth.ID)
			}
			t.File = t.Files[0]
		}
		truthName := d.Truth.ID + "." + f + ".json"
		js, err := json.MarshalIndent(t, "", "  ")
		if err != nil {
			return nil, fmt.Errorf("write corpus %s: %w", d.Truth.ID, err)
		}
		if err := writeFile(filepath.Join(dir, truthName), append(js, '\n')); err != nil {
			return nil, err
		}
		index = append(index, IndexEntry{ID: t.ID, Class: t.Class, Format: f, File: t.File, Files: t.Files,
			Truth: truthName, Pages: len(d.Pages), Secret: t.Secret})
	}
	return index, nil
}

// WriteIndex writes index.json, the list of written files, to dir.
func WriteIndex(dir string, index []IndexEntry) error {
	if index == nil {
		index = []IndexEntry{}
	}
	js, err := json.MarshalIndent(index, "", "  ")
	if err != nil {
		return fmt.Errorf("write corpus index: %w", err)
	}
	return writeFile(filepath.Join(dir, "index.json"), append(js, '\n'))
}

func writePage(buf *bytes.Buffer, format string, p image.Image, dpi int) error {
	if format == FormatPNG {
		return WritePNG(buf, p, dpi)
	}
	return WriteJPEG(buf, p, dpi, 0)
}

func writeFile(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return fmt.Errorf("write corpus: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write corpus: %w", err)
	}
	return nil
}

// ReadTruth reads a truth JSON file written by WriteCorpus.
func ReadTruth(path string) (Truth, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Truth{}, fmt.Errorf("read truth: %w", err)
	}
	var t Truth
	if err := json.Unmarshal(b, &t); err != nil {
		return Truth{}, fmt.Errorf("read truth %s: %w", path, err)
	}
	return t, nil
}
