package discordapp

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/sellerdesk/sellerdesk/core"
)

// confirmIDOf is the Confirm button's custom id in an answer, or "".
func confirmIDOf(ans map[string]any) string {
	for _, id := range customIDs(answerData(ans)) {
		if strings.HasPrefix(id, confirmVerb+":") {
			return id
		}
	}
	return ""
}

// confirm presses Confirm on a preview (an ephemeral message of its own)
// as user.
func (h *harness) confirm(user string, preview map[string]any) map[string]any {
	h.t.Helper()
	id := confirmIDOf(preview)
	if id == "" {
		h.t.Fatalf("no Confirm button in %s", dump(preview))
	}
	return h.clickOn(user, work, "MPREVIEW", id)
}

// checkPreview checks the common shape of a preview: core's change lines,
// Confirm and Back out, custom ids within Discord's limit.
func checkPreview(t *testing.T, ans map[string]any, wants ...string) {
	t.Helper()
	ids := customIDs(answerData(ans))
	if len(ids) != 2 || !strings.HasPrefix(ids[0], confirmVerb+":") || !strings.HasPrefix(ids[1], backOutVerb+":") {
		t.Fatalf("preview buttons %v, want Confirm and Back out", ids)
	}
	for _, id := range ids {
		if n := utf8.RuneCountInString(id); n > maxCustomID {
			t.Errorf("custom id %q is %d characters; Discord allows %d", id, n, maxCustomID)
		}
	}
	body := dump(answerData(ans)["embeds"])
	for _, w := range append([]string{"Check and confirm"}, wants...) {
		if !strings.Contains(body, w) {
			t.Errorf("preview %s lacks %q", body, w)
		}
	}
}

func cardEdits(h *harness, msgID string) []call {
	return h.fake.calls("PATCH /channels/" + work + "/messages/" + msgID)
}

// A shipment from the Confirm shipment form is previewed, changes nothing
// until confirmed, is confirmed only by who asked, and ships once however
// often Confirm is pressed.
func TestModalShipPreviewedThenConfirmedOnce(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderA, 26*time.Hour))
	// Items and a date make the command line too long for the custom id:
	// the command waits in memory under the token.
	preview := h.submit(agent, "mship:"+orderA, true, map[string]string{"carrier": "ups", "tracking": upsOK, "items": "MUG:2 TEE:1", "date": "2026-11-18"})
	if answerType(preview) != int(discordgo.InteractionResponseChannelMessageWithSource) || !ephemeral(preview) {
		t.Fatalf("form answered %s, want an ephemeral preview", dump(preview))
	}
	checkPreview(t, preview, "unshipped → shipped", "Ship 2× MUG, 1× TEE with UPS, tracking "+upsOK, "ship "+orderA+" ups "+upsOK, "Valid tracking rate")
	if id := confirmIDOf(preview); !strings.HasSuffix(id, ":") {
		t.Fatalf("Confirm id %q, want the command kept in memory (empty line)", id)
	}
	if o := h.order(orderA); o.Status != core.Unshipped || len(o.Shipments) != 0 {
		t.Fatalf("order %s with %d shipments after the preview, want unchanged", o.Status, len(o.Shipments))
	}
	if n := len(cardEdits(h, "MCARD")); n != 0 {
		t.Fatalf("card edited %d times before Confirm", n)
	}

	other := h.confirm(owner, preview)
	if !ephemeral(other) || !strings.Contains(content(other), "Only the person who asked") {
		t.Fatalf("Confirm by another user answered %s, want a refusal", dump(other))
	}
	if o := h.order(orderA); o.Status != core.Unshipped {
		t.Fatalf("order %s after another user's Confirm, want unshipped", o.Status)
	}

	done := h.confirm(agent, preview)
	if answerType(done) != int(discordgo.InteractionResponseUpdateMessage) || !strings.Contains(content(done), "shipped") ||
		len(customIDs(answerData(done))) != 0 {
		t.Fatalf("Confirm answered %s, want the preview replaced by core's message", dump(done))
	}
	o := h.order(orderA)
	if o.Status != core.Shipped || len(o.Shipments) != 1 || o.Shipments[0].Tracking != upsOK {
		t.Fatalf("order %s with %d shipments, want shipped once with %s", o.Status, len(o.Shipments), upsOK)
	}
	edits := cardEdits(h, "MCARD")
	if len(edits) != 1 || !strings.Contains(string(edits[0].Body), "Order "+orderA) || !strings.Contains(string(edits[0].Body), "shipped") ||
		has(customIDs(edits[0].JSON()), "ship:"+orderA) {
		t.Fatalf("card edits %v, want the card once with the shipped order and no Confirm shipment", edits)
	}

	// A double click is a new interaction with the same token.
	again := h.confirm(agent, preview)
	if !ephemeral(again) || !strings.Contains(content(again), "Already done") {
		t.Fatalf("second Confirm answered %s, want already done", dump(again))
	}
	if o := h.order(orderA); len(o.Shipments) != 1 {
		t.Fatalf("%d shipments after a second Confirm, want 1", len(o.Shipments))
	}
	res, err := h.engine.Do(context.Background(), core.Request{Actor: core.Actor{ID: "t", Role: core.Owner}, Command: core.ShowAudit{OrderID: orderA}})
	if err != nil || len(res.Audit) != 1 || res.Audit[0].ActorID != "discord:"+agent || !strings.HasPrefix(res.Audit[0].Command, "ship ") {
		t.Fatalf("audit %+v, %v: want one ship by discord:%s", res.Audit, err, agent)
	}
}

// A cancel from the reason menu shows the effect on the cancel rate, and
// once confirmed refreshes the card the menu was opened from.
func TestCancelReasonPreviewedThenCardRefreshed(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderA, 26*time.Hour))
	menu := h.click(agent, work, "cancel:"+orderA)
	reason := "cancelreason:" + orderA + ":MCARD"
	if !has(customIDs(answerData(menu)), reason) {
		t.Fatalf("menu %s, want %s", dump(menu), reason)
	}
	preview := h.clickOn(agent, work, "MMENU", reason, "no_inventory")
	if answerType(preview) != int(discordgo.InteractionResponseUpdateMessage) {
		t.Fatalf("reason answered %s, want the menu replaced by the preview", dump(preview))
	}
	checkPreview(t, preview, "unshipped → cancelled (no_inventory)", "Restock", "⚠️ Pre-fulfilment cancel rate", "outside the marketplace")
	if id := confirmIDOf(preview); !strings.HasSuffix(id, ":cancel "+orderA+" no_inventory") {
		t.Fatalf("Confirm id %q, want the command line carried in it", id)
	}
	if o := h.order(orderA); o.Status != core.Unshipped {
		t.Fatalf("order %s after the preview, want unshipped", o.Status)
	}

	done := h.confirm(agent, preview)
	if answerType(done) != int(discordgo.InteractionResponseUpdateMessage) || !strings.Contains(content(done), "cancelled") {
		t.Fatalf("Confirm answered %s", dump(done))
	}
	if o := h.order(orderA); o.Status != core.Canceled || o.CancelReason != core.NoInventory {
		t.Fatalf("order %s (%s), want cancelled no_inventory", o.Status, o.CancelReason)
	}
	// The public card, not the menu or the preview, is refreshed.
	edits := cardEdits(h, "MCARD")
	if len(edits) != 1 || !strings.Contains(string(edits[0].Body), "cancelled") || len(customIDs(edits[0].JSON())) != 0 {
		t.Fatalf("card edits %v, want the cancelled card without buttons", edits)
	}
	if n := len(cardEdits(h, "MMENU")) + len(cardEdits(h, "MPREVIEW")); n != 0 {
		t.Fatalf("%d edits of the ephemeral messages through the channel", n)
	}
}

// Confirm stays good for 15 minutes, in the custom id and in memory alike.
func TestConfirmExpires(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderA, 26*time.Hour))
	short := h.clickOn(agent, work, "MMENU", "cancelreason:"+orderA+":MCARD", "no_inventory")
	long := h.submit(agent, "mship:"+orderA, true, map[string]string{"carrier": "ups", "tracking": upsOK, "items": "MUG:2 TEE:1", "date": "2026-11-18"})
	h.clock.Advance(16 * time.Minute)
	for name, p := range map[string]map[string]any{"in custom id": short, "in memory": long} {
		got := h.confirm(agent, p)
		if !ephemeral(got) || !strings.Contains(content(got), "expired") {
			t.Errorf("%s: Confirm after 16 minutes answered %s, want expired", name, dump(got))
		}
	}
	if o := h.order(orderA); o.Status != core.Unshipped {
		t.Fatalf("order %s after expired confirmations, want unshipped", o.Status)
	}
}

// Back out changes nothing and the Confirm it replaced is dead; approve
// from a card is previewed like the rest.
func TestBackOutAndReturnButtonsPreviewed(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderA, 26*time.Hour))
	long := h.submit(agent, "mship:"+orderA, true, map[string]string{"carrier": "ups", "tracking": upsOK, "items": "MUG:2 TEE:1", "date": "2026-11-18"})
	var back string
	for _, id := range customIDs(answerData(long)) {
		if strings.HasPrefix(id, backOutVerb+":") {
			back = id
		}
	}
	out := h.clickOn(agent, work, "MPREVIEW", back)
	if answerType(out) != int(discordgo.InteractionResponseUpdateMessage) || !strings.Contains(content(out), "nothing changed") {
		t.Fatalf("Back out answered %s", dump(out))
	}
	if got := h.confirm(agent, long); !strings.Contains(content(got), "expired") {
		t.Fatalf("Confirm after Back out answered %s, want expired", dump(got))
	}
	if o := h.order(orderA); o.Status != core.Unshipped {
		t.Fatalf("order %s after Back out, want unshipped", o.Status)
	}

	h.slash(agent, "ship", "order_id", orderA, "carrier", "ups", "tracking", upsOK) // slash commands stay direct
	h.slash(agent, "delivered", "order_id", orderA)
	ret := h.slash(agent, "return", "order_id", orderA, "reason", "arrived cracked", "items", "MUG:1")
	rid := ret["data"].(map[string]any)
	var approve string
	for _, id := range customIDs(rid) {
		if strings.HasPrefix(id, "approve:") {
			approve = id
		}
	}
	preview := h.click(agent, work, approve)
	checkPreview(t, preview, "requested → approved")
	r := h.order(orderA).Returns[0]
	if r.Status != core.ReturnRequested {
		t.Fatalf("return %s after the preview, want requested", r.Status)
	}
	h.confirm(agent, preview)
	if r := h.order(orderA).Returns[0]; r.Status != core.ReturnApproved {
		t.Fatalf("return %s after Confirm, want approved", r.Status)
	}
	if n := len(cardEdits(h, "MCARD")); n != 1 {
		t.Fatalf("card edits %d, want 1", n)
	}
}

// A viewer's click on a previewed button gets core's refusal, not a
// preview.
func TestPreviewRefusedForViewer(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderA, 26*time.Hour))
	got := h.click(viewer, work, "delivered:"+orderA)
	if !ephemeral(got) || confirmIDOf(got) != "" || !strings.Contains(content(got), "viewer role can look") {
		t.Fatalf("viewer answered %s, want core's refusal", dump(got))
	}
}
