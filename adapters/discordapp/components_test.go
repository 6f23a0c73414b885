package discordapp

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/sellerdesk/sellerdesk/core"
)

// logTo sends the app's log to a buffer, for checking what is logged.
func (h *harness) logTo() *bytes.Buffer {
	var buf bytes.Buffer
	h.app.log = slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	return &buf
}

// gateway delivers a raw INTERACTION_CREATE as the gateway does and
// returns the body of the answer sent to the callback endpoint.
func (h *harness) gateway(i map[string]any) map[string]any {
	h.t.Helper()
	i["application_id"], i["token"], i["version"] = appID, "gtok-"+i["id"].(string), 1
	raw, _ := json.Marshal(i)
	h.app.onGatewayEvent(context.Background(), &discordgo.Event{Type: "INTERACTION_CREATE", RawData: raw})
	h.app.bg.Wait()
	calls := h.fake.calls("POST /interactions/" + i["id"].(string) + "/")
	if len(calls) != 1 {
		h.t.Fatalf("callbacks for %s: %d, want one answer (calls %v)", i["id"], len(calls), h.fake.all())
	}
	return calls[0].JSON()
}

// labelled is a modal submission in Discord's current layout: each value in
// a Label (type 18), plus components sellerdesk does not ask for: a File
// Upload (19) and a Checkbox (23) in Labels, and a Text Display (10).
func labelled(values map[string]string) []any {
	var out []any
	id := 1
	for k, v := range values {
		out = append(out, map[string]any{"type": 18, "id": id, "component": map[string]any{"type": 4, "id": id + 1, "custom_id": k, "value": v}})
		id += 2
	}
	return append(out,
		map[string]any{"type": 18, "id": 90, "component": map[string]any{"type": 19, "id": 91, "custom_id": "photo", "values": []string{"1234"}}},
		map[string]any{"type": 10, "id": 92, "content": "Check the address before you ship."},
		map[string]any{"type": 18, "id": 93, "component": map[string]any{"type": 23, "id": 94, "custom_id": "notify", "value": true}},
	)
}

// withNewComponents is a message as a click carries it, holding a File
// Upload (19), a Container (17) with a Checkbox (23) and a Section (9)
// with a Radio Group (21) beside it, besides buttons.
func withNewComponents() map[string]any {
	return map[string]any{"id": "MCARD", "channel_id": work, "content": "", "components": []any{
		map[string]any{"type": 1, "components": []any{map[string]any{"type": 2, "custom_id": "orders:orders limit 1", "style": 2, "label": "Next"}}},
		map[string]any{"type": 19, "id": 5, "custom_id": "upload"},
		map[string]any{"type": 17, "components": []any{map[string]any{"type": 10, "content": "hi"}, map[string]any{"type": 23, "custom_id": "c"}}},
		map[string]any{"type": 9, "components": []any{map[string]any{"type": 10, "content": "pick"}}, "accessory": map[string]any{"type": 21, "custom_id": "r"}},
	}}
}

func TestUnknownComponentTypesDoNotBreakInteractions(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderA, 26*time.Hour), order(orderB, 30*time.Hour))
	shipValues := map[string]string{"carrier": "ups", "tracking": upsOK, "items": "MUG:1"}

	t.Run("http_modal_submit_in_labels", func(t *testing.T) {
		logs := h.logTo()
		got := h.interact(map[string]any{"type": discordgo.InteractionModalSubmit, "guild_id": guild, "member": member(agent),
			"data":    map[string]any{"custom_id": "mship:" + orderA, "components": labelled(shipValues)},
			"message": map[string]any{"id": "MCARD", "channel_id": work, "content": ""}})
		if !ephemeral(got) || confirmIDOf(got) == "" || !strings.Contains(dump(got), upsOK) {
			t.Fatalf("modal in Labels answered %s, want the shipment preview with its tracking", dump(got))
		}
		if l := logs.String(); !strings.Contains(l, "level=WARN") || !strings.Contains(l, "19") || !strings.Contains(l, "23") {
			t.Fatalf("log %q, want a warning naming types 19 and 23", l)
		}
	})
	t.Run("http_click_on_message_with_new_components", func(t *testing.T) {
		logs := h.logTo()
		got := h.interact(map[string]any{"type": discordgo.InteractionMessageComponent, "guild_id": guild, "member": member(agent), "channel_id": work,
			"data": map[string]any{"custom_id": "orders:orders limit 1", "component_type": 2}, "message": withNewComponents()})
		if answerType(got) != int(discordgo.InteractionResponseUpdateMessage) || !strings.Contains(dump(got), "Next page") {
			t.Fatalf("Next answered %s, want page 2 in place", dump(got))
		}
		if l := logs.String(); !strings.Contains(l, "level=WARN") || !strings.Contains(l, "component_types=") || !strings.Contains(l, "19") || !strings.Contains(l, "21") || !strings.Contains(l, "23") {
			t.Fatalf("log %q, want a warning naming types 19, 23 and 21", l)
		}
	})
	t.Run("gateway_modal_submit_in_labels", func(t *testing.T) {
		got := h.gateway(map[string]any{"id": "GW1", "type": discordgo.InteractionModalSubmit, "guild_id": guild, "member": member(agent), "channel_id": work,
			"data":    map[string]any{"custom_id": "mship:" + orderB, "components": labelled(shipValues)},
			"message": map[string]any{"id": "MCARD", "channel_id": work, "content": ""}})
		if !ephemeral(got) || confirmIDOf(got) == "" {
			t.Fatalf("gateway modal answered %s, want the shipment preview", dump(got))
		}
	})
	t.Run("gateway_click_on_message_with_new_components", func(t *testing.T) {
		got := h.gateway(map[string]any{"id": "GW2", "type": discordgo.InteractionMessageComponent, "guild_id": guild, "member": member(agent), "channel_id": work,
			"data": map[string]any{"custom_id": "orders:orders limit 1", "component_type": 2}, "message": withNewComponents()})
		if answerType(got) != int(discordgo.InteractionResponseUpdateMessage) || !strings.Contains(dump(got), "Next page") {
			t.Fatalf("gateway Next answered %s, want page 2 in place", dump(got))
		}
	})
	t.Run("legacy_action_rows_still_read", func(t *testing.T) {
		row := func(id, v string) map[string]any {
			return map[string]any{"type": 1, "components": []any{map[string]any{"type": 4, "custom_id": id, "value": v}}}
		}
		got := h.interact(map[string]any{"type": discordgo.InteractionModalSubmit, "guild_id": guild, "member": member(agent),
			"data":    map[string]any{"custom_id": "mrefund:" + orderA, "components": []any{row("amount", "999.00"), row("reason", "sorry")}},
			"message": map[string]any{"id": "MCARD", "channel_id": work, "content": ""}})
		if !ephemeral(got) || !strings.Contains(content(got), "999.00") {
			t.Fatalf("modal in action rows answered %s, want core's refusal naming the amount", dump(got))
		}
	})
	if o := h.order(orderA); o.Status != core.Unshipped {
		t.Fatalf("order %s: a preview changed it", o.Status)
	}
}

// The desk's own modals are built in Discord's current layout: each text
// input in a Label, the label on the Label.
func TestModalsUseLabels(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderA, 26*time.Hour))
	form := h.click(agent, work, "ship:"+orderA)
	comps, _ := answerData(form)["components"].([]any)
	if answerType(form) != int(discordgo.InteractionResponseModal) || len(comps) != 5 {
		t.Fatalf("Confirm shipment answered %s, want a modal of five inputs", dump(form))
	}
	for _, c := range comps {
		l := c.(map[string]any)
		in, _ := l["component"].(map[string]any)
		if l["type"] != float64(labelComponent) || l["label"] == "" || in == nil || in["type"] != float64(discordgo.TextInputComponent) {
			t.Fatalf("modal component %v, want a Label around a text input", l)
		}
		if _, ok := in["label"]; ok {
			t.Fatalf("text input %v carries the deprecated label", in)
		}
		if _, ok := in["required"]; !ok {
			t.Fatalf("text input %v does not say whether it is required (Discord's default is true)", in)
		}
	}
}

// An autocomplete that matches nothing answers "choices": [], which
// Discord requires, over HTTP and the gateway alike.
func TestAutocompleteAlwaysSendsChoices(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderA, 26*time.Hour))
	ask := func(id string) map[string]any {
		return map[string]any{"id": id, "type": discordgo.InteractionApplicationCommandAutocomplete, "guild_id": guild, "member": member(agent),
			"data": map[string]any{"id": "CMD1", "name": "desk", "type": 1, "options": []map[string]any{{"name": "ship", "type": 1,
				"options": []map[string]any{{"name": "order_id", "type": 3, "value": "no-such-order", "focused": true}}}}}}
	}
	check := func(where string, got map[string]any) {
		t.Helper()
		choices, ok := answerData(got)["choices"].([]any)
		if answerType(got) != int(discordgo.InteractionApplicationCommandAutocompleteResult) || !ok || len(choices) != 0 {
			t.Fatalf("%s answered %s, want \"choices\": []", where, dump(got))
		}
	}
	check("HTTP", h.interact(ask("AC1")))
	check("gateway", h.gateway(ask("AC2")))
	// Someone without a role, and a match, are answered the same way.
	other := ask("AC3")
	other["member"] = member(nobody)
	check("HTTP, no role", h.interact(other))
}
