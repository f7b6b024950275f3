package pages

import (
	"bytes"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/filter"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// TestImageSize reads sizes from headers only: patched JPEG frame headers
// and a PNG pixel bomb report their claimed size without being decoded.
func TestImageSize(t *testing.T) {
	jpg := encodeJPEG(t, page(300, 200))
	cases := []struct {
		name    string
		data    []byte
		w, h    int
		format  Format
		wantErr bool
	}{
		{name: "jpeg", data: jpg, w: 300, h: 200, format: JPEG},
		{name: "jpeg frame header patched", data: patchJPEGSize(t, jpg, 12000, 12000), w: 12000, h: 12000, format: JPEG},
		{name: "jpeg truncated after the frame header", data: jpg[:bytes.Index(jpg, []byte("\xff\xc0"))+12], w: 300, h: 200, format: JPEG},
		{name: "jpeg truncated in the frame header", data: jpg[:bytes.Index(jpg, []byte("\xff\xc0"))+6], format: JPEG, wantErr: true},
		{name: "jpeg zero height (DNL)", data: patchJPEGSize(t, jpg, 300, 0), format: JPEG, wantErr: true},
		{name: "jpeg without frame header", data: []byte("\xff\xd8\xff\xda\x00\x02"), format: JPEG, wantErr: true},
		{name: "png", data: encodePNG(t, page(64, 48)), w: 64, h: 48, format: PNG},
		{name: "png pixel bomb", data: pixelBombPNG(60000, 60000), w: 60000, h: 60000, format: PNG},
		{name: "png over 2^31", data: pixelBombPNG(1<<31, 1), format: PNG, wantErr: true},
		{name: "png signature only", data: []byte("\x89PNG\r\n\x1a\n"), format: PNG, wantErr: true},
		{name: "garbage tiff", data: garbageTIFF(), format: TIFF, wantErr: true},
		{name: "pdf", data: []byte("%PDF-1.4\n"), format: PDF, wantErr: true},
		{name: "empty", data: nil, format: Unknown, wantErr: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w, h, f, err := ImageSize(c.data)
			if (err != nil) != c.wantErr || w != c.w || h != c.h || f != c.format {
				t.Errorf("ImageSize = %d, %d, %q, %v; want %d, %d, %q, error %v", w, h, f, err, c.w, c.h, c.format, c.wantErr)
			}
		})
	}
}

// TestDecodedSize measures each byte filter and a chain of them against
// pdfcpu's own encoders, and stops one byte past the limit.
func TestDecodedSize(t *testing.T) {
	data := bytes.Repeat([]byte("BT /F1 12 Tf (Công văn số 12/UBND) Tj ET\n"), 5000)
	encode := func(t *testing.T, b []byte, name string, parms map[string]int) []byte {
		t.Helper()
		f, err := filter.NewFilter(name, parms)
		if err != nil {
			t.Fatal(err)
		}
		r, err := f.Encode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		out.ReadFrom(r)
		return out.Bytes()
	}
	pipe := func(names ...string) []types.PDFFilter {
		var fpl []types.PDFFilter
		for _, n := range names {
			fpl = append(fpl, types.PDFFilter{Name: n})
		}
		return fpl
	}
	earlyChange0 := []types.PDFFilter{{Name: filter.LZW, DecodeParms: types.Dict{"EarlyChange": types.Integer(0)}}}
	cases := []struct {
		name  string
		raw   []byte
		fpl   []types.PDFFilter
		limit int64
		want  int64
	}{
		{"none", data, nil, 1 << 20, int64(len(data))},
		{"flate", encode(t, data, filter.Flate, nil), pipe(filter.Flate), 1 << 20, int64(len(data))},
		{"flate over the limit", encode(t, data, filter.Flate, nil), pipe(filter.Flate), 1000, 1001},
		{"lzw", encode(t, data, filter.LZW, map[string]int{"EarlyChange": 1}), pipe(filter.LZW), 1 << 20, int64(len(data))},
		{"lzw early change 0", encode(t, data, filter.LZW, map[string]int{"EarlyChange": 0}), earlyChange0, 1 << 20, int64(len(data))},
		{"run length", encode(t, data, filter.RunLength, nil), pipe(filter.RunLength), 1 << 20, int64(len(data))},
		{"ascii85", encode(t, data, filter.ASCII85, nil), pipe(filter.ASCII85), 1 << 20, int64(len(data))},
		{"ascii hex", encode(t, data, filter.ASCIIHex, nil), pipe(filter.ASCIIHex), 1 << 20, int64(len(data))},
		{"ascii85 of flate", encode(t, encode(t, data, filter.Flate, nil), filter.ASCII85, nil), pipe(filter.ASCII85, filter.Flate), 1 << 20, int64(len(data))},
		{"jpeg ends the measure", []byte("\xff\xd8\xff\xe0abc"), pipe(filter.DCT), 1 << 20, 7},
		{"damaged flate counts what decodes", encode(t, data, filter.Flate, nil)[:100], pipe(filter.Flate), 1 << 20, -1},
		{"not zlib", []byte("garbage"), pipe(filter.Flate), 1 << 20, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := decodedSize(c.raw, c.fpl, c.limit)
			if c.want < 0 {
				if got <= 0 || got >= int64(len(data)) {
					t.Errorf("decodedSize = %d, want part of %d", got, len(data))
				}
				return
			}
			if got != c.want {
				t.Errorf("decodedSize = %d, want %d", got, c.want)
			}
		})
	}
}
