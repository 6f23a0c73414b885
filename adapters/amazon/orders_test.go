package amazon

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"

	"github.com/sellerdesk/sellerdesk/core"
)

// orderCols is the Order Report header as a list.
var orderCols = strings.Split(OrderReportHeader, "\t")

// goodRow is a valid Order Report line as column values; tests override
// what they are about with key, value pairs.
func goodRow(kv ...string) map[string]string {
	v := map[string]string{
		"order-id":           "111-0000000-0000001",
		"order-item-id":      "10000000000001",
		"purchase-date":      "2024-05-01T10:50:49-07:00",
		"payments-date":      "2024-05-01T11:00:00-07:00",
		"buyer-email":        "abc@marketplace.amazon.com",
		"buyer-name":         "John Smith",
		"buyer-phone-number": "+1 206-555-0100",
		"sku":                "SKU-A",
		"product-name":       `Garden Hose 1/2" x 50 ft`,
		"quantity-purchased": "1",
		"currency":           "USD",
		"item-price":         "19.99",
		"item-tax":           "1.60",
		"shipping-price":     "4.99",
		"shipping-tax":       "0.40",
		"ship-service-level": "Standard",
		"recipient-name":     "Jane Smith",
		"ship-address-1":     "1 Main St",
		"ship-address-2":     "Apt 2",
		"ship-city":          "Seattle",
		"ship-state":         "WA",
		"ship-postal-code":   "98101",
		"ship-country":       "US",
		"ship-phone-number":  "+1 206-555-0101",
	}
	for i := 0; i+1 < len(kv); i += 2 {
		v[kv[i]] = kv[i+1]
	}
	return v
}

// report builds a report from a header and rows; a nil row is a blank line.
func report(cols []string, rows ...map[string]string) string {
	var b strings.Builder
	b.WriteString(strings.Join(cols, "\t"))
	b.WriteByte('\n')
	for _, r := range rows {
		if r != nil {
			vals := make([]string, len(cols))
			for i, c := range cols {
				vals[i] = r[c]
			}
			b.WriteString(strings.Join(vals, "\t"))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

type readResult struct {
	orders  []core.Order
	batches []int
	rep     Report
	err     error
}

func read(t testing.TB, input []byte, opt Options) readResult {
	t.Helper()
	var res readResult
	res.rep, res.err = ReadOrders(context.Background(), bytes.NewReader(input), opt, func(b []core.Order) error {
		res.batches = append(res.batches, len(b))
		res.orders = append(res.orders, b...)
		return nil
	})
	return res
}

func mustRead(t testing.TB, input string, opt Options) readResult {
	t.Helper()
	res := read(t, []byte(input), opt)
	if res.err != nil {
		t.Fatalf("ReadOrders: %v", res.err)
	}
	return res
}

// oid is the valid order id a test's one-letter name stands for (A is
// 100-0000000-0000001, B …0002); short turns it back, for compact pictures.
func oid(name string) string { return fmt.Sprintf("100-0000000-%07d", name[0]-'A'+1) }

func short(id string) string {
	if n, ok := strings.CutPrefix(id, "100-0000000-000000"); ok && len(n) == 1 && n[0] >= '1' && n[0] <= '9' {
		return string(rune('A' + n[0] - '1'))
	}
	return id
}

// shape is a compact picture of orders: "ID[SKU×qty SKU×qty]" each.
func shape(orders []core.Order) string {
	var parts []string
	for _, o := range orders {
		var items []string
		for _, it := range o.Items {
			items = append(items, fmt.Sprintf("%s×%d", it.SKU, it.Quantity))
		}
		parts = append(parts, short(o.ID)+"["+strings.Join(items, " ")+"]")
	}
	return strings.Join(parts, " ")
}

func badLines(bad []LineError) string {
	var parts []string
	for _, b := range bad {
		parts = append(parts, fmt.Sprintf("%d:%s", b.Line, short(b.OrderID)))
	}
	return strings.Join(parts, " ")
}

// sample reads a flat file kept in testdata/flatfiles (see SOURCE.txt there).
func sample(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "flatfiles", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReadOrders_allOrdersSample(t *testing.T) {
	res := read(t, sample(t, "all_orders_synthetic_sample.tsv"), Options{})
	if res.err != nil {
		t.Fatal(res.err)
	}
	if len(res.rep.Bad) != 0 {
		t.Fatalf("bad lines: %v", res.rep.Bad)
	}
	if res.rep.Lines != 3 || res.rep.Orders != 3 || res.rep.Items != 3 {
		t.Fatalf("report = %+v, want 3 lines, 3 orders, 3 items", res.rep)
	}
	at := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	want := []core.Order{
		{
			ID: "902-0000000-0000001", Status: core.Pending, Fulfillment: core.Merchant,
			SalesChannel: "Amazon.com", PurchaseDate: at("2024-05-01T14:03:11Z"), ShipServiceLevel: "Standard",
			Currency: "USD",
			ShipTo:   core.Address{City: "Springfield", State: "IL", PostalCode: "62701", Country: "US"},
			// Pending MFN lines come without prices: they read as zero.
			Items: []core.Item{{OrderItemID: "902-0000000-0000001-SKU-WIDGET-BLUE-1", SKU: "SKU-WIDGET-BLUE",
				Title: "Example Widget (Blue)", Quantity: 1}},
			ReportUpdated: at("2024-05-01T14:35:40Z"),
		},
		{
			ID: "902-0000000-0000002", Status: core.Shipped, Fulfillment: core.Marketplace,
			SalesChannel: "Amazon.com", PurchaseDate: at("2024-05-02T09:12:00Z"), ShipServiceLevel: "Expedited",
			Currency: "USD",
			ShipTo:   core.Address{City: "Portland", State: "OR", PostalCode: "97201", Country: "US"},
			Items: []core.Item{{OrderItemID: "902-0000000-0000002-SKU-GADGET-01-1", SKU: "SKU-GADGET-01",
				Title: "Example Gadget", Quantity: 2, Price: 3998, Tax: 320, Discount: 500}}, // item-promotion-discount -5.00
			ReportUpdated: at("2024-05-03T18:20:05Z"),
		},
		{
			ID: "902-0000000-0000003", Status: core.Canceled, Fulfillment: core.Merchant,
			SalesChannel: "Amazon.com", PurchaseDate: at("2024-05-04T20:45:30Z"), ShipServiceLevel: "Standard",
			Currency: "USD",
			ShipTo:   core.Address{City: "Austin", State: "TX", PostalCode: "73301", Country: "US"},
			// item-status Cancelled: the line is recorded as cancelled, its
			// unit neither to ship nor paid for.
			Items: []core.Item{{OrderItemID: "902-0000000-0000003-SKU-WIDGET-RED-1", SKU: "SKU-WIDGET-RED",
				Title: "Example Widget (Red)", Canceled: 1}},
			ReportUpdated: at("2024-05-05T08:00:00Z"),
		},
	}
	if len(res.orders) != len(want) {
		t.Fatalf("got %d orders, want %d", len(res.orders), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(res.orders[i], want[i]) {
			t.Errorf("order %d:\n got %+v\nwant %+v", i, res.orders[i], want[i])
		}
	}
}

// A header without lines imports nothing and says so: a seller who picked
// the wrong date range must not read it as a successful import.
func TestReadOrders_headerOnlyIsAnError(t *testing.T) {
	for name, in := range map[string][]byte{
		"all_orders_header":      sample(t, "all_orders_header.tsv"),
		"header_and_blank_lines": []byte(OrderReportHeader + "\n\n \t\n"),
	} {
		t.Run(name, func(t *testing.T) {
			res := read(t, in, Options{})
			if core.ErrorCode(res.err) != core.Invalid || !strings.Contains(core.ErrorMessage(res.err), "no order lines") {
				t.Fatalf("err = %v", res.err)
			}
			if res.rep.Lines != 0 || len(res.orders) != 0 || len(res.batches) != 0 {
				t.Fatalf("header only: report %+v, %d orders, %d sink calls", res.rep, len(res.orders), len(res.batches))
			}
		})
	}
}

func TestReadOrders_mapsEveryOrderReportColumn(t *testing.T) {
	res := mustRead(t, report(orderCols, goodRow()), Options{})
	pay := time.Date(2024, 5, 1, 18, 0, 0, 0, time.UTC)
	want := core.Order{
		ID:               "111-0000000-0000001",
		Fulfillment:      core.Merchant,
		PurchaseDate:     time.Date(2024, 5, 1, 17, 50, 49, 0, time.UTC),
		PaymentsDate:     &pay,
		ShipServiceLevel: "Standard",
		Currency:         "USD",
		Buyer:            core.Buyer{Name: "John Smith", Email: "abc@marketplace.amazon.com", Phone: "+1 206-555-0100"},
		ShipTo: core.Address{Name: "Jane Smith", Line1: "1 Main St", Line2: "Apt 2", City: "Seattle",
			State: "WA", PostalCode: "98101", Country: "US", Phone: "+1 206-555-0101"},
		Items: []core.Item{{OrderItemID: "10000000000001", SKU: "SKU-A", Title: `Garden Hose 1/2" x 50 ft`,
			Quantity: 1, Price: 1999, Tax: 160 + 40, Shipping: 499}},
		// payments-date is newer than purchase-date and there is no last-updated-date.
		ReportUpdated: pay,
	}
	if len(res.orders) != 1 {
		t.Fatalf("got %d orders", len(res.orders))
	}
	got := res.orders[0]
	if !got.PurchaseDate.Equal(want.PurchaseDate) || got.PaymentsDate == nil || !got.PaymentsDate.Equal(pay) ||
		!got.ReportUpdated.Equal(want.ReportUpdated) {
		t.Fatalf("dates: purchase %v payments %v updated %v", got.PurchaseDate, got.PaymentsDate, got.ReportUpdated)
	}
	got.PurchaseDate, got.PaymentsDate, got.ReportUpdated = want.PurchaseDate, want.PaymentsDate, want.ReportUpdated
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("\n got %+v\nwant %+v", got, want)
	}
	if got.Status != "" {
		t.Errorf("no order-status column: Status = %q, want empty (the engine decides)", got.Status)
	}
	if got.Items[0].Paid() != 1999+160+499+40 {
		t.Errorf("Paid() = %d: shipping-tax must count in what the buyer paid", got.Items[0].Paid())
	}
}

func TestReadOrders_fileForms(t *testing.T) {
	a1 := goodRow()
	a2 := goodRow("order-item-id", "10000000000002", "sku", "SKU-B", "quantity-purchased", "2")
	b1 := goodRow("order-id", "111-0000000-0000002", "order-item-id", "10000000000003", "sku", "SKU-C")
	plain := report(orderCols, a1, a2, b1)
	const want = "111-0000000-0000001[SKU-A×1 SKU-B×2] 111-0000000-0000002[SKU-C×1]"

	shuffled := []string{"mystery-column", "sku", "ship-country", "quantity-purchased", "order-id", "currency",
		"order-item-id", "is-prime", "item-price", "purchase-date", "product-name"}

	tests := []struct {
		name  string
		input string
		want  string
	}{
		{"plain_lf", plain, want},
		{"utf8_bom", "\uFEFF" + plain, want},
		{"crlf_line_ends", strings.ReplaceAll(plain, "\n", "\r\n"), want},
		{"no_final_line_end", strings.TrimSuffix(plain, "\n"), want},
		{"blank_lines_skipped", report(orderCols, nil, a1, nil, a2, b1, nil), want},
		{"blank_line_of_tabs_skipped", strings.Replace(plain, "\n", "\n\t\t\t\n", 2), want},
		{"columns_shuffled_with_unknown_extras", report(shuffled, a1, a2, b1), want},
		{"header_names_case_and_spaces", strings.Replace(plain, "order-id\t", " Order-ID \t", 1), want},
		{"short_rows_from_a_spreadsheet", report(orderCols[:10], a1, a2, b1), want},
		{"extra_empty_trailing_fields", strings.ReplaceAll(plain, "\n", "\t\t\n"), want},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := mustRead(t, tt.input, Options{})
			if len(res.rep.Bad) > 0 {
				t.Fatalf("bad lines: %v", res.rep.Bad)
			}
			if got := shape(res.orders); got != tt.want {
				t.Fatalf("orders = %s\n want %s", got, tt.want)
			}
			if res.rep.Lines != 3 || res.rep.Orders != 2 || res.rep.Items != 3 {
				t.Fatalf("report = %+v", res.rep)
			}
		})
	}
}

func TestReadOrders_emptyTrailingFieldIsSignificant(t *testing.T) {
	// delivery-Instructions is last: an empty value there must not shift
	// any column, and a value must land in the right one.
	cols := []string{"order-id", "purchase-date", "sku", "quantity-purchased", "ship-phone-number"}
	in := report(cols,
		goodRow("ship-phone-number", ""),
		goodRow("order-id", "111-0000000-0000002", "ship-phone-number", "+1 555"))
	res := mustRead(t, in, Options{})
	if len(res.orders) != 2 || res.orders[0].ShipTo.Phone != "" || res.orders[1].ShipTo.Phone != "+1 555" {
		t.Fatalf("orders = %+v", res.orders)
	}
}

func TestReadOrders_allOrdersReportColumns(t *testing.T) {
	cols := []string{"amazon-order-id", "merchant-order-id", "purchase-date", "last-updated-date", "order-status",
		"fulfillment-channel", "sales-channel", "sku", "item-status", "quantity", "currency", "item-price"}
	in := report(cols,
		map[string]string{"amazon-order-id": oid("A"), "purchase-date": "2024-05-01T10:00:00Z",
			"last-updated-date": "2024-05-02T10:00:00Z", "order-status": "Unshipped", "fulfillment-channel": "Merchant",
			"sales-channel": "Amazon.de", "sku": "S1", "item-status": "Unshipped", "quantity": "3", "currency": "EUR",
			"item-price": "19,99"},
		map[string]string{"amazon-order-id": oid("A"), "purchase-date": "2024-05-01T10:00:00Z",
			"last-updated-date": "2024-05-02T10:00:00Z", "order-status": "Unshipped", "fulfillment-channel": "Merchant",
			"sales-channel": "Amazon.de", "sku": "S1", "item-status": "Unshipped", "quantity": "1", "currency": "EUR",
			"item-price": "5.00"},
	)
	res := mustRead(t, in, Options{})
	if len(res.rep.Bad) > 0 {
		t.Fatal(res.rep.Bad)
	}
	o := res.orders[0]
	if o.Status != core.Unshipped || o.SalesChannel != "Amazon.de" || o.Currency != "EUR" || len(o.Items) != 2 {
		t.Fatalf("order = %+v", o)
	}
	// No order-item-id column: ids come from order, SKU and occurrence.
	if o.Items[0].OrderItemID != oid("A")+"-S1-1" || o.Items[1].OrderItemID != oid("A")+"-S1-2" {
		t.Errorf("derived ids = %q, %q", o.Items[0].OrderItemID, o.Items[1].OrderItemID)
	}
	if o.Items[0].Price != 1999 || o.Items[0].Quantity != 3 {
		t.Errorf("item = %+v", o.Items[0])
	}
	if !o.ReportUpdated.Equal(time.Date(2024, 5, 2, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("ReportUpdated = %v, want last-updated-date", o.ReportUpdated)
	}
}

func TestReadOrders_derivedItemIDsStayTheSameWhenItemsMove(t *testing.T) {
	cols := []string{"amazon-order-id", "purchase-date", "sku", "quantity"}
	row := func(sku string) map[string]string {
		return map[string]string{"amazon-order-id": oid("A"), "purchase-date": "2024-05-01", "sku": sku, "quantity": "1"}
	}
	ids := func(in string) map[string]bool {
		m := map[string]bool{}
		for _, it := range mustRead(t, in, Options{}).orders[0].Items {
			m[it.SKU+"="+it.OrderItemID] = true
		}
		return m
	}
	first := ids(report(cols, row("X"), row("Y"), row("X")))
	again := ids(report(cols, row("Y"), row("X"), row("X")))
	if !reflect.DeepEqual(first, again) {
		t.Fatalf("ids changed with row order: %v vs %v", first, again)
	}
}

func TestReadOrders_grouping(t *testing.T) {
	row := func(id, sku string) map[string]string {
		return goodRow("order-id", id, "sku", sku, "order-item-id", id+sku)
	}
	tests := []struct {
		name  string
		rows  []map[string]string
		batch int
		want  string
		sizes []int
	}{
		{"multi_item_order_is_one_order",
			[]map[string]string{row(oid("A"), "1"), row(oid("A"), "2"), row(oid("A"), "3"), row(oid("B"), "1")}, 0,
			"A[1×1 2×1 3×1] B[1×1]", []int{2}},
		{"non_adjacent_repeat_is_another_order_value",
			[]map[string]string{row(oid("A"), "1"), row(oid("B"), "1"), row(oid("A"), "2")}, 0,
			"A[1×1] B[1×1] A[2×1]", []int{3}},
		{"batches_hold_batch_size_orders",
			[]map[string]string{row(oid("A"), "1"), row(oid("A"), "2"), row(oid("B"), "1"), row(oid("C"), "1"), row(oid("D"), "1"), row(oid("E"), "1")}, 2,
			"A[1×1 2×1] B[1×1] C[1×1] D[1×1] E[1×1]", []int{2, 2, 1}},
		{"blank_line_does_not_split_an_order",
			[]map[string]string{row(oid("A"), "1"), nil, row(oid("A"), "2")}, 0,
			"A[1×1 2×1]", []int{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := mustRead(t, report(orderCols, tt.rows...), Options{BatchSize: tt.batch})
			if got := shape(res.orders); got != tt.want {
				t.Fatalf("orders = %s\n want %s", got, tt.want)
			}
			if !reflect.DeepEqual(res.batches, tt.sizes) {
				t.Fatalf("batch sizes = %v, want %v", res.batches, tt.sizes)
			}
		})
	}
}

func TestReadOrders_hugeOrderIsHandedOverInParts(t *testing.T) {
	rows := make([]map[string]string, maxItemsPerOrder+5)
	for i := range rows {
		rows[i] = goodRow("order-item-id", fmt.Sprint(i))
	}
	res := mustRead(t, report(orderCols, rows...), Options{})
	if len(res.orders) != 2 || len(res.orders[0].Items) != maxItemsPerOrder || len(res.orders[1].Items) != 5 ||
		res.orders[1].ID != res.orders[0].ID {
		t.Fatalf("got %d orders", len(res.orders))
	}
}

func TestReadOrders_badLineIsReportedAndDropped(t *testing.T) {
	tests := []struct {
		name   string
		bad    map[string]string
		reason string // the whole reason when exact, else a part of it
		exact  bool
	}{
		{"quantity_not_a_number", goodRow("quantity-purchased", "two"), `quantity-purchased "two" is not a whole number`, true},
		{"quantity_negative", goodRow("quantity-purchased", "-1"), `quantity-purchased "-1" is not a whole number`, true},
		{"quantity_fraction", goodRow("quantity-purchased", "1.5"), `quantity-purchased "1.5" is not a whole number`, true},
		{"quantity_empty", goodRow("quantity-purchased", ""), `quantity-purchased is empty`, true},
		{"quantity_zero_on_a_live_line", goodRow("quantity-purchased", "0"), `quantity-purchased is 0`, false},
		{"purchase_date_bad", goodRow("purchase-date", "01/05/2024"), `purchase-date "01/05/2024" is not a date`, false},
		{"purchase_date_empty", goodRow("purchase-date", ""), `purchase-date is empty`, true},
		{"purchase_date_year_one", goodRow("purchase-date", "0001-01-01"), `purchase-date "0001-01-01" is not a plausible date (years 1995 to 2200)`, true},
		{"payments_date_bad", goodRow("payments-date", "2024-13-01T00:00:00Z"), `payments-date "2024-13-01T00:00:00Z" is not a date`, false},
		{"price_not_an_amount", goodRow("item-price", "$19.99"), `item-price "$19.99" is not an amount`, true},
		{"price_too_precise", goodRow("item-price", "19.999"), `item-price "19.999" has more decimal places than USD has (2)`, true},
		{"tax_bad_grouping", goodRow("item-tax", "1,29,9.00"), `item-tax "1,29,9.00" is not an amount`, false},
		{"sku_empty", goodRow("sku", ""), `sku is empty`, true},
		{"currency_not_a_code", goodRow("currency", "US$"), `currency "US$" is not a currency code`, true},
		{"currency_differs_within_order", goodRow("currency", "EUR"), `currency "EUR" differs from the order's earlier lines (USD)`, true},
		{"several_problems_are_all_named", goodRow("sku", "", "quantity-purchased", "x"), `sku is empty; quantity-purchased "x" is not a whole number`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := report(orderCols,
				goodRow("order-item-id", "1"),
				goodRow(append(flatten(tt.bad), "order-item-id", "2")...),
				goodRow("order-item-id", "3"))
			res := mustRead(t, in, Options{})
			if len(res.rep.Bad) != 1 || res.rep.BadLines != 1 {
				t.Fatalf("bad = %v, want one", res.rep.Bad)
			}
			b := res.rep.Bad[0]
			if b.Line != 3 || b.OrderID != "111-0000000-0000001" {
				t.Errorf("bad line = %d order %q, want line 3 of 111-0000000-0000001", b.Line, b.OrderID)
			}
			if tt.exact && b.Reason != tt.reason || !strings.Contains(b.Reason, tt.reason) {
				t.Errorf("reason = %q\n  want %q", b.Reason, tt.reason)
			}
			if len(res.orders) != 1 || len(res.orders[0].Items) != 2 ||
				res.orders[0].Items[0].OrderItemID != "1" || res.orders[0].Items[1].OrderItemID != "3" {
				t.Fatalf("the order's good lines must be kept: %s", shape(res.orders))
			}
			if res.rep.Lines != 3 || res.rep.Items != 2 {
				t.Errorf("report = %+v", res.rep)
			}
		})
	}
}

func flatten(m map[string]string) []string {
	var kv []string
	for k, v := range m {
		kv = append(kv, k, v)
	}
	return kv
}

func TestReadOrders_badLineNumbersArePhysicalLines(t *testing.T) {
	// Blank lines and CRLF count as the lines they are; the header is line 1.
	rows := []string{
		strings.Join(orderCols, "\t"),       // 1
		"",                                  // 2
		line(goodRow("order-id", oid("A"))), // 3
		line(goodRow("order-id", oid("A"), "quantity-purchased", "two")), // 4
		"", // 5
		line(goodRow("order-id", "", "sku", "S")),                               // 6
		line(goodRow("order-id", oid("B"), "purchase-date", "yesterday")),       // 7
		line(goodRow("order-id", oid("B"), "order-item-id", "2")),               // 8
		line(goodRow("order-id", oid("C"), "item-price", "12,3456", "sku", "")), // 9
	}
	res := mustRead(t, strings.Join(rows, "\r\n")+"\r\n", Options{})
	if got, want := badLines(res.rep.Bad), "4:A 6: 7:B 9:C"; got != want {
		t.Fatalf("bad lines = %s, want %s (%v)", got, want, res.rep.Bad)
	}
	if got, want := shape(res.orders), "A[SKU-A×1] B[SKU-A×1]"; got != want {
		t.Fatalf("orders = %s, want %s", got, want)
	}
	if res.rep.Lines != 6 {
		t.Errorf("Lines = %d, want 6 data lines", res.rep.Lines)
	}
}

func line(v map[string]string) string {
	vals := make([]string, len(orderCols))
	for i, c := range orderCols {
		vals[i] = v[c]
	}
	return strings.Join(vals, "\t")
}

func TestReadOrders_tabInsideAValueIsALineError(t *testing.T) {
	in := report(orderCols, goodRow("product-name", "Mug\tBlue"), goodRow("order-id", oid("B")))
	res := mustRead(t, in, Options{})
	if badLines(res.rep.Bad) != "2:111-0000000-0000001" || !strings.Contains(res.rep.Bad[0].Reason, "30 fields but the header has 29") {
		t.Fatalf("bad = %v", res.rep.Bad)
	}
	if shape(res.orders) != "B[SKU-A×1]" {
		t.Fatalf("orders = %s", shape(res.orders))
	}
}

func TestReadOrders_keepsOnlyMaxBadErrors(t *testing.T) {
	rows := make([]map[string]string, 30)
	for i := range rows {
		rows[i] = goodRow("sku", "")
	}
	res := mustRead(t, report(orderCols, rows...), Options{MaxBad: 10})
	if len(res.rep.Bad) != 10 || res.rep.BadLines != 30 || res.rep.Lines != 30 {
		t.Fatalf("report = %d kept, %d counted, %d lines", len(res.rep.Bad), res.rep.BadLines, res.rep.Lines)
	}
}

func TestReadOrders_missingRequiredColumnIsFatal(t *testing.T) {
	without := func(name string) []string {
		var cols []string
		for _, c := range orderCols {
			if c != name {
				cols = append(cols, c)
			}
		}
		return cols
	}
	tests := []struct {
		name  string
		input string
		want  string
	}{
		{"no_order_id", report(without("order-id"), goodRow()), "order-id (or amazon-order-id)"},
		{"no_purchase_date", report(without("purchase-date"), goodRow()), "purchase-date"},
		{"no_sku", report(without("sku"), goodRow()), "sku"},
		{"no_quantity", report(without("quantity-purchased"), goodRow()), "quantity-purchased (or quantity)"},
		{"comma_separated", "order-id,purchase-date,sku,quantity\n", "no tabs"},
		{"utf16_without_bom", string(encode(t, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), report(orderCols, goodRow()))),
			"UTF-16 without a byte order mark"},
		{"utf16_big_endian_without_bom", string(encode(t, unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), report(orderCols, goodRow()))),
			"UTF-16 without a byte order mark"},
		{"empty_file", "", "empty"},
		{"only_blank_lines", "\n\r\n\n", "empty"},
	}
	// Random bytes are not "UTF-16 without a byte order mark", whatever
	// NULs they happen to hold: they are not a report at all.
	rnd := rand.New(rand.NewPCG(11, 27))
	for i := range 20 {
		b := make([]byte, 64+rnd.IntN(4096))
		for j := range b {
			b[j] = byte(rnd.UintN(256))
		}
		tests = append(tests, struct {
			name  string
			input string
			want  string
		}{fmt.Sprintf("random_bytes_%d", i), string(b), "not an order report"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			called := false
			rep, err := ReadOrders(context.Background(), strings.NewReader(tt.input), Options{},
				func([]core.Order) error { called = true; return nil })
			if core.ErrorCode(err) != core.Invalid {
				t.Fatalf("err = %v (code %q), want invalid", err, core.ErrorCode(err))
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %q, want it to name %q", err, tt.want)
			}
			if strings.HasPrefix(tt.name, "random") && strings.Contains(err.Error(), "UTF-16") {
				t.Errorf("random bytes called UTF-16: %q", err)
			}
			if called || rep.Orders != 0 {
				t.Errorf("nothing may be imported from a file with a bad header")
			}
		})
	}
}

func TestReadOrders_orderStatus(t *testing.T) {
	tests := []struct {
		value string
		want  core.Status
	}{
		{"Pending", core.Pending},
		{"PendingAvailability", core.Pending},
		{"Unshipped", core.Unshipped},
		{"Shipping", core.Unshipped},
		{"PartiallyShipped", core.PartiallyShipped},
		{"Partially Shipped", core.PartiallyShipped},
		{"Shipped", core.Shipped},
		{"InvoiceUnconfirmed", core.Shipped},
		{"Canceled", core.Canceled},
		{"Cancelled", core.Canceled},
		{"Unfulfillable", core.Canceled},
		{"Delivered", core.Delivered},
		{"", ""},
	}
	cols := append([]string{"order-status"}, orderCols...)
	for _, tt := range tests {
		t.Run("status_"+tt.value, func(t *testing.T) {
			res := mustRead(t, report(cols, goodRow("order-status", tt.value)), Options{})
			if len(res.orders) != 1 || res.orders[0].Status != tt.want {
				t.Fatalf("orders = %+v, bad %v; want status %q", res.orders, res.rep.Bad, tt.want)
			}
		})
	}
	t.Run("unknown_status_is_a_line_error", func(t *testing.T) {
		res := mustRead(t, report(cols, goodRow("order-status", "Lost")), Options{})
		if len(res.orders) != 0 || len(res.rep.Bad) != 1 || !strings.HasPrefix(res.rep.Bad[0].Reason, `order-status "Lost" is not a known order status`) {
			t.Fatalf("orders %v bad %v", res.orders, res.rep.Bad)
		}
	})
}

func TestReadOrders_fulfillmentChannel(t *testing.T) {
	tests := []struct {
		value string
		want  core.Fulfillment
		bad   bool
	}{
		{"Merchant", core.Merchant, false},
		{"MFN", core.Merchant, false},
		{"Amazon", core.Marketplace, false},
		{"AFN", core.Marketplace, false},
		{"", core.Merchant, false},
		{"Drone", "", true},
	}
	cols := append([]string{"fulfillment-channel"}, orderCols...)
	for _, tt := range tests {
		t.Run("channel_"+tt.value, func(t *testing.T) {
			res := mustRead(t, report(cols, goodRow("fulfillment-channel", tt.value)), Options{})
			if tt.bad {
				if len(res.rep.Bad) != 1 || !strings.HasPrefix(res.rep.Bad[0].Reason, "fulfillment-channel") {
					t.Fatalf("bad = %v", res.rep.Bad)
				}
				return
			}
			if len(res.orders) != 1 || res.orders[0].Fulfillment != tt.want {
				t.Fatalf("orders = %+v; want %q", res.orders, tt.want)
			}
		})
	}
}

func TestReadOrders_cancelledLineWithoutUnitsKeepsTheOrder(t *testing.T) {
	cols := []string{"amazon-order-id", "purchase-date", "order-status", "sku", "item-status", "quantity", "currency", "item-price"}
	row := func(id, status, sku, itemStatus, qty string) map[string]string {
		return map[string]string{"amazon-order-id": id, "purchase-date": "2024-05-01T00:00:00Z", "order-status": status,
			"sku": sku, "item-status": itemStatus, "quantity": qty, "currency": "USD", "item-price": ""}
	}
	in := report(cols,
		row(oid("A"), "Cancelled", "S1", "Cancelled", "0"),
		row(oid("B"), "Shipped", "S1", "Shipped", "1"),
		row(oid("B"), "Shipped", "S2", "Cancelled", "0"),
		row(oid("C"), "Shipped", "S1", "Shipped", "0"),
	)
	res := mustRead(t, in, Options{})
	if got, want := shape(res.orders), "A[] B[S1×1]"; got != want {
		t.Fatalf("orders = %s, want %s", got, want)
	}
	if badLines(res.rep.Bad) != "5:C" {
		t.Fatalf("bad = %v: a zero quantity on a live line is an error", res.rep.Bad)
	}
}

func TestReadOrders_currency(t *testing.T) {
	tests := []struct {
		name string
		rows []map[string]string
		want string // currency of each order, "!" for a bad line
	}{
		{"later_line_without_currency_takes_the_orders",
			[]map[string]string{goodRow(), goodRow("currency", "", "order-item-id", "2")}, "USD"},
		{"missing_currency_with_prices_is_a_line_error",
			[]map[string]string{goodRow("currency", "")}, "!"},
		{"missing_currency_without_prices_is_accepted",
			[]map[string]string{goodRow("currency", "", "item-price", "", "item-tax", "", "shipping-price", "", "shipping-tax", "")}, ""},
		{"lower_case_code_is_read",
			[]map[string]string{goodRow("currency", "eur", "item-price", "19,99")}, "EUR"},
		{"currency_comes_from_a_later_line",
			[]map[string]string{goodRow("currency", "", "item-price", "", "item-tax", "", "shipping-price", "", "shipping-tax", ""),
				goodRow("currency", "GBP", "order-item-id", "2")}, "GBP"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := mustRead(t, report(orderCols, tt.rows...), Options{})
			if tt.want == "!" {
				if len(res.rep.Bad) != 1 || res.rep.Bad[0].Reason != "currency is empty, so the prices cannot be read" {
					t.Fatalf("bad = %v", res.rep.Bad)
				}
				return
			}
			if len(res.rep.Bad) != 0 || len(res.orders) != 1 || res.orders[0].Currency != tt.want {
				t.Fatalf("orders %+v bad %v, want currency %q", res.orders, res.rep.Bad, tt.want)
			}
		})
	}
}

func TestReadOrders_minorUnitsFollowTheCurrency(t *testing.T) {
	tests := []struct {
		currency, price string
		want            int64
	}{
		{"USD", "19.99", 1999},
		{"JPY", "1299", 1299},
		{"JPY", "1,299", 1299},
		{"KWD", "1.250", 1250},
		{"EUR", "1.299,00", 129900},
	}
	for _, tt := range tests {
		t.Run(tt.currency+"_"+tt.price, func(t *testing.T) {
			res := mustRead(t, report(orderCols, goodRow("currency", tt.currency, "item-price", tt.price,
				"item-tax", "", "shipping-price", "", "shipping-tax", "")), Options{})
			if len(res.orders) != 1 || res.orders[0].Items[0].Price != tt.want {
				t.Fatalf("orders %+v bad %v", res.orders, res.rep.Bad)
			}
		})
	}
}

func TestReadOrders_datesWithoutOffsetUseLocation(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	in := report(orderCols, goodRow("purchase-date", "2024-05-01 10:00:00", "payments-date", "2024-05-02"))
	res := mustRead(t, in, Options{Location: tokyo})
	o := res.orders[0]
	if !o.PurchaseDate.Equal(time.Date(2024, 5, 1, 1, 0, 0, 0, time.UTC)) {
		t.Errorf("purchase = %v", o.PurchaseDate)
	}
	if !o.PaymentsDate.Equal(time.Date(2024, 5, 1, 15, 0, 0, 0, time.UTC)) {
		t.Errorf("payments = %v", o.PaymentsDate)
	}
	if !o.ReportUpdated.Equal(*o.PaymentsDate) {
		t.Errorf("ReportUpdated = %v, want the newer payments-date", o.ReportUpdated)
	}
}

func TestReadOrders_reportUpdatedIsTheNewestDateOfTheOrder(t *testing.T) {
	cols := []string{"amazon-order-id", "purchase-date", "last-updated-date", "sku", "quantity"}
	in := report(cols,
		map[string]string{"amazon-order-id": oid("A"), "purchase-date": "2024-05-01T00:00:00Z", "last-updated-date": "2024-05-03T00:00:00Z", "sku": "S1", "quantity": "1"},
		map[string]string{"amazon-order-id": oid("A"), "purchase-date": "2024-05-01T00:00:00Z", "last-updated-date": "2024-05-04T00:00:00Z", "sku": "S2", "quantity": "1"},
		map[string]string{"amazon-order-id": oid("B"), "purchase-date": "2024-05-01T00:00:00Z", "last-updated-date": "", "sku": "S1", "quantity": "1"},
	)
	res := mustRead(t, in, Options{})
	if !res.orders[0].ReportUpdated.Equal(time.Date(2024, 5, 4, 0, 0, 0, 0, time.UTC)) ||
		!res.orders[1].ReportUpdated.Equal(time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("ReportUpdated = %v, %v", res.orders[0].ReportUpdated, res.orders[1].ReportUpdated)
	}
}

func encode(t *testing.T, enc encoding.Encoding, s string) []byte {
	t.Helper()
	b, err := enc.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReadOrders_encodings(t *testing.T) {
	muller := report(orderCols, goodRow("buyer-name", "Jürgen Müller", "product-name", "Kaffeebecher “Bürohund” – 5 €"))
	yamada := report(orderCols, goodRow("buyer-name", "山田太郎", "product-name", "ステンレス水筒", "currency", "JPY",
		"item-price", "1299", "item-tax", "", "shipping-price", "", "shipping-tax", ""))
	utf16le := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM)
	utf16be := unicode.UTF16(unicode.BigEndian, unicode.UseBOM)

	tests := []struct {
		name      string
		input     []byte
		encoding  string
		wantBuyer string
		wantTitle string
	}{
		{"windows_1252_named", encode(t, charmap.Windows1252, muller), "windows-1252", "Jürgen Müller", "Kaffeebecher “Bürohund” – 5 €"},
		{"cp1252_alias", encode(t, charmap.Windows1252, muller), "CP1252", "Jürgen Müller", "Kaffeebecher “Bürohund” – 5 €"},
		{"shift_jis_named", encode(t, japanese.ShiftJIS, yamada), "shift_jis", "山田太郎", "ステンレス水筒"},
		{"utf16le_bom_detected", encode(t, utf16le, muller), "", "Jürgen Müller", "Kaffeebecher “Bürohund” – 5 €"},
		{"utf16be_bom_detected", encode(t, utf16be, yamada), "", "山田太郎", "ステンレス水筒"},
		{"utf8_named", []byte(yamada), "utf-8", "山田太郎", "ステンレス水筒"},
		{"bom_wins_over_named_encoding", append([]byte("\uFEFF"), muller...), "windows-1252", "Jürgen Müller", "Kaffeebecher “Bürohund” – 5 €"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := read(t, tt.input, Options{Encoding: tt.encoding})
			if res.err != nil {
				t.Fatal(res.err)
			}
			if len(res.rep.Bad) != 0 || len(res.orders) != 1 {
				t.Fatalf("bad %v orders %d", res.rep.Bad, len(res.orders))
			}
			o := res.orders[0]
			if o.Buyer.Name != tt.wantBuyer || o.Items[0].Title != tt.wantTitle {
				t.Fatalf("buyer %q title %q", o.Buyer.Name, o.Items[0].Title)
			}
		})
	}
}

func TestReadOrders_invalidUTF8SuggestsAnEncoding(t *testing.T) {
	in := []byte(report(orderCols, goodRow("order-id", oid("A"))))
	in = append(in, encode(t, charmap.Windows1252, line(goodRow("order-id", oid("B"), "buyer-name", "Müller"))+"\n")...)
	res := read(t, in, Options{})
	if res.err != nil {
		t.Fatal(res.err)
	}
	if badLines(res.rep.Bad) != "3:B" {
		t.Fatalf("bad = %v", res.rep.Bad)
	}
	if r := res.rep.Bad[0].Reason; !strings.Contains(r, "UTF-8") || !strings.Contains(r, "--encoding windows-1252") ||
		!strings.Contains(r, "shift_jis") {
		t.Errorf("reason = %q", r)
	}
	if shape(res.orders) != "A[SKU-A×1]" {
		t.Errorf("orders = %s", shape(res.orders))
	}
}

func TestReadOrders_unknownEncodingIsInvalid(t *testing.T) {
	_, err := ReadOrders(context.Background(), strings.NewReader(report(orderCols, goodRow())), Options{Encoding: "ebcdic"},
		func([]core.Order) error { return nil })
	if core.ErrorCode(err) != core.Invalid || core.ErrorField(err) != "encoding" {
		t.Fatalf("err = %v", err)
	}
}

func TestReadOrders_sinkErrorStopsTheRead(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteSampleReport(&buf, 5000, 1); err != nil {
		t.Fatal(err)
	}
	stop := core.Errorf(core.Conflict, "store is busy")
	calls := 0
	rep, err := ReadOrders(context.Background(), &buf, Options{BatchSize: 10}, func([]core.Order) error {
		calls++
		if calls == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) {
		t.Fatalf("err = %v, want the sink's error unchanged", err)
	}
	if calls != 3 || rep.Orders != 20 || rep.Lines >= 5000 {
		t.Fatalf("calls %d, report %+v", calls, rep)
	}
}

func TestReadOrders_contextCancelStopsTheRead(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var buf bytes.Buffer
	if err := WriteSampleReport(&buf, 20000, 1); err != nil {
		t.Fatal(err)
	}
	rep, err := ReadOrders(ctx, &buf, Options{BatchSize: 10}, func([]core.Order) error {
		cancel()
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if rep.Lines >= 20000 {
		t.Fatalf("read the whole file after cancel: %+v", rep)
	}
}

func TestReadOrders_progressReachesFileSize(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteSampleReport(&buf, 3000, 1); err != nil {
		t.Fatal(err)
	}
	size := int64(buf.Len())
	var last int64
	calls := 0
	res := read(t, buf.Bytes(), Options{Progress: func(n int64) {
		if n < last {
			t.Errorf("progress went back: %d after %d", n, last)
		}
		last = n
		calls++
	}})
	if res.err != nil {
		t.Fatal(res.err)
	}
	if last != size || calls < 2 {
		t.Fatalf("progress ended at %d of %d after %d calls", last, size, calls)
	}
}

func TestReadOrders_overlongLineIsALineError(t *testing.T) {
	in := report(orderCols, goodRow("product-name", strings.Repeat("x", maxLineBytes+10)), goodRow("order-id", oid("B")))
	res := mustRead(t, in, Options{})
	if badLines(res.rep.Bad) != "2:" || shape(res.orders) != "B[SKU-A×1]" {
		t.Fatalf("bad %v orders %s", res.rep.Bad, shape(res.orders))
	}
}
