package amazon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sellerdesk/sellerdesk/core"
)

// Defaults for Options.
const (
	DefaultBatchSize = 500
	DefaultMaxBad    = 1000
)

// maxItemsPerOrder bounds the order being assembled. An order id repeated on
// more adjacent rows than this is handed over in several core.Order values,
// as a non-adjacent repeat would be, so a malformed file of one endless
// order cannot make the reader hold it all. (Derived item ids number a
// repeated SKU within one such part only; no real order comes near this.)
const maxItemsPerOrder = 1000

// Options tune ReadOrders. The zero value reads a UTF-8 (or UTF-16 with a
// byte order mark) report in batches of 500 with dates without an offset in UTC.
type Options struct {
	// BatchSize is how many orders each call of the sink gets (default 500).
	BatchSize int
	// Encoding is "" to detect UTF-8 (with or without a byte order mark) or
	// UTF-16 (by its byte order mark); or "utf-8", "windows-1252" (what Excel
	// on Western Windows saves) or "shift_jis" (Excel on Japanese Windows).
	// A byte order mark wins over the named encoding. In UTF-8 a line that
	// is not valid UTF-8 is a line error; in a named encoding bytes it
	// cannot decode become U+FFFD, as a text editor would show them.
	Encoding string
	// Location is the time zone of dates written without an offset
	// (default UTC).
	Location *time.Location
	// Progress, when set, is called with the number of bytes of the file read
	// so far, from the goroutine running ReadOrders.
	Progress func(bytesRead int64)
	// MaxBad is how many line errors Report.Bad keeps (default 1000); later
	// ones are only counted in Report.BadLines, so a file that is all wrong
	// does not fill memory with errors.
	MaxBad int
}

// LineError is one report line that was not imported, and why.
type LineError struct {
	Line    int    // physical line in the file; the header is line 1
	OrderID string // the line's order id, when it could be read
	// Reason names the column and what was wrong with it, for the seller:
	// `quantity-purchased "two" is not a whole number`.
	Reason string
}

func (e LineError) String() string {
	if e.OrderID != "" {
		return fmt.Sprintf("line %d (order %s): %s", e.Line, e.OrderID, e.Reason)
	}
	return fmt.Sprintf("line %d: %s", e.Line, e.Reason)
}

// Report says what a ReadOrders call read.
type Report struct {
	Lines  int // data lines read (not the header, not blank lines)
	Orders int // core.Order values the sink accepted
	Items  int // items in those orders
	// Bad are the lines not imported, in file order, at most Options.MaxBad.
	Bad []LineError
	// BadLines counts every line not imported, including those past MaxBad.
	BadLines int
	// NoPrices is true when the report has no price or currency columns
	// (the Unshipped Orders report): its orders were imported without
	// amounts, and prices must come from another report.
	NoPrices bool
}

// ReadOrders streams an Amazon order report (the Order Report or the All
// Orders report, tab-separated, header first) into core orders, handing them
// to sink in batches. The slice passed to sink is the sink's to keep.
//
// A bad line is dropped and reported in Report.Bad with its line number and
// reason; the order's other lines are still imported. A header that lacks a
// required column is an error with code core.Invalid and nothing is read.
// An error from sink stops the read and is returned as it is; so is the
// context's error when ctx ends.
func ReadOrders(ctx context.Context, r io.Reader, opt Options, sink func([]core.Order) error) (Report, error) {
	if opt.BatchSize <= 0 {
		opt.BatchSize = DefaultBatchSize
	}
	if opt.MaxBad <= 0 {
		opt.MaxBad = DefaultMaxBad
	}
	if opt.Location == nil {
		opt.Location = time.UTC
	}
	if opt.Progress != nil {
		r = &countingReader{r: r, progress: opt.Progress}
	}
	text, checkUTF8, err := openText(r, opt.Encoding)
	if err != nil {
		return Report{}, err
	}
	rd := &reader{opt: opt, sink: sink, lines: lineReader{r: text}, checkUTF8: checkUTF8}
	err = rd.run(ctx)
	return rd.rep, err
}

// reader is the state of one ReadOrders call: the order being assembled and
// the batch of finished orders. Nothing else of the file is kept.
type reader struct {
	opt       Options
	sink      func([]core.Order) error
	lines     lineReader
	checkUTF8 bool

	h      *header
	fields []string
	lineNo int
	rep    Report

	cur     core.Order
	curOpen bool
	// curSKUs are the SKUs of cur's rows (including cancelled rows with no
	// units), to number repeated SKUs when the report has no order-item-id.
	curSKUs []string
	batch   []core.Order

	purchase, payments, updated, shipBy dateCache
	problems                            []string
}

func (rd *reader) run(ctx context.Context) error {
	for {
		if rd.lineNo%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		line, tooLong, err := rd.lines.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		rd.lineNo++
		if blank(line) {
			continue
		}
		if rd.h == nil {
			rd.h, err = parseHeader(splitTabs(nil, string(line)))
			if err != nil {
				return err
			}
			rd.rep.NoPrices = !rd.h.priced()
			continue
		}
		rd.rep.Lines++
		if tooLong {
			rd.bad("", fmt.Sprintf("the line is longer than %d bytes; this does not look like an order report line", maxLineBytes))
			continue
		}
		s := string(line)
		rd.fields = splitTabs(rd.fields[:0], s)
		if rd.checkUTF8 && !utf8.ValidString(s) {
			id := rd.field(colOrderID)
			if !utf8.ValidString(id) {
				id = ""
			}
			rd.bad(id, "the line is not valid UTF-8: the file is probably in another encoding; "+
				"read it with --encoding windows-1252 (Excel on Western Windows) or --encoding shift_jis (Japanese)")
			continue
		}
		if err := rd.row(); err != nil {
			return err
		}
	}
	if rd.h == nil {
		return core.FieldErrorf(core.Invalid, "header", "The order report is empty: it has no header line.")
	}
	if rd.rep.Lines == 0 {
		// Seller Central gives a header-only file for a date range without
		// orders; importing "nothing" without a word would look like success.
		return core.FieldErrorf(core.Invalid, "header",
			"The order report has a header but no order lines: nothing was imported. Check the report's date range in Seller Central.")
	}
	if err := rd.finish(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return rd.flush()
}

// field is the trimmed value of column c on the current line; "" when the
// report has no such column or the line stops short of it (spreadsheets
// drop empty trailing fields).
func (rd *reader) field(c column) string {
	i := rd.h.index[c]
	if i < 0 || i >= len(rd.fields) {
		return ""
	}
	f := rd.fields[i]
	if n := len(f); n > 0 && (f[0] <= ' ' || f[0] >= utf8.RuneSelf || f[n-1] <= ' ' || f[n-1] >= utf8.RuneSelf) {
		return strings.TrimSpace(f)
	}
	return f
}

func (rd *reader) problem(c column, format string, args ...any) {
	rd.problems = append(rd.problems, rd.h.name[c]+" "+fmt.Sprintf(format, args...))
}

func (rd *reader) bad(orderID, reason string) {
	rd.rep.BadLines++
	if len(rd.rep.Bad) < rd.opt.MaxBad {
		rd.rep.Bad = append(rd.rep.Bad, LineError{Line: rd.lineNo, OrderID: strings.Clone(orderID), Reason: reason})
	}
}

// row reads the current line into the order being assembled, or reports it.
func (rd *reader) row() error {
	rd.problems = rd.problems[:0]
	id := rd.field(colOrderID)
	if len(rd.fields) > rd.h.width {
		// More fields than the header can only mean a tab inside a value,
		// which shifts every later column: nothing on the line can be trusted.
		rd.bad(id, fmt.Sprintf("the line has %d fields but the header has %d: a value probably contains a tab",
			len(rd.fields), rd.h.width))
		return nil
	}
	if id == "" {
		rd.problem(colOrderID, "is empty")
	} else if !validOrderID(id) {
		rd.problem(colOrderID, "%q is not an Amazon order id (3-7-7 digits, e.g. 058-3563777-5518068)", id)
	}
	sku := rd.field(colSKU)
	if sku == "" {
		rd.problem(colSKU, "is empty")
	}
	sameOrder := rd.curOpen && rd.cur.ID == id

	purchased := rd.date(&rd.purchase, colPurchaseDate, true)
	updated := purchased
	if t := rd.date(&rd.updated, colLastUpdated, false); !t.IsZero() {
		updated = t
	}
	paid := rd.date(&rd.payments, colPaymentsDate, false)
	if paid.After(updated) {
		updated = paid
	}
	shipBy := rd.shipByDate()

	var status core.Status
	if s := rd.field(colOrderStatus); s != "" {
		var ok bool
		if status, ok = parseStatus(s); !ok {
			rd.problem(colOrderStatus, "%q is not a known order status (Pending, Unshipped, PartiallyShipped, Shipped, Canceled, Delivered…)", s)
		}
	}
	fulfillment, ok := parseFulfillment(rd.field(colFulfillment))
	if !ok {
		rd.problem(colFulfillment, "%q is neither Merchant (MFN) nor Amazon (AFN)", rd.field(colFulfillment))
	}
	// A line's own item-status Cancelled cancels that line only, inside an
	// order that may have shipped its other lines.
	lineCanceled := canceledItem(rd.field(colItemStatus))
	canceled := status == core.Canceled || lineCanceled

	qty, ok := parseQuantity(rd.field(colQuantity))
	switch {
	case !ok && rd.field(colQuantity) == "":
		rd.problem(colQuantity, "is empty")
	case !ok:
		rd.problem(colQuantity, "%q is not a whole number", rd.field(colQuantity))
	case qty == 0 && !canceled:
		rd.problem(colQuantity, "is 0, which only a cancelled line may have")
	}

	cur, item := rd.money(sameOrder)

	if len(rd.problems) > 0 {
		rd.bad(id, strings.Join(rd.problems, "; "))
		return nil
	}

	if !sameOrder || len(rd.curSKUs) >= maxItemsPerOrder {
		if err := rd.finish(); err != nil {
			return err
		}
		rd.start(id, fulfillment)
	}
	o := &rd.cur
	if o.Currency == "" {
		o.Currency = cur
	}
	if o.PurchaseDate.IsZero() {
		o.PurchaseDate = purchased
	}
	if o.ShipBy.IsZero() {
		o.ShipBy = shipBy
	}
	if o.PaymentsDate == nil && !paid.IsZero() {
		p := paid
		o.PaymentsDate = &p
	}
	if updated.After(o.ReportUpdated) {
		o.ReportUpdated = updated
	}
	if o.Status == "" {
		o.Status = status
	}
	fill(&o.SalesChannel, rd.field(colSalesChannel))
	fill(&o.ShipServiceLevel, rd.field(colShipServiceLevel))
	if o.Buyer == (core.Buyer{}) {
		o.Buyer = core.Buyer{
			Name:  rd.field(colBuyerName),
			Email: rd.field(colBuyerEmail),
			Phone: rd.field(colBuyerPhone),
		}
	}
	if o.ShipTo == (core.Address{}) {
		o.ShipTo = core.Address{
			Name:       rd.field(colRecipient),
			Line1:      rd.field(colAddress1),
			Line2:      rd.field(colAddress2),
			Line3:      rd.field(colAddress3),
			City:       rd.field(colCity),
			State:      rd.field(colState),
			PostalCode: rd.field(colPostalCode),
			Country:    rd.field(colCountry),
			Phone:      rd.field(colShipPhone),
		}
	}

	nth := 1
	for _, s := range rd.curSKUs {
		if s == sku {
			nth++
		}
	}
	rd.curSKUs = append(rd.curSKUs, sku)
	if qty == 0 {
		// A cancelled line without units: the order stays, the line has
		// nothing to ship, reserve or refund.
		return nil
	}
	item.OrderItemID = rd.field(colOrderItemID)
	if item.OrderItemID == "" {
		// The All Orders report has no order-item-id. The id must come out
		// the same on every import of the order, so it is built from what
		// identifies the line: the order, the SKU, and which occurrence of
		// that SKU in the order it is (not the row's position, which moves
		// when Amazon lists the items in another order).
		item.OrderItemID = id + "-" + sku + "-" + strconv.Itoa(nth)
	}
	item.SKU = sku
	item.Title = rd.field(colProductName)
	item.Quantity = qty
	if lineCanceled {
		// The buyer is not charged for a cancelled line, whatever price
		// the report still shows: it must not count as paid or shipped.
		item = core.Item{OrderItemID: item.OrderItemID, SKU: sku, Title: item.Title, Canceled: qty}
	}
	o.Items = append(o.Items, item)
	return nil
}

// shipByDate reads the report's ship-by column (promise-date or
// latest-ship-date), zero when there is none. Some reports write the
// window as "earliest - latest"; the end of it is the ship-by.
func (rd *reader) shipByDate() time.Time {
	s := rd.field(colShipBy)
	if i := strings.LastIndex(s, " - "); i >= 0 {
		s = strings.TrimSpace(s[i+3:])
	}
	if s == "" {
		return time.Time{}
	}
	t, ok := rd.shipBy.parse(s, rd.opt.Location)
	if !ok {
		rd.problem(colShipBy, "%q is not a date (expected e.g. 2009-01-03T07:59:59+00:00)", rd.field(colShipBy))
		return time.Time{}
	}
	if y := t.Year(); y < minYear || y > maxYear {
		rd.problem(colShipBy, "%q is not a plausible date (years %d to %d)", s, minYear, maxYear)
		return time.Time{}
	}
	return t
}

// date reads a date column; a missing or empty optional one is zero.
func (rd *reader) date(cache *dateCache, c column, required bool) time.Time {
	s := rd.field(c)
	if s == "" {
		if required {
			rd.problem(c, "is empty")
		}
		return time.Time{}
	}
	t, ok := cache.parse(s, rd.opt.Location)
	if !ok {
		rd.problem(c, "%q is not a date (expected e.g. 2009-01-01T10:50:49-08:00)", s)
		return time.Time{}
	}
	// Year 1 is what a spreadsheet makes of a cleared cell, and would read
	// as "no date" downstream; nothing Amazon sold predates the marketplace.
	if y := t.Year(); y < minYear || y > maxYear {
		rd.problem(c, "%q is not a plausible date (years %d to %d)", s, minYear, maxYear)
		return time.Time{}
	}
	return t
}

const minYear, maxYear = 1995, 2200

// money reads the line's currency and amounts. A line without a currency
// takes its order's; one without a currency and without any amount (Amazon
// leaves both empty on some pending lines) is imported with no currency, as
// there is nothing to misread.
func (rd *reader) money(sameOrder bool) (string, core.Item) {
	var item core.Item
	cols := [6]column{colItemPrice, colItemTax, colShippingPrice, colShippingTax, colItemDiscount, colShipDiscount}
	var raw [6]string
	priced := false
	for i, c := range cols {
		raw[i] = rd.field(c)
		priced = priced || raw[i] != ""
	}
	code := rd.field(colCurrency)
	var cur currency
	switch {
	case code != "":
		var ok bool
		if cur, ok = parseCurrency(code); !ok {
			rd.problem(colCurrency, "%q is not a currency code", code)
			return "", item
		}
		if sameOrder && rd.cur.Currency != "" && rd.cur.Currency != cur.code {
			rd.problem(colCurrency, "%q differs from the order's earlier lines (%s)", code, rd.cur.Currency)
			return "", item
		}
	case !priced:
		return "", item
	case sameOrder && rd.cur.Currency != "":
		cur, _ = parseCurrency(rd.cur.Currency)
	default:
		name := rd.h.name[colCurrency]
		if name == "" {
			name = "currency"
		}
		rd.problems = append(rd.problems, name+" is empty, so the prices cannot be read")
		return "", item
	}
	var v [6]int64
	for i, s := range raw {
		var p string
		if v[i], p = parseAmount(s, cur); p != "" {
			rd.problem(cols[i], "%q %s", s, p)
		}
	}
	item.Price = v[0]
	item.Tax = v[1] + v[3]
	item.Shipping = v[2]
	// The All Orders report writes promotions as negative amounts; some
	// tools write them positive. Either way the buyer paid that much less.
	item.Discount = abs(v[4]) + abs(v[5])
	return cur.code, item
}

// start begins a new order with the current line's id.
func (rd *reader) start(id string, f core.Fulfillment) {
	rd.cur = core.Order{ID: id, Fulfillment: f}
	rd.curOpen = true
	rd.curSKUs = rd.curSKUs[:0]
}

// finish moves the order being assembled into the batch, handing the batch
// to the sink when it is full.
func (rd *reader) finish() error {
	if !rd.curOpen {
		return nil
	}
	if rd.batch == nil {
		// A huge BatchSize costs memory as orders arrive, not up front.
		rd.batch = make([]core.Order, 0, min(rd.opt.BatchSize, 4096))
	}
	rd.batch = append(rd.batch, rd.cur)
	rd.cur = core.Order{}
	rd.curOpen = false
	if len(rd.batch) >= rd.opt.BatchSize {
		return rd.flush()
	}
	return nil
}

func (rd *reader) flush() error {
	if len(rd.batch) == 0 {
		return nil
	}
	if err := rd.sink(rd.batch); err != nil {
		return err
	}
	rd.rep.Orders += len(rd.batch)
	for i := range rd.batch {
		rd.rep.Items += len(rd.batch[i].Items)
	}
	rd.batch = nil // the sink may keep the slice
	return nil
}

func fill(dst *string, s string) {
	if *dst == "" {
		*dst = s
	}
}

// parseQuantity reads a whole number of units: digits only, no sign, no
// decimal point, at most nine digits.
func parseQuantity(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func splitTabs(dst []string, s string) []string {
	for {
		i := strings.IndexByte(s, '\t')
		if i < 0 {
			return append(dst, s)
		}
		dst = append(dst, s[:i])
		s = s[i+1:]
	}
}

// blank reports whether a line holds nothing but spaces and tabs, as the
// empty rows a spreadsheet leaves do.
func blank(line []byte) bool {
	for _, c := range line {
		if c != ' ' && c != '\t' && c != '\r' {
			return false
		}
	}
	return true
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}
