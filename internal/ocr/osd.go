package ocr

/*
#cgo pkg-config: tesseract lept
#include <stdlib.h>
#include <tesseract/capi.h>
#include <leptonica/allheaders.h>

static TessBaseAPI* sohoa_osd_new(const char* datapath) {
	TessBaseAPI* h = TessBaseAPICreate();
	if (TessBaseAPIInit3(h, datapath, "osd") != 0) {
		TessBaseAPIDelete(h);
		return NULL;
	}
	return h;
}

// sohoa_osd_upright prepares a page that read badly: it detects the page
// orientation (OSD) and small skew, and returns the page turned upright and
// deskewed as PNM in *out (free with free()), or *out NULL when nothing
// needed changing. Returns -1 if the image cannot be read, else the detected
// clockwise rotation of the input in degrees; *skew is the skew corrected.
static int sohoa_osd_upright(TessBaseAPI* h, const l_uint8* data, size_t size, float* conf, float* skew, l_uint8** out, size_t* outsize) {
	*out = NULL; *outsize = 0; *conf = 0; *skew = 0;
	PIX* pix = pixReadMem(data, size);
	if (pix == NULL) return -1;
	int deg = 0; float oconf = 0, sconf = 0; const char* script = NULL;
	TessBaseAPISetImage2(h, pix);
	if (TessBaseAPIDetectOrientationScript(h, &deg, &oconf, &script, &sconf)) {
		*conf = oconf;
	} else {
		deg = 0;
	}
	TessBaseAPIClear(h);
	PIX* cur = pix;
	if (deg != 0) {
		PIX* rot = pixRotateOrth(cur, (4 - deg / 90) % 4);
		if (rot != NULL) cur = rot;
	}
	// Deskew small angles (Leptonica's sweep and search on a reduced binary image).
	float angle = 0, aconf = 0;
	PIX* desk = pixDeskewGeneral(cur, 0, 0.0, 0.0, 0, 0, &angle, &aconf);
	int changed = deg != 0;
	if (desk != NULL && desk != cur && (angle > 0.3 || angle < -0.3)) {
		if (cur != pix) pixDestroy(&cur);
		cur = desk;
		*skew = angle;
		changed = 1;
	} else if (desk != NULL && desk != cur) {
		pixDestroy(&desk);
	}
	if (changed) pixWriteMem(out, outsize, cur, IFF_PNM);
	if (cur != pix) pixDestroy(&cur);
	pixDestroy(&pix);
	return deg;
}

// sohoa_marks_region crops the top part of a page, where NĐ 30 places the
// secrecy and urgency stamps (boxes 10a, 10b), and paints white over long
// lines and box borders, which otherwise make Tesseract drop the boxed
// words. Lines are "long" when longer than a quarter inch, longer than any
// letter stroke of body text. Returns grey PNM in *out, -1 on a bad image.
static int sohoa_marks_region(const l_uint8* data, size_t size, float frac, l_uint8** out, size_t* outsize) {
	*out = NULL; *outsize = 0;
	PIX* pix = pixReadMem(data, size);
	if (pix == NULL) return -1;
	int w = pixGetWidth(pix), h = pixGetHeight(pix);
	int dpi = pixGetXRes(pix);
	if (dpi < 72 || dpi > 1200) dpi = (int)(w / 8.27); // assume A4 width
	BOX* box = boxCreate(0, 0, w, (int)(h * frac));
	PIX* top = pixClipRectangle(pix, box, NULL);
	boxDestroy(&box);
	pixDestroy(&pix);
	if (top == NULL) return -1;
	PIX* g = pixConvertTo8(top, 0);
	pixDestroy(&top);
	if (g == NULL) return -1;
	PIX* b = pixConvertTo1(g, 160);
	int len = dpi / 4;
	if (len < 30) len = 30;
	if (b != NULL) {
		PIX* hl = pixOpenBrick(NULL, b, len, 1);
		PIX* vl = pixOpenBrick(NULL, b, 1, len);
		if (hl != NULL && vl != NULL) {
			pixOr(hl, hl, vl);
			pixDilateBrick(hl, hl, 5, 5);
			pixPaintThroughMask(g, hl, 0, 0, 255);
		}
		pixDestroy(&hl); pixDestroy(&vl); pixDestroy(&b);
	}
	// Stamps are large type: 200 dpi reads them as well and costs half.
	if (dpi > 220) {
		float f = 200.0 / dpi;
		PIX* small = pixScale(g, f, f);
		if (small != NULL) { pixDestroy(&g); g = small; dpi = 200; }
	}
	pixSetResolution(g, dpi, dpi);
	int rc = pixWriteMem(out, outsize, g, IFF_PNM);
	pixDestroy(&g);
	return rc;
}

static void sohoa_osd_free(TessBaseAPI* h) { TessBaseAPIEnd(h); TessBaseAPIDelete(h); }
*/
import "C"

import (
	"errors"
	"unsafe"
)

// osd detects page orientation with Tesseract's orientation and script
// detection model. Not safe for concurrent use: one per worker.
type osd struct{ h *C.TessBaseAPI }

func newOSD(datapath string) (*osd, error) {
	var cpath *C.char
	if datapath != "" {
		cpath = C.CString(datapath)
		defer C.free(unsafe.Pointer(cpath))
	}
	h := C.sohoa_osd_new(cpath)
	if h == nil {
		return nil, errors.New("ocr: cannot load Tesseract's osd data (install tesseract-ocr-osd)")
	}
	return &osd{h: h}, nil
}

// upright returns the clockwise rotation detected in img, its confidence,
// the skew corrected (degrees) and, when either is not 0, the image turned
// upright and deskewed (PNM).
func (o *osd) upright(img []byte) (deg int, conf, skew float64, fixed []byte, err error) {
	if len(img) == 0 {
		return 0, 0, 0, nil, ErrUnreadableImage
	}
	var out *C.l_uint8
	var size C.size_t
	var cconf, cskew C.float
	d := C.sohoa_osd_upright(o.h, (*C.l_uint8)(unsafe.Pointer(&img[0])), C.size_t(len(img)), &cconf, &cskew, &out, &size)
	if d < 0 {
		return 0, 0, 0, nil, ErrUnreadableImage
	}
	if out != nil {
		fixed = C.GoBytes(unsafe.Pointer(out), C.int(size))
		C.free(unsafe.Pointer(out))
	}
	return int(d), float64(cconf), float64(cskew), fixed, nil
}

func (o *osd) close() {
	if o.h != nil {
		C.sohoa_osd_free(o.h)
		o.h = nil
	}
}

// marksRegion returns the top frac of a page image with ruling lines and
// box borders painted white (grey PNM), for reading stamps.
func marksRegion(img []byte, frac float64) ([]byte, error) {
	if len(img) == 0 {
		return nil, ErrUnreadableImage
	}
	var out *C.l_uint8
	var size C.size_t
	if C.sohoa_marks_region((*C.l_uint8)(unsafe.Pointer(&img[0])), C.size_t(len(img)), C.float(frac), &out, &size) != 0 || out == nil {
		return nil, ErrUnreadableImage
	}
	defer C.free(unsafe.Pointer(out))
	return C.GoBytes(unsafe.Pointer(out), C.int(size)), nil
}
