package drafter_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/drafter"
)

var update = flag.Bool("update", false, "rewrite the golden drafts in testdata/drafts")

// inCurrency is o with its prices and refunds in cur (the same minor
// units), as a European or Japanese marketplace order would be.
func inCurrency(o *core.Order, cur string) *core.Order {
	o.Currency = cur
	o.SalesChannel = map[string]string{"EUR": "Amazon.de", "JPY": "Amazon.co.jp"}[cur]
	return o
}

// native is what marks a language's drafts: its greeting and sign-off,
// and the locale's way of writing the test orders' dates and refund.
type native struct {
	greeting, closing string
	shipDay           string // 2026-11-18, the shipment
	shipBy            string // 2026-11-25
	deliveredDay      string // 2026-11-20
	lastReturn        string // 2026-12-20, 30 days after delivery
	canceledDay       string // 2026-11-17
	refund            string // 2700 minor units in the order's currency
	currency          string
	// claims are phrases that state a refund, a shipment or a cancellation
	// as done; a draft may use them only when the order shows it.
	refundClaim, shipClaim, cancelClaim *regexp.Regexp
	// foreign are words that would show another language leaked in.
	foreign []string
}

func natives() map[string]native {
	english := []string{"Your order", "Best regards", "Could you send", "Our team will"}
	return map[string]native{
		"en": {greeting: "Hi Jane,", closing: "Best regards,", shipDay: "November 18, 2026", shipBy: "November 25, 2026",
			deliveredDay: "November 20, 2026", lastReturn: "December 20, 2026", canceledDay: "November 17, 2026", refund: "27.00 USD", currency: "USD",
			refundClaim: regexp.MustCompile(`(?i)refunded|refund of`), shipClaim: regexp.MustCompile(`shipped on|tracking number is`),
			cancelClaim: regexp.MustCompile(`was cancelled|is already cancelled|has been cancelled`), foreign: []string{"Ihre", "votre", "您"}},
		"de": {greeting: "Guten Tag Jane Doe,", closing: "Mit freundlichen Grüßen", shipDay: "18. November 2026", shipBy: "25. November 2026",
			deliveredDay: "20. November 2026", lastReturn: "20. Dezember 2026", canceledDay: "17. November 2026", refund: "27,00 €", currency: "EUR",
			refundClaim: regexp.MustCompile(`erstattet`), shipClaim: regexp.MustCompile(`Sendungsnummer lautet|am \d+\. \w+ \d{4} (mit .* )?versandt|bereits am`),
			cancelClaim: regexp.MustCompile(`wurde( am [^.;]*)? storniert|ist (bereits )?storniert`), foreign: english},
		"fr": {greeting: "Bonjour Jane Doe,", closing: "Bien cordialement,", shipDay: "18 novembre 2026", shipBy: "25 novembre 2026",
			deliveredDay: "20 novembre 2026", lastReturn: "20 décembre 2026", canceledDay: "17 novembre 2026", refund: "27,00 €", currency: "EUR",
			refundClaim: regexp.MustCompile(`avons remboursé|remboursement de [\d ]+,\d\d|remboursements d’un total`), shipClaim: regexp.MustCompile(`a (déjà )?été expédiée le|numéro de suivi est`),
			cancelClaim: regexp.MustCompile(`commande \d{3}-\d{7}-\d{7} (a été annulée|est (déjà )?annulée)`), foreign: english},
		"it": {greeting: "Gentile Jane Doe,", closing: "Cordiali saluti,", shipDay: "18 novembre 2026", shipBy: "25 novembre 2026",
			deliveredDay: "20 novembre 2026", lastReturn: "20 dicembre 2026", canceledDay: "17 novembre 2026", refund: "27,00 €", currency: "EUR",
			refundClaim: regexp.MustCompile(`abbiamo rimborsato`), shipClaim: regexp.MustCompile(`(è|già) stato spedito il|tracciamento è`),
			cancelClaim: regexp.MustCompile(`è stato annullato|risulta già annullato|è annullato`), foreign: english},
		"es": {greeting: "Hola, Jane Doe:", closing: "Un cordial saludo,", shipDay: "18 de noviembre de 2026", shipBy: "25 de noviembre de 2026",
			deliveredDay: "20 de noviembre de 2026", lastReturn: "20 de diciembre de 2026", canceledDay: "17 de noviembre de 2026", refund: "27,00 €", currency: "EUR",
			refundClaim: regexp.MustCompile(`(?i)reembolsamos|hemos reembolsado`), shipClaim: regexp.MustCompile(`se envió el|seguimiento es`),
			cancelClaim: regexp.MustCompile(`se canceló|(ya )?está cancelado`), foreign: english},
		"ja": {greeting: "Jane Doe様", closing: "今後ともどうぞよろしくお願い申し上げます。", shipDay: "2026年11月18日（水）", shipBy: "2026年11月25日（水）",
			deliveredDay: "2026年11月20日（金）", lastReturn: "2026年12月20日（日）", canceledDay: "2026年11月17日（火）", refund: "2,700円", currency: "JPY",
			refundClaim: regexp.MustCompile(`返金いたしました|返金しており`), shipClaim: regexp.MustCompile(`にて発送いたしました|すでに発送しております|発送済み`),
			cancelClaim: regexp.MustCompile(`キャンセルとなっております|キャンセル済み`), foreign: append(english, "您好", "祝好")},
		"zh": {greeting: "Jane Doe，您好！", closing: "祝好！", shipDay: "2026年11月18日", shipBy: "2026年11月25日",
			deliveredDay: "2026年11月20日", lastReturn: "2026年12月20日", canceledDay: "2026年11月17日", refund: "27.00 USD", currency: "USD",
			refundClaim: regexp.MustCompile(`为您退款|累计退款|退款 \d`), shipClaim: regexp.MustCompile(`已于2026年11月18日通过|物流单号为`),
			cancelClaim: regexp.MustCompile(`已取消|已经取消`), foreign: append(english, "様", "ございます")},
	}
}

// stages are the orders every template is tried against.
func stages(cur string) map[string]*core.Order {
	in := func(o *core.Order) *core.Order { return inCurrency(o, cur) }
	return map[string]*core.Order{
		"none": nil, "pending": in(func() *core.Order { o := unshipped(); o.Status = core.Pending; return o }()),
		"unshipped": in(unshipped()), "shipped": in(shipped()), "delivered": in(delivered(shopDay(2026, 11, 20))),
		"delivered_long_ago": in(delivered(shopDay(2026, 9, 1))), "refunded": in(refunded()), "canceled": in(canceled()),
		"marketplace":                     in(func() *core.Order { o := unshipped(); o.Fulfillment = core.Marketplace; return o }()),
		"partial":                         in(partial()),
		"payment_failed":                  in(func() *core.Order { o := canceled(); o.CancelReason = core.PaymentUnverified; return o }()),
		"status_shipped_without_shipment": in(func() *core.Order { o := unshipped(); o.Status = core.Shipped; return o }()),
		"no_buyer_name":                   in(func() *core.Order { o := shipped(); o.Buyer.Name = buyerEmail; return o }()),
	}
}

func partial() *core.Order {
	o := shipped()
	o.Status = core.PartiallyShipped
	o.Items[0].Shipped = 1
	o.Shipments[0].Lines[0].Quantity = 1
	return o
}

// TestEveryLanguageEveryIntentEveryStage tries every template of every
// language against every kind of order: one greeting and sign-off of the
// language, nothing of another language, and no refund, shipment or
// cancellation the order does not show.
func TestEveryLanguageEveryIntentEveryStage(t *testing.T) {
	d := drafter.New(testShop())
	for lang, nt := range natives() {
		for name, o := range stages(nt.currency) {
			for _, in := range drafter.Intents() {
				for _, photos := range []bool{false, true} {
					t.Run(fmt.Sprintf("%s/%s/%s/photos=%v", lang, name, in, photos), func(t *testing.T) {
						r := drafter.Reading{Intents: []drafter.Scored{{Intent: in, Confidence: 1}}, Photos: photos}
						text := d.Compose(r, lang, drafter.Facts{Order: o, Now: now})
						if in == drafter.NoResponseNeeded {
							if text != "" {
								t.Fatalf("no_response_needed has text %q", text)
							}
							return
						}
						checkNative(t, lang, nt, text, o)
					})
				}
			}
		}
	}
}

func checkNative(t *testing.T, lang string, nt native, text string, o *core.Order) {
	t.Helper()
	if o != nil && o.Buyer.Name == "Jane Doe" && !strings.HasPrefix(text, nt.greeting) {
		t.Errorf("%s draft does not open with %q:\n%s", lang, nt.greeting, text)
	}
	if strings.Count(text, nt.closing) != 1 || !strings.HasSuffix(text, nt.closing+"\nAcme Mugs") {
		t.Errorf("%s draft does not end with one %q and the shop:\n%s", lang, nt.closing, text)
	}
	assertSafe(t, drafter.Draft{Text: text}, o)
	for _, w := range nt.foreign {
		if strings.Contains(text, w) {
			t.Errorf("%s draft contains %q:\n%s", lang, w, text)
		}
	}
	if lang != "en" && regexp.MustCompile(`(January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}, \d{4}`).MatchString(text) {
		t.Errorf("%s draft has an English date:\n%s", lang, text)
	}
	if regexp.MustCompile(`\d{4}-\d\d-\d\d`).MatchString(text) {
		t.Errorf("%s draft has an ISO date:\n%s", lang, text)
	}
	if strings.Contains(text, "\n\n\n") || strings.Contains(text, "  ") {
		t.Errorf("%s draft has stray blank lines or spaces:\n%q", lang, text)
	}
	if o == nil || len(o.Refunds) == 0 {
		if m := nt.refundClaim.FindString(text); m != "" {
			t.Errorf("%s draft claims a refund that does not exist (%q):\n%s", lang, m, text)
		}
	} else if nt.refundClaim.MatchString(text) && !strings.Contains(text, nt.refund) {
		t.Errorf("%s draft states a refund without its amount %q:\n%s", lang, nt.refund, text)
	}
	if o == nil || len(o.Shipments) == 0 {
		if m := nt.shipClaim.FindString(text); m != "" {
			t.Errorf("%s draft claims a shipment that does not exist (%q):\n%s", lang, m, text)
		}
	}
	if o == nil || o.Status != core.Canceled {
		if m := nt.cancelClaim.FindString(text); m != "" {
			t.Errorf("%s draft claims a cancellation that did not happen (%q):\n%s", lang, m, text)
		}
	}
}

// TestDraftFactsInEveryLanguage checks the facts a draft states come from
// the order, in the locale's date and money format.
func TestDraftFactsInEveryLanguage(t *testing.T) {
	d := drafter.New(testShop())
	for lang, nt := range natives() {
		o := stages(nt.currency)
		tests := []struct {
			name  string
			in    drafter.Intent
			order *core.Order
			want  []string
		}{
			{"track_shipped", drafter.TrackOrder, o["shipped"], []string{orderID, nt.shipDay, "UPS", tracking}},
			{"track_unshipped", drafter.TrackOrder, o["unshipped"], []string{orderID, nt.shipBy}},
			{"cancel_delivered", drafter.CancelOrder, o["delivered"], []string{nt.deliveredDay, nt.lastReturn}},
			{"return_in_window", drafter.ReturnRequest, o["delivered"], []string{nt.lastReturn, "30"}},
			{"refund_done", drafter.RefundStatus, o["refunded"], []string{nt.refund, nt.deliveredDay}},
			{"cancelled", drafter.CancelOrder, o["canceled"], []string{nt.canceledDay}},
			{"partial", drafter.TrackOrder, o["partial"], []string{"1", "2", tracking, nt.shipBy}},
			{"damaged_in_window", drafter.DamagedOrWrongItem, o["delivered"], []string{orderID, nt.lastReturn}},
			{"payment_shipped", drafter.PaymentIssue, o["shipped"], []string{nt.shipDay, "7"}},
		}
		for _, tt := range tests {
			t.Run(lang+"/"+tt.name, func(t *testing.T) {
				text := d.Reply(tt.in, lang, drafter.Facts{Order: tt.order, Now: now})
				for _, w := range tt.want {
					if !strings.Contains(text, w) {
						t.Errorf("draft lacks %q:\n%s", w, text)
					}
				}
				checkNative(t, lang, nt, text, tt.order)
			})
		}
	}
}

// TestMoneyInTheLocale checks amounts are written as each locale does,
// thousands included.
func TestMoneyInTheLocale(t *testing.T) {
	tests := []struct {
		lang, currency string
		minor          int64
		want           string
	}{
		{"de", "EUR", 123456, "1.234,56 €"},
		{"fr", "EUR", 123456, "1 234,56 €"},
		{"it", "EUR", 1299, "12,99 €"},
		{"es", "EUR", 123456, "1.234,56 €"},
		{"de", "GBP", 1299, "12,99 £"},
		{"fr", "USD", 1299, "12,99 USD"},
		{"ja", "JPY", 1299, "1,299円"},
		{"ja", "JPY", 1234567, "1,234,567円"},
		{"ja", "USD", 1299, "12.99 USD"},
		{"en", "USD", 123456, "1234.56 USD"},
		{"de", "JPY", 1299, "1.299 JPY"},
	}
	d := drafter.New(testShop())
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.currency, func(t *testing.T) {
			o := refunded()
			o.Currency = tt.currency
			o.Refunds[0].Amount = tt.minor
			text := d.Reply(drafter.RefundStatus, tt.lang, drafter.Facts{Order: o, Now: now})
			if !strings.Contains(text, tt.want) {
				t.Errorf("refund of %d %s in %s: want %q in\n%s", tt.minor, tt.currency, tt.lang, tt.want, text)
			}
		})
	}
}

// TestGoldenDrafts pins a sample of each language's drafts word for word
// (testdata/drafts/<lang>.txt; go test -run GoldenDrafts -update rewrites
// them after a deliberate change, to be read in review). The intents are
// given, not read, so the pins do not move with the intent model.
func TestGoldenDrafts(t *testing.T) {
	d := drafter.New(testShop())
	one := func(in drafter.Intent) drafter.Reading {
		return drafter.Reading{Intents: []drafter.Scored{{Intent: in, Confidence: 1}}}
	}
	samples := []struct {
		name  string
		r     drafter.Reading
		order func(cur string) *core.Order
	}{
		{"track_shipped", one(drafter.TrackOrder), func(c string) *core.Order { return stages(c)["shipped"] }},
		{"track_late", one(drafter.TrackOrder), func(c string) *core.Order {
			o := stages(c)["unshipped"]
			o.ShipBy = time.Date(2026, 11, 19, 18, 0, 0, 0, time.UTC)
			return o
		}},
		{"track_no_order", one(drafter.TrackOrder), func(string) *core.Order { return nil }},
		{"cancel_unshipped", one(drafter.CancelOrder), func(c string) *core.Order { return stages(c)["unshipped"] }},
		{"cancel_marketplace", one(drafter.CancelOrder), func(c string) *core.Order { return stages(c)["marketplace"] }},
		{"address_unshipped", one(drafter.ChangeAddress), func(c string) *core.Order { return stages(c)["unshipped"] }},
		{"return_window_closed", one(drafter.ReturnRequest), func(c string) *core.Order { return stages(c)["delivered_long_ago"] }},
		{"refund_done", one(drafter.RefundStatus), func(c string) *core.Order { return stages(c)["refunded"] }},
		{"invoice", one(drafter.Invoice), func(c string) *core.Order { return stages(c)["shipped"] }},
		{"charged_twice_shipped", one(drafter.PaymentIssue), func(c string) *core.Order { return stages(c)["shipped"] }},
		{"broken_want_money_back_photos", drafter.Reading{Photos: true, Intents: []drafter.Scored{
			{Intent: drafter.DamagedOrWrongItem, Confidence: 1}, {Intent: drafter.ReturnRequest, Confidence: 1}}},
			func(c string) *core.Order { return stages(c)["delivered"] }},
		{"unsure_cancel_asks_to_confirm", drafter.Reading{Intents: []drafter.Scored{{Intent: drafter.CancelOrder, Confidence: 0.3}}},
			func(c string) *core.Order { return stages(c)["unshipped"] }},
		{"complaint_and_where", drafter.Reading{Intents: []drafter.Scored{
			{Intent: drafter.TrackOrder, Confidence: 1}, {Intent: drafter.Complaint, Confidence: 1}}},
			func(c string) *core.Order { return stages(c)["shipped"] }},
	}
	for lang, nt := range natives() {
		t.Run(lang, func(t *testing.T) {
			var b strings.Builder
			for _, s := range samples {
				o := s.order(nt.currency)
				text := d.Compose(s.r, lang, drafter.Facts{Order: o, Now: now})
				checkNative(t, lang, nt, text, o)
				fmt.Fprintf(&b, "=== %s ===\n%s\n\n", s.name, text)
			}
			path := filepath.Join("testdata", "drafts", lang+".txt")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -run GoldenDrafts -update to write it)", err)
			}
			if got := b.String(); got != string(want) {
				t.Errorf("%s drafts differ from %s (go test -run GoldenDrafts -update after a deliberate change):\n%s", lang, path, firstDiff(got, string(want)))
			}
		})
	}
}

// firstDiff shows the first line where got and want part.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var a, b string
		if i < len(g) {
			a = g[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if a != b {
			return fmt.Sprintf("line %d\n got: %s\nwant: %s", i+1, a, b)
		}
	}
	return ""
}

// TestSeveralIntentsOneReply checks a message asking several things gets
// one greeting, each point answered, and one sign-off.
func TestSeveralIntentsOneReply(t *testing.T) {
	d := drafter.New(testShop())
	o := delivered(shopDay(2026, 11, 20))
	r := drafter.Reading{Photos: true, Intents: []drafter.Scored{
		{Intent: drafter.ReturnRequest, Confidence: 1}, {Intent: drafter.DamagedOrWrongItem, Confidence: 1}}}
	text := d.Compose(r, "en", drafter.Facts{Order: o, Now: now})
	if strings.Count(text, "Hi Jane,") != 1 || strings.Count(text, "Best regards,") != 1 {
		t.Errorf("want one greeting and one sign-off:\n%s", text)
	}
	sorry, ret := strings.Index(text, "I'm sorry about the problem"), strings.Index(text, "can be returned until December 20, 2026")
	if sorry < 0 || ret < 0 || sorry > ret {
		t.Errorf("want the damaged item answered, then the return:\n%s", text)
	}
	if strings.Contains(strings.ToLower(text), "send us a photo") || !strings.Contains(text, "Thank you for the photos") {
		t.Errorf("photos attached: the draft must thank, not ask again:\n%s", text)
	}
	if strings.Count(text, "December 20, 2026") != 1 {
		t.Errorf("the return window is stated once:\n%s", text)
	}

	// Where is it, and when will it come: one answer with the dates.
	r = drafter.Reading{Intents: []drafter.Scored{{Intent: drafter.TrackOrder, Confidence: 1}, {Intent: drafter.DeliveryTime, Confidence: 0.4}}}
	text = d.Compose(r, "de", drafter.Facts{Order: shipped(), Now: now})
	if strings.Count(text, tracking) > 2 || strings.Count(text, "Guten Tag") != 1 {
		t.Errorf("tracking and delivery time answered twice:\n%s", text)
	}

	// A complaint with a question: the apology first, the status once.
	r = drafter.Reading{Intents: []drafter.Scored{{Intent: drafter.TrackOrder, Confidence: 1}, {Intent: drafter.Complaint, Confidence: 1}}}
	text = d.Compose(r, "fr", drafter.Facts{Order: shipped(), Now: now})
	if !strings.HasPrefix(text, "Bonjour Jane Doe,\n\nNous sommes sincèrement désolés") || strings.Count(text, "a été expédiée le") != 1 {
		t.Errorf("complaint and tracking:\n%s", text)
	}
}

// TestUnsureActionIsAskedBack checks an action intent below the threshold
// is never offered: the draft asks the buyer to confirm, in their language.
func TestUnsureActionIsAskedBack(t *testing.T) {
	d := drafter.New(testShop())
	offers := map[string]*regexp.Regexp{
		"en": regexp.MustCompile(`can still be cancelled|take care of it|we can cancel`),
		"de": regexp.MustCompile(`kann daher noch storniert werden|kümmert sich darum`),
		"fr": regexp.MustCompile(`peut donc encore être annulée|s’en occupe`),
		"it": regexp.MustCompile(`può ancora essere annullato|se ne occuperà`),
		"es": regexp.MustCompile(`todavía puede cancelarse|se encargará`),
		"ja": regexp.MustCompile(`キャンセルが可能です|お手続きを行い`),
		"zh": regexp.MustCompile(`仍然可以取消|为您处理`),
	}
	asks := map[string]string{"en": "Would you like to cancel your order", "de": "Möchten Sie Ihre Bestellung", "fr": "Souhaitez-vous annuler votre commande",
		"it": "Desidera annullare il Suo ordine", "es": "¿Desea cancelar su pedido", "ja": "キャンセルをご希望でしょうか", "zh": "请问您是想取消订单"}
	for lang, offer := range offers {
		t.Run(lang, func(t *testing.T) {
			sure := d.Compose(drafter.Reading{Intents: []drafter.Scored{{Intent: drafter.CancelOrder, Confidence: 1}}}, lang, drafter.Facts{Order: unshipped(), Now: now})
			if !offer.MatchString(sure) {
				t.Fatalf("a sure cancel should be offered (the check would prove nothing):\n%s", sure)
			}
			unsure := d.Compose(drafter.Reading{Intents: []drafter.Scored{{Intent: drafter.CancelOrder, Confidence: 0.25}}}, lang, drafter.Facts{Order: unshipped(), Now: now})
			if m := offer.FindString(unsure); m != "" {
				t.Errorf("an unsure cancel is offered (%q):\n%s", m, unsure)
			}
			if !strings.Contains(unsure, asks[lang]) || !strings.Contains(unsure, orderID) {
				t.Errorf("an unsure cancel should ask %q about %s:\n%s", asks[lang], orderID, unsure)
			}
		})
	}
}

// TestNativeBuyersGetNativeDrafts drafts real messages end to end: the
// reply is in the buyer's language, grounded in the order. The intent is
// checked loosely, since the model is retrained separately.
func TestNativeBuyersGetNativeDrafts(t *testing.T) {
	tests := []struct{ lang, msg string }{
		{"de", "Hallo, wo ist mein Paket? Ich warte schon seit einer Woche darauf."},
		{"fr", "Bonjour, où en est ma commande ? Je n'ai toujours rien reçu."},
		{"it", "Buongiorno, dov'è il mio pacco? Non è ancora arrivato."},
		{"es", "Hola, ¿dónde está mi pedido? Todavía no ha llegado."},
		{"ja", "注文した商品がまだ届きません。今どこにありますか？"},
		{"zh", "我的包裹到哪里了？"},
		{"en", "Hi, where is my package? It still hasn't arrived."},
	}
	nts := natives()
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			nt := nts[tt.lang]
			o := inCurrency(shipped(), nt.currency)
			d := draft(t, tt.msg, o)
			if d.Language != tt.lang || d.TextLanguage != tt.lang {
				t.Fatalf("language %s, text language %s; want %s", d.Language, d.TextLanguage, tt.lang)
			}
			if !slices.Contains([]drafter.Intent{drafter.TrackOrder, drafter.DeliveryTime}, d.Intent) {
				t.Errorf("intent %s (%.2f): want track_order or delivery_time", d.Intent, d.Confidence)
			}
			checkNative(t, tt.lang, nt, d.Text, o)
			if !strings.Contains(d.Text, orderID) || !strings.Contains(d.Text, tracking) {
				t.Errorf("draft not grounded in the order:\n%s", d.Text)
			}
			if strings.Contains(d.StaffNote, "the draft is in English") {
				t.Errorf("staff note %q", d.StaffNote)
			}
			if tt.lang != "en" && !strings.HasPrefix(d.Summary, "Buyer ("+tt.lang+")") {
				t.Errorf("summary %q", d.Summary)
			}
		})
	}
}

// TestNoOrderAskedForOnce checks a buyer with no known order who asks
// several things is asked for the order number once, and told the other
// points follow.
func TestNoOrderAskedForOnce(t *testing.T) {
	d := drafter.New(testShop())
	r := drafter.Reading{Intents: []drafter.Scored{{Intent: drafter.PaymentIssue, Confidence: 1},
		{Intent: drafter.DamagedOrWrongItem, Confidence: 1}, {Intent: drafter.ReturnRequest, Confidence: 1}}}
	tests := map[string]struct{ ask, later string }{
		"en": {"Could you send me your order number", "I'll also look into your return and the payment."},
		"de": {"Bestellnummer und ein Foto", "kümmere ich mich auch um die Rücksendung und die Zahlung."},
		"fr": {"m’indiquer votre numéro de commande", "je m’occuperai aussi de votre retour et de votre paiement."},
		"it": {"inviarci il numero d’ordine", "ci occuperemo anche del reso e del pagamento."},
		"es": {"enviarnos su número de pedido", "revisaremos también la devolución y el pago."},
		"ja": {"注文番号と、商品および梱包", "返品・お支払いについてもあわせてご案内いたします。"},
		"zh": {"订单号以及商品和包装的照片", "我们也会一并处理退货和付款问题。"},
	}
	for lang, tt := range tests {
		t.Run(lang, func(t *testing.T) {
			text := d.Compose(r, lang, drafter.Facts{Now: now})
			if strings.Count(text, tt.ask) != 1 || !strings.Contains(text, tt.later) {
				t.Errorf("want %q once and %q:\n%s", tt.ask, tt.later, text)
			}
		})
	}
}
