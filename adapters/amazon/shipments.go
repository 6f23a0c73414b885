package amazon

import (
	"bufio"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sellerdesk/sellerdesk/core"
)

// ShipmentHeader is the header of Amazon's Shipping Confirmation upload.
const ShipmentHeader = "order-id\torder-item-id\tquantity\tship-date\tcarrier-code\tcarrier-name\ttracking-number\tship-method"

// ShipmentWriter writes a Shipping Confirmation file one shipment at a time,
// so an export of any size needs no more memory than one shipment: UTF-8
// without a byte order mark, LF line ends, header first.
type ShipmentWriter struct {
	w         *bufio.Writer
	loc       *time.Location
	headerOut bool
	buf       []byte
}

// NewShipmentWriter writes to w with ship dates as calendar days in loc
// (UTC when nil): Seller Central reads ship-date as a day, and the seller's
// day is what staff typed.
func NewShipmentWriter(w io.Writer, loc *time.Location) *ShipmentWriter {
	if loc == nil {
		loc = time.UTC
	}
	return &ShipmentWriter{w: bufio.NewWriter(w), loc: loc}
}

// WriteHeader writes the header line; Write and Flush do it when it has not
// been written yet, so calling it is needed only to start a file early.
func (sw *ShipmentWriter) WriteHeader() error {
	if sw.headerOut {
		return nil
	}
	sw.headerOut = true
	_, err := sw.w.WriteString(ShipmentHeader + "\n")
	return err
}

// Write adds one line per shipment line. A shipment without lines confirms
// the whole order: Amazon ships every item of the order when order-item-id
// and quantity are left empty. Lines with no units are left out.
func (sw *ShipmentWriter) Write(s core.OrderShipment) error {
	if err := sw.WriteHeader(); err != nil {
		return err
	}
	sh := &s.Shipment
	if s.OrderID == "" {
		return core.FieldErrorf(core.Invalid, "order-id", "A shipment to export has no order id.")
	}
	if sh.ShipDate.IsZero() {
		return core.FieldErrorf(core.Invalid, "ship-date", "Shipment %s of order %s has no ship date.", sh.ID, s.OrderID)
	}
	carrierName := ""
	if sh.Carrier == core.Other {
		carrierName = sh.CarrierName
	}
	line := func(itemID string, qty string) error {
		b := sw.buf[:0]
		b = appendField(b, s.OrderID)
		b = append(b, '\t')
		b = appendField(b, itemID)
		b = append(b, '\t')
		b = append(b, qty...)
		b = append(b, '\t')
		b = sh.ShipDate.In(sw.loc).AppendFormat(b, time.DateOnly)
		b = append(b, '\t')
		b = appendField(b, sh.Carrier.AmazonCode())
		b = append(b, '\t')
		b = appendField(b, carrierName)
		b = append(b, '\t')
		b = appendField(b, sh.Tracking)
		b = append(b, '\t')
		b = appendField(b, sh.Method)
		b = append(b, '\n')
		sw.buf = b
		_, err := sw.w.Write(b)
		return err
	}
	if len(sh.Lines) == 0 {
		return line("", "")
	}
	for _, l := range sh.Lines {
		if l.Quantity <= 0 {
			continue
		}
		if err := line(l.OrderItemID, strconv.Itoa(l.Quantity)); err != nil {
			return err
		}
	}
	return nil
}

// Flush writes the header if nothing was written, and everything buffered.
func (sw *ShipmentWriter) Flush() error {
	if err := sw.WriteHeader(); err != nil {
		return err
	}
	return sw.w.Flush()
}

// WriteShipments writes a complete Shipping Confirmation file.
func WriteShipments(w io.Writer, rows []core.OrderShipment, loc *time.Location) error {
	sw := NewShipmentWriter(w, loc)
	for _, r := range rows {
		if err := sw.Write(r); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// appendField appends s with tabs and line ends made spaces (they would
// split the field or the row) and invalid UTF-8 replaced, so the upload
// always parses.
func appendField(b []byte, s string) []byte {
	if !strings.ContainsAny(s, "\t\r\n") && utf8.ValidString(s) {
		return append(b, s...)
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\t' || c == '\r' || c == '\n' {
			c = ' '
		}
		b = append(b, c)
	}
	return b
}
