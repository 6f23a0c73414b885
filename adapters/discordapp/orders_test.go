package discordapp

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/sellerdesk/sellerdesk/core"
)

func TestSlashShipConfirmsShipment(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderA, 26*time.Hour))
	got := h.slash(owner, "ship", "order_id", orderA, "carrier", "ups", "tracking", upsOK, "items", "MUG:2 TEE:1", "date", "2026-11-18")
	if answerType(got) != int(discordgo.InteractionResponseChannelMessageWithSource) || ephemeral(got) {
		t.Fatalf("answer %s, want a public message", dump(got))
	}
	if o := h.order(orderA); o.Status != core.Shipped || len(o.Shipments) != 1 || o.Shipments[0].Tracking != upsOK {
		t.Fatalf("order after /desk ship: %s with %d shipments, want shipped with %s", o.Status, len(o.Shipments), upsOK)
	}
	if !strings.Contains(content(got), "shipped") {
		t.Fatalf("content %q does not say it shipped", content(got))
	}
	// The audit log says it came from Discord, by whom.
	res, err := h.engine.Do(context.Background(), core.Request{Actor: core.Actor{ID: "t", Role: core.Owner}, Command: core.ShowAudit{OrderID: orderA}})
	if err != nil || len(res.Audit) == 0 || res.Audit[0].Source != "discord" || res.Audit[0].ActorID != "discord:"+owner {
		t.Fatalf("audit %+v, %v: want the ship from discord:%s", res.Audit, err, owner)
	}
}

func TestSlashCommandMistakes(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderA, 26*time.Hour))
	tests := []struct {
		name string
		user string
		sub  string
		opts []any
		want string // in the ephemeral answer
	}{
		{"ship_bad_tracking_refused", agent, "ship", []any{"order_id", orderA, "carrier", "ups", "tracking", upsBad}, "check digit"},
		{"ship_bad_items_refused_with_help", agent, "ship", []any{"order_id", orderA, "carrier", "ups", "tracking", upsOK, "items", "MUG"}, "ship <order-id>"},
		{"ship_bad_date_refused", agent, "ship", []any{"order_id", orderA, "carrier", "ups", "tracking", upsOK, "date", "18/11/2026"}, "YYYY-MM-DD"},
		{"ship_other_without_name_refused", agent, "ship", []any{"order_id", orderA, "carrier", "other", "tracking", "AB123456789GB"}, "arrier"},
		{"unmapped_user_refused", nobody, "order", []any{"order_id", orderA}, "not on this desk's staff list"},
		{"viewer_cannot_ship", viewer, "ship", []any{"order_id", orderA, "carrier", "ups", "tracking", upsOK}, "viewer role can look"},
		{"unknown_order_not_found", agent, "order", []any{"order_id", "999-0000000-0000000"}, "999-0000000-0000000"},
		{"stock_add_without_quantity_refused", agent, "stock", []any{"sku", "MUG", "operation", "add"}, "needs a number"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := h.slash(tc.user, tc.sub, tc.opts...)
			if !ephemeral(got) || !strings.Contains(content(got), tc.want) {
				t.Fatalf("answer %s, want an ephemeral message with %q", dump(got), tc.want)
			}
			if o := h.order(orderA); o.Status != core.Unshipped || len(o.Shipments) != 0 {
				t.Fatalf("order changed to %s", o.Status)
			}
		})
	}
}

func TestConfirmShipmentThroughModal(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderA, 26*time.Hour))
	card := h.slash(agent, "order", "order_id", orderA)
	ids := customIDs(answerData(card))
	if !has(ids, "ship:"+orderA) || !has(ids, "cancel:"+orderA) {
		t.Fatalf("order card buttons %v, want Confirm shipment and Cancel", ids)
	}
	embeds, _ := answerData(card)["embeds"].([]any)
	if len(embeds) != 1 || !strings.Contains(dump(embeds[0]), "Ship by") || !strings.Contains(dump(embeds[0]), "Emma Johnson") {
		t.Fatalf("order embed %s, want ship-by and the buyer's name", dump(embeds))
	}

	form := h.click(agent, work, "ship:"+orderA)
	if answerType(form) != int(discordgo.InteractionResponseModal) || answerData(form)["custom_id"] != "mship:"+orderA {
		t.Fatalf("Confirm shipment answered %s, want the shipment modal", dump(form))
	}

	bad := h.submit(agent, "mship:"+orderA, true, map[string]string{"carrier": "ups", "tracking": upsBad, "date": "", "carrier_name": "", "items": ""})
	if !ephemeral(bad) || !strings.Contains(content(bad), "check digit") {
		t.Fatalf("bad tracking answered %s, want core's ephemeral error", dump(bad))
	}
	if o := h.order(orderA); o.Status != core.Unshipped {
		t.Fatalf("order %s after a refused shipment, want unshipped", o.Status)
	}
	typo := h.submit(agent, "mship:"+orderA, true, map[string]string{"carrier": "upss", "tracking": upsOK})
	if !ephemeral(typo) || !strings.Contains(content(typo), "did you mean") {
		t.Fatalf("carrier typo answered %s, want core's did-you-mean", dump(typo))
	}

	ok := h.submit(agent, "mship:"+orderA, true, map[string]string{"carrier": "UPS", "tracking": upsOK, "date": "2026-11-18", "items": "MUG:1"})
	if !ephemeral(ok) || confirmIDOf(ok) == "" {
		t.Fatalf("valid shipment answered %s, want the ephemeral preview", dump(ok))
	}
	if done := h.confirm(agent, ok); answerType(done) != int(discordgo.InteractionResponseUpdateMessage) {
		t.Fatalf("Confirm answered %s, want the preview replaced", dump(done))
	}
	if o := h.order(orderA); o.Status != core.PartiallyShipped || o.Shipments[0].Lines[0].Quantity != 1 {
		t.Fatalf("order %s after modal, want partially shipped 1× MUG", o.Status)
	}
}

func TestButtonsRefuseWhoMayNotAct(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderA, 26*time.Hour))
	for _, user := range []string{nobody, viewer} {
		for _, id := range []string{"ship:" + orderA, "cancel:" + orderA, "refund:" + orderA} {
			got := h.click(user, work, id)
			if answerType(got) == int(discordgo.InteractionResponseModal) || !ephemeral(got) {
				t.Errorf("%s clicking %s got %s, want core's ephemeral refusal", user, id, dump(got))
			}
		}
	}
	// A viewer's card has no buttons.
	if ids := customIDs(answerData(h.slash(viewer, "order", "order_id", orderA))); len(ids) != 0 {
		t.Fatalf("viewer sees buttons %v", ids)
	}
}

func TestCancelThroughReasonMenu(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderA, 26*time.Hour))
	menu := h.click(agent, work, "cancel:"+orderA)
	if !ephemeral(menu) || !has(customIDs(answerData(menu)), "cancelreason:"+orderA+":MCARD") {
		t.Fatalf("Cancel answered %s, want an ephemeral reason menu naming the card", dump(menu))
	}
	preview := h.clickOn(agent, work, "MMENU", "cancelreason:"+orderA+":MCARD", "buyer_canceled")
	if answerType(preview) != int(discordgo.InteractionResponseUpdateMessage) || confirmIDOf(preview) == "" {
		t.Fatalf("reason answered %s, want the menu replaced by the preview", dump(preview))
	}
	if o := h.order(orderA); o.Status != core.Unshipped {
		t.Fatalf("order %s after the preview, want unshipped", o.Status)
	}
	h.confirm(agent, preview)
	if o := h.order(orderA); o.Status != core.Canceled || o.CancelReason != core.BuyerCanceled {
		t.Fatalf("order %s (%s), want cancelled buyer_canceled", o.Status, o.CancelReason)
	}
}

func TestRefundAndRejectModals(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderA, 26*time.Hour))
	h.slash(agent, "ship", "order_id", orderA, "carrier", "ups", "tracking", upsOK)
	form := h.click(agent, work, "refund:"+orderA)
	if answerData(form)["custom_id"] != "mrefund:"+orderA {
		t.Fatalf("Refund answered %s, want the refund modal", dump(form))
	}
	tooMuch := h.submit(agent, "mrefund:"+orderA, true, map[string]string{"amount": "999.00", "reason": "sorry"})
	if !ephemeral(tooMuch) {
		t.Fatalf("refund over the paid amount answered %s, want an ephemeral refusal", dump(tooMuch))
	}
	ok := h.submit(agent, "mrefund:"+orderA, true, map[string]string{"amount": "5.00", "reason": "late"})
	if !ephemeral(ok) || !strings.Contains(dump(ok), "Refund 5.00 USD") {
		t.Fatalf("refund answered %s, want the preview", dump(ok))
	}
	if o := h.order(orderA); o.Refunded() != 0 {
		t.Fatalf("refunded %d before Confirm", o.Refunded())
	}
	h.confirm(agent, ok)
	if o := h.order(orderA); o.Refunded() != 500 {
		t.Fatalf("refunded %d, want 500", o.Refunded())
	}

	h.slash(agent, "delivered", "order_id", orderA)
	ret := h.slash(agent, "return", "order_id", orderA, "reason", "arrived cracked", "items", "MUG:1")
	ids := customIDs(answerData(ret))
	var rid string
	for _, id := range ids {
		if strings.HasPrefix(id, "reject:") {
			rid = strings.TrimPrefix(id, "reject:")
		}
	}
	if rid == "" || !has(ids, "approve:"+rid) {
		t.Fatalf("return card buttons %v, want Approve and Reject (%s)", ids, dump(ret))
	}
	if form := h.click(agent, work, "reject:"+rid); answerData(form)["custom_id"] != "mreject:"+rid {
		t.Fatalf("Reject answered %s, want the reason modal", dump(form))
	}
	h.confirm(agent, h.submit(agent, "mreject:"+rid, true, map[string]string{"reason": "outside the policy"}))
	if r := h.order(orderA).Return(rid); r == nil || r.Status != core.ReturnRejected {
		t.Fatalf("return %+v, want rejected", r)
	}
}

func TestOrdersPagedWithButtons(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderA, 26*time.Hour), order(orderB, 30*time.Hour))
	first := h.slash(agent, "orders", "filter", "unshipped", "limit", 1)
	next := ""
	for _, id := range customIDs(answerData(first)) {
		if strings.HasPrefix(id, "orders:orders unshipped limit 1 after ") {
			next = id
		}
	}
	if next == "" || len(next) > 100 {
		t.Fatalf("page 1 buttons %v, want Next with the cursor in a custom id of at most 100 characters", customIDs(answerData(first)))
	}
	if !strings.Contains(dump(answerData(first)), "Next page: /desk orders unshipped limit 1 after ") {
		t.Errorf("page 1 does not show the next page typed: %s", dump(answerData(first)))
	}
	second := h.click(agent, work, next)
	if answerType(second) != int(discordgo.InteractionResponseUpdateMessage) {
		t.Fatalf("Next answered %s, want page 2 in place", dump(second))
	}
	if strings.Contains(dump(answerData(first)["embeds"]), orderB) == strings.Contains(dump(answerData(second)["embeds"]), orderB) {
		t.Fatalf("pages show the same orders")
	}
	if !has(customIDs(answerData(second)), "orders-none:next") {
		t.Errorf("the last page's Next is not disabled: %v", customIDs(answerData(second)))
	}
	// Typed, the cursor gives the same page.
	cursor := next[strings.LastIndex(next, " ")+1:]
	typed := h.slash(agent, "orders", "filter", "unshipped", "limit", 1, "after", cursor)
	if dump(answerData(typed)["embeds"]) != dump(answerData(second)["embeds"]) {
		t.Errorf("after %s showed %s, Next showed %s", cursor, dump(answerData(typed)["embeds"]), dump(answerData(second)["embeds"]))
	}
	// A damaged cursor, and a button from before cursors, are refused to
	// the one who clicked, in words that say what to do.
	bad := h.slash(agent, "orders", "filter", "unshipped", "after", cursor[:len(cursor)-3])
	if !ephemeral(bad) || !strings.Contains(dump(bad), "cut short or changed") {
		t.Errorf("a damaged cursor answered %s", dump(bad))
	}
	old := h.click(agent, work, "orders:unshipped:1:2")
	if !ephemeral(old) || !strings.Contains(dump(old), "run /desk orders again") {
		t.Errorf("an old button answered %s", dump(old))
	}
}

func TestAutocompleteOrderIDsAndSKUs(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderA, 26*time.Hour), order(orderB, 30*time.Hour))
	ask := func(user string, opts []map[string]any) []string {
		got := h.interact(map[string]any{"type": discordgo.InteractionApplicationCommandAutocomplete, "guild_id": guild, "member": member(user),
			"data": map[string]any{"id": "CMD1", "name": "desk", "type": 1, "options": []map[string]any{{"name": "ship", "type": 1, "options": opts}}}})
		var out []string
		list, _ := answerData(got)["choices"].([]any)
		for _, c := range list {
			out = append(out, c.(map[string]any)["value"].(string))
		}
		return out
	}
	ids := ask(agent, []map[string]any{{"name": "order_id", "type": 3, "value": "0002", "focused": true}})
	if len(ids) != 1 || ids[0] != orderB {
		t.Fatalf("order ids %v, want [%s]", ids, orderB)
	}
	skus := ask(agent, []map[string]any{{"name": "order_id", "type": 3, "value": orderA}, {"name": "items", "type": 3, "value": "mu", "focused": true}})
	if len(skus) != 1 || skus[0] != "MUG:2" {
		t.Fatalf("skus %v, want [MUG:2]", skus)
	}
	if got := ask(nobody, []map[string]any{{"name": "order_id", "type": 3, "value": "", "focused": true}}); len(got) != 0 {
		t.Fatalf("unmapped user got suggestions %v", got)
	}
}

func TestInteractionHandledOnce(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderA, 26*time.Hour))
	i := func() map[string]any {
		return map[string]any{"id": "DUP1", "type": discordgo.InteractionApplicationCommand, "guild_id": guild, "member": member(agent),
			"data": map[string]any{"id": "CMD1", "name": "desk", "type": 1, "options": []map[string]any{{"name": "cancel", "type": 1, "options": []map[string]any{
				{"name": "order_id", "type": 3, "value": orderA}, {"name": "reason", "type": 3, "value": "no_inventory"}}}}}}
	}
	first := h.interact(i())
	again := h.interact(i())
	if ephemeral(first) || !ephemeral(again) || !strings.Contains(content(again), "Already") {
		t.Fatalf("first %s, again %s: want one cancel and an ephemeral note", dump(first), dump(again))
	}
}

func TestSlowCommandDeferredThenEdited(t *testing.T) {
	h := newHarness(t)
	got := h.slash(agent, "health")
	if answerType(got) != int(discordgo.InteractionResponseDeferredChannelMessageWithSource) {
		t.Fatalf("health answered %s, want deferred", dump(got))
	}
	edits := h.fake.calls("PATCH /webhooks/" + appID + "/tok-")
	if len(edits) != 1 || !strings.Contains(string(edits[0].Body), "Account health") {
		t.Fatalf("edits %v, want the health embed in the original answer", edits)
	}
	// An error after deferring replaces the public placeholder with an
	// ephemeral follow-up.
	h.slash(nobody, "health")
	if len(h.fake.calls("DELETE /webhooks/"+appID)) != 1 {
		t.Fatalf("placeholder not removed")
	}
	fu := h.fake.calls("POST /webhooks/" + appID)
	if len(fu) != 1 || int(fu[0].JSON()["flags"].(float64)) != int(discordgo.MessageFlagsEphemeral) {
		t.Fatalf("follow-ups %v, want one ephemeral", fu)
	}
}

func TestRegisterCommandsPerGuild(t *testing.T) {
	h := newHarness(t)
	if err := h.app.RegisterCommands(context.Background()); err != nil {
		t.Fatalf("RegisterCommands: %v", err)
	}
	calls := h.fake.calls("PUT /applications/" + appID + "/guilds/" + guild + "/commands")
	if len(calls) != 1 {
		t.Fatalf("calls %v, want one bulk overwrite in the guild", h.fake.all())
	}
	body := string(calls[0].Body)
	for _, want := range []string{`"name":"desk"`, `"name":"ship"`, `"autocomplete":true`, `"name":"fedex"`, `"name":"buyer_canceled"`, `"name":"noreply"`} {
		if !strings.Contains(body, want) {
			t.Errorf("command definition lacks %s", want)
		}
	}
	for _, c := range Commands()[0].Options {
		if len(c.Description) > 100 || len(c.Description) == 0 {
			t.Errorf("subcommand %s description %q breaks Discord's 1-100 limit", c.Name, c.Description)
		}
	}
}

// Interactions from the gateway run the same code and are answered through
// the callback endpoint.
func TestGatewayInteractionAnsweredByCallback(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderA, 26*time.Hour))
	i := &discordgo.Interaction{ID: "G1", AppID: appID, Token: "gtok", Type: discordgo.InteractionApplicationCommand, GuildID: guild, ChannelID: work,
		Member: &discordgo.Member{User: &discordgo.User{ID: agent}, Roles: []string{"RAGENTS"}},
		Data: discordgo.ApplicationCommandInteractionData{Name: "desk", Options: []*discordgo.ApplicationCommandInteractionDataOption{
			{Name: "cancel", Type: discordgo.ApplicationCommandOptionSubCommand, Options: []*discordgo.ApplicationCommandInteractionDataOption{
				{Name: "order_id", Type: discordgo.ApplicationCommandOptionString, Value: orderA},
				{Name: "reason", Type: discordgo.ApplicationCommandOptionString, Value: "no_inventory"}}}}}}
	h.app.onGatewayInteraction(context.Background(), i)
	h.app.bg.Wait()
	calls := h.fake.calls("POST /interactions/G1/gtok/callback")
	if len(calls) != 1 || int(calls[0].JSON()["type"].(float64)) != int(discordgo.InteractionResponseChannelMessageWithSource) {
		t.Fatalf("callbacks %v, want one message answer", h.fake.all())
	}
	if o := h.order(orderA); o.Status != core.Canceled {
		t.Fatalf("order %s, want cancelled", o.Status)
	}
}

// /desk orders limit 500 over 520 orders: every page fits one Discord
// message, and following Next from the first shows every order exactly
// once (the page size asked of core is what one message shows).
func TestOrdersLimit500NextVisitsEveryOrderOnce(t *testing.T) {
	h := newHarness(t)
	const n = 520
	var orders []core.Order
	for k := range n {
		orders = append(orders, order(fmt.Sprintf("111-%07d-%07d", k+1, k+1), time.Duration(k+26)*time.Hour))
	}
	h.importOrders(orders...)
	idPattern := regexp.MustCompile(`\d{3}-\d{7}-\d{7}`)
	seen := map[string]int{}
	page := h.slash(agent, "orders", "filter", "all", "limit", 500)
	for pages := 1; ; pages++ {
		m := messageOf(answerData(page))
		checkLimits(t, fmt.Sprintf("page %d", pages), m)
		for _, e := range m.embeds {
			d, _ := e["description"].(string)
			for _, id := range idPattern.FindAllString(d, -1) {
				seen[id]++
			}
		}
		next := ""
		rows, _ := answerData(page)["components"].([]any)
		for _, r := range rows {
			for _, c := range r.(map[string]any)["components"].([]any) {
				b := c.(map[string]any)
				if b["label"] == "Next" && b["disabled"] != true {
					next = b["custom_id"].(string)
				}
			}
		}
		if next == "" {
			break
		}
		if pages > n {
			t.Fatalf("Next never ends")
		}
		page = h.click(agent, work, next)
	}
	if len(seen) != n {
		t.Fatalf("Next showed %d different orders of %d", len(seen), n)
	}
	for id, k := range seen {
		if k != 1 {
			t.Fatalf("order %s shown %d times", id, k)
		}
	}
}

// A large page asked for is cut to what one message shows; the cursor
// stays, so Next continues where the message ends.
func TestOrdersLargePageFitsOneMessage(t *testing.T) {
	cur := core.Cursor{List: core.ListDue, Key: core.OrderKey{At: time.Now().UTC().Truncate(time.Microsecond), ID: orderA}}
	if got := fitPage(core.ListOrders{Filter: core.ListDue, Limit: 500, After: cur}); got.Limit != maxOrdersPerPage || got.After != cur {
		t.Fatalf("limit 500 became %+v", got)
	}
	if got := fitPage(core.ListOrders{Limit: 20}); got.Limit != 20 {
		t.Fatalf("a page that fits changed: %+v", got)
	}
}
