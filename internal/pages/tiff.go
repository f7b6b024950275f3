package pages

/*
#cgo pkg-config: lept
#include <stdlib.h>
#include <leptonica/allheaders.h>

// sohoa_tiff_header reads frame n's header; 0 on success.
static int sohoa_tiff_header(const l_uint8 *data, size_t size, int n, int *w, int *h, int *res) {
	l_int32 bps, spp, cmap, format;
	return readHeaderMemTiff(data, size, n, w, h, &bps, &spp, res, &cmap, &format);
}

// sohoa_tiff_frame_png decodes frame n and re-encodes it as PNG.
static int sohoa_tiff_frame_png(const l_uint8 *data, size_t size, int n, l_uint8 **out, size_t *outsize) {
	PIX *pix = pixReadMemTiff(data, size, n);
	if (pix == NULL) return 1;
	int rc = pixWriteMemPng(out, outsize, pix, 0.0);
	pixDestroy(&pix);
	return rc;
}

// sohoa_image_png decodes any image Leptonica reads and re-encodes it as PNG.
static int sohoa_image_png(const l_uint8 *data, size_t size, l_uint8 **out, size_t *outsize) {
	PIX *pix = pixReadMem(data, size);
	if (pix == NULL) return 1;
	int rc = pixWriteMemPng(out, outsize, pix, 0.0);
	pixDestroy(&pix);
	return rc;
}

static void sohoa_lept_quiet(void) { setMsgSeverity(L_SEVERITY_NONE); }
*/
import "C"

import (
	"errors"
	"unsafe"
)

func init() { C.sohoa_lept_quiet() }

type tiffFrame struct{ w, h, dpi int }

// tiffFrames returns the header of every frame, stopping after max+1 frames.
func tiffFrames(data []byte, max int) ([]tiffFrame, error) {
	if len(data) == 0 {
		return nil, errors.New("empty TIFF")
	}
	p := (*C.l_uint8)(unsafe.Pointer(&data[0]))
	var frames []tiffFrame
	for n := 0; n <= max; n++ {
		var w, h, res C.int
		if C.sohoa_tiff_header(p, C.size_t(len(data)), C.int(n), &w, &h, &res) != 0 {
			break
		}
		frames = append(frames, tiffFrame{int(w), int(h), int(res)})
	}
	if len(frames) == 0 {
		return nil, errors.New("no readable TIFF frame")
	}
	return frames, nil
}

// tiffFramePNG decodes frame n (0-based) as a PNG.
func tiffFramePNG(data []byte, n int) ([]byte, error) {
	var out *C.l_uint8
	var size C.size_t
	p := (*C.l_uint8)(unsafe.Pointer(&data[0]))
	if C.sohoa_tiff_frame_png(p, C.size_t(len(data)), C.int(n), &out, &size) != 0 || out == nil {
		return nil, errors.New("TIFF frame cannot be decoded")
	}
	defer C.free(unsafe.Pointer(out))
	return C.GoBytes(unsafe.Pointer(out), C.int(size)), nil
}

// imagePNG decodes an image (WebP, BMP, ...) with Leptonica and re-encodes it
// as PNG, the lossless format every later stage passes through as it is.
func imagePNG(data []byte) ([]byte, error) {
	if len(data) == 0 {
		return nil, errors.New("empty image")
	}
	var out *C.l_uint8
	var size C.size_t
	p := (*C.l_uint8)(unsafe.Pointer(&data[0]))
	if C.sohoa_image_png(p, C.size_t(len(data)), &out, &size) != 0 || out == nil {
		return nil, errors.New("image cannot be decoded")
	}
	defer C.free(unsafe.Pointer(out))
	return C.GoBytes(unsafe.Pointer(out), C.int(size)), nil
}
