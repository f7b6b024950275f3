package pages

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
)

// ImageSize reads an encoded image's real size from its own header (JPEG
// SOF, PNG IHDR, TIFF tags of the first frame through Leptonica, WebP and
// BMP headers) without decoding a pixel. Whatever a container (a PDF image
// dictionary, a file name) claims about the image, this is the size a
// decoder will allocate for. It is safe for concurrent use.
func ImageSize(b []byte) (w, h int, f Format, err error) {
	f = Sniff(b)
	switch f {
	case JPEG:
		w, h, err = jpegSize(b)
	case PNG:
		w, h, err = pngSize(b)
	case TIFF:
		var frames []tiffFrame
		if frames, err = tiffFrames(b, 0); err == nil {
			w, h = frames[0].w, frames[0].h
		}
	case WebP, BMP:
		var cfg image.Config
		// The x/image decoders read only the header for DecodeConfig.
		if cfg, _, err = image.DecodeConfig(bytes.NewReader(b)); err == nil {
			w, h = cfg.Width, cfg.Height
		}
	default:
		return 0, 0, f, errors.New("not an image format")
	}
	if err != nil {
		return 0, 0, f, fmt.Errorf("%s header: %w", f, err)
	}
	if w <= 0 || h <= 0 {
		return 0, 0, f, fmt.Errorf("%s header: invalid size %dx%d", f, w, h)
	}
	return w, h, f, nil
}

// pngSize reads the IHDR chunk, which PNG requires to come first.
func pngSize(b []byte) (w, h int, err error) {
	if len(b) < 24 || string(b[12:16]) != "IHDR" {
		return 0, 0, errors.New("no IHDR chunk")
	}
	// Width and height are 31-bit unsigned; larger values are invalid.
	uw, uh := binary.BigEndian.Uint32(b[16:]), binary.BigEndian.Uint32(b[20:])
	if uw > 1<<31-1 || uh > 1<<31-1 {
		return 0, 0, fmt.Errorf("invalid size %dx%d", uw, uh)
	}
	return int(uw), int(uh), nil
}

// jpegSize walks the marker segments up to the first frame header (SOF0-15
// except DHT, JPG and DAC), which holds the frame's lines and samples per
// line. It accepts every coding process (baseline, progressive, lossless,
// arithmetic, 12-bit), as libjpeg does, unlike image/jpeg.
func jpegSize(b []byte) (w, h int, err error) {
	if len(b) < 4 || b[0] != 0xff || b[1] != 0xd8 {
		return 0, 0, errors.New("no SOI marker")
	}
	for i := 2; ; {
		// Skip to the next marker, allowing fill bytes (0xff runs).
		for i < len(b) && b[i] != 0xff {
			i++ // tolerate junk between segments, as libjpeg does
		}
		for i < len(b) && b[i] == 0xff {
			i++
		}
		if i >= len(b) {
			return 0, 0, errors.New("no frame header (SOF) before end of data")
		}
		m := b[i]
		i++
		switch {
		case m == 0x01 || m >= 0xd0 && m <= 0xd7: // TEM, RSTn: no length
			continue
		case m == 0xd9 || m == 0xda: // EOI, SOS before any SOF
			return 0, 0, errors.New("no frame header (SOF) before scan data")
		}
		if i+2 > len(b) {
			return 0, 0, errors.New("truncated segment length")
		}
		n := int(binary.BigEndian.Uint16(b[i:]))
		if n < 2 {
			return 0, 0, fmt.Errorf("invalid segment length %d", n)
		}
		if m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc {
			// Length(2) precision(1) lines(2) samples per line(2).
			if n < 8 || i+7 > len(b) {
				return 0, 0, errors.New("truncated frame header")
			}
			h = int(binary.BigEndian.Uint16(b[i+3:]))
			w = int(binary.BigEndian.Uint16(b[i+5:]))
			if h == 0 {
				// A zero line count is defined later by a DNL marker;
				// no scanner writes it and the size cannot be checked.
				return 0, 0, errors.New("frame height defined by DNL is not supported")
			}
			return w, h, nil
		}
		i += n
	}
}
