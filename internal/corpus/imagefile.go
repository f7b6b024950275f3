package corpus

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"math"
)

// WritePNG encodes img as PNG with its resolution in a pHYs chunk
// (pixels per metre). Safe for concurrent use.
func WritePNG(w io.Writer, img image.Image, dpi int) error {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img); err != nil {
		return fmt.Errorf("png: %w", err)
	}
	b := buf.Bytes()
	// The signature (8 bytes) and IHDR chunk (4+4+13+4 bytes) come first;
	// pHYs goes right after IHDR.
	const ihdrEnd = 8 + 25
	if len(b) < ihdrEnd || string(b[12:16]) != "IHDR" {
		return fmt.Errorf("png: unexpected encoder output")
	}
	ppm := uint32(math.Round(float64(dpi) / 0.0254))
	chunk := make([]byte, 0, 21)
	chunk = binary.BigEndian.AppendUint32(chunk, 9)
	chunk = append(chunk, "pHYs"...)
	chunk = binary.BigEndian.AppendUint32(chunk, ppm)
	chunk = binary.BigEndian.AppendUint32(chunk, ppm)
	chunk = append(chunk, 1) // unit: metre
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
	for _, part := range [][]byte{b[:ihdrEnd], chunk, b[ihdrEnd:]} {
		if _, err := w.Write(part); err != nil {
			return fmt.Errorf("png: %w", err)
		}
	}
	return nil
}

// WriteJPEG encodes img as baseline JPEG at quality (1-100; 0 means 90)
// with a JFIF APP0 segment carrying the resolution in dots per inch.
// Greyscale images give one-component JPEGs. Safe for concurrent use.
func WriteJPEG(w io.Writer, img image.Image, dpi, quality int) error {
	b, err := encodeJPEG(img, dpi, quality)
	if err != nil {
		return err
	}
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("jpeg: %w", err)
	}
	return nil
}

func encodeJPEG(img image.Image, dpi, quality int) ([]byte, error) {
	if quality == 0 {
		quality = 90
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		return nil, fmt.Errorf("jpeg: %w", err)
	}
	b := buf.Bytes()
	if len(b) < 2 || b[0] != 0xFF || b[1] != 0xD8 {
		return nil, fmt.Errorf("jpeg: unexpected encoder output")
	}
	d := uint16(min(max(dpi, 1), 65535))
	app0 := []byte{0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 1, byte(d >> 8), byte(d), byte(d >> 8), byte(d), 0, 0}
	out := make([]byte, 0, len(b)+len(app0))
	out = append(out, b[:2]...)
	out = append(out, app0...)
	return append(out, b[2:]...), nil
}
