package pages

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/filter"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/sohoa/sohoa/internal/domain"
)

func init() {
	// pdfcpu would otherwise create and read a per-user configuration
	// directory; sohoa passes an explicit configuration instead.
	model.ConfigPath = "disable"
}

// pdfConfig is the explicit pdfcpu configuration: relaxed validation, as
// scanner firmware writes many slightly non-conforming files, and no stream
// decoded beyond lim.MaxStreamBytes (pdfcpu decodes object streams while
// reading, before scanStreams can measure them).
func pdfConfig(lim Limits) *model.Configuration {
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	conf.Limits.MaxDecodeBytes = lim.MaxStreamBytes
	return conf
}

var errEncrypted = domain.Reject("encrypted_pdf",
	"PDF được bảo vệ bằng mật khẩu: hãy gỡ mật khẩu rồi tải lên lại",
	"the PDF is password-protected: remove the password and upload it again", nil)

type pdfSource struct {
	data  []byte
	ctx   *model.Context
	dims  []types.Dim
	lim   Limits
	plans []pagePlan
}

type pagePlan struct {
	extract bool        // take the single full-page image as is
	image   model.Image // the image to extract, as the PDF describes it
	w, h    int         // pixels of the extracted image or of the rendering
	dpi     int
}

func openPDF(ctx context.Context, data []byte, lim Limits) (src Source, err error) {
	defer func() {
		if r := recover(); r != nil {
			src, err = nil, corrupt("PDF", fmt.Errorf("pdfcpu panic: %v", r))
		}
	}()
	pctx, err := readPDF(data, lim)
	if err != nil {
		return nil, err
	}
	if pctx.PageCount <= 0 {
		return nil, domain.Reject("empty_pdf", "PDF không có trang nào", "the PDF has no pages", nil)
	}
	if pctx.PageCount > lim.MaxPages {
		return nil, tooManyPages(pctx.PageCount, lim.MaxPages)
	}
	dims, err := pctx.PageDims()
	if err != nil || len(dims) != pctx.PageCount {
		return nil, corrupt("PDF", fmt.Errorf("page sizes: %v", err))
	}
	s := &pdfSource{data: data, ctx: pctx, dims: dims, lim: lim}
	for n := 1; n <= pctx.PageCount; n++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		p, err := s.plan(n)
		if err != nil {
			return nil, err
		}
		s.plans = append(s.plans, p)
	}
	return s, nil
}

// readPDF reads the PDF's structure and, before pdfcpu validates and
// optimises it (which decodes every content stream), bounds what its streams
// decode to with scanStreams. pdfcpu's ReadValidateAndOptimize would do the
// same steps without the scan in between.
func readPDF(data []byte, lim Limits) (*model.Context, error) {
	fail := func(err error) error {
		switch {
		case errors.Is(err, filter.ErrDecodeLimitExceeded):
			return streamTooLarge(lim, err)
		case errors.Is(err, pdfcpu.ErrWrongPassword), strings.Contains(err.Error(), "encrypt"), strings.Contains(err.Error(), "password"):
			return errEncrypted
		}
		return corrupt("PDF", err)
	}
	pctx, err := api.ReadContext(bytes.NewReader(data), pdfConfig(lim))
	if err != nil {
		return nil, fail(err)
	}
	if err := scanStreams(pctx, lim); err != nil {
		return nil, err
	}
	if err := api.ValidateContext(pctx); err != nil {
		return nil, fail(err)
	}
	if err := api.OptimizeContext(pctx); err != nil {
		return nil, fail(err)
	}
	return pctx, nil
}

// plan decides, from headers only, whether page n is one full-page image.
func (s *pdfSource) plan(n int) (pagePlan, error) {
	d := s.dims[n-1]
	if d.Width <= 0 || d.Height <= 0 || d.Width > 14400 || d.Height > 14400 {
		return pagePlan{}, corrupt("PDF", fmt.Errorf("page %d has an invalid size %.0fx%.0f pt", n, d.Width, d.Height))
	}
	imgs, err := pdfcpu.ExtractPageImages(s.ctx, n, true)
	if err == nil && len(imgs) == 1 {
		for objNr, im := range imgs {
			im.ObjNr = objNr
			if err := checkPixels(im.Width, im.Height, s.lim); err != nil {
				return pagePlan{}, err
			}
			// The plan uses the real size of a JPEG stream (scanStreams
			// has checked it against the limit), not the PDF's claim.
			w, h := im.Width, im.Height
			if e, ok := s.ctx.Find(objNr); ok && e != nil && im.Filter == filter.DCT {
				if sd, ok := e.Object.(types.StreamDict); ok {
					if rw, rh, _, err := ImageSize(sd.Raw); err == nil {
						w, h = rw, rh
					}
				}
			}
			if fullPage(w, h, im, d) && extractable(im) {
				return pagePlan{extract: true, image: im, w: w, h: h, dpi: imageDPIOnPage(w, h, d)}, nil
			}
		}
	}
	return s.plan2render(n), nil
}

// imageDPIOnPage is the resolution of a w×h image filling a page of size d,
// in either orientation.
func imageDPIOnPage(w, h int, d types.Dim) int {
	return int(math.Round(float64(max(w, h)) / (math.Max(d.Width, d.Height) / 72)))
}

// fullPage reports whether an image fills the page: same aspect ratio (either
// orientation) and at least 150 dpi.
func fullPage(w, h int, im model.Image, d types.Dim) bool {
	if w <= 0 || h <= 0 || im.IsImgMask {
		return false
	}
	ia := float64(w) / float64(h)
	pa := d.Width / d.Height
	near := func(a, b float64) bool { return math.Abs(a-b)/b < 0.03 }
	if !near(ia, pa) && !near(ia, 1/pa) {
		return false
	}
	long := float64(max(w, h))
	longPt := math.Max(d.Width, d.Height)
	return long/(longPt/72) >= 150
}

// extractable reports whether an image stream is likely usable as it is;
// Page still checks what pdfcpu hands back and renders the page otherwise.
func extractable(im model.Image) bool {
	switch {
	case im.HasSMask, im.HasImgMask, strings.Contains(im.Cs, "CMYK"), strings.Contains(im.Cs, "Separation"), strings.Contains(im.Cs, "DeviceN"):
		return false
	case strings.Contains(im.Filter, "JPX"), strings.Contains(im.Filter, "JBIG2"):
		return false // Leptonica's readers are unreliable for these; rendering is safe
	}
	return true
}

func (s *pdfSource) Pages() int { return len(s.plans) }

func (s *pdfSource) Page(ctx context.Context, n domain.PageNo) (img Image, err error) {
	if n < 1 || int(n) > len(s.plans) {
		return Image{}, fmt.Errorf("pages: page %d of %d", n, len(s.plans))
	}
	defer func() {
		if r := recover(); r != nil {
			img, err = Image{}, corrupt("PDF", fmt.Errorf("page %d: pdfcpu panic: %v", n, r))
		}
	}()
	p := s.plans[n-1]
	if p.extract {
		img, ok, err := s.extract(n, p)
		if err != nil || ok {
			return img, err
		}
		// Fall through to rendering when the image stream cannot be taken as is.
		p = s.plan2render(int(n))
	}
	b, err := render(ctx, s.data, n, p.dpi, true)
	if err != nil {
		return Image{}, err
	}
	// The rendering's own size, not the plan's: a damaged page box can
	// make Poppler draw something else than the page size says.
	w, h, _, err := ImageSize(b)
	if err != nil {
		return Image{}, corrupt("PDF", fmt.Errorf("page %d: rendering unreadable: %w", n, err))
	}
	if err := checkPixels(w, h, s.lim); err != nil {
		return Image{}, err
	}
	return Image{No: n, Data: b, Format: PNG, Width: w, Height: h, DPI: p.dpi, Render: true}, nil
}

// extract takes page n's single image as the PDF stores it. The stream is
// measured before pdfcpu decodes it, and the size used is the one in the
// extracted image's own header: a larger image than the PDF claims is a
// pixel_limit rejection, a different one is taken at its real size. ok is
// false when the image cannot be taken as is and the page should be
// rendered instead.
func (s *pdfSource) extract(n domain.PageNo, p pagePlan) (img Image, ok bool, err error) {
	if err := imageStreamCheck(s.ctx, p.image.ObjNr, p.image, s.lim); err != nil {
		return Image{}, false, err
	}
	imgs, err := pdfcpu.ExtractPageImages(s.ctx, int(n), false)
	if err != nil || len(imgs) != 1 {
		return Image{}, false, nil
	}
	for _, im := range imgs {
		b, err := io.ReadAll(im)
		if err != nil {
			return Image{}, false, nil
		}
		w, h, f, err := ImageSize(b)
		if err != nil || f != JPEG && f != PNG && f != TIFF {
			return Image{}, false, nil
		}
		if int64(w)*int64(h) > s.lim.MaxPixels {
			return Image{}, false, lyingImage(w, h, &p.image.Width, &p.image.Height, s.lim.MaxPixels,
				fmt.Errorf("page %d image object %d", n, p.image.ObjNr))
		}
		return Image{No: n, Data: b, Format: f, Width: w, Height: h, DPI: imageDPIOnPage(w, h, s.dims[n-1])}, true, nil
	}
	return Image{}, false, nil
}

// plan2render plans a rendering of page n at the configured resolution, or
// lower where the page is so large that its pixel count would pass the limit.
func (s *pdfSource) plan2render(n int) pagePlan {
	d := s.dims[n-1]
	dpi := float64(s.lim.RenderDPI)
	w, h := d.Width/72*dpi, d.Height/72*dpi
	if px := w * h; px > float64(s.lim.MaxPixels) {
		scale := math.Sqrt(float64(s.lim.MaxPixels) / px)
		dpi, w, h = dpi*scale, w*scale, h*scale
	}
	return pagePlan{w: int(w), h: int(h), dpi: int(dpi)}
}
