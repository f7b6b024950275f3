package extract

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

func TestDefaultPipelinesLoad(t *testing.T) {
	e := defaultEngine(t)
	var got []string
	for _, p := range e.Pipelines() {
		got = append(got, p.Name)
	}
	want := []string{"civil_status", "land", "administrative", "generic"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pipelines (-want +got):\n%s", diff)
	}
	if e.fallback == nil || e.fallback.id != "generic" {
		t.Errorf("fallback = %v, want generic", e.fallback)
	}
	// The files on disk are the embedded ones.
	disk, err := LoadDir("../../pipelines")
	if err != nil {
		t.Fatalf("LoadDir: %v", err)
	}
	if len(disk.Pipelines()) != len(e.Pipelines()) {
		t.Errorf("LoadDir found %d pipelines, Default %d", len(disk.Pipelines()), len(e.Pipelines()))
	}
	if h, ok := e.OCRHints("land_certificate"); !ok || strings.Join(h.Languages, "+") != "vie+eng" {
		t.Errorf("OCRHints(land_certificate) = %+v, %v", h, ok)
	}
}

const validFile = `pipeline: test
classes:
  - id: thing
    fallback: true
    fields:
      - {name: doc_number, kind: builtin, builtin: number_symbol, part: number}
`

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string // substrings, each must appear in the error
	}{
		{
			name: "bad regexp, normaliser, sensitivity, duplicate and unknown key",
			files: map[string]string{"land.yaml": `pipeline: land
classes:
  - id: land_certificate
    fallback: true
    cues:
      - {title: GIẤY CHỨNG NHẬN}
    fields:
      - {name: parcel_no, kind: anchor, labels: [Thửa đất số], normalize: token}
      - {name: map_sheet, kind: regex, pattern: '(Tờ bản đồ'}
      - {name: area_m2, kind: anchor, labels: [Diện tích], normalize: aera_m2}
      - {name: cccd, kind: regex, pattern: '\d{12}', sensitivity: public}
      - {name: parcel_no, kind: anchor, labels: [Số thửa]}
      - {name: x, kind: regex, pattern: 'a', sensitivity: topsecret}
`},
			want: []string{
				"land.yaml: classes[0].fields[1].pattern: invalid regexp",
				`land.yaml: classes[0].fields[2].normalize: unknown normaliser "aera_m2"`,
				"land.yaml: classes[0].fields[3].sensitivity: cccd is personal data and cannot be declared public",
				`land.yaml: classes[0].fields[4].name: duplicate field "parcel_no"`,
				`land.yaml: classes[0].fields[5].sensitivity: unknown sensitivity "topsecret"`,
			},
		},
		{
			name: "unknown keys with their paths",
			files: map[string]string{"a.yaml": `pipeline: a
colour: red
classes:
  - id: a
    fallback: true
    cues:
      - {title: X, wieght: 0.3}
    fields:
      - {name: doc_number, kind: builtin, builtin: number_symbol, part: number, normaliser: text}
`},
			want: []string{
				"a.yaml: colour: unknown key (line 2",
				"a.yaml: classes[0].cues[0].wieght: unknown key",
				"a.yaml: classes[0].fields[0].normaliser: unknown key",
			},
		},
		{
			name: "type error names the path",
			files: map[string]string{"a.yaml": `pipeline: a
classes:
  - id: a
    fallback: true
    priority: high
`},
			want: []string{"a.yaml: classes[0].priority: cannot unmarshal"},
		},
		{
			name: "kinds, builtins, zones, cues",
			files: map[string]string{"a.yaml": `pipeline: a
classes:
  - id: a
    fallback: true
  - id: b
    cues:
      - {title: X, phrase: Y}
      - {pattern: '(', weight: 0.2}
      - {phrase: Z, weight: 3}
    fields:
      - {name: f1, kind: magic}
      - {name: f2, kind: builtin, builtin: horoscope}
      - {name: f3, kind: builtin, builtin: signer, part: shoe}
      - {name: f4, kind: zone, zone: {top: 0.5, bottom: 0.2, left: 0, right: 1}}
      - {name: f5, kind: anchor}
      - {name: F6, kind: regex, pattern: x}
      - {name: f7, kind: regex, pattern: '(?P<v>x)', group: w}
      - {name: f8, kind: regex, pattern: x, pages: middle}
`},
			want: []string{
				"a.yaml: classes[1].cues[0]: exactly one of title, phrase, pattern, symbol_type, anchor is required (got 2)",
				"a.yaml: classes[1].cues[1].pattern: invalid regexp",
				"a.yaml: classes[1].cues[2].weight: 3 out of range",
				`a.yaml: classes[1].fields[0].kind: unknown kind "magic"`,
				`a.yaml: classes[1].fields[1].builtin: unknown builtin "horoscope"`,
				"a.yaml: classes[1].fields[2].part: builtin signer has parts",
				"a.yaml: classes[1].fields[3].zone: want 0 <= top < bottom <= 1",
				"a.yaml: classes[1].fields[4].labels: an anchor field needs at least one label",
				`a.yaml: classes[1].fields[5].name: "F6" must be lower case`,
				`a.yaml: classes[1].fields[6].group: pattern has no group named "w"`,
				`a.yaml: classes[1].fields[7].pages: "middle"`,
			},
		},
		{
			name: "duplicates across files and no fallback",
			files: map[string]string{
				"a.yaml": "pipeline: a\nclasses:\n  - id: x\n    cues: [{title: X}]\n",
				"b.yaml": "pipeline: a\nclasses:\n  - id: x\n    cues: [{title: Y}]\n",
			},
			want: []string{
				`b.yaml: pipeline: duplicate pipeline name "a" (also in a.yaml)`,
				`b.yaml: classes[0].id: duplicate class id "x" (also in a.yaml)`,
			},
		},
		{
			name:  "no fallback at all",
			files: map[string]string{"a.yaml": "pipeline: a\nclasses:\n  - id: x\n    cues: [{title: X}]\n"},
			want:  []string{"no class has fallback: true"},
		},
		{
			name:  "two fallbacks",
			files: map[string]string{"a.yaml": validFile, "b.yaml": strings.ReplaceAll(strings.ReplaceAll(validFile, "test", "test2"), "thing", "other")},
			want:  []string{"more than one fallback class"},
		},
		{
			name:  "syntax error",
			files: map[string]string{"a.yaml": "pipeline: [a\n"},
			want:  []string{"a.yaml: yaml:"},
		},
		{
			name:  "empty",
			files: map[string]string{"a.yaml": ""},
			want:  []string{"a.yaml: empty file"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for n, c := range tc.files {
				fsys[n] = &fstest.MapFile{Data: []byte(c)}
			}
			_, err := Load(fsys)
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestLoadDirNamesTheDirectory(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte("pipeline: x\nclasses:\n  - id: y\n    fallback: true\n    fields:\n      - {name: z, kind: regex, pattern: '['}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := LoadDir(dir)
	var le *LoadError
	if !errors.As(err, &le) {
		t.Fatalf("err = %v, want *LoadError", err)
	}
	if len(le.Problems) != 1 || !strings.Contains(le.Problems[0], "bad.yaml: classes[0].fields[0].pattern: invalid regexp") {
		t.Errorf("problems = %q", le.Problems)
	}
	if _, err := LoadDir(t.TempDir()); err == nil {
		t.Error("LoadDir of an empty directory succeeded")
	}
	if _, err := Load(fstest.MapFS{"ok.yaml": {Data: []byte(validFile)}}); err != nil {
		t.Errorf("valid file: %v", err)
	}
}
