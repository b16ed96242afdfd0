package config

import (
	"bytes"
	"errors"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// encoding is how the file's text is stored. PowerShell 5.1's Out-File and
// Notepad's "Unicode" write UTF-16 LE with a BOM; "Unicode big endian"
// writes UTF-16 BE. lsui edits such a file as text and writes it back in
// the same encoding with the same BOM, so every byte it does not change
// stays identical.
type encoding int

const (
	encUTF8 encoding = iota // with or without a UTF-8 BOM (kept as found)
	encUTF16LE
	encUTF16BE
)

func (e encoding) String() string {
	switch e {
	case encUTF16LE:
		return "UTF-16 LE"
	case encUTF16BE:
		return "UTF-16 BE"
	}
	return "UTF-8"
}

var (
	bomLE = []byte{0xff, 0xfe}
	bomBE = []byte{0xfe, 0xff}
)

// decodeFile returns the file's text as UTF-8. For UTF-16 the text starts
// with a UTF-8 BOM in place of the UTF-16 one, so offsets into it work the
// same way as for a UTF-8 file with a BOM. A UTF-16 file that would not
// come back byte for byte (odd length, an unpaired surrogate) is refused.
func decodeFile(raw []byte) ([]byte, encoding, error) {
	var enc encoding
	switch {
	case bytes.HasPrefix(raw, bomLE):
		enc = encUTF16LE
	case bytes.HasPrefix(raw, bomBE):
		enc = encUTF16BE
	default:
		if len(raw) >= 2 && (raw[0] == 0 || raw[1] == 0) {
			return nil, encUTF8, errors.New("the file looks like UTF-16 without a byte order mark; save it as UTF-8, or as UTF-16 with a BOM")
		}
		return raw, encUTF8, nil
	}
	body := raw[2:]
	if len(body)%2 != 0 {
		return nil, enc, fmt.Errorf("the file is %s but has an odd number of bytes (truncated?)", enc)
	}
	units := make([]uint16, len(body)/2)
	for i := range units {
		if enc == encUTF16LE {
			units[i] = uint16(body[2*i]) | uint16(body[2*i+1])<<8
		} else {
			units[i] = uint16(body[2*i])<<8 | uint16(body[2*i+1])
		}
	}
	text := make([]byte, 0, len(utf8BOM)+len(units))
	text = append(text, utf8BOM...)
	for i := 0; i < len(units); i++ {
		u := units[i]
		switch {
		case utf16.IsSurrogate(rune(u)):
			if u >= 0xdc00 || i+1 >= len(units) || units[i+1] < 0xdc00 || units[i+1] > 0xdfff {
				return nil, enc, fmt.Errorf("the file is %s with an unpaired surrogate at byte %d", enc, 2+2*i)
			}
			text = utf8.AppendRune(text, utf16.DecodeRune(rune(u), rune(units[i+1])))
			i++
		default:
			text = utf8.AppendRune(text, rune(u))
		}
	}
	return text, enc, nil
}

// encodeFile is the inverse of decodeFile: text (UTF-8, starting with the
// UTF-8 BOM for UTF-16 files) back to the file's bytes.
func encodeFile(text []byte, enc encoding) ([]byte, error) {
	if enc == encUTF8 {
		return text, nil
	}
	body, ok := bytes.CutPrefix(text, utf8BOM)
	if !ok || !utf8.Valid(body) {
		return nil, errors.New("internal error: edited text lost its BOM or is not UTF-8")
	}
	out := make([]byte, 0, 2+2*len(body))
	if enc == encUTF16LE {
		out = append(out, bomLE...)
	} else {
		out = append(out, bomBE...)
	}
	put := func(u uint16) {
		if enc == encUTF16LE {
			out = append(out, byte(u), byte(u>>8))
		} else {
			out = append(out, byte(u>>8), byte(u))
		}
	}
	for _, r := range string(body) {
		if r >= 0x10000 {
			hi, lo := utf16.EncodeRune(r)
			put(uint16(hi))
			put(uint16(lo))
			continue
		}
		put(uint16(r))
	}
	return out, nil
}
