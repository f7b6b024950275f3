package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/draw"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	blevesearch "github.com/blevesearch/bleve/v2"
	"github.com/redis/go-redis/v9"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/sohoa/sohoa/internal/app"
	"github.com/sohoa/sohoa/internal/app/apptest"
	"github.com/sohoa/sohoa/internal/client"
	"github.com/sohoa/sohoa/internal/corpus"
)

// privacyDir holds the personal-data corpus: <name>.txt is a document's
// text (UTF-8 NFC, pages separated by a form-feed line) and <name>.json
// lists its personal values, exactly as in the text, and public words that
// must survive.
const privacyDir = "../../testdata/privacy"

// privacyDPI is the resolution the corpus pages are rendered at.
const privacyDPI = 250

// privacyDoc is one document of the corpus.
type privacyDoc struct {
	Name     string
	Pages    []string
	Half     string   `json:"half"`
	Personal []string `json:"personal"`
	Public   []string `json:"public"`
}

func loadPrivacyCorpus(t *testing.T) []privacyDoc {
	t.Helper()
	texts, err := filepath.Glob(filepath.Join(privacyDir, "*.txt"))
	if err != nil || len(texts) == 0 {
		t.Fatalf("no corpus in %s: %v", privacyDir, err)
	}
	var docs []privacyDoc
	for _, p := range texts {
		name := strings.TrimSuffix(filepath.Base(p), ".txt")
		text, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		meta, err := os.ReadFile(filepath.Join(privacyDir, name+".json"))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		d := privacyDoc{Name: name}
		if err := json.Unmarshal(meta, &d); err != nil {
			t.Fatalf("%s.json: %v", name, err)
		}
		if !norm.NFC.IsNormalString(string(text)) {
			t.Errorf("%s.txt is not NFC", name)
		}
		for _, page := range regexp.MustCompile(`\n?\f\n?`).Split(string(text), -1) {
			if strings.TrimSpace(page) != "" {
				d.Pages = append(d.Pages, page)
			}
		}
		for _, v := range d.Personal {
			if !strings.Contains(string(text), v) {
				t.Errorf("%s: personal value %s is not in the text", name, maskValue(v))
			}
		}
		docs = append(docs, d)
	}
	return docs
}

// privacyFont is the serif the corpus generator prefers, with the
// Vietnamese letters.
func privacyFont(t *testing.T) *opentype.Font {
	t.Helper()
	for _, p := range []string{
		"/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
		"/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
		"/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf",
	} {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		f, err := opentype.Parse(b)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		return f
	}
	t.Fatal("no serif font with Vietnamese letters installed (fonts-liberation2, fonts-dejavu or fonts-noto)")
	return nil
}

// renderPage draws text on a white A4 page at dpi in 11 pt type, wrapping
// long lines.
func renderPage(t *testing.T, f *opentype.Font, text string, dpi int) image.Image {
	t.Helper()
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: 11, DPI: float64(dpi), Hinting: font.HintingFull})
	if err != nil {
		t.Fatal(err)
	}
	defer face.Close()
	mm := func(v float64) int { return int(v / 25.4 * float64(dpi)) }
	w, h, margin := mm(210), mm(297), mm(20)
	img := image.NewGray(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	d := &font.Drawer{Dst: img, Src: image.Black, Face: face}
	lineHeight := face.Metrics().Height.Ceil() * 14 / 10
	y := margin + lineHeight
	width := fixed.I(w - 2*margin)
	for _, line := range strings.Split(text, "\n") {
		for _, l := range wrapLine(d, line, width) {
			if y > h-margin {
				t.Fatalf("page text does not fit on an A4 page: %.40q...", text)
			}
			d.Dot = fixed.P(margin, y)
			d.DrawString(l)
			y += lineHeight
		}
	}
	return img
}

func wrapLine(d *font.Drawer, line string, width fixed.Int26_6) []string {
	words := strings.Fields(line)
	if len(words) == 0 {
		return []string{""}
	}
	var out []string
	cur := words[0]
	for _, w := range words[1:] {
		if d.MeasureString(cur+" "+w) > width {
			out = append(out, cur)
			cur = w
			continue
		}
		cur += " " + w
	}
	return append(out, cur)
}

// writePrivacyCorpus renders each document as an image-only PDF in dir.
func writePrivacyCorpus(t *testing.T, docs []privacyDoc, dir string) []string {
	t.Helper()
	f := privacyFont(t)
	var files []string
	for _, d := range docs {
		var pages []image.Image
		for _, p := range d.Pages {
			pages = append(pages, renderPage(t, f, p, privacyDPI))
		}
		var buf bytes.Buffer
		if err := corpus.WritePDF(&buf, pages, privacyDPI); err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(dir, d.Name+".pdf")
		if err := os.WriteFile(file, buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		files = append(files, file)
	}
	return files
}

// TestPersonalDataGrep is the store-wide personal-data test of issue 18:
// the privacy corpus (annex tables, translations, accentless text, letters
// naming citizens) is rendered, uploaded as one batch and processed; then
// every personal value, in NFC, NFD, accent-folded, upper and lower case,
// is looked for in every file of the data directory (index, blob store,
// catalog, audit log), every Redis key and value, the server's logs, the
// stored fields and term dictionaries of the bleve index, Elasticsearch's
// stored documents, and what a searcher gets from the API. Any hit is a
// leak. The test also checks that the OCR read most values (in the
// pii_reader's view), so that finding nothing means something.
func TestPersonalDataGrep(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	if raceDetector {
		// OCR of 29 documents twice takes minutes more under -race and the
		// test's code is not concurrent: make test runs it in its pass
		// without -race, like TestHostileBatch.
		t.Skip("runs in make test's pass without -race (go test -run TestPersonalDataGrep ./internal/app)")
	}
	docs := loadPrivacyCorpus(t)
	files := writePrivacyCorpus(t, docs, t.TempDir())
	t.Run("bleve", func(t *testing.T) { testPersonalDataGrep(t, docs, files, nil) })
	t.Run("es", func(t *testing.T) { testPersonalDataGrep(t, docs, files, apptest.WithElasticsearch(t)) })
}

func testPersonalDataGrep(t *testing.T, docs []privacyDoc, files []string, mutate func(*app.Config)) {
	in := apptest.Start(t, mutate)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	uploader, searcher, reader := in.Client(t, "uploader"), in.Client(t, "searcher"), in.Client(t, "pii_reader")
	res, err := uploader.Upload(ctx, files, map[string]string{"note": "privacy corpus"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := uploader.Wait(ctx, res.ID, 500*time.Millisecond, nil)
	if err != nil {
		t.Fatal(err)
	}
	idByName := map[string]string{}
	done := 0
	for _, d := range b.Documents {
		idByName[strings.TrimSuffix(d.Name, ".pdf")] = d.ID
		switch d.Status {
		case "done":
			done++
		case "quarantined":
			t.Logf("document %s quarantined (not indexed)", d.Name)
		default:
			t.Errorf("document %s: %s %s", d.Name, d.Status, d.Error)
		}
	}
	waitIndexed(t, ctx, searcher, res.ID, done)

	nd := newNeedles(docs)
	var leaks leakList

	// What a searcher gets: the batch's hits, hits for each public word,
	// and each document's view.
	apiGet := func(c *client.Client, path string) []byte {
		var buf bytes.Buffer
		if err := c.Download(ctx, path, &buf); err != nil {
			t.Errorf("GET %s: %v", path, err)
		}
		return buf.Bytes()
	}
	leaks.scan(nd, "api (searcher)", "GET /api/v1/search?batch=…", jsonStrings(apiGet(searcher, "/api/v1/search?size=100&batch="+url.QueryEscape(res.ID))))
	publicFound, publicTotal := 0, 0
	for _, d := range docs {
		for _, w := range d.Public {
			body := apiGet(searcher, "/api/v1/search?size=100&batch="+url.QueryEscape(res.ID)+"&q="+url.QueryEscape(w))
			leaks.scan(nd, "api (searcher)", "GET /api/v1/search?q=<public word of "+d.Name+">", jsonStrings(body))
			publicTotal++
			if id := idByName[d.Name]; id != "" && bytes.Contains(body, []byte(id)) {
				publicFound++
			}
		}
	}
	read := map[string]bool{} // personal values the OCR read, by value
	readFolded := map[string]bool{}
	for _, d := range docs {
		id := idByName[d.Name]
		if id == "" {
			t.Errorf("document %s not in the batch", d.Name)
			continue
		}
		sv := apiGet(searcher, "/api/v1/documents/"+id)
		if dir := os.Getenv("SOHOA_PRIVACY_DUMP"); dir != "" {
			os.WriteFile(filepath.Join(dir, d.Name+".searcher.json"), sv, 0o600)
			os.WriteFile(filepath.Join(dir, d.Name+".reader.json"), apiGet(reader, "/api/v1/documents/"+id), 0o600)
		}
		leaks.scan(nd, "api (searcher)", "GET /api/v1/documents/"+id, jsonStrings(sv))
		var view struct {
			Text string `json:"text"`
		}
		if err := reader.GetJSON(ctx, "/api/v1/documents/"+id, &view); err != nil {
			t.Errorf("pii_reader view of %s: %v", d.Name, err)
			continue
		}
		text := squeeze(view.Text)
		for _, v := range d.Personal {
			if v = norm.NFC.String(strings.TrimSpace(v)); len([]rune(v)) < 5 {
				continue // not a needle (see newNeedles)
			}
			if strings.Contains(text, squeeze(v)) {
				read[v] = true
			}
			if strings.Contains(foldValue(strings.ToLower(text)), foldValue(strings.ToLower(squeeze(v)))) {
				readFolded[v] = true
			}
		}
	}
	// A pii_reader finds each person the OCR read by name, typed with
	// diacritics as written or without them in lower case, whether the
	// class extracted the person or only the detector found them.
	lookedUp, missed := 0, []string{}
	for _, d := range docs {
		id := idByName[d.Name]
		for _, v := range d.Personal {
			v = norm.NFC.String(strings.TrimSpace(v))
			if id == "" || !read[v] || valueKind(v) != "name" {
				continue
			}
			for _, typed := range []string{v, foldValue(strings.ToLower(v))} {
				lookedUp++
				body := apiGet(reader, "/api/v1/search?size=100&batch="+url.QueryEscape(res.ID)+"&name="+url.QueryEscape(typed))
				if !bytes.Contains(body, []byte(id)) {
					missed = append(missed, fmt.Sprintf("%s in %s (typed %s)", maskValue(v), d.Name, map[bool]string{true: "as written", false: "without diacritics"}[typed == v]))
				}
			}
		}
	}
	t.Logf("name lookups: %d of %d found the document", lookedUp-len(missed), lookedUp)
	if len(missed) > 0 {
		t.Errorf("a pii_reader's name lookup missed %d of %d:\n  %s", len(missed), lookedUp, strings.Join(missed, "\n  "))
	}

	in.Stop() // the index files and the audit log are complete

	// Every file of the data directory, by store.
	scanned := 0
	err = filepath.WalkDir(in.Config.DataDir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		scanned++
		rel, _ := filepath.Rel(in.Config.DataDir, p)
		leaks.scan(nd, storeOf(in.Config, p, rel), rel, string(data))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if audit := app.AuditPath(in.Config); !strings.HasPrefix(audit, in.Config.DataDir) {
		data, err := os.ReadFile(audit)
		if err != nil {
			t.Fatalf("audit log: %v", err)
		}
		leaks.scan(nd, "audit", audit, string(data))
	}
	leaks.scan(nd, "logs", "server log", string(in.Logs()))
	keys := scanRedis(t, ctx, in.Config.RedisURL, nd, &leaks)
	if ixDir := filepath.Join(in.Config.DataDir, "index"); in.Config.ElasticsearchURL == "" {
		scanBleve(t, ixDir, nd, &leaks)
	} else {
		scanElasticsearch(t, ctx, in.Config, nd, &leaks)
	}

	readExact, readAny := len(read), len(readFolded)
	t.Logf("%d documents, %d personal values (%d needles in NFC, NFD, folded, upper and lower case); "+
		"OCR read %d exactly and %d up to accents and case; %d files under the data directory, %d Redis keys scanned; "+
		"searcher finds the document by %d of %d public words",
		len(docs), nd.values, len(nd.forms), readExact, readAny, scanned, keys, publicFound, publicTotal)
	if readAny*2 < nd.values {
		t.Errorf("the OCR read only %d of %d personal values (up to accents and case): a clean grep would prove little", readAny, nd.values)
	}
	if len(leaks) > 0 {
		t.Errorf("%d of %d personal values leaked (%s); per store: %s:\n%s", leaks.values(), nd.values,
			leaks.count(func(l *leak) string { return l.kind }), leaks.count(func(l *leak) string { return l.store }), leaks)
	}
}

// storeOf names the store a file of the data directory belongs to.
func storeOf(cfg app.Config, path, rel string) string {
	switch first, _, _ := strings.Cut(filepath.ToSlash(rel), "/"); {
	case path == app.AuditPath(cfg) || first == "audit":
		return "audit"
	case first == "index":
		return "index (bleve files)"
	case first == "blobs" || first == "blob":
		return "blob store"
	default:
		return "data dir (" + first + ")"
	}
}

// needles are the forms of every personal value looked for.
type needles struct {
	values int
	forms  map[string]needle // form -> value it comes from
}

type needle struct {
	value, kind, form string
}

func newNeedles(docs []privacyDoc) *needles {
	nd := &needles{forms: map[string]needle{}}
	seen := map[string]bool{}
	for _, d := range docs {
		for _, v := range d.Personal {
			v = norm.NFC.String(strings.TrimSpace(v))
			if seen[v] || len([]rune(v)) < 5 { // shorter values occur in ordinary text
				continue
			}
			seen[v] = true
			nd.values++
			for _, f := range valueForms(v) {
				if _, ok := nd.forms[f[1]]; !ok {
					nd.forms[f[1]] = needle{value: v, kind: valueKind(v), form: f[0]}
				}
			}
		}
	}
	return nd
}

// valueForms returns v in NFC, NFD, accent-folded, upper and lower case,
// each with its name; a form equal to an earlier one is left out.
func valueForms(v string) [][2]string {
	var forms [][2]string
	seen := map[string]bool{}
	for _, c := range []struct {
		name string
		f    func(string) string
	}{{"", func(s string) string { return s }}, {" upper", strings.ToUpper}, {" lower", strings.ToLower}} {
		s := norm.NFC.String(c.f(v))
		for _, f := range [][2]string{{"NFC" + c.name, s}, {"NFD" + c.name, norm.NFD.String(s)}, {"folded" + c.name, foldValue(s)}} {
			if !seen[f[1]] {
				seen[f[1]] = true
				forms = append(forms, f)
			}
		}
	}
	return forms
}

// foldValue removes tone and diacritic marks and maps đ to d, keeping case.
func foldValue(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), runes.Map(func(r rune) rune {
		switch r {
		case 'đ':
			return 'd'
		case 'Đ':
			return 'D'
		}
		return r
	}), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		return s
	}
	return out
}

var (
	idNumberRE = regexp.MustCompile(`^\d{9}$|^\d{12}$`)
	passportRE = regexp.MustCompile(`^[A-Z]\d{7,8}$`)
	dateRE     = regexp.MustCompile(`\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2} [A-Za-z]+ \d{4}|ngày \d`)
	addressRE  = regexp.MustCompile(`(?i)\d|số |xóm|thôn|ấp|phường|xã |đường|street|ward|district|village|hamlet|\b(?:ap|khom|xom|thon|xa|phuong|huyen|tinh) `)
)

// valueKind says what a personal value is, for the report.
func valueKind(v string) string {
	switch {
	case idNumberRE.MatchString(v):
		return "ID number"
	case passportRE.MatchString(v):
		return "passport"
	case dateRE.MatchString(v):
		return "date"
	case addressRE.MatchString(v):
		return "address"
	}
	return "name"
}

// maskValue shows a personal value in a failure message without revealing
// it: its first two and last letters, and its length.
func maskValue(v string) string {
	r := []rune(v)
	if len(r) <= 4 {
		return string(r[:1]) + "…"
	}
	return fmt.Sprintf("%s…%s (%d chars)", string(r[:2]), string(r[len(r)-1:]), len(r))
}

// squeeze collapses runs of white space, so a value wrapped or spaced
// differently by the OCR still matches.
func squeeze(s string) string { return strings.Join(strings.Fields(norm.NFC.String(s)), " ") }

// jsonStrings returns every string of a JSON document, one per line (the
// raw body when it is not JSON), so escapes do not hide a value.
func jsonStrings(body []byte) string {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return string(body)
	}
	var b strings.Builder
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			b.WriteString(v)
			b.WriteByte('\n')
		case []any:
			for _, e := range v {
				walk(e)
			}
		case map[string]any:
			for k, e := range v {
				b.WriteString(k)
				b.WriteByte('\n')
				walk(e)
			}
		}
	}
	walk(v)
	return b.String()
}

// leak is a personal value found somewhere.
type leak struct {
	value, kind, store, where string
	forms                     []string
}

type leakList []*leak

// scan records every needle found in data, found in store at where.
func (l *leakList) scan(nd *needles, store, where, data string) {
	if data == "" {
		return
	}
	for s, n := range nd.forms {
		if containsWhole(data, s) {
			l.add(n, store, where)
		}
	}
}

// containsWhole reports whether s occurs in data as whole words: not inside
// a longer word or number ("Cao Tu" is not in "người cao tuổi").
func containsWhole(data, s string) bool {
	for from := 0; ; {
		i := strings.Index(data[from:], s)
		if i < 0 {
			return false
		}
		i += from
		before, _ := utf8.DecodeLastRuneInString(data[:i])
		after, _ := utf8.DecodeRuneInString(data[i+len(s):])
		if !wordRune(before) && !wordRune(after) {
			return true
		}
		from = i + 1
	}
}

// wordRune reports whether r continues a word: a letter, a combining mark or
// a digit.
func wordRune(r rune) bool {
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r))
}

// add records needle n found in store at where.
func (l *leakList) add(n needle, store, where string) {
	for _, lk := range *l {
		if lk.value == n.value && lk.store == store && lk.where == where {
			if !slices.Contains(lk.forms, n.form) {
				lk.forms = append(lk.forms, n.form)
			}
			return
		}
	}
	*l = append(*l, &leak{value: n.value, kind: n.kind, store: store, where: where, forms: []string{n.form}})
}

// values counts the distinct values leaked.
func (l leakList) values() int {
	seen := map[string]bool{}
	for _, lk := range l {
		seen[lk.value] = true
	}
	return len(seen)
}

// count counts distinct values leaked per store, or per kind.
func (l leakList) count(key func(*leak) string) string {
	per := map[string]map[string]bool{}
	for _, lk := range l {
		k := key(lk)
		if per[k] == nil {
			per[k] = map[string]bool{}
		}
		per[k][lk.value] = true
	}
	var parts []string
	for s, vs := range per {
		parts = append(parts, fmt.Sprintf("%s: %d", s, len(vs)))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

func (l leakList) String() string {
	lines := make([]string, 0, len(l))
	for _, lk := range l {
		sort.Strings(lk.forms)
		lines = append(lines, fmt.Sprintf("  %-9s %s [%s] in %s: %s", lk.kind, maskValue(lk.value), strings.Join(lk.forms, ", "), lk.store, lk.where))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// scanRedis looks at every key and value of the instance's Redis database
// and returns how many keys it read.
func scanRedis(t *testing.T, ctx context.Context, redisURL string, nd *needles, leaks *leakList) int {
	t.Helper()
	opt, err := redis.ParseURL(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	rc := redis.NewClient(opt)
	defer rc.Close()
	n := 0
	iter := rc.Scan(ctx, 0, "*", 1000).Iterator()
	for iter.Next(ctx) {
		key := iter.Val()
		n++
		var parts []string
		typ, err := rc.Type(ctx, key).Result()
		if err != nil {
			t.Fatalf("redis TYPE %s: %v", key, err)
		}
		switch typ {
		case "string":
			v, err := rc.Get(ctx, key).Result()
			if err == nil {
				parts = append(parts, v)
			}
		case "hash":
			m, err := rc.HGetAll(ctx, key).Result()
			if err == nil {
				for k, v := range m {
					parts = append(parts, k, v)
				}
			}
		case "list":
			parts, err = rc.LRange(ctx, key, 0, -1).Result()
		case "set":
			parts, err = rc.SMembers(ctx, key).Result()
		case "zset":
			parts, err = rc.ZRange(ctx, key, 0, -1).Result()
		case "stream":
			var msgs []redis.XMessage
			msgs, err = rc.XRange(ctx, key, "-", "+").Result()
			for _, m := range msgs {
				for k, v := range m.Values {
					parts = append(parts, k, fmt.Sprint(v))
				}
			}
		case "none":
			continue // expired meanwhile
		default:
			t.Errorf("redis key %s of type %s not read", key, typ)
		}
		if err != nil && err != redis.Nil {
			t.Fatalf("redis %s %s: %v", typ, key, err)
		}
		leaks.scan(nd, "redis", key, key+"\n"+strings.Join(parts, "\n"))
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}

// scanBleve reads what the raw bytes of the index may hide (its segments
// compress stored fields): every stored field of every document, and every
// term of every field's dictionary.
func scanBleve(t *testing.T, dir string, nd *needles, leaks *leakList) {
	t.Helper()
	ix, err := blevesearch.OpenUsing(dir, map[string]any{"read_only": true})
	if err != nil {
		t.Fatalf("open the bleve index: %v", err)
	}
	defer ix.Close()
	req := blevesearch.NewSearchRequestOptions(blevesearch.NewMatchAllQuery(), 10_000, 0, false)
	req.Fields = []string{"*"}
	res, err := ix.Search(req)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range res.Hits {
		var parts []string
		for name, v := range h.Fields {
			if s, ok := v.(string); ok {
				parts = append(parts, name, jsonStrings([]byte(s)))
			} else {
				parts = append(parts, name, fmt.Sprint(v))
			}
		}
		leaks.scan(nd, "index (bleve stored fields)", "document "+h.ID, strings.Join(parts, "\n"))
	}
	fields, err := ix.Fields()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fields {
		dict, err := ix.FieldDict(f)
		if err != nil {
			t.Fatal(err)
		}
		var terms []string
		for {
			e, err := dict.Next()
			if err != nil {
				t.Fatal(err)
			}
			if e == nil {
				break
			}
			terms = append(terms, e.Term)
		}
		dict.Close()
		// A term equal to a whole value (an ID number, or a keyword field
		// holding a name or an address) is a leak; separate words of a name
		// are not counted here.
		set := map[string]bool{}
		for _, term := range terms {
			set[term] = true
		}
		for s, n := range nd.forms {
			if set[s] {
				leaks.add(n, "index (bleve terms)", "field "+f)
			}
		}
	}
}

// scanElasticsearch reads the _source of every stored document of the
// instance's index.
func scanElasticsearch(t *testing.T, ctx context.Context, cfg app.Config, nd *needles, leaks *leakList) {
	t.Helper()
	base := strings.TrimRight(strings.Split(cfg.ElasticsearchURL, ",")[0], "/")
	body := strings.NewReader(`{"query":{"match_all":{}},"size":10000}`)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/"+cfg.Elasticsearch.IndexPrefix+"*/_search", body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Hits struct {
			Hits []struct {
				Index  string          `json:"_index"`
				ID     string          `json:"_id"`
				Source json.RawMessage `json:"_source"`
			} `json:"hits"`
		} `json:"hits"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("Elasticsearch search: %d %v", resp.StatusCode, err)
	}
	if len(out.Hits.Hits) == 0 {
		t.Fatal("Elasticsearch holds no document: nothing was checked")
	}
	for _, h := range out.Hits.Hits {
		leaks.scan(nd, "elasticsearch _source", h.Index+"/"+h.ID, jsonStrings(h.Source))
	}
}
