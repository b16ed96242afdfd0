package payload

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/go-json-experiment/json/jsontext"
)

// maxJSONValue caps one scalar (a string or a number) in a payload's JSON
// entries. jsontext holds a whole value in its buffer before returning or
// skipping it, so without a cap one 250 MiB string in usage.json (a 3.5 MB
// zip) costs a gigabyte. The largest value a real payload carries is a
// licence line's NOTICE or SIGN= signature in inventory.json, a few hundred
// bytes (DOMAIN.md §1), and a Citrix bundle's longest is a hash or a
// product name; 64 KiB is a hundred times that and costs nothing to hold.
const maxJSONValue = 64 << 10

// jsonReadSlack is what the decoder may have read past its last token
// besides the value it is in: it reads 4 KiB at a time.
const jsonReadSlack = 8 << 10

var errJSONValueTooLarge = fmt.Errorf("a JSON value over %d KiB", maxJSONValue>>10)

// newJSONDecoder is the decoder for a payload's JSON entries: no value over
// maxJSONValue is ever buffered, and names are not kept to find
// duplicates (one object of ten million distinct names would keep them
// all; the summaries check the few names they read themselves).
func newJSONDecoder(r io.Reader) *jsontext.Decoder {
	in := &boundedJSONInput{r: r}
	in.dec = jsontext.NewDecoder(in, jsontext.AllowDuplicateNames(true))
	return in.dec
}

// boundedJSONInput feeds a decoder no more than maxJSONValue+jsonReadSlack
// bytes past its last complete token.
type boundedJSONInput struct {
	r   io.Reader
	dec *jsontext.Decoder
	fed int64
}

func (b *boundedJSONInput) Read(p []byte) (int, error) {
	room := maxJSONValue + jsonReadSlack - (b.fed - b.dec.InputOffset())
	if room <= 0 {
		return 0, errJSONValueTooLarge
	}
	if int64(len(p)) > room {
		p = p[:room]
	}
	n, err := b.r.Read(p)
	b.fed += int64(n)
	return n, err
}

// checkJSONValues reads data through newJSONDecoder to its end: a JSON
// document with no value over the cap, before a decoder that keeps values
// (json.Unmarshal of the manifest) sees it.
func checkJSONValues(data []byte) error {
	dec := newJSONDecoder(bytes.NewReader(data))
	for {
		if _, err := dec.ReadToken(); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return eofInside(err)
		}
	}
}
