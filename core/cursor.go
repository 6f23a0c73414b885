package core

import (
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"slices"
	"time"
)

// Order lists page by keyset: a page ends with a cursor holding its last
// order's sort key and id, and the next page is read by seeking past that
// key in the list's index. Page 50 then costs what page 1 costs, and an
// order added or changed before the cursor neither repeats nor hides a row
// of the pages after it (an OFFSET would shift them by one).

// OrderKey is an order's place in a sorted list: the value of the list's
// sort column (ship-by or purchase date) and the id that breaks ties.
type OrderKey struct {
	At time.Time
	ID string
}

// KeyOf is o's place in a list sorted by s.
func KeyOf(o *Order, s OrderSort) OrderKey {
	switch {
	case s == ShipByFirst:
		return OrderKey{At: o.ShipBy, ID: o.ID}
	case s == DeliveredFirst && o.DeliveredAt != nil:
		return OrderKey{At: *o.DeliveredAt, ID: o.ID}
	}
	return OrderKey{At: o.PurchaseDate, ID: o.ID}
}

// Cursor is a place in one order list, given to people as a short token
// (the Next and Previous buttons carry it; orders due after <cursor> types it).
type Cursor struct {
	List ListFilter
	Key  OrderKey
}

// cursorVersion is the token's first byte (high nibble; the list's number
// is the low one): a later format gets a new version, and an old token is
// refused with a message rather than read wrongly.
const cursorVersion = 1

// cursorLists numbers the lists inside a token: every list, then the named
// filters in listFilters' order, which is therefore append only (a number,
// once given, names its list for as long as tokens may be around).
func cursorLists() []ListFilter {
	return append([]ListFilter{ListAll}, listFilters()...)
}

// IsZero reports whether c is no cursor (the first page).
func (c Cursor) IsZero() bool { return c.Key.ID == "" }

// String is the token: version and list, the sort key in microseconds, the
// id, then a CRC-32 of the rest, in unpadded base64url (no character a chat
// app or the tokenizer changes). A token grants nothing — whoever may run
// the list may read every page of it — so the checksum is there to catch a
// token cut short or mistyped, not a forger, and needs no secret to keep.
func (c Cursor) String() string {
	if c.IsZero() {
		return ""
	}
	n := slices.Index(cursorLists(), c.List)
	b := make([]byte, 0, 1+binary.MaxVarintLen64+len(c.Key.ID)+4)
	b = append(b, byte(cursorVersion<<4|n))
	b = binary.AppendVarint(b, c.Key.At.UnixMicro())
	b = append(b, c.Key.ID...)
	b = binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
	return base64.RawURLEncoding.EncodeToString(b)
}

// MarshalText is the token, so JSON shows what a person would type.
func (c Cursor) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText reads a token back.
func (c *Cursor) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*c = Cursor{}
		return nil
	}
	v, err := ParseCursor(string(b), "cursor")
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// ParseCursor reads a token made by Cursor.String. field names the word it
// followed (after or before), for the error. A token that does not read back
// whole — changed, cut short, or from another program — is refused.
func ParseCursor(s, field string) (Cursor, error) {
	damaged := func() (Cursor, error) {
		return Cursor{}, FieldErrorf(Invalid, field, "The cursor %q is not one sellerdesk made, or it was cut short or changed when copied. Press Next again, or copy the whole cursor from the list's last line; to start over, leave out %s.", Clip(s, 80), field)
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) < 1+1+1+4 {
		return damaged()
	}
	body, sum := b[:len(b)-4], binary.BigEndian.Uint32(b[len(b)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return damaged()
	}
	if body[0]>>4 != cursorVersion {
		return Cursor{}, FieldErrorf(Invalid, field, "The cursor %q comes from another version of sellerdesk. Leave out %s to see the list from the start, and page from there.", Clip(s, 80), field)
	}
	lists := cursorLists()
	n := int(body[0] & 0x0f)
	if n >= len(lists) {
		return damaged()
	}
	micros, k := binary.Varint(body[1:])
	if k <= 0 {
		return damaged()
	}
	id := string(body[1+k:])
	if checkID(id, "order_id") != nil {
		return damaged()
	}
	return Cursor{List: lists[n], Key: OrderKey{At: time.UnixMicro(micros).UTC(), ID: id}}, nil
}

// listName is how a list is typed: "orders due", or "orders" for all.
func listName(f ListFilter) string { return joinWords("orders", string(f)) }

// NextPage is the command for the page after p, the page c returned;
// false on the last page. Adapters put it behind their Next buttons.
func (c ListOrders) NextPage(p *Page) (ListOrders, bool) {
	if p == nil || p.Next.IsZero() {
		return c, false
	}
	c.After, c.Before = p.Next, Cursor{}
	return c, true
}

// PrevPage is the command for the page before p; false on the first page.
func (c ListOrders) PrevPage(p *Page) (ListOrders, bool) {
	if p == nil || p.Prev.IsZero() {
		return c, false
	}
	c.After, c.Before = Cursor{}, p.Prev
	return c, true
}
