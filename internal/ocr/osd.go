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

// sohoa_osd_upright detects the page orientation and, when the page is
// turned, returns it rotated upright as PNM in *out (free with free()).
// Returns -1 if the image cannot be read, else the detected clockwise
// rotation of the input in degrees.
static int sohoa_osd_upright(TessBaseAPI* h, const l_uint8* data, size_t size, float* conf, l_uint8** out, size_t* outsize) {
	*out = NULL; *outsize = 0; *conf = 0;
	PIX* pix = pixReadMem(data, size);
	if (pix == NULL) return -1;
	TessBaseAPISetImage2(h, pix);
	int deg = 0; float oconf = 0, sconf = 0; const char* script = NULL;
	if (!TessBaseAPIDetectOrientationScript(h, &deg, &oconf, &script, &sconf)) {
		TessBaseAPIClear(h);
		pixDestroy(&pix);
		return 0;
	}
	*conf = oconf;
	if (deg != 0) {
		PIX* rot = pixRotateOrth(pix, (4 - deg / 90) % 4);
		if (rot != NULL) {
			pixWriteMem(out, outsize, rot, IFF_PNM);
			pixDestroy(&rot);
		}
	}
	TessBaseAPIClear(h);
	pixDestroy(&pix);
	return deg;
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
// and, when the rotation is not 0, the image turned upright (PNM).
func (o *osd) upright(img []byte) (deg int, conf float64, rotated []byte, err error) {
	if len(img) == 0 {
		return 0, 0, nil, ErrUnreadableImage
	}
	var out *C.l_uint8
	var size C.size_t
	var cconf C.float
	d := C.sohoa_osd_upright(o.h, (*C.l_uint8)(unsafe.Pointer(&img[0])), C.size_t(len(img)), &cconf, &out, &size)
	if d < 0 {
		return 0, 0, nil, ErrUnreadableImage
	}
	if out != nil {
		rotated = C.GoBytes(unsafe.Pointer(out), C.int(size))
		C.free(unsafe.Pointer(out))
	}
	return int(d), float64(cconf), rotated, nil
}

func (o *osd) close() {
	if o.h != nil {
		C.sohoa_osd_free(o.h)
		o.h = nil
	}
}
