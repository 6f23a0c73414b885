package drafter

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// These tests give the drafter a reading directly (what the model would
// return), so the staff notes are pinned whatever the model scores.

func notesOrder() *core.Order {
	return &core.Order{
		ID: "113-1234567-7654321", Status: core.Unshipped, Fulfillment: core.Merchant, Currency: "EUR",
		PurchaseDate: time.Date(2026, 11, 16, 18, 0, 0, 0, time.UTC), ShipBy: time.Date(2026, 11, 25, 18, 0, 0, 0, time.UTC),
		Buyer: core.Buyer{Name: "Jane Doe"}, Items: []core.Item{{OrderItemID: "1", SKU: "MUG-01", Quantity: 2, Price: 2500}},
	}
}

func TestStaffNotesSayWhenTheDraftCouldBeWrong(t *testing.T) {
	d := New(Shop{Name: "Acme", StaffLanguage: "en"})
	now := time.Date(2026, 11, 21, 18, 0, 0, 0, time.UTC)
	sc := func(pairs ...any) Reading {
		var r Reading
		for i := 0; i < len(pairs); i += 2 {
			r.Intents = append(r.Intents, Scored{Intent: pairs[i].(Intent), Confidence: pairs[i+1].(float64)})
		}
		return r
	}
	tests := []struct {
		name     string
		lang     string
		r        Reading
		note     []string // all in the staff note
		noNote   []string // none in it
		text     []string // all in the draft
		noText   []string // none in it
		intents  int      // intents the draft answers
		wantMain Intent
		shipped  bool // the order has shipped (else it waits to ship)
	}{
		{name: "sure_single_intent_no_doubt", lang: "en", r: sc(TrackOrder, 1.0), noNote: []string{"Not sure", "unclear"}, intents: 1, wantMain: TrackOrder},
		{name: "unsure_main_intent", lang: "de", r: sc(TrackOrder, 0.3), note: []string{"Not sure the buyer means track_order (30%)"}, intents: 1, wantMain: TrackOrder},
		{name: "unclear_becomes_other", lang: "fr", r: sc(Invoice, 0.1), note: []string{"Request unclear (best guess invoice, 10%)"}, text: []string{"Merci pour votre message"}, intents: 1, wantMain: Other},
		{name: "unsure_secondary", lang: "en", r: sc(TrackOrder, 1.0, Invoice, 0.3),
			note: []string{"Not sure the buyer also means invoice (30%)"}, text: []string{"invoice"}, intents: 2, wantMain: TrackOrder},
		{name: "too_unsure_secondary_left_out", lang: "en", r: sc(TrackOrder, 1.0, Invoice, 0.1),
			note: []string{"may also mean invoice (10%)"}, noText: []string{"invoice"}, intents: 1, wantMain: TrackOrder},
		{name: "unsure_cancel_is_asked_not_offered", lang: "it", r: sc(CancelOrder, 0.3),
			note: []string{fmt.Sprintf("Not sure the buyer wants cancel_order (30%%, below the %.0f%% needed to offer it)", 100*actionThreshold)}, noNote: []string{"Suggested: cancel"},
			text: []string{"Desidera annullare"}, noText: []string{"può ancora essere annullato"}, intents: 1, wantMain: CancelOrder},
		{name: "sure_cancel_suggests_the_command", lang: "es", r: sc(CancelOrder, 1.0),
			note: []string{"Suggested: cancel 113-1234567-7654321 buyer_canceled"}, text: []string{"todavía puede cancelarse"}, intents: 1, wantMain: CancelOrder},
		{name: "unsure_secondary_refund_asked", lang: "ja", r: sc(DamagedOrWrongItem, 1.0, RefundStatus, 0.3),
			note: []string{"Not sure the buyer wants refund_status"}, text: []string{"ご返金に関するお問い合わせでしょうか"}, intents: 2, wantMain: DamagedOrWrongItem},
		{name: "photos_attached", lang: "en", r: Reading{Photos: true, Intents: []Scored{{DamagedOrWrongItem, 1.0}}},
			note: []string{"photos are attached"}, text: []string{"Thank you for the photos"}, noText: []string{"send us a photo"}, intents: 1, wantMain: DamagedOrWrongItem, shipped: true},
		{name: "one_suggestion_for_two_points", lang: "en", r: Reading{Photos: true, Intents: []Scored{{DamagedOrWrongItem, 1.0}, {ReturnRequest, 1.0}}}, shipped: true,
			note: []string{"Suggested: return 113-1234567-7654321 <reason>", "several points: damaged_or_wrong_item, return_request"}, intents: 2, wantMain: DamagedOrWrongItem},
		{name: "vetoed_action_named_not_answered", lang: "en", r: Reading{Intents: []Scored{{Other, 0.35}}, Unanswered: []Scored{{CancelOrder, 0.6}}},
			note: []string{"may also mean cancel_order (60%)"}, noNote: []string{"Suggested: cancel"}, noText: []string{"cancel"}, intents: 1, wantMain: Other},
		{name: "charged_twice", lang: "en", r: sc(PaymentIssue, 1.0),
			note: []string{"after 7 days", "seller support"}, text: []string{"temporary hold", "charge is made when the order ships"}, intents: 1, wantMain: PaymentIssue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := notesOrder()
			if tt.shipped {
				o.Status = core.Shipped
				o.Items[0].Shipped = 2
				o.Shipments = []core.Shipment{{ID: "s1", Carrier: core.UPS, Tracking: "1Z999AA10123456784", ShipDate: now.Add(-72 * time.Hour),
					Lines: []core.ShipmentLine{{OrderItemID: "1", SKU: "MUG-01", Quantity: 2}}}}
			}
			got := d.draft("message", tt.lang, tt.r, Facts{Order: o, Now: now})
			for _, n := range tt.note {
				if !strings.Contains(got.StaffNote, n) {
					t.Errorf("staff note %q lacks %q", got.StaffNote, n)
				}
			}
			if strings.Count(got.StaffNote, "Suggested") > 1 {
				t.Errorf("staff note repeats a suggestion: %q", got.StaffNote)
			}
			for _, n := range tt.noNote {
				if strings.Contains(got.StaffNote, n) {
					t.Errorf("staff note %q has %q", got.StaffNote, n)
				}
			}
			for _, w := range tt.text {
				if !strings.Contains(got.Text, w) {
					t.Errorf("draft lacks %q:\n%s", w, got.Text)
				}
			}
			for _, w := range tt.noText {
				if strings.Contains(got.Text, w) {
					t.Errorf("draft has %q:\n%s", w, got.Text)
				}
			}
			if len(got.Intents) != tt.intents || got.Intent != tt.wantMain {
				t.Errorf("intents %v, main %s; want %d, main %s", got.Intents, got.Intent, tt.intents, tt.wantMain)
			}
			if got.TextLanguage != tt.lang {
				t.Errorf("text language %s, want %s", got.TextLanguage, tt.lang)
			}
		})
	}
}

// TestSummaryInEveryStaffLanguage pins the staff summary in each staff
// language: the buyer's language, what they ask, the order's facts.
func TestSummaryInEveryStaffLanguage(t *testing.T) {
	now := time.Date(2026, 11, 21, 18, 0, 0, 0, time.UTC)
	o := notesOrder()
	o.Status = core.Shipped
	o.Items[0].Shipped = 2
	o.Shipments = []core.Shipment{{ID: "s1", Carrier: core.UPS, Tracking: "1Z999AA10123456784", ShipDate: time.Date(2026, 11, 18, 18, 0, 0, 0, time.UTC),
		Lines: []core.ShipmentLine{{OrderItemID: "1", SKU: "MUG-01", Quantity: 2}}}}
	r := Reading{Intents: []Scored{{TrackOrder, 1.0}, {RefundStatus, 1.0}}}
	want := map[string]string{
		"en": "Buyer (ko) asks where order 113-1234567-7654321 is; it shipped 2026-11-18 with UPS 1Z999AA10123456784; also refund_status. (track_order+refund_status)",
		"de": "Käufer (ko): fragt, wo die Bestellung ist. Bestellung 113-1234567-7654321: versandt 2026-11-18 mit UPS 1Z999AA10123456784. Außerdem: refund_status. (track_order+refund_status)",
		"fr": "Acheteur (ko) : demande où en est sa commande. Commande 113-1234567-7654321 : expédiée 2026-11-18 avec UPS 1Z999AA10123456784. Aussi : refund_status. (track_order+refund_status)",
		"it": "Acquirente (ko): chiede dove si trova il suo ordine. Ordine 113-1234567-7654321: spedito 2026-11-18 con UPS 1Z999AA10123456784. Inoltre: refund_status. (track_order+refund_status)",
		"es": "Comprador (ko): pregunta dónde está su pedido. Pedido 113-1234567-7654321: enviado 2026-11-18 con UPS 1Z999AA10123456784. Además: refund_status. (track_order+refund_status)",
		"ja": "購入者（ko）：注文の配送状況を確認したい。注文 113-1234567-7654321：2026-11-18 UPS 1Z999AA10123456784 で発送済み。ほかに：refund_status。（track_order+refund_status）",
		"zh": "买家（ko）询问订单 113-1234567-7654321 在哪里；已于 2026-11-18 通过 UPS 1Z999AA10123456784 发货；另外还问到 refund_status。（track_order+refund_status）",
	}
	for staff, w := range want {
		t.Run(staff, func(t *testing.T) {
			d := New(Shop{Name: "Acme", StaffLanguage: staff})
			got := d.draft("주문 어디에 있어요?", "ko", r, Facts{Order: o, Now: now})
			if got.Summary != w {
				t.Errorf("summary\n got %q\nwant %q", got.Summary, w)
			}
		})
	}
	// The buyer's own language needs no summary; no order says so.
	if got := New(Shop{StaffLanguage: "fr"}).draft("x", "fr", r, Facts{Order: o, Now: now}); got.Summary != "" {
		t.Errorf("French buyer, French staff: summary %q", got.Summary)
	}
	if got := New(Shop{StaffLanguage: "de"}).draft("x", "ja", Reading{Intents: []Scored{{CancelOrder, 1.0}}}, Facts{Now: now}); got.Summary != "Käufer (ja): möchte die Bestellung stornieren. Keine Bestellung angegeben. (cancel_order)" {
		t.Errorf("no order: summary %q", got.Summary)
	}
}

// TestStaffNotesInEveryStaffLanguage renders every note in every staff
// language with the arguments Draft gives it: each takes them all (no
// fmt errors, every value shown), and none is left in English.
func TestStaffNotesInEveryStaffLanguage(t *testing.T) {
	args := map[note][]any{
		noteUnclearGuess: {Invoice, 12.0}, noteMayAlsoMean: {Invoice, 12.0}, noteNotSure: {Invoice, 31.0}, noteNotSureAlso: {Invoice, 31.0},
		noteInEnglish: {"ko"}, noteSeveralPoints: {"track_order, invoice"}, noteConfirm: {CancelOrder, 31.0, 40.0},
		noteSuggested: {"cancel 113-1234567-7654321 buyer_canceled"}, noteTwoCharges: {"113-1234567-7654321", 7},
		noteOtherOrder: {"114-7654321-1234567", "113-1234567-7654321", "113-1234567-7654321"},
	}
	for _, staff := range Languages() {
		for n := noteCloser; n <= noteOtherOrder; n++ {
			got := staffNote(staff, n, args[n]...)
			if got == "" || strings.Contains(got, "%!") {
				t.Errorf("%s note %d: %q", staff, n, got)
			}
			for _, a := range args[n] {
				v := fmt.Sprint(a)
				if f, ok := a.(float64); ok {
					v = fmt.Sprintf("%.0f", f)
				}
				if !strings.Contains(got, v) {
					t.Errorf("%s note %d lacks %q: %q", staff, n, v, got)
				}
			}
			if en := staffNote("en", n, args[n]...); staff != "en" && got == en {
				t.Errorf("%s note %d is in English: %q", staff, n, got)
			}
		}
	}
	if got := staffNote("pt", noteNoOrder); got != staffNote("en", noteNoOrder) {
		t.Errorf("a staff language without notes should read English, got %q", got)
	}
}
