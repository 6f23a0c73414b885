package slackapp

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sellerdesk/sellerdesk/adapters/sqlstore/storetest"
	"github.com/sellerdesk/sellerdesk/core"
)

const (
	orderID = "111-0000001-0000001"
	upsOK   = "1Z999AA10123456784"
	upsBad  = "1Z999AA10123456785" // fails UPS's check digit
)

// A read answers in the slash command's HTTP response, with no second
// request to response_url.
func TestSlashOrderAnsweredInline(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderID, time.Hour))
	msg, text := h.inline(h.slash(agent, "order "+orderID))
	if msg["response_type"] != "in_channel" {
		t.Errorf("order card response_type %v, want in_channel", msg["response_type"])
	}
	contains(t, "card", text, "Order "+orderID, "unshipped", "Emma Johnson", "MUG", "Confirm shipment", actOrderShip, actOrderCancel, "Buyer details")
}

// Every command that changes nothing answers inline, whether or not it
// reads an order; changes answer through response_url.
func TestReadsAnswerInlineChangesLater(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderID, time.Hour))
	for _, tc := range []struct{ text, want string }{
		{"help", "sellerdesk commands"},
		{"health", "Account health"},
		{"inbox", "nbox"},
		{"orders", orderID},
	} {
		t.Run(tc.text, func(t *testing.T) {
			_, text := h.inline(h.slash(agent, tc.text))
			contains(t, tc.text, text, tc.want)
		})
	}
	rec, resp := h.slash(agent, "cancel "+orderID+" no_inventory")
	if rec.Body.Len() != 0 {
		t.Errorf("a change answered %q in its acknowledgement, want an empty 200", rec.Body)
	}
	h.settle()
	_, text := h.lastResponse(resp)
	contains(t, "cancel", text, orderID)
}

// gatedStore holds every read until open is closed.
type gatedStore struct {
	core.Store
	open chan struct{}
}

func (s gatedStore) View(ctx context.Context, fn func(core.Tx) error) error {
	select {
	case <-s.open:
	case <-ctx.Done():
		return ctx.Err()
	}
	return s.Store.View(ctx, fn)
}

// A read not done when the wait for an inline answer ends is acknowledged
// empty and answers through response_url when done.
func TestSlowReadAnswersThroughResponseURL(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderID, time.Hour))
	gate := make(chan struct{})
	eng := core.NewEngine(gatedStore{h.store, gate}, core.Options{Clock: h.clock})
	app, err := New(Config{BotToken: "xoxb-test", SigningSecret: testSecret, SupportChannel: support, APIURL: h.fake.URL() + "/api",
		Engine: eng, Clock: h.clock, HTTPClient: h.fake.client(), Roles: core.Roles{Agents: []string{"slack:" + agent}}})
	if err != nil {
		t.Fatal(err)
	}
	resp := h.fake.URL() + "/response/slow"
	sc := slack.SlashCommand{UserID: agent, UserName: "agent", Command: "/desk", Text: "order " + orderID, ResponseURL: resp}
	if ack := app.command(context.Background(), sc, time.Millisecond, ""); ack != nil {
		t.Errorf("acknowledgement %v while the read is held, want none", ack)
	}
	close(gate)
	app.Close()
	if n := len(h.responses(resp)); n != 1 {
		t.Fatalf("%d answers through response_url, want 1", n)
	}
	_, text := h.lastResponse(resp)
	contains(t, "late card", text, "Order "+orderID)
}

func TestSlashCommandErrorsAreEphemeralWithHelp(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderID, time.Hour))
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{"parse_error_answered_at_once", "ship " + orderID, []string{"The carrier is missing", "Example: ship"}},
		{"unknown_command", "shpi " + orderID, []string{`There is no command \"shpi\"`, "did you mean", "ship"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec, _ := h.slash(agent, tc.text)
			var msg map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &msg); err != nil {
				t.Fatalf("acknowledgement %q: %v", rec.Body, err)
			}
			if msg["response_type"] != "ephemeral" {
				t.Errorf("response_type %v, want ephemeral", msg["response_type"])
			}
			low := strings.ToLower(rec.Body.String())
			for _, w := range tc.want {
				if !strings.Contains(low, strings.ToLower(w)) {
					t.Errorf("answer lacks %q: %s", w, rec.Body)
				}
			}
		})
	}
	t.Run("refused_by_core_after_ack", func(t *testing.T) {
		_, resp := h.slash(agent, "ship "+orderID+" ups "+upsBad)
		h.settle()
		msg, text := h.lastResponse(resp)
		if msg["response_type"] != "ephemeral" {
			t.Errorf("response_type %v, want ephemeral", msg["response_type"])
		}
		contains(t, "refusal", text, "check digit", "/desk ship")
		if o := h.order(orderID); o.Status != core.Unshipped {
			t.Errorf("status %s after a refused ship", o.Status)
		}
	})
}

func TestSlashShipRunsDirectly(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderID, time.Hour))
	_, resp := h.slash(agent, "ship "+orderID+" ups "+upsOK)
	h.settle()
	_, text := h.lastResponse(resp)
	contains(t, "answer", text, "shipped", upsOK)
	if o := h.order(orderID); o.Status != core.Shipped {
		t.Errorf("status %s, want shipped", o.Status)
	}
}

// A slash command to a confirmed shipment through the modal: bad tracking
// is shown on the tracking field and changes nothing; a good one goes to
// the confirm view with core's preview, and confirming ships the order and
// redraws the card.
func TestShipThroughModal(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderID, time.Hour))
	_, cmdURL := h.slash(agent, "order "+orderID)
	h.settle()
	cardURL := h.fake.URL() + "/response/card-1"
	h.click(agent, actOrderShip, orderID, cardURL)
	form := h.lastView()
	if form["callback_id"] != "form:ship" {
		t.Fatalf("opened %v, want the ship form", form["callback_id"])
	}
	b, _ := json.Marshal(form)
	contains(t, "ship form", string(b), `"block_id":"carrier"`, `"block_id":"tracking"`, `"block_id":"date"`, `"block_id":"qty:MUG"`, `"block_id":"qty:TEE"`, "UPS", "FedEx")
	_ = cmdURL

	values := func(tracking string) map[string]any {
		return map[string]any{
			"carrier": selectValue("ups"), "carrier_name": textValue(""), "tracking": textValue(tracking),
			"date": dateValue("2026-11-18"), "qty:MUG": numberValue(2), "qty:TEE": numberValue(1),
		}
	}
	got := h.submit(agent, form, values(upsBad))
	errs, _ := got["errors"].(map[string]any)
	if got["response_action"] != "errors" || !strings.Contains(fmt.Sprint(errs["tracking"]), "check digit") {
		t.Fatalf("bad tracking answered %v, want errors on the tracking block", got)
	}
	if o := h.order(orderID); o.Status != core.Unshipped || len(o.Shipments) != 0 {
		t.Fatalf("a refused form changed the order: %s, %d shipments", o.Status, len(o.Shipments))
	}

	got = h.submit(agent, form, values(upsOK))
	confirm, _ := got["view"].(map[string]any)
	if got["response_action"] != "update" || confirm["callback_id"] != cbConfirm {
		t.Fatalf("good form answered %v, want the confirm view", got)
	}
	b, _ = json.Marshal(confirm)
	contains(t, "confirm view", string(b), "This will", "unshipped → shipped", upsOK)
	if o := h.order(orderID); o.Status != core.Unshipped {
		t.Fatalf("the preview shipped the order: %s", o.Status)
	}

	got = h.submit(agent, confirm, map[string]any{})
	done, _ := got["view"].(map[string]any)
	b, _ = json.Marshal(done)
	if got["response_action"] != "update" || !strings.Contains(string(b), "shipped") {
		t.Fatalf("confirm answered %v, want the done view", got)
	}
	o := h.order(orderID)
	if o.Status != core.Shipped || len(o.Shipments) != 1 || o.Shipments[0].Tracking != upsOK {
		t.Fatalf("order after confirm: %s, %+v", o.Status, o.Shipments)
	}
	card, text := h.lastResponse(cardURL)
	if card["replace_original"] != true {
		t.Errorf("card not replaced in place: %v", card)
	}
	contains(t, "redrawn card", text, "shipped", upsOK)
	lacks(t, "redrawn card", text, "Confirm shipment")
}

// Core's field errors land on the form block of that field.
func TestShipFormErrorsOnTheirField(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderID, time.Hour))
	h.click(agent, actOrderShip, orderID, h.fake.URL()+"/response/card")
	form := h.lastView()
	for _, tc := range []struct {
		name      string
		change    map[string]any
		wantBlock string
		wantText  string
	}{
		{"bad_tracking_on_tracking", map[string]any{"tracking": textValue(upsBad)}, "tracking", "check digit"},
		{"future_date_on_date", map[string]any{"date": dateValue("2026-11-25")}, "date", "future"},
		{"all_quantities_zero_on_quantities", map[string]any{"qty:MUG": numberValue(0), "qty:TEE": numberValue(0)}, "qty:MUG", "at least 1"},
		{"other_without_name_on_carrier", map[string]any{"carrier": selectValue("other"), "tracking": textValue("AB123456789GB")}, "carrier", "carrier's name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			values := map[string]any{"carrier": selectValue("ups"), "carrier_name": textValue(""), "tracking": textValue(upsOK),
				"date": dateValue("2026-11-18"), "qty:MUG": numberValue(2), "qty:TEE": numberValue(1)}
			for k, v := range tc.change {
				values[k] = v
			}
			got := h.submit(agent, form, values)
			errs, _ := got["errors"].(map[string]any)
			if got["response_action"] != "errors" || !strings.Contains(fmt.Sprint(errs[tc.wantBlock]), tc.wantText) {
				t.Errorf("answered %v, want %q on block %s", got, tc.wantText, tc.wantBlock)
			}
		})
	}
	if o := h.order(orderID); o.Status != core.Unshipped {
		t.Errorf("refused forms changed the order: %s", o.Status)
	}
}

func TestPartialShipmentFromForm(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderID, time.Hour))
	h.click(agent, actOrderShip, orderID, h.fake.URL()+"/response/card")
	got := h.submit(agent, h.lastView(), map[string]any{"carrier": selectValue("ups"), "tracking": textValue(upsOK),
		"date": dateValue("2026-11-18"), "qty:MUG": numberValue(1), "qty:TEE": numberValue(0)})
	confirm, _ := got["view"].(map[string]any)
	h.submit(agent, confirm, map[string]any{})
	o := h.order(orderID)
	if o.Status != core.PartiallyShipped || o.Items[0].Shipped != 1 || o.Items[1].Shipped != 0 {
		t.Errorf("after shipping 1× MUG: %s, shipped %d/%d", o.Status, o.Items[0].Shipped, o.Items[1].Shipped)
	}
}

func TestCancelAndRefundModals(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderID, time.Hour), order("111-0000002-0000002", time.Hour))
	card := h.fake.URL() + "/response/card"

	h.click(agent, actOrderCancel, orderID, card)
	got := h.submit(agent, h.lastView(), map[string]any{"reason": selectValue("buyer_canceled"), "note": textValue("asked by mail")})
	confirm, _ := got["view"].(map[string]any)
	b, _ := json.Marshal(confirm)
	contains(t, "cancel preview", string(b), "cancelled (buyer_canceled)", "Restock")
	h.submit(agent, confirm, map[string]any{})
	if o := h.order(orderID); o.Status != core.Canceled || o.CancelReason != core.BuyerCanceled {
		t.Errorf("after cancel: %s (%s)", o.Status, o.CancelReason)
	}

	second := "111-0000002-0000002"
	if _, err := h.engine.RunLine(context.Background(), core.Actor{ID: "t", Name: "t", Role: core.Agent, Source: "test"}, "ship "+second+" ups "+upsOK, false); err != nil {
		t.Fatal(err)
	}
	h.click(agent, actOrderRefund, second, card)
	form := h.lastView()
	got = h.submit(agent, form, map[string]any{"amount": textValue("abc"), "reason": textValue("late")})
	errs, _ := got["errors"].(map[string]any)
	if got["response_action"] != "errors" || errs["amount"] == nil {
		t.Errorf("bad amount answered %v, want errors on amount", got)
	}
	got = h.submit(agent, form, map[string]any{"amount": textValue("5.00"), "reason": textValue("late delivery")})
	confirm, _ = got["view"].(map[string]any)
	h.submit(agent, confirm, map[string]any{})
	if o := h.order(second); o.Refunded() != 500 {
		t.Errorf("refunded %d, want 500", o.Refunded())
	}
}

func TestReturnApproveAndReject(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderID, 3*24*time.Hour))
	staff := core.Actor{ID: "t", Name: "t", Role: core.Owner, Source: "test"}
	for _, line := range []string{"ship " + orderID + " ups " + upsOK + " date 2026-11-16", "delivered " + orderID, "return " + orderID + " MUG:1 cracked", "return " + orderID + " TEE:1 too small"} {
		if _, err := h.engine.RunLine(context.Background(), staff, line, false); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
	}
	o := h.order(orderID)
	if len(o.Returns) != 2 {
		t.Fatalf("%d returns", len(o.Returns))
	}
	card := h.fake.URL() + "/response/card"
	h.click(agent, actReturnApprove, o.Returns[0].ID, card)
	confirm := h.lastView()
	if confirm["callback_id"] != cbConfirm {
		t.Fatalf("approve opened %v, want the confirm view", confirm["callback_id"])
	}
	h.submit(agent, confirm, map[string]any{})

	h.click(agent, actReturnReject, o.Returns[1].ID, card)
	form := h.lastView()
	got := h.submit(agent, form, map[string]any{"reason": textValue("")})
	if got["response_action"] != "errors" {
		t.Errorf("reject without reason answered %v, want errors", got)
	}
	got = h.submit(agent, form, map[string]any{"reason": textValue("worn")})
	confirm, _ = got["view"].(map[string]any)
	h.submit(agent, confirm, map[string]any{})
	o = h.order(orderID)
	if o.Returns[0].Status != core.ReturnApproved || o.Returns[1].Status != core.ReturnRejected || o.Returns[1].RejectReason != "worn" {
		t.Errorf("returns after approve/reject: %+v", o.Returns)
	}
}

func TestOrdersListPages(t *testing.T) {
	h := newHarness(t)
	var orders []core.Order
	for i := 1; i <= 3; i++ {
		orders = append(orders, order(fmt.Sprintf("111-0000001-000000%d", i), time.Duration(6+i)*24*time.Hour))
	}
	h.importOrders(orders...)
	rec, resp := h.slash(agent, "orders late limit 2")
	msg, text := h.inline(rec, resp)
	contains(t, "page 1", text, "Orders — late", "Next", "orders late limit 2 after ", "Next page: `/desk orders late limit 2 after ")
	lacks(t, "page 1", text, "Previous", "page 2")
	first := buttonValues(msg, actOrderOpen)
	nav := buttonValues(msg, actListPage)
	if len(nav) != 1 {
		t.Fatalf("page 1 buttons %v, want Next only", nav)
	}
	h.click(agent, actListPage, nav[0], resp)
	msg, text = h.lastResponse(resp)
	if msg["replace_original"] != true {
		t.Errorf("page 2 not in place of page 1")
	}
	contains(t, "page 2", text, "Previous", "orders late limit 2 before ")
	lacks(t, "page 2", text, `"Next"`)
	second := buttonValues(msg, actOrderOpen)
	if len(second) != 1 || slices.Contains(first, second[0]) {
		t.Errorf("page 2 shows %v after page 1's %v", second, first)
	}
	// Previous seeks back to the first page.
	h.click(agent, actListPage, buttonValues(msg, actListPage)[0], resp)
	msg, _ = h.lastResponse(resp)
	if back := buttonValues(msg, actOrderOpen); !slices.Equal(back, first) {
		t.Errorf("Previous shows %v, want page 1's %v", back, first)
	}
}

// A cursor changed on the way (a crafted button value, or a typed one cut
// short) is refused in core's words to the person who clicked, and the
// list stays as it was.
func TestOrdersListDamagedCursorRefused(t *testing.T) {
	h := newHarness(t)
	for i := 1; i <= 3; i++ {
		h.importOrders(order(fmt.Sprintf("111-0000001-000000%d", i), time.Duration(6+i)*24*time.Hour))
	}
	rec, resp := h.slash(agent, "orders late limit 2")
	msg, _ := h.inline(rec, resp)
	next := buttonValues(msg, actListPage)[0]
	damaged := next[:len(next)-2] + "zz"
	h.click(agent, actListPage, damaged, resp)
	msg, text := h.lastResponse(resp)
	contains(t, "damaged cursor", text, "cut short or changed")
	if msg["replace_original"] == true {
		t.Errorf("the refusal replaced the list")
	}
	_, text = h.inline(h.slash(agent, "orders after "+next[strings.LastIndex(next, " ")+1:]))
	contains(t, "cursor of another list", text, "pages orders late, not orders", "leave out after")
}

// People not on the staff list are refused in core's words, only to them;
// viewers may look but not open a changing form.
func TestRolesRefusals(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderID, time.Hour))
	msg, text := h.inline(h.slash(nobody, "order "+orderID))
	if msg["response_type"] != "ephemeral" {
		t.Errorf("refusal response_type %v, want ephemeral", msg["response_type"])
	}
	contains(t, "refusal", text, "slack:"+nobody, "not on this desk's staff list")
	lacks(t, "refusal", text, "Emma")

	card := h.fake.URL() + "/response/card"
	h.click(nobody, actOrderShip, orderID, card)
	h.click(viewer, actOrderShip, orderID, card)
	h.click(viewer, actOrderBuyer, orderID, card)
	if n := len(h.fake.Calls("views.open")); n != 0 {
		t.Errorf("%d modals opened for people who may not use them", n)
	}
	var all []string
	for _, r := range h.responses(card) {
		b, _ := json.Marshal(r)
		all = append(all, string(b))
	}
	joined := strings.Join(all, "\n")
	contains(t, "button refusals", joined, "not on this desk's staff list", "the viewer role can look but not change anything", "agents and owners only")

	_, text = h.inline(h.slash(viewer, "order "+orderID))
	contains(t, "viewer's card", text, "Order "+orderID)
	lacks(t, "viewer's card", text, "Confirm shipment")
}

func TestUserGroupRoles(t *testing.T) {
	h := newHarness(t)
	h.fake.groups = `[{"id":"SAGENTS","team_id":"T1","name":"Support","handle":"support","users":["` + groupie + `"]}]`
	h.importOrders(order(orderID, time.Hour))
	_, resp := h.slash(groupie, "ship "+orderID+" ups "+upsOK)
	h.settle()
	_, text := h.lastResponse(resp)
	contains(t, "group member's ship", text, "shipped")
	h.slash(groupie, "order "+orderID)
	h.settle()
	if n := len(h.fake.Calls("usergroups.list")); n != 1 {
		t.Errorf("usergroups.list called %d times within 5 minutes, want 1", n)
	}
	h.clock.Advance(6 * time.Minute)
	h.slash(groupie, "order "+orderID)
	h.settle()
	if n := len(h.fake.Calls("usergroups.list")); n != 2 {
		t.Errorf("usergroups.list called %d times after 6 minutes, want 2", n)
	}
}

func TestBuyerDetailsModalForAgents(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderID, time.Hour))
	h.click(agent, actOrderBuyer, orderID, h.fake.URL()+"/response/card")
	b, _ := json.Marshal(h.lastView())
	contains(t, "buyer details", string(b), "emma@example.com", "1 Oak St", "97201")
}

func TestInteractionRetriesHandledOnce(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderID, time.Hour))
	payload := func() map[string]any {
		return map[string]any{
			"type": "block_actions", "trigger_id": "same-trigger", "user": map[string]any{"id": agent, "name": "agent"},
			"response_url": h.fake.URL() + "/response/card",
			"actions":      []map[string]any{{"action_id": actOrderShip, "block_id": "b", "value": orderID, "type": "button"}},
		}
	}
	h.interact(payload())
	h.interact(payload())
	h.settle()
	if n := len(h.fake.Calls("views.open")); n != 1 {
		t.Errorf("views.open %d times for one trigger_id, want 1", n)
	}
}

// BenchmarkOrderAnswer is the Slack side of /desk order: the card rendered
// and encoded as the HTTP answer, the order already read.
func BenchmarkOrderAnswer(b *testing.B) {
	app, err := New(Config{BotToken: "xoxb-test", SigningSecret: testSecret, Engine: core.NewEngine(storetest.OpenSQLite(b), core.Options{})})
	if err != nil {
		b.Fatal(err)
	}
	o := order(orderID, time.Hour)
	res := &core.Result{Command: "order " + orderID, Order: &o, Actions: []string{"ship", "cancel", "refund"}}
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		writeAck(rec, app.render(res).inline())
	}
}
