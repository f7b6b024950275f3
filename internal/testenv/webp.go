package testenv

/*
#cgo pkg-config: lept
#include <stdlib.h>
#include <leptonica/allheaders.h>

static int sohoa_to_webp(const l_uint8* data, size_t size, l_uint8** out, size_t* outsize) {
	PIX* pix = pixReadMem(data, size);
	if (pix == NULL) return 1;
	PIX* pix32 = pixConvertTo32(pix);
	int rc = pixWriteMemWebP(out, outsize, pix32, 90, 0);
	pixDestroy(&pix32);
	pixDestroy(&pix);
	return rc;
}
*/
import "C"

import (
	"errors"
	"unsafe"
)

// WebP re-encodes an image (PNG, JPEG, ...) as lossy WebP with Leptonica's
// libwebp, for tests of WebP uploads (Go has no WebP encoder).
func WebP(img []byte) ([]byte, error) {
	if len(img) == 0 {
		return nil, errors.New("empty image")
	}
	var out *C.l_uint8
	var size C.size_t
	if C.sohoa_to_webp((*C.l_uint8)(unsafe.Pointer(&img[0])), C.size_t(len(img)), &out, &size) != 0 || out == nil {
		return nil, errors.New("webp encoding failed")
	}
	defer C.free(unsafe.Pointer(out))
	return C.GoBytes(unsafe.Pointer(out), C.int(size)), nil
}
