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
// scanner firmware writes many slightly non-conforming files.
func pdfConfig() *model.Configuration {
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
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
	extract bool // take the single full-page image as is
	w, h    int  // pixels of the extracted image or of the rendering
	dpi     int
}

func openPDF(ctx context.Context, data []byte, lim Limits) (src Source, err error) {
	defer func() {
		if r := recover(); r != nil {
			src, err = nil, corrupt("PDF", fmt.Errorf("pdfcpu panic: %v", r))
		}
	}()
	pctx, err := api.ReadValidateAndOptimize(bytes.NewReader(data), pdfConfig())
	if err != nil {
		if errors.Is(err, pdfcpu.ErrWrongPassword) || strings.Contains(err.Error(), "encrypt") || strings.Contains(err.Error(), "password") {
			return nil, errEncrypted
		}
		return nil, corrupt("PDF", err)
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

// plan decides, from headers only, whether page n is one full-page image.
func (s *pdfSource) plan(n int) (pagePlan, error) {
	d := s.dims[n-1]
	if d.Width <= 0 || d.Height <= 0 || d.Width > 14400 || d.Height > 14400 {
		return pagePlan{}, corrupt("PDF", fmt.Errorf("page %d has an invalid size %.0fx%.0f pt", n, d.Width, d.Height))
	}
	imgs, err := pdfcpu.ExtractPageImages(s.ctx, n, true)
	if err == nil && len(imgs) == 1 {
		for _, im := range imgs {
			if err := checkPixels(im.Width, im.Height, s.lim); err != nil {
				return pagePlan{}, err
			}
			if fullPage(im, d) && extractable(im) {
				return pagePlan{extract: true, w: im.Width, h: im.Height, dpi: int(math.Round(float64(im.Width) / (d.Width / 72)))}, nil
			}
		}
	}
	return s.plan2render(n), nil
}

// fullPage reports whether an image fills the page: same aspect ratio (either
// orientation) and at least 150 dpi.
func fullPage(im model.Image, d types.Dim) bool {
	if im.Width <= 0 || im.Height <= 0 || im.IsImgMask {
		return false
	}
	ia := float64(im.Width) / float64(im.Height)
	pa := d.Width / d.Height
	near := func(a, b float64) bool { return math.Abs(a-b)/b < 0.03 }
	if !near(ia, pa) && !near(ia, 1/pa) {
		return false
	}
	long := math.Max(float64(im.Width), float64(im.Height))
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
		imgs, err := pdfcpu.ExtractPageImages(s.ctx, int(n), false)
		if err == nil && len(imgs) == 1 {
			for _, im := range imgs {
				b, rerr := io.ReadAll(im)
				if rerr == nil && len(b) > 0 {
					f := Sniff(b)
					if f == JPEG || f == PNG || f == TIFF {
						return Image{No: n, Data: b, Format: f, Width: p.w, Height: p.h, DPI: p.dpi}, nil
					}
				}
			}
		}
		// Fall through to rendering when the image stream cannot be taken as is.
		p = s.plan2render(int(n))
	}
	b, err := render(ctx, s.data, n, p.dpi, true)
	if err != nil {
		return Image{}, err
	}
	return Image{No: n, Data: b, Format: PNG, Width: p.w, Height: p.h, DPI: p.dpi, Render: true}, nil
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
