package amazon

import (
	"bufio"
	"bytes"
	"errors"
	"io"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/sellerdesk/sellerdesk/core"
)

const (
	readBufferSize = 64 << 10
	// maxLineBytes bounds one line. Real rows are well under 4 KiB; a longer
	// "line" is a file that is not an order report (or has lost its line
	// ends), and is reported rather than buffered without limit.
	maxLineBytes = 1 << 20
)

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// encodingFor names the decoder for Options.Encoding; nil means UTF-8.
func encodingFor(name string) (encoding.Encoding, error) {
	switch squash(name) {
	case "", "utf8":
		return nil, nil
	case "windows1252", "cp1252", "latin1", "iso88591":
		// Like browsers, read Latin-1 as its superset windows-1252: Excel
		// writes 0x80–0x9F as €, “ ” and friends, never as C1 controls.
		return charmap.Windows1252, nil
	case "shiftjis", "sjis", "cp932", "windows31j", "mskanji":
		return japanese.ShiftJIS, nil
	case "utf16le":
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), nil
	case "utf16be":
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), nil
	}
	return nil, core.FieldErrorf(core.Invalid, "encoding",
		"Unknown encoding %q: use utf-8, windows-1252 or shift_jis (or leave it empty to detect UTF-8 and UTF-16).", name)
}

// openText wraps the report so that it reads as UTF-8 text. A byte order
// mark always wins over the named encoding: it cannot be the start of a
// header in any other encoding, and a file that has one says what it is.
// checkUTF8 is true when the bytes are passed through undecoded, so each
// line must be checked.
func openText(r io.Reader, enc string) (text *bufio.Reader, checkUTF8 bool, err error) {
	named, err := encodingFor(enc)
	if err != nil {
		return nil, false, err
	}
	br := bufio.NewReaderSize(r, readBufferSize)
	start, err := br.Peek(3)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, false, core.WrapInternal(err, "reading the order report")
	}
	var dec encoding.Encoding
	switch {
	case bytes.HasPrefix(start, bomUTF8):
		_, _ = br.Discard(len(bomUTF8))
		return br, true, nil
	case bytes.HasPrefix(start, bomUTF16LE):
		_, _ = br.Discard(2)
		dec = unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)
	case bytes.HasPrefix(start, bomUTF16BE):
		_, _ = br.Discard(2)
		dec = unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)
	case named == nil:
		return br, true, nil
	default:
		dec = named
	}
	return bufio.NewReaderSize(transform.NewReader(br, dec.NewDecoder()), readBufferSize), false, nil
}

// countingReader reports how many bytes of the file have been read, before
// any decoding, so progress matches the file's size.
type countingReader struct {
	r        io.Reader
	n        int64
	progress func(int64)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.n += int64(n)
		c.progress(c.n)
	}
	return n, err
}

// lineReader splits text into physical lines without their LF or CRLF.
type lineReader struct {
	r    *bufio.Reader
	long []byte // holds a line longer than the bufio buffer
}

// next returns the next line, valid until the following call. tooLong is
// true when the line exceeded maxLineBytes; its content is then cut. At the
// end of the text it returns io.EOF.
func (lr *lineReader) next() (line []byte, tooLong bool, err error) {
	line, err = lr.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		lr.long = append(lr.long[:0], line...)
		for errors.Is(err, bufio.ErrBufferFull) {
			line, err = lr.r.ReadSlice('\n')
			if len(lr.long)+len(line) > maxLineBytes {
				tooLong = true
			} else {
				lr.long = append(lr.long, line...)
			}
		}
		line = lr.long
	}
	if err != nil {
		if !errors.Is(err, io.EOF) {
			return nil, false, core.WrapInternal(err, "reading the order report")
		}
		if len(line) == 0 {
			return nil, false, io.EOF
		}
		// A last line without a line end.
	}
	if n := len(line); n > 0 && line[n-1] == '\n' {
		line = line[:n-1]
	}
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, tooLong, nil
}
