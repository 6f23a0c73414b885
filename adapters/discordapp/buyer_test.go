package discordapp

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/sellerdesk/sellerdesk/core"
)

// A buyer asks in the help channel, verifies their order, staff see the
// draft in the staff channel, press Send, and the reply lands under the
// buyer's message.
func TestBuyerMessageToDraftToReply(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.importOrders(order(orderA, 26*time.Hour))
	h.deliver() // the sink starts at the outbox's end

	h.buyerSays(help, "BM1", "Hi, where is my order?")
	acks := h.fake.calls("POST /channels/" + help + "/messages")
	if len(acks) != 1 || !has(customIDs(acks[0].JSON()), verifyButton) {
		t.Fatalf("acknowledgements %v, want one with Verify my order", acks)
	}
	form := h.click(buyer, help, verifyButton)
	if answerData(form)["custom_id"] != verifyModalID {
		t.Fatalf("Verify answered %s, want the verify modal", dump(form))
	}
	wrong := h.submit(buyer, verifyModalID, false, map[string]string{"order_id": orderA, "secret": "someone@example.com"})
	if !ephemeral(wrong) || !strings.Contains(content(wrong), "No order matches") {
		t.Fatalf("wrong email answered %s, want core's ephemeral miss", dump(wrong))
	}
	right := h.submit(buyer, verifyModalID, false, map[string]string{"order_id": orderA, "secret": strings.ToUpper(buyerEm)})
	if !ephemeral(right) || !strings.Contains(content(right), orderA) {
		t.Fatalf("right email answered %s", dump(right))
	}
	h.buyerSays(help, "BM2", "It was supposed to ship yesterday.")
	convs, err := h.engine.BuyerConversations(ctx, "discord", "discord:"+buyer)
	if err != nil || len(convs) != 1 || convs[0].OrderID != orderA || len(convs[0].Messages) != 2 {
		t.Fatalf("conversations %+v, %v: want one tied to %s with both messages", convs, err, orderA)
	}
	convID := convs[0].ID

	if n, err := h.engine.DraftPending(ctx); err != nil || n != 1 {
		t.Fatalf("DraftPending: %d, %v", n, err)
	}
	h.deliver()
	posts := h.fake.calls("POST /channels/" + staff + "/messages")
	if len(posts) != 1 {
		t.Fatalf("staff posts %d, want one conversation message", len(posts))
	}
	conv, _, _ := h.engine.Conversation(ctx, convID)
	body := string(posts[0].Body)
	if conv.Draft == nil || !strings.Contains(body, firstLine(conv.Draft.Text)) || !strings.Contains(body, "supposed to ship") || !strings.Contains(body, orderA) {
		t.Fatalf("staff post %s, want the buyer's text, the order and the draft", core.Clip(body, 800))
	}
	if ids := customIDs(posts[0].JSON()); !has(ids, "send:"+convID) || !has(ids, "edit:"+convID) || !has(ids, "redraft:"+convID) || !has(ids, "noreply:"+convID) {
		t.Fatalf("staff buttons %v", ids)
	}

	// Edit opens the draft in a modal; Redraft is deferred then edited.
	if edit := h.click(agent, staff, "edit:"+convID); answerType(edit) != int(discordgo.InteractionResponseModal) {
		t.Fatalf("Edit answered %s, want a modal", dump(edit))
	}
	if re := h.click(agent, staff, "redraft:"+convID); answerType(re) != int(discordgo.InteractionResponseDeferredMessageUpdate) {
		t.Fatalf("Redraft answered %s, want a deferred update", dump(re))
	}
	if n := len(h.fake.calls("PATCH /webhooks/" + appID)); n != 1 {
		t.Fatalf("redraft edits %d, want 1", n)
	}

	if refused := h.click(nobody, staff, "send:"+convID); !ephemeral(refused) {
		t.Fatalf("unmapped Send answered %s, want a refusal", dump(refused))
	}
	sent := h.click(agent, staff, "send:"+convID)
	if answerType(sent) != int(discordgo.InteractionResponseUpdateMessage) || ephemeral(sent) {
		t.Fatalf("Send answered %s, want the staff message updated", dump(sent))
	}
	h.deliver()
	replies := h.fake.calls("POST /channels/" + help + "/messages")
	last := replies[len(replies)-1].JSON()
	ref, _ := last["message_reference"].(map[string]any)
	conv, _, _ = h.engine.Conversation(ctx, convID)
	staffText := conv.Messages[len(conv.Messages)-1].Text
	if ref["message_id"] != "BM2" || last["content"] != core.Clip(staffText, 2000) {
		t.Fatalf("reply in the help channel %v, want the sent draft under BM2", last)
	}
}

// The limit on verification tries is the engine's, per Discord user: past
// it even the right email is refused, privately, with the wait.
func TestBuyerVerifyLimit(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.importOrders(order(orderA, 26*time.Hour))
	for i := range 5 {
		wrong := h.submit(buyer, verifyModalID, false, map[string]string{"order_id": orderA, "secret": "someone@example.com"})
		if !ephemeral(wrong) || !strings.Contains(content(wrong), "No order matches") {
			t.Fatalf("wrong email %d answered %s, want core's ephemeral miss", i+1, dump(wrong))
		}
		if i == 3 && !strings.Contains(content(wrong), "You can try 1 more time before a 15-minute wait.") {
			t.Fatalf("fourth miss %q does not announce the last try", content(wrong))
		}
	}
	right := h.submit(buyer, verifyModalID, false, map[string]string{"order_id": orderA, "secret": buyerEm})
	if !ephemeral(right) || content(right) != "Too many tries. Please wait 15 minutes, then try again." {
		t.Fatalf("right email past the limit answered %s, want the ephemeral wait", dump(right))
	}
	if other := h.submit(nobody, verifyModalID, false, map[string]string{"order_id": orderA, "secret": buyerEm}); !strings.Contains(content(other), orderA+" is verified") {
		t.Fatalf("another Discord user answered %s, want verified", dump(other))
	}
	h.buyerSays(help, "BM1", "Where is my order?")
	convs, err := h.engine.BuyerConversations(ctx, "discord", "discord:"+buyer)
	if err != nil || len(convs) != 1 || convs[0].OrderID != "" {
		t.Fatalf("conversations %+v, %v: a refused try must not tie the buyer to the order", convs, err)
	}
	h.clock.Advance(15 * time.Minute)
	if right := h.submit(buyer, verifyModalID, false, map[string]string{"order_id": orderA, "secret": buyerEm}); !strings.Contains(content(right), orderA+" is verified") {
		t.Fatalf("after the wait answered %s, want verified", dump(right))
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return core.Clip(line, 40)
}

func TestStaffAndBotsAreNotBuyers(t *testing.T) {
	h := newHarness(t)
	h.app.OnMessage(nil, &discordgo.MessageCreate{Message: &discordgo.Message{ID: "S1", ChannelID: help, GuildID: guild, Content: "I'll take this one",
		Author: &discordgo.User{ID: owner}}})
	h.app.OnMessage(nil, &discordgo.MessageCreate{Message: &discordgo.Message{ID: "S2", ChannelID: help, GuildID: guild, Content: "beep",
		Author: &discordgo.User{ID: "BOT", Bot: true}}})
	h.app.OnMessage(nil, &discordgo.MessageCreate{Message: &discordgo.Message{ID: "S3", ChannelID: work, GuildID: guild, Content: "elsewhere",
		Author: &discordgo.User{ID: buyer}}})
	h.app.OnMessage(nil, &discordgo.MessageCreate{Message: &discordgo.Message{ID: "S4", ChannelID: help, GuildID: guild, Content: "agent here",
		Author: &discordgo.User{ID: agent}, Member: &discordgo.Member{Roles: []string{"RAGENTS"}}}})
	if convs, _ := h.engine.BuyerConversations(context.Background(), "discord", "discord:"+owner); len(convs) != 0 {
		t.Fatalf("staff message opened a conversation")
	}
	if n := len(h.fake.all()); n != 0 {
		t.Fatalf("app posted %d times for non-buyer messages", n)
	}
	// A DM from a buyer is a conversation.
	h.buyerSays("DM1", "D1", "hello?")
	if convs, _ := h.engine.BuyerConversations(context.Background(), "discord", "discord:"+buyer); len(convs) != 1 {
		t.Fatalf("DM did not open a conversation")
	}
}

func TestDeliverHonoursRateLimit(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.deliver()
	owner := core.Actor{ID: "discord:" + owner, Role: core.Owner, Source: "discord"}
	if _, err := h.engine.Do(ctx, core.Request{Actor: owner, Command: core.AdjustStock{SKU: "MUG", Op: core.StockSet, N: 10}}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.engine.Do(ctx, core.Request{Actor: owner, Command: core.AdjustStock{SKU: "MUG", Op: core.StockSet, N: 0}}); err != nil {
		t.Fatal(err)
	}
	h.fake.failNext("/channels/"+staff+"/messages", 429, `{"message":"You are being rate limited.","retry_after":2.5,"global":true}`,
		map[string]string{"X-RateLimit-Global": "true"})
	n, wait := h.deliver()
	if n != 0 || wait != 2500*time.Millisecond {
		t.Fatalf("first round sent %d, wait %v; want 0 and Discord's 2.5s", n, wait)
	}
	if n, wait := h.deliver(); n != 0 || wait <= 0 {
		t.Fatalf("round inside the wait sent %d (wait %v), want nothing", n, wait)
	}
	h.clock.Advance(3 * time.Second)
	if n, _ := h.deliver(); n == 0 {
		t.Fatalf("nothing sent after the wait")
	}
	posts := h.fake.calls("POST /channels/" + staff + "/messages")
	if len(posts) < 2 || posts[0].JSON()["content"] != posts[1].JSON()["content"] {
		t.Fatalf("posts %v, want the refused alert posted again once", posts)
	}
	seen := map[string]int{}
	for _, p := range posts[1:] {
		seen[p.JSON()["content"].(string)]++
	}
	for text, k := range seen {
		if k != 1 {
			t.Fatalf("%q posted %d times after the wait", text, k)
		}
	}
}

func TestDeliveryErrorMapping(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		body      string
		header    map[string]string
		wantWait  time.Duration
		wantCode  core.Code
		wantRetry bool // plain error, retried with backoff
	}{
		{"rate_limited_route", 429, `{"message":"You are being rate limited.","retry_after":1.5,"global":false}`, nil, 1500 * time.Millisecond, "", false},
		{"rate_limited_global", 429, `{"message":"You are being rate limited.","retry_after":4,"global":true}`, map[string]string{"X-RateLimit-Global": "true"}, 4 * time.Second, "", false},
		{"unknown_channel_invalid", 404, `{"message":"Unknown Channel","code":10003}`, nil, 0, core.Invalid, false},
		{"missing_access_invalid", 403, `{"message":"Missing Access","code":50001}`, nil, 0, core.Invalid, false},
		{"server_error_retried", 500, `{"message":"boom"}`, nil, 0, core.Internal, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			h.fake.failNext("/channels/"+staff+"/messages", tc.status, tc.body, tc.header)
			err := h.app.Deliver(context.Background(), core.Event{ID: 1, Kind: core.EventLowStock, SKU: "MUG", Text: "MUG is low: 1 left."})
			var ra *core.RetryAfter
			switch {
			case tc.wantWait > 0:
				if !errors.As(err, &ra) || ra.Wait != tc.wantWait {
					t.Fatalf("Deliver: %v, want RetryAfter %v", err, tc.wantWait)
				}
			case tc.wantRetry:
				if err == nil || errors.As(err, &ra) || core.ErrorCode(err) == core.Invalid {
					t.Fatalf("Deliver: %v, want a plain error", err)
				}
			default:
				if core.ErrorCode(err) != tc.wantCode {
					t.Fatalf("Deliver: %v (code %s), want %s", err, core.ErrorCode(err), tc.wantCode)
				}
			}
		})
	}
	t.Run("network_error_retried", func(t *testing.T) {
		h := newHarness(t)
		h.app.s.Client.Transport = failingTransport{}
		err := h.app.Deliver(context.Background(), core.Event{ID: 1, Kind: core.EventLowStock, Text: "x"})
		var ra *core.RetryAfter
		if err == nil || errors.As(err, &ra) || core.ErrorCode(err) == core.Invalid {
			t.Fatalf("Deliver: %v, want a plain error", err)
		}
	})
}

type failingTransport struct{}

func (failingTransport) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, &net.OpError{Op: "dial", Err: errors.New("connection refused")}
}
