package corpus

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"golang.org/x/image/tiff"
)

// needTool returns the path of a command-line tool; it skips the test when
// the tool is missing, or fails under CI=true.
func needTool(t testing.TB, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not installed (apt package %s): %v", name, pkg, err)
		}
		t.Skipf("%s not installed (apt package %s)", name, pkg)
	}
	return p
}

// samePixels compares two images channel by channel (grey or RGB).
func samePixels(t testing.TB, want, got image.Image) {
	t.Helper()
	if want.Bounds().Size() != got.Bounds().Size() {
		t.Fatalf("size %v, want %v", got.Bounds().Size(), want.Bounds().Size())
	}
	wp, _, _, wspp := pagePixels(want)
	gp, _, _, gspp := pagePixels(toCanonical(got))
	if wspp != gspp {
		t.Fatalf("%d samples per pixel, want %d", gspp, wspp)
	}
	if !bytes.Equal(wp, gp) {
		t.Errorf("decoded pixels differ from the page")
	}
}

// toCanonical converts decoded images to *image.Gray or *image.RGBA.
func toCanonical(img image.Image) image.Image {
	switch m := img.(type) {
	case *image.Gray, *image.RGBA:
		return m
	case *image.NRGBA:
		out := image.NewRGBA(m.Rect)
		copy(out.Pix, m.Pix) // opaque pages: NRGBA and RGBA bytes agree
		return out
	}
	return img
}

// formatDocs is generated once for all format tests (it is read-only).
var formatDocs = sync.OnceValues(func() (map[string]Document, error) {
	grey, err := Generate(Options{Seed: 21, Documents: 1, PagesPerDoc: [2]int{3, 3}, DPI: 100, Degrade: DegradeLight})
	if err != nil {
		return nil, err
	}
	colour, err := Generate(Options{Seed: 22, Documents: 1, PagesPerDoc: [2]int{2, 2}, DPI: 72, Degrade: DegradeHeavy, Color: true, RotateRatio: 0.5})
	if err != nil {
		return nil, err
	}
	return map[string]Document{"grey": grey[0], "colour": colour[0]}, nil
})

func testDocs(t testing.TB) map[string]Document {
	t.Helper()
	docs, err := formatDocs()
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

func TestWritePDF(t *testing.T) {
	api.DisableConfigDir()
	for name, d := range testDocs(t) {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WritePDF(&buf, d.Pages, d.Truth.DPI); err != nil {
				t.Fatal(err)
			}
			conf := model.NewDefaultConfiguration()
			conf.ValidationMode = model.ValidationStrict
			if err := api.Validate(bytes.NewReader(buf.Bytes()), conf); err != nil {
				t.Fatalf("pdfcpu validation: %v", err)
			}
			n, err := api.PageCount(bytes.NewReader(buf.Bytes()), model.NewDefaultConfiguration())
			if err != nil {
				t.Fatal(err)
			}
			if n != len(d.Pages) {
				t.Errorf("pdfcpu counts %d pages, want %d", n, len(d.Pages))
			}
			path := filepath.Join(t.TempDir(), "doc.pdf")
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(needTool(t, "pdfimages", "poppler-utils"), "-list", path).CombinedOutput()
			if err != nil {
				t.Fatalf("pdfimages: %v\n%s", err, out)
			}
			lines := strings.Split(strings.TrimSpace(string(out)), "\n")[2:]
			if len(lines) != len(d.Pages) {
				t.Fatalf("pdfimages lists %d images, want %d:\n%s", len(lines), len(d.Pages), out)
			}
			for i, l := range lines {
				f := strings.Fields(l)
				b := d.Pages[i].Bounds()
				// page num type width height color comp bpc enc interp object ID x-ppi y-ppi
				if f[3] != itoa(b.Dx()) || f[4] != itoa(b.Dy()) || f[8] != "jpeg" || f[12] != itoa(d.Truth.DPI) || f[13] != itoa(d.Truth.DPI) {
					t.Errorf("page %d: pdfimages says %q, want %dx%d jpeg at %d ppi", i+1, l, b.Dx(), b.Dy(), d.Truth.DPI)
				}
			}
			if name == "grey" && !strings.Contains(string(out), "gray") {
				t.Errorf("greyscale pages not stored as DeviceGray:\n%s", out)
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// tiffIFDs walks the IFD chain of a little-endian TIFF.
func tiffIFDs(t testing.TB, b []byte) []uint32 {
	t.Helper()
	if string(b[:4]) != "II*\x00" {
		t.Fatalf("not a little-endian TIFF: % x", b[:4])
	}
	le := binary.LittleEndian
	var offs []uint32
	for off := le.Uint32(b[4:]); off != 0; {
		if int(off)+2 > len(b) || len(offs) > 1000 {
			t.Fatalf("IFD offset %d outside the file", off)
		}
		offs = append(offs, off)
		n := uint32(le.Uint16(b[off:]))
		off = le.Uint32(b[off+2+12*n:])
	}
	return offs
}

func TestWriteTIFF(t *testing.T) {
	for name, d := range testDocs(t) {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteTIFF(&buf, d.Pages, d.Truth.DPI); err != nil {
				t.Fatal(err)
			}
			b := buf.Bytes()
			ifds := tiffIFDs(t, b)
			if len(ifds) != len(d.Pages) {
				t.Fatalf("%d IFDs, want %d", len(ifds), len(d.Pages))
			}
			// x/image/tiff decodes the first IFD; point the header at each in turn.
			for i, off := range ifds {
				c := append([]byte(nil), b...)
				binary.LittleEndian.PutUint32(c[4:], off)
				img, err := tiff.Decode(bytes.NewReader(c))
				if err != nil {
					t.Fatalf("page %d: %v", i+1, err)
				}
				samePixels(t, d.Pages[i], img)
			}
			path := filepath.Join(t.TempDir(), "doc.tiff")
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(needTool(t, "tiffinfo", "libtiff-tools"), path).CombinedOutput()
			if err != nil {
				t.Fatalf("tiffinfo: %v\n%s", err, out)
			}
			if got := strings.Count(string(out), "TIFF Directory at offset"); got != len(d.Pages) {
				t.Errorf("tiffinfo sees %d directories, want %d:\n%s", got, len(d.Pages), out)
			}
			if want := "Resolution: " + itoa(d.Truth.DPI) + ", " + itoa(d.Truth.DPI) + " pixels/inch"; strings.Count(string(out), want) != len(d.Pages) {
				t.Errorf("tiffinfo output lacks %q on every page:\n%s", want, out)
			}
		})
	}
}

func TestWritePNGAndJPEG(t *testing.T) {
	for name, d := range testDocs(t) {
		t.Run(name, func(t *testing.T) {
			page := d.Pages[0]
			dpi := d.Truth.DPI
			var pb bytes.Buffer
			if err := WritePNG(&pb, page, dpi); err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(pb.Bytes()))
			if err != nil {
				t.Fatalf("png decode: %v", err)
			}
			samePixels(t, page, img)
			i := bytes.Index(pb.Bytes(), []byte("pHYs"))
			if i < 0 {
				t.Fatal("no pHYs chunk")
			}
			ppm := binary.BigEndian.Uint32(pb.Bytes()[i+4:])
			if got := float64(ppm) * 0.0254; got < float64(dpi)-0.5 || got > float64(dpi)+0.5 || pb.Bytes()[i+12] != 1 {
				t.Errorf("pHYs says %.1f dpi (unit %d), want %d", got, pb.Bytes()[i+12], dpi)
			}

			var jb bytes.Buffer
			if err := WriteJPEG(&jb, page, dpi, 85); err != nil {
				t.Fatal(err)
			}
			j, err := jpeg.Decode(bytes.NewReader(jb.Bytes()))
			if err != nil {
				t.Fatalf("jpeg decode: %v", err)
			}
			if j.Bounds().Size() != page.Bounds().Size() {
				t.Errorf("jpeg size %v, want %v", j.Bounds().Size(), page.Bounds().Size())
			}
			_, grey := page.(*image.Gray)
			if _, isGrey := j.(*image.Gray); isGrey != grey {
				t.Errorf("jpeg decodes as %T for a %T page", j, page)
			}
			jp := jb.Bytes()
			if string(jp[6:11]) != "JFIF\x00" || jp[13] != 1 || int(binary.BigEndian.Uint16(jp[14:])) != dpi || int(binary.BigEndian.Uint16(jp[16:])) != dpi {
				t.Errorf("JFIF header % x does not carry %d dpi", jp[:20], dpi)
			}
			cfg, err := jpeg.DecodeConfig(bytes.NewReader(jp))
			if err != nil || cfg.Width != page.Bounds().Dx() {
				t.Errorf("jpeg config %+v, %v", cfg, err)
			}
		})
	}
}

func TestWriteCorpus(t *testing.T) {
	docs := generate(t, Options{Seed: 31, Documents: 2, PagesPerDoc: [2]int{2, 2}, DPI: 72})
	dir := t.TempDir()
	if err := WriteCorpus(dir, docs, []string{FormatPDF, FormatTIFF, FormatPNG, FormatJPEG}); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, id := range []string{"doc-0001", "doc-0002"} {
		want = append(want, id+".pdf", id+".pdf.json", id+".tiff", id+".tiff.json", id+"-p1.png", id+"-p2.png", id+".png.json", id+"-p1.jpg", id+"-p2.jpg", id+".jpeg.json")
	}
	want = append(want, "index.json")
	for _, f := range want {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != len(want) {
		t.Errorf("%d files written, want %d", len(entries), len(want))
	}
	tr, err := ReadTruth(filepath.Join(dir, "doc-0002.png.json"))
	if err != nil {
		t.Fatal(err)
	}
	wantTruth := docs[1].Truth
	wantTruth.Format, wantTruth.File, wantTruth.Files = "png", "doc-0002-p1.png", []string{"doc-0002-p1.png", "doc-0002-p2.png"}
	if diff := cmp.Diff(wantTruth, tr); diff != "" {
		t.Errorf("truth file (-want +got):\n%s", diff)
	}
	if err := WriteCorpus(dir, docs, []string{"bmp"}); err == nil {
		t.Error("WriteCorpus accepted format bmp")
	}
}
