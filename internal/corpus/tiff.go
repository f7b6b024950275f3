package corpus

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"image"
	"image/draw"
	"io"
)

// WriteTIFF writes a multi-page baseline TIFF (little-endian), one image
// file directory per page, chained in page order. Pages are 8-bit
// greyscale (*image.Gray) or RGB (anything else), Adobe-deflate
// compressed in strips of about 64 KiB, with XResolution/YResolution set
// to dpi and PageNumber tags. x/image/tiff reads only the first page; tiffinfo
// and Tesseract read them all. Safe for concurrent use.
func WriteTIFF(w io.Writer, pages []image.Image, dpi int) error {
	if len(pages) == 0 {
		return fmt.Errorf("tiff: no pages")
	}
	if dpi <= 0 {
		return fmt.Errorf("tiff: dpi %d must be positive", dpi)
	}
	bw := bufio.NewWriter(w)
	off := uint32(8)
	le := binary.LittleEndian
	hdr := []byte{'I', 'I', 42, 0, 0, 0, 0, 0}
	// Each page's strips come first, then its IFD; IFD offsets are only known
	// once the strips are compressed, so the file is assembled in memory
	// and the chain of "next IFD" fields is patched at the end.
	var out [][]byte
	var nextFieldAt []int // index in out and byte offset of each IFD's next field
	var nextFieldOff []int
	out = append(out, hdr)
	ifdOffsets := make([]uint32, len(pages))
	for pi, img := range pages {
		pix, width, height, spp := pagePixels(img)
		rowBytes := width * spp
		rps := max(1, 65536/rowBytes)
		var stripOffs, stripLens []uint32
		for y := 0; y < height; y += rps {
			end := min(y+rps, height)
			var buf bytes.Buffer
			zw, err := zlib.NewWriterLevel(&buf, zlib.BestSpeed)
			if err != nil {
				return fmt.Errorf("tiff page %d: %w", pi+1, err)
			}
			if _, err := zw.Write(pix[y*rowBytes : end*rowBytes]); err != nil {
				return fmt.Errorf("tiff page %d: %w", pi+1, err)
			}
			if err := zw.Close(); err != nil {
				return fmt.Errorf("tiff page %d: %w", pi+1, err)
			}
			stripOffs = append(stripOffs, off)
			stripLens = append(stripLens, uint32(buf.Len()))
			out = append(out, buf.Bytes())
			off += uint32(buf.Len())
		}
		if off%2 == 1 { // IFDs start on a word boundary
			out = append(out, []byte{0})
			off++
		}
		// Out-of-line values go right after the IFD entries.
		type entry struct {
			tag, typ uint16
			count    uint32
			data     []byte // little-endian values
		}
		u16 := func(vs ...uint16) []byte {
			b := make([]byte, 2*len(vs))
			for i, v := range vs {
				le.PutUint16(b[2*i:], v)
			}
			return b
		}
		u32 := func(vs ...uint32) []byte {
			b := make([]byte, 4*len(vs))
			for i, v := range vs {
				le.PutUint32(b[4*i:], v)
			}
			return b
		}
		const (
			tShort    = 3
			tLong     = 4
			tRational = 5
		)
		bps := []uint16{8}
		photometric := uint16(1) // BlackIsZero
		if spp == 3 {
			bps = []uint16{8, 8, 8}
			photometric = 2 // RGB
		}
		entries := []entry{
			{254, tLong, 1, u32(2)}, // NewSubfileType: page of a multi-page image
			{256, tLong, 1, u32(uint32(width))},
			{257, tLong, 1, u32(uint32(height))},
			{258, tShort, uint32(len(bps)), u16(bps...)},
			{259, tShort, 1, u16(8)}, // Adobe deflate
			{262, tShort, 1, u16(photometric)},
			{273, tLong, uint32(len(stripOffs)), u32(stripOffs...)},
			{277, tShort, 1, u16(uint16(spp))},
			{278, tLong, 1, u32(uint32(rps))},
			{279, tLong, uint32(len(stripLens)), u32(stripLens...)},
			{282, tRational, 1, u32(uint32(dpi), 1)},
			{283, tRational, 1, u32(uint32(dpi), 1)},
			{284, tShort, 1, u16(1)}, // chunky
			{296, tShort, 1, u16(2)}, // inch
			{297, tShort, 2, u16(uint16(pi), uint16(len(pages)))},
		}
		ifdOffsets[pi] = off
		ifdSize := 2 + 12*len(entries) + 4
		extra := off + uint32(ifdSize)
		var ifd, tail []byte
		ifd = le.AppendUint16(ifd, uint16(len(entries)))
		for _, e := range entries {
			ifd = le.AppendUint16(ifd, e.tag)
			ifd = le.AppendUint16(ifd, e.typ)
			ifd = le.AppendUint32(ifd, e.count)
			if len(e.data) <= 4 {
				v := make([]byte, 4)
				copy(v, e.data)
				ifd = append(ifd, v...)
				continue
			}
			ifd = le.AppendUint32(ifd, extra+uint32(len(tail)))
			tail = append(tail, e.data...)
			if len(tail)%2 == 1 {
				tail = append(tail, 0)
			}
		}
		nextFieldAt = append(nextFieldAt, len(out))
		nextFieldOff = append(nextFieldOff, len(ifd))
		ifd = le.AppendUint32(ifd, 0) // next IFD, patched below
		out = append(out, append(ifd, tail...))
		off += uint32(len(ifd) + len(tail))
	}
	le.PutUint32(hdr[4:], ifdOffsets[0])
	for i := 0; i+1 < len(pages); i++ {
		le.PutUint32(out[nextFieldAt[i]][nextFieldOff[i]:], ifdOffsets[i+1])
	}
	for _, b := range out {
		if _, err := bw.Write(b); err != nil {
			return fmt.Errorf("tiff: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("tiff: %w", err)
	}
	return nil
}

// pagePixels returns tightly packed 8-bit grey (spp 1) or RGB (spp 3) rows.
func pagePixels(img image.Image) (pix []byte, w, h, spp int) {
	b := img.Bounds()
	w, h = b.Dx(), b.Dy()
	if g, ok := img.(*image.Gray); ok {
		if g.Stride == w && b.Min == (image.Point{}) {
			return g.Pix[:w*h], w, h, 1
		}
		pix = make([]byte, w*h)
		for y := 0; y < h; y++ {
			copy(pix[y*w:(y+1)*w], g.Pix[g.PixOffset(b.Min.X, b.Min.Y+y):])
		}
		return pix, w, h, 1
	}
	rgba, ok := img.(*image.RGBA)
	if !ok {
		rgba = image.NewRGBA(image.Rect(0, 0, w, h))
		draw.Draw(rgba, rgba.Bounds(), img, b.Min, draw.Src)
	}
	pix = make([]byte, w*h*3)
	for y := 0; y < h; y++ {
		row := rgba.Pix[rgba.PixOffset(rgba.Rect.Min.X, rgba.Rect.Min.Y+y):]
		for x := 0; x < w; x++ {
			copy(pix[(y*w+x)*3:(y*w+x)*3+3], row[x*4:x*4+3])
		}
	}
	return pix, w, h, 3
}
