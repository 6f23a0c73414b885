package discordapp

import (
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/sellerdesk/sellerdesk/core"
)

// With discord.guild_id set, staff interactions from another server or a
// DM are refused, privately and changing nothing; a buyer verifying their
// order in a DM still can.
func TestInteractionsFromElsewhereRefused(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderA, 26*time.Hour))
	cancel := func(id, guildID string) map[string]any {
		i := map[string]any{"id": id, "type": discordgo.InteractionApplicationCommand,
			"data": map[string]any{"id": "CMD1", "name": "desk", "type": 1, "options": []map[string]any{{"name": "cancel", "type": 1, "options": []map[string]any{
				{"name": "order_id", "type": 3, "value": orderA}, {"name": "reason", "type": 3, "value": "no_inventory"}}}}}}
		if guildID == "" {
			i["user"] = member(owner)["user"]
		} else {
			i["guild_id"], i["member"] = guildID, member(owner)
		}
		return i
	}
	refusedIn := func(where string, got map[string]any) {
		t.Helper()
		if !ephemeral(got) || content(got) != elsewhereText {
			t.Fatalf("%s answered %s, want the ephemeral refusal", where, dump(got))
		}
		if o := h.order(orderA); o.Status != core.Unshipped {
			t.Fatalf("%s: order %s, want it unchanged", where, o.Status)
		}
	}
	refusedIn("slash command in another server", h.interact(cancel("E1", "G2")))
	refusedIn("slash command in a DM", h.interact(cancel("E2", "")))
	refusedIn("slash command in another server, gateway", h.gateway(cancel("E3", "G2")))
	click := map[string]any{"type": discordgo.InteractionMessageComponent, "guild_id": "G2", "member": member(agent), "channel_id": work,
		"data": map[string]any{"custom_id": "cancel:" + orderA, "component_type": 2}, "message": map[string]any{"id": "MCARD", "channel_id": work}}
	refusedIn("button in another server", h.interact(click))
	form := map[string]any{"type": discordgo.InteractionModalSubmit, "guild_id": "G2", "member": member(agent),
		"data": map[string]any{"custom_id": "mrefund:" + orderA, "components": labelled(map[string]string{"amount": "5.00", "reason": "x"})}}
	refusedIn("form in another server", h.interact(form))

	suggest := h.interact(map[string]any{"type": discordgo.InteractionApplicationCommandAutocomplete, "guild_id": "G2", "member": member(agent),
		"data": map[string]any{"id": "CMD1", "name": "desk", "type": 1, "options": []map[string]any{{"name": "ship", "type": 1,
			"options": []map[string]any{{"name": "order_id", "type": 3, "value": "", "focused": true}}}}}})
	if choices, ok := answerData(suggest)["choices"].([]any); !ok || len(choices) != 0 {
		t.Fatalf("autocomplete in another server answered %s, want no suggestions", dump(suggest))
	}

	// The same command in the desk's server works.
	if got := h.interact(cancel("E4", guild)); ephemeral(got) || h.order(orderA).Status != core.Canceled {
		t.Fatalf("cancel in the desk's server answered %s", dump(got))
	}
}

func TestBuyerVerifiesInDM(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderA, 26*time.Hour))
	h.buyerSays("DM1", "D1", "where is my parcel?")
	if form := h.click(buyer, "DM", verifyButton); answerData(form)["custom_id"] != verifyModalID {
		t.Fatalf("Verify in a DM answered %s, want the verify modal", dump(form))
	}
	got := h.interact(map[string]any{"type": discordgo.InteractionModalSubmit, "channel_id": "DM1", "user": member(buyer)["user"],
		"data": map[string]any{"custom_id": verifyModalID, "components": labelled(map[string]string{"order_id": orderA, "secret": buyerEm})}})
	if !ephemeral(got) || !strings.Contains(content(got), orderA+" is verified") {
		t.Fatalf("verify in a DM answered %s, want verified", dump(got))
	}
}
