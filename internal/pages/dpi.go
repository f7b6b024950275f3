package pages

import (
	"bytes"
	"encoding/binary"
	"math"
)

// imageDPI reads the resolution stored in a PNG (pHYs) or JPEG (JFIF) header;
// 0 when absent. Tesseract uses it to judge text size.
func imageDPI(b []byte, f Format) int {
	switch f {
	case PNG:
		// Chunks follow the 8-byte signature: length, type, data, CRC.
		for i := 8; i+12 <= len(b) && i < 1<<20; {
			n := int(binary.BigEndian.Uint32(b[i:]))
			typ := string(b[i+4 : i+8])
			if n < 0 || i+12+n > len(b) {
				return 0
			}
			if typ == "pHYs" && n == 9 && b[i+8+8] == 1 { // unit: metre
				ppm := float64(binary.BigEndian.Uint32(b[i+8:]))
				return int(math.Round(ppm * 0.0254))
			}
			if typ == "IDAT" {
				return 0
			}
			i += 12 + n
		}
	case JPEG:
		if i := bytes.Index(head(b, 64), []byte("JFIF\x00")); i >= 0 && i+12 <= len(b) {
			unit := b[i+7]
			x := int(binary.BigEndian.Uint16(b[i+8:]))
			switch unit {
			case 1:
				return x
			case 2:
				return int(math.Round(float64(x) * 2.54))
			}
		}
	}
	return 0
}
