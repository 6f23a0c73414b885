package amazon

import (
	"bufio"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"

	"github.com/sellerdesk/sellerdesk/core"
)

// The Shipping Confirmation upload follows Seller Central's flat-file
// template TemplateType=OrderFulfillment, Version=2011.1102 (the template
// "Flat.File.ShippingConfirm" behind Seller Central's "Shipping
// Confirmation template" help page, item 641/G641; the version line is the
// same in every copy of the template seen in public sellers' tools). Like
// every Amazon flat-file template it starts with a line naming the template
// type and version, which the upload reads to know the file; then the
// column names. The Japanese marketplace's template differs: a row of
// Japanese column labels between the two, a ninth column
// cod-collection-method (代金引換: cash on delivery, left empty here as
// sellerdesk takes no cash-on-delivery orders), and Shift_JIS text, as
// Seller Central JP gives and takes it. Other marketplaces share the
// eight-column form.
const (
	shipmentTemplateType    = "TemplateType=OrderFulfillment"
	shipmentTemplateVersion = "Version=2011.1102"
)

// ShipmentTemplate is the Shipping Confirmation template of one or more
// marketplaces.
type ShipmentTemplate struct {
	// Marketplace names it for the --marketplace flag: "JP", or "" for the
	// form every marketplace without one of its own uses.
	Marketplace string
	// Above are the lines above the column names, as the template has them.
	Above [][]string
	// Columns are the column names, in order.
	Columns []string
	// ShiftJIS is set when the marketplace's upload is Shift_JIS text
	// (characters Shift_JIS lacks become "?"); else it is UTF-8.
	ShiftJIS bool
}

// ShipmentColumns are the eight columns of the Shipping Confirmation upload
// in every marketplace but Japan.
var ShipmentColumns = []string{"order-id", "order-item-id", "quantity", "ship-date", "carrier-code", "carrier-name", "tracking-number", "ship-method"}

// ShipmentHeader is the column-name line of the eight-column form.
var ShipmentHeader = strings.Join(ShipmentColumns, "\t")

// DefaultShipmentTemplate is the template of Amazon.com and every
// marketplace without one of its own.
func DefaultShipmentTemplate() ShipmentTemplate {
	return ShipmentTemplate{
		Above:   [][]string{{shipmentTemplateType, shipmentTemplateVersion}},
		Columns: ShipmentColumns,
	}
}

// JapanShipmentTemplate is Amazon.co.jp's template.
func JapanShipmentTemplate() ShipmentTemplate {
	return ShipmentTemplate{
		Marketplace: "JP",
		Above: [][]string{
			// "This row is used by Amazon: do not change or delete it."
			{shipmentTemplateType, shipmentTemplateVersion, "この行はAmazonが使用しますので変更や削除しないでください。"},
			{"注文番号", "注文商品番号", "出荷数", "出荷日", "配送業者コード", "配送業者名", "お問い合わせ伝票番号", "配送方法", "代金引換"},
		},
		Columns:  append(slices.Clone(ShipmentColumns), "cod-collection-method"),
		ShiftJIS: true,
	}
}

// ShipmentTemplateFor picks the template for an order's sales channel
// (the report's sales-channel, e.g. "Amazon.co.jp").
func ShipmentTemplateFor(salesChannel string) ShipmentTemplate {
	if c := strings.ToLower(strings.TrimSpace(salesChannel)); strings.HasSuffix(c, ".co.jp") || strings.HasSuffix(c, ".jp") {
		return JapanShipmentTemplate()
	}
	return DefaultShipmentTemplate()
}

// ShipmentTemplateNamed is the template a --marketplace flag names: JP (or
// amazon.co.jp) for Japan; anything else (US, amazon.com, UK, DE…) the
// eight-column form.
func ShipmentTemplateNamed(name string) ShipmentTemplate {
	if n := strings.ToLower(strings.TrimSpace(name)); n == "jp" || n == "japan" {
		return JapanShipmentTemplate()
	}
	return ShipmentTemplateFor(name)
}

// ShipmentWriter writes a Shipping Confirmation file one shipment at a time,
// so an export of any size needs no more memory than one shipment: the
// template's lines first, LF line ends, no byte order mark.
type ShipmentWriter struct {
	w         *bufio.Writer
	enc       io.WriteCloser // the Shift_JIS encoder under w, when the template needs it
	tmpl      ShipmentTemplate
	loc       *time.Location
	headerOut bool
	buf       []byte
}

// NewShipmentWriter writes the default template to w with ship dates as
// calendar days in loc (UTC when nil): Seller Central reads ship-date as a
// day, and the seller's day is what staff typed.
func NewShipmentWriter(w io.Writer, loc *time.Location) *ShipmentWriter {
	return NewTemplateShipmentWriter(w, loc, DefaultShipmentTemplate())
}

// NewTemplateShipmentWriter is NewShipmentWriter for a given template.
func NewTemplateShipmentWriter(w io.Writer, loc *time.Location, t ShipmentTemplate) *ShipmentWriter {
	if loc == nil {
		loc = time.UTC
	}
	sw := &ShipmentWriter{tmpl: t, loc: loc}
	if t.ShiftJIS {
		sw.enc = transform.NewWriter(w, transform.Chain(runes.Map(shiftJISOrQuestionMark), japanese.ShiftJIS.NewEncoder()))
		w = sw.enc
	}
	sw.w = bufio.NewWriter(w)
	return sw
}

// WriteHeader writes the template's lines; Write and Flush do it when it
// has not been written yet, so calling it is needed only to start a file
// early. Lines above the column names are padded to the columns' width, as
// a spreadsheet saves the template.
func (sw *ShipmentWriter) WriteHeader() error {
	if sw.headerOut {
		return nil
	}
	sw.headerOut = true
	for _, l := range append(slices.Clone(sw.tmpl.Above), sw.tmpl.Columns) {
		fields := slices.Clone(l)
		for len(fields) < len(sw.tmpl.Columns) {
			fields = append(fields, "")
		}
		if _, err := sw.w.WriteString(strings.Join(fields, "\t") + "\n"); err != nil {
			return err
		}
	}
	return nil
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
		for i, c := range sw.tmpl.Columns {
			if i > 0 {
				b = append(b, '\t')
			}
			switch c {
			case "order-id":
				b = appendField(b, s.OrderID)
			case "order-item-id":
				b = appendField(b, itemID)
			case "quantity":
				b = append(b, qty...)
			case "ship-date":
				b = sh.ShipDate.In(sw.loc).AppendFormat(b, time.DateOnly)
			case "carrier-code":
				b = appendField(b, sh.Carrier.AmazonCode())
			case "carrier-name":
				b = appendField(b, carrierName)
			case "tracking-number":
				b = appendField(b, sh.Tracking)
			case "ship-method":
				b = appendField(b, sh.Method)
			}
			// cod-collection-method stays empty: no cash-on-delivery orders.
		}
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
	if err := sw.w.Flush(); err != nil {
		return err
	}
	if sw.enc != nil {
		return sw.enc.Close() // the encoder's last bytes; w itself stays open
	}
	return nil
}

// WriteShipments writes a complete Shipping Confirmation file in the
// default template.
func WriteShipments(w io.Writer, rows []core.OrderShipment, loc *time.Location) error {
	return WriteTemplateShipments(w, rows, loc, DefaultShipmentTemplate())
}

// WriteTemplateShipments writes a complete Shipping Confirmation file in
// template t.
func WriteTemplateShipments(w io.Writer, rows []core.OrderShipment, loc *time.Location, t ShipmentTemplate) error {
	sw := NewTemplateShipmentWriter(w, loc, t)
	for _, r := range rows {
		if err := sw.Write(r); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// shiftJISOrQuestionMark keeps a rune Shift_JIS can write and makes any
// other "?": the encoder's own replacement is the control byte 0x1A, which
// has no place in a text upload.
func shiftJISOrQuestionMark(r rune) rune {
	if r < utf8.RuneSelf {
		return r
	}
	if _, err := japanese.ShiftJIS.NewEncoder().String(string(r)); err != nil {
		return '?'
	}
	return r
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
