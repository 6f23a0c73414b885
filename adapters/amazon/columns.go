package amazon

import (
	"strings"
	"unicode/utf8"

	"github.com/sellerdesk/sellerdesk/core"
)

// column is a report column the reader uses. Reports are keyed by header
// name, never by position: Amazon adds, drops and reorders columns between
// report types and years.
type column int

const (
	colOrderID column = iota
	colOrderItemID
	colPurchaseDate
	colPaymentsDate
	colLastUpdated
	colOrderStatus
	colItemStatus
	colFulfillment
	colSalesChannel
	colBuyerEmail
	colBuyerName
	colBuyerPhone
	colSKU
	colProductName
	colQuantity
	colCurrency
	colItemPrice
	colItemTax
	colShippingPrice
	colShippingTax
	colItemDiscount
	colShipDiscount
	colShipServiceLevel
	colRecipient
	colAddress1
	colAddress2
	colAddress3
	colCity
	colState
	colPostalCode
	colCountry
	colShipPhone
	colShipBy
	numColumns
)

// columnNames maps lower-case header names to columns. The Order Report and
// the All Orders report name two of the required columns differently.
var columnNames = map[string]column{
	"order-id":                colOrderID,
	"amazon-order-id":         colOrderID,
	"order-item-id":           colOrderItemID,
	"purchase-date":           colPurchaseDate,
	"payments-date":           colPaymentsDate,
	"last-updated-date":       colLastUpdated,
	"order-status":            colOrderStatus,
	"item-status":             colItemStatus,
	"fulfillment-channel":     colFulfillment,
	"sales-channel":           colSalesChannel,
	"buyer-email":             colBuyerEmail,
	"buyer-name":              colBuyerName,
	"buyer-phone-number":      colBuyerPhone,
	"sku":                     colSKU,
	"product-name":            colProductName,
	"quantity-purchased":      colQuantity,
	"quantity":                colQuantity,
	"currency":                colCurrency,
	"item-price":              colItemPrice,
	"item-tax":                colItemTax,
	"shipping-price":          colShippingPrice,
	"shipping-tax":            colShippingTax,
	"item-promotion-discount": colItemDiscount,
	"ship-promotion-discount": colShipDiscount,
	"ship-service-level":      colShipServiceLevel,
	"recipient-name":          colRecipient,
	"ship-address-1":          colAddress1,
	"ship-address-2":          colAddress2,
	"ship-address-3":          colAddress3,
	"ship-city":               colCity,
	"ship-state":              colState,
	"ship-postal-code":        colPostalCode,
	"ship-country":            colCountry,
	"ship-phone-number":       colShipPhone,
	// The Unshipped Orders report's ship-by: promise-date (older form) or
	// latest-ship-date. The marketplace computed it from the seller's
	// shipping settings, so it is taken as it is, not recomputed.
	"promise-date":     colShipBy,
	"latest-ship-date": colShipBy,
}

// requiredColumns are the columns without which no order can be built, with
// the names a seller would look for in the header.
var requiredColumns = []struct {
	col  column
	name string
}{
	{colOrderID, "order-id (or amazon-order-id)"},
	{colPurchaseDate, "purchase-date"},
	{colSKU, "sku"},
	{colQuantity, "quantity-purchased (or quantity)"},
}

// header is where each column sits in one report, and what the report calls
// it, so a line error names the column as the seller's file does.
type header struct {
	index [numColumns]int
	name  [numColumns]string
	width int
}

func parseHeader(fields []string) (*header, error) {
	h := &header{width: len(fields)}
	for c := range h.index {
		h.index[c] = -1
	}
	for i, f := range fields {
		name := strings.TrimSpace(f)
		c, ok := columnNames[strings.ToLower(name)]
		if !ok || h.index[c] >= 0 {
			// Unknown columns are ignored; of two columns meaning the same
			// thing the first one counts.
			continue
		}
		h.index[c] = i
		h.name[c] = name
	}
	var missing []string
	for _, r := range requiredColumns {
		if h.index[r.col] < 0 {
			missing = append(missing, r.name)
		}
	}
	if len(missing) > 0 {
		s := ""
		if len(missing) > 1 {
			s = "s"
		}
		line := strings.Join(fields, "\t")
		switch {
		case looksUTF16(line):
			return nil, core.FieldErrorf(core.Invalid, "header",
				"The file looks like UTF-16 without a byte order mark (every other byte of its first line is zero): save it as UTF-8, or as UTF-16 with a byte order mark.")
		case looksBinary(line):
			return nil, core.FieldErrorf(core.Invalid, "header",
				"The file is not an order report: its first line is binary data, not column names. Download the report from Seller Central again as a tab-separated text file.")
		}
		hint := ""
		if len(fields) == 1 {
			hint = " The header has no tabs: the file must be tab-separated (a flat file as Seller Central gives it, not CSV)."
		}
		return nil, core.FieldErrorf(core.Invalid, "header",
			"The order report's header is missing the required column%s %s.%s", s, strings.Join(missing, ", "), hint)
	}
	return h, nil
}

func (h *header) has(c column) bool { return h.index[c] >= 0 }

// priced reports whether the report has prices at all: the Unshipped Orders
// report has neither a currency nor any amount column.
func (h *header) priced() bool {
	for _, c := range []column{colCurrency, colItemPrice, colItemTax, colShippingPrice, colShippingTax, colItemDiscount, colShipDiscount} {
		if h.has(c) {
			return true
		}
	}
	return false
}

// validOrderID reports whether id is an Amazon order id: three, seven and
// seven digits joined by hyphens (058-3563777-5518068), the form Seller
// Central's own templates require. A value in any other form is a shifted
// column, a spreadsheet's rounding of the id, or another marketplace's file.
func validOrderID(id string) bool {
	if len(id) != 19 || id[3] != '-' || id[11] != '-' {
		return false
	}
	for i := 0; i < len(id); i++ {
		if i != 3 && i != 11 && (id[i] < '0' || id[i] > '9') {
			return false
		}
	}
	return true
}

// looksUTF16 reports whether a header line read as bytes is UTF-16 without a
// byte order mark: column names are ASCII, so in UTF-16 every other byte is
// zero. Random bytes have a zero byte in one place of 256, not in half.
func looksUTF16(line string) bool {
	if len(line) < 8 {
		return false
	}
	var zeros [2]int
	for i := 0; i < len(line); i++ {
		if line[i] == 0 {
			zeros[i%2]++
		}
	}
	half := len(line) / 2
	return zeros[0] >= half*9/10 && zeros[1] < half/10 || zeros[1] >= half*9/10 && zeros[0] < half/10
}

// looksBinary reports whether a header line is not text: it holds control
// bytes other than tab, or is not valid UTF-8 (the header's column names
// are ASCII in every encoding the reader takes).
func looksBinary(line string) bool {
	if !utf8.ValidString(line) || strings.ContainsRune(line, utf8.RuneError) {
		return true
	}
	for i := 0; i < len(line); i++ {
		if c := line[i]; c < ' ' && c != '\t' || c == 0x7f {
			return true
		}
	}
	return false
}
