package slackapp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// buyerSays stores a buyer message as the help page would.
func (h *harness) buyerSays(text string) *core.Conversation {
	h.t.Helper()
	c, err := h.engine.BuyerMessage(context.Background(), core.BuyerMessageIn{Channel: "web", BuyerKey: "buyer-1", BuyerName: "Emma", OrderID: orderID, Text: text})
	if err != nil {
		h.t.Fatalf("buyer message: %v", err)
	}
	return c
}

// prime registers the app with the outbox; a sink seen for the first time
// starts after the newest message.
func (h *harness) prime() { h.deliver() }

// A buyer message becomes a message in the support channel; its draft is
// added when ready; Send answers the buyer and the message says who did.
func TestBuyerMessageToThreadedDraftToSend(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderID, time.Hour))
	h.prime()
	conv := h.buyerSays("Hi, where is my package? I ordered two mugs.")
	if sent, _ := h.deliver(); sent != 1 {
		t.Fatalf("delivered %d, want the buyer message", sent)
	}
	posts := h.fake.Calls("chat.postMessage")
	if len(posts) != 1 || posts[0].Form.Get("channel") != support || posts[0].Form.Get("thread_ts") != "" {
		t.Fatalf("posts %+v, want one new message in the support channel", posts)
	}
	contains(t, "conversation message", posts[0].Text, "where is my package", "Order "+orderID, "Answer by", "Drafting")
	parentTS := h.mustRef(conv.ID).MessageID

	if n, err := h.engine.DraftPending(context.Background()); err != nil || n != 1 {
		t.Fatalf("DraftPending = %d, %v", n, err)
	}
	h.deliver()
	up := h.lastUpdate(parentTS)
	contains(t, "message with draft", up.Text, "*Draft*", actConvSend, actConvEdit, actConvRedraft, actConvNoReply)

	h.click(agent, actConvSend, conv.ID, h.fake.URL()+"/response/conv")
	c, _, err := h.engine.Conversation(context.Background(), conv.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := c.Messages[len(c.Messages)-1]
	if last.From != core.FromStaff || last.By != "uagent" || c.Deadline != nil {
		t.Fatalf("after Send: last message %+v, deadline %v", last, c.Deadline)
	}
	up = h.lastUpdate(parentTS)
	contains(t, "answered message", up.Text, "Answered by *uagent*")
	lacks(t, "answered message", up.Text, actConvSend)

	// The reply event keeps the message as it is; a new buyer message goes
	// into the thread.
	h.deliver()
	h.clock.Advance(10 * time.Minute)
	h.buyerSays("Thanks! And can I change the colour?")
	h.deliver()
	posts = h.fake.Calls("chat.postMessage")
	reply := posts[len(posts)-1]
	if reply.Form.Get("thread_ts") != parentTS {
		t.Errorf("second buyer message posted to thread %q, want %q", reply.Form.Get("thread_ts"), parentTS)
	}
	contains(t, "thread reply", reply.Text, "Buyer wrote again", "change the colour")
	if n := len(h.fake.Calls("chat.postMessage")); n != 2 {
		t.Errorf("%d posts, want the message and one thread reply", n)
	}
}

func TestRemindersAndBreachInThread(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderID, time.Hour))
	h.prime()
	conv := h.buyerSays("Where is my order?")
	h.deliver()
	parentTS := h.mustRef(conv.ID).MessageID
	h.clock.Advance(13 * time.Hour)
	if _, err := h.engine.Sweep(context.Background()); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(12 * time.Hour)
	if _, err := h.engine.Sweep(context.Background()); err != nil {
		t.Fatal(err)
	}
	h.deliver()
	var thread []call
	for _, c := range h.fake.Calls("chat.postMessage") {
		if c.Form.Get("thread_ts") == parentTS {
			thread = append(thread, c)
		}
	}
	if len(thread) != 2 {
		t.Fatalf("%d thread replies, want a reminder and the breach", len(thread))
	}
	contains(t, "reminder", thread[0].Text, "left to answer")
	contains(t, "breach", thread[1].Text, "past its 24-hour deadline")
	if thread[1].Form.Get("reply_broadcast") != "true" {
		t.Errorf("breach not broadcast to the channel")
	}
}

func TestEditModalSendsEditedReply(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderID, time.Hour))
	h.prime()
	conv := h.buyerSays("Where is my package?")
	h.deliver()
	h.engine.DraftPending(context.Background())
	h.deliver()
	h.click(agent, actConvEdit, conv.ID, h.fake.URL()+"/response/conv")
	form := h.lastView()
	b, _ := json.Marshal(form)
	contains(t, "edit modal", string(b), `"block_id":"text"`, "Where is my package")
	got := h.submit(agent, form, map[string]any{"text": textValue("   ")})
	errs, _ := got["errors"].(map[string]any)
	if got["response_action"] != "errors" || errs["text"] == nil {
		t.Fatalf("empty reply answered %v, want errors on text", got)
	}
	got = h.submit(agent, form, map[string]any{"text": textValue("It left today with UPS.")})
	if got["response_action"] != "clear" {
		t.Fatalf("edited reply answered %v, want clear", got)
	}
	c, _, _ := h.engine.Conversation(context.Background(), conv.ID)
	if last := c.Messages[len(c.Messages)-1]; last.Text != "It left today with UPS." {
		t.Errorf("sent %q", last.Text)
	}
}

func TestNoReplyAndRedraftButtons(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderID, time.Hour))
	h.prime()
	conv := h.buyerSays("Where is my package?")
	h.deliver()
	h.engine.DraftPending(context.Background())
	h.click(agent, actConvRedraft, conv.ID, h.fake.URL()+"/response/conv")
	h.click(viewer, actConvNoReply, conv.ID, h.fake.URL()+"/response/conv")
	_, text := h.lastResponse(h.fake.URL() + "/response/conv")
	contains(t, "viewer refusal", text, "viewer role")
	h.click(agent, actConvNoReply, conv.ID, h.fake.URL()+"/response/conv")
	c, _, _ := h.engine.Conversation(context.Background(), conv.ID)
	if c.Deadline != nil || !c.Messages[0].NoReply {
		t.Errorf("after no response needed: deadline %v, %+v", c.Deadline, c.Messages[0])
	}
	up := h.lastUpdate(h.mustRef(conv.ID).MessageID)
	contains(t, "message", up.Text, "Marked no response needed")
}

// Slack's 429 holds delivery for Retry-After; then the message goes once.
func TestRateLimitThenSuccess(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderID, time.Hour))
	h.prime()
	h.buyerSays("Where is my package?")
	h.fake.failNext("chat.postMessage", failure{status: http.StatusTooManyRequests, retryAfter: "7"})
	sent, wait := h.deliver()
	if sent != 0 || wait != 7*time.Second {
		t.Fatalf("deliver after 429 = %d sent, wait %s; want 0 and 7s", sent, wait)
	}
	if sent, _ := h.deliver(); sent != 0 || len(h.fake.Calls("chat.postMessage")) != 0 {
		t.Fatalf("delivered during the wait")
	}
	h.clock.Advance(7 * time.Second)
	if sent, _ := h.deliver(); sent != 1 {
		t.Fatalf("after the wait delivered %d, want 1", sent)
	}
	if n := len(h.fake.Calls("chat.postMessage")); n != 1 {
		t.Errorf("%d posts, want 1", n)
	}
}

func TestDeliveryErrorsMapped(t *testing.T) {
	h := newHarness(t)
	ev := core.Event{Kind: core.EventLowStock, SKU: "MUG", Text: "MUG is low: 2 left (threshold 5)."}
	for _, tc := range []struct {
		name      string
		fail      failure
		wantCode  core.Code
		wantRetry time.Duration
	}{
		{"rate_limited_waits_retry_after", failure{status: http.StatusTooManyRequests, retryAfter: "30"}, core.Internal, 30 * time.Second},
		{"channel_not_found_is_invalid", failure{slackError: "channel_not_found"}, core.Invalid, 0},
		{"not_in_channel_is_invalid", failure{slackError: "not_in_channel"}, core.Invalid, 0},
		{"invalid_auth_is_invalid", failure{slackError: "invalid_auth"}, core.Invalid, 0},
		{"server_error_is_retried", failure{status: http.StatusBadGateway}, core.Internal, 0},
		{"internal_error_is_retried", failure{slackError: "internal_error"}, core.Internal, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h.fake.failNext("chat.postMessage", tc.fail)
			err := h.app.Deliver(context.Background(), ev)
			if err == nil {
				t.Fatal("no error")
			}
			var ra *core.RetryAfter
			if errors.As(err, &ra) != (tc.wantRetry > 0) || ra != nil && ra.Wait != tc.wantRetry {
				t.Errorf("error %v: retry-after %+v, want %s", err, ra, tc.wantRetry)
			}
			if tc.wantRetry == 0 && core.ErrorCode(err) != tc.wantCode {
				t.Errorf("error %v has code %s, want %s", err, core.ErrorCode(err), tc.wantCode)
			}
			lacks(t, "error", err.Error(), "xoxb-test")
		})
	}
	if err := h.app.Deliver(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	alert := h.fake.Calls("chat.postMessage")[0]
	if alert.Form.Get("channel") != alerts {
		t.Errorf("alert posted to %s, want %s", alert.Form.Get("channel"), alerts)
	}
}

func TestAlertsGoToAlertsChannel(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderID, 24*24*time.Hour))
	h.prime()
	if _, err := h.engine.Sweep(context.Background()); err != nil {
		t.Fatal(err)
	}
	h.deliver()
	posts := h.fake.Calls("chat.postMessage")
	if len(posts) != 1 || posts[0].Form.Get("channel") != alerts {
		t.Fatalf("posts %+v, want the 30-day warning in the alerts channel", posts)
	}
	contains(t, "warning", posts[0].Text, orderID, "cancelled automatically", actOrderOpen)
	if !h.app.Wants(core.Event{Kind: core.EventOutOfStock}) || h.app.Wants(core.Event{Kind: core.EventBuyerMessage}) {
		t.Errorf("Wants: out of stock should be wanted, a conversation event without conversation not")
	}
}

// Slack retries an event (X-Slack-Retry-Num) until it has its 200; the
// app acts on each event_id once.
func TestEventRetriesHandledOnce(t *testing.T) {
	h := newHarness(t)
	thread := h.conversationThread()
	posts := len(h.fake.Calls("chat.postMessage"))
	event := func(id, ts string) string {
		return noteEvent(id, "", agent, support, ts, thread)
	}
	if rec := h.post("/slack/events", "application/json", event("Ev1", "1795014100.000001")); rec.Code != http.StatusOK {
		t.Fatalf("HTTP %d", rec.Code)
	}
	if rec := h.post("/slack/events", "application/json", event("Ev1", "1795014100.000001"), "X-Slack-Retry-Num", "1", "X-Slack-Retry-Reason", "http_timeout"); rec.Code != http.StatusOK {
		t.Fatalf("retry: HTTP %d", rec.Code)
	}
	h.settle()
	hints := h.fake.Calls("chat.postEphemeral")
	if len(hints) != 1 {
		t.Fatalf("%d hints for one event sent twice, want 1", len(hints))
	}
	contains(t, "hint", hints[0].Text, "internal notes", "doesn't see them")
	if hints[0].Form.Get("user") != agent || hints[0].Form.Get("thread_ts") != thread {
		t.Errorf("hint to %s in %s", hints[0].Form.Get("user"), hints[0].Form.Get("thread_ts"))
	}
	// A second note in the same thread: no second hint.
	h.post("/slack/events", "application/json", event("Ev2", "1795014200.000001"))
	h.settle()
	if n := len(h.fake.Calls("chat.postEphemeral")); n != 1 {
		t.Errorf("%d hints, want 1 per person and thread", n)
	}
	if n := len(h.fake.Calls("chat.postMessage")); n != posts {
		t.Errorf("a thread note was posted on (%d posts, want %d)", n, posts)
	}
}

// conversationThread posts a buyer conversation to the support channel and
// returns its thread's ts.
func (h *harness) conversationThread() string {
	h.t.Helper()
	h.importOrders(order(orderID, time.Hour))
	h.prime()
	conv := h.buyerSays("Where is my order?")
	h.deliver()
	return h.mustRef(conv.ID).MessageID
}

// noteEvent is a message event: someone typing in a thread of channel.
func noteEvent(id, subtype, user, channel, ts, thread string) string {
	ev := map[string]any{"type": "message", "user": user, "channel": channel, "text": "called the buyer", "ts": ts, "thread_ts": thread}
	if subtype != "" {
		ev["subtype"] = subtype
	}
	b, _ := json.Marshal(map[string]any{"type": "event_callback", "event_id": id, "event": ev})
	return string(b)
}

// The internal-note hint is for the thread of a buyer conversation only —
// also for a reply sent to the channel too (thread_broadcast) — and its
// placeholders are escaped for mrkdwn.
func TestNoteHintOnlyInConversationThreads(t *testing.T) {
	h := newHarness(t)
	thread := h.conversationThread()
	// An alert's thread in the support channel (the alerts channel by
	// default), and a thread staff started themselves.
	alertTS := "1795014500.000001"
	for i, tc := range []struct{ subtype, user, thread string }{
		{"", agent, alertTS},
		{"thread_broadcast", agent, alertTS},
		{"", owner, "1795014600.000001"},
	} {
		h.post("/slack/events", "application/json", noteEvent(fmt.Sprintf("EvOther%d", i), tc.subtype, tc.user, support, fmt.Sprintf("17950147%02d.000001", i), tc.thread))
	}
	h.settle()
	if hints := h.fake.Calls("chat.postEphemeral"); len(hints) != 0 {
		t.Fatalf("%d note hints in threads that are no buyer conversation, want none: %v", len(hints), hints[0].Text)
	}

	h.post("/slack/events", "application/json", noteEvent("EvBroadcast", "thread_broadcast", agent, support, "1795014800.000001", thread))
	h.post("/slack/events", "application/json", noteEvent("EvNote", "", owner, support, "1795014900.000001", thread))
	h.settle()
	hints := h.fake.Calls("chat.postEphemeral")
	if len(hints) != 2 {
		t.Fatalf("%d hints in the conversation's thread, want one for the broadcast reply and one for the note", len(hints))
	}
	for _, hint := range hints {
		if hint.Form.Get("thread_ts") != thread {
			t.Errorf("hint in thread %q, want %q", hint.Form.Get("thread_ts"), thread)
		}
		contains(t, "hint", hint.Form.Get("blocks"), `/desk reply \u0026lt;conversation-id\u0026gt; \u0026lt;text\u0026gt;`)
	}
}

func TestEventsURLVerification(t *testing.T) {
	h := newHarness(t)
	rec := h.post("/slack/events", "application/json", `{"type":"url_verification","token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}`)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P") {
		t.Errorf("challenge answered %d %s", rec.Code, rec.Body)
	}
}

func (h *harness) mustRef(convID string) core.ChatRef {
	h.t.Helper()
	ref, err := h.app.chatRef(context.Background(), convID)
	if err != nil {
		h.t.Fatalf("no chat ref for %s: %v", convID, err)
	}
	stored, err := h.engine.ChatRef(context.Background(), platform, convID)
	if err != nil || stored.MessageID != ref.MessageID {
		h.t.Fatalf("chat ref for %s not saved: %+v, %v", convID, stored, err)
	}
	return ref
}

func (h *harness) lastUpdate(ts string) call {
	h.t.Helper()
	var last *call
	for _, c := range h.fake.Calls("chat.update") {
		if c.Form.Get("ts") == ts {
			last = &c
		}
	}
	if last == nil {
		h.t.Fatalf("no chat.update of %s; calls %v", ts, h.methods())
	}
	return *last
}

// Buyer text is untrusted: it can't mention a channel or fake a link.
func TestBuyerTextCannotPingOrLink(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderID, time.Hour))
	h.prime()
	h.buyerSays("<!channel> refund me & see <https://evil.example|your order>")
	h.deliver()
	// The blocks are JSON, which writes <, > and & as \u escapes.
	post := strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(h.fake.Calls("chat.postMessage")[0].Text)
	lacks(t, "posted buyer text", post, "<!channel>", "<https://evil")
	contains(t, "posted buyer text", post, "&lt;!channel&gt;", "&amp;")
}

func TestCheckVerifiesToken(t *testing.T) {
	h := newHarness(t)
	if err := h.app.Check(context.Background()); err != nil {
		t.Fatalf("Check: %v", err)
	}
	h.fake.failNext("auth.test", failure{slackError: "invalid_auth"})
	err := h.app.Check(context.Background())
	if err == nil || !strings.Contains(core.ErrorMessage(err), "slack.bot_token") {
		t.Errorf("Check with a revoked token: %v", err)
	}
	lacks(t, "error", err.Error(), "xoxb-test")
}

// outboxTag is the outbox id in a post's metadata, -1 when it has none.
func outboxTag(p posted) int64 {
	if p.Metadata["event_type"] != outboxEventType {
		return -1
	}
	payload, _ := p.Metadata["event_payload"].(map[string]any)
	return outboxID(payload["outbox_id"])
}

// Every post carries its outbox id in Slack message metadata: what a
// replica taking over looks for.
func TestPostsTaggedWithOutboxID(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderID, time.Hour))
	h.prime()
	h.buyerSays("Where is my package?")
	h.clock.Advance(13 * time.Hour)
	if _, err := h.engine.Sweep(context.Background()); err != nil {
		t.Fatal(err)
	}
	h.deliver()
	for _, c := range h.fake.Calls("chat.postMessage") {
		var meta map[string]any
		if err := json.Unmarshal([]byte(c.Form.Get("metadata")), &meta); err != nil {
			t.Fatalf("post without metadata: %v\n%s", err, c.Text)
		}
	}
	st, _ := h.engine.SinkStatus(context.Background(), platform)
	posts := h.fake.Posts(support)
	if len(posts) != 2 {
		t.Fatalf("%d posts, want the conversation and its reminder", len(posts))
	}
	for _, p := range posts {
		if outboxTag(p) <= 0 || outboxTag(p) > st.AfterID {
			t.Errorf("post %s tagged %v, want an outbox id up to %d", p.TS, p.Metadata, st.AfterID)
		}
	}
	if outboxTag(posts[0]) >= outboxTag(posts[1]) {
		t.Errorf("conversation tagged %d, reminder %d: want the reminder's message later", outboxTag(posts[0]), outboxTag(posts[1]))
	}
}

// Slack posts a message but its answer is lost: the round fails, and the
// next is told the message may be out. It finds it by its outbox id and
// keeps it as the conversation's message, posting nothing twice.
func TestLostAnswerNotPostedTwice(t *testing.T) {
	for _, tc := range []struct {
		name string
		// setup makes the message whose post loses its answer; it
		// returns the channel and thread where it should appear, and the
		// conversation it is about ("" for an alert).
		setup func(h *harness) (channel, thread, convID string)
	}{
		{"conversation_message", func(h *harness) (string, string, string) {
			return support, "", h.buyerSays("Where is my package?").ID
		}},
		{"thread_reply", func(h *harness) (string, string, string) {
			conv := h.buyerSays("Where is my package?")
			h.deliver()
			h.clock.Advance(10 * time.Minute)
			h.buyerSays("And can I change the colour?")
			return support, h.mustRef(conv.ID).MessageID, conv.ID
		}},
		{"alert", func(h *harness) (string, string, string) {
			h.clock.Advance(23 * 24 * time.Hour)
			if _, err := h.engine.Sweep(context.Background()); err != nil {
				h.t.Fatal(err)
			}
			return alerts, "", ""
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			h.fake.now = h.clock.Now
			h.importOrders(order(orderID, time.Hour))
			h.prime()
			channel, thread, convID := tc.setup(h)
			before := len(h.fake.Posts(""))
			h.fake.failNext("chat.postMessage", failure{status: http.StatusBadGateway, posted: true})
			if sent, _ := h.deliver(); sent != 0 {
				t.Fatalf("the round with the lost answer sent %d", sent)
			}
			h.clock.Advance(time.Minute)
			if sent, _ := h.deliver(); sent != 1 {
				t.Fatalf("the retry sent %d, want 1", sent)
			}
			posts := h.fake.Posts("")[before:]
			if len(posts) != 1 || posts[0].Channel != channel || posts[0].ThreadTS != thread {
				t.Fatalf("posts %+v, want one in %s thread %q", posts, channel, thread)
			}
			lookup := "conversations.history"
			if thread != "" {
				lookup = "conversations.replies"
			}
			calls := h.fake.Calls(lookup)
			if len(calls) != 1 || calls[0].Form.Get("include_all_metadata") != "1" || calls[0].Form.Get("channel") != channel {
				t.Fatalf("%s calls %+v, want one with include_all_metadata", lookup, calls)
			}
			contains(t, "log", h.logs.String(), "found already posted")
			if convID == "" {
				return
			}
			// The conversation's message is the one found (or the one
			// before): the draft updates it and posts nothing.
			parent := h.fake.Posts(support)[0]
			if ref := h.mustRef(convID); ref.MessageID != parent.TS {
				t.Fatalf("ref %+v, want the message %s", ref, parent.TS)
			}
			h.engine.DraftPending(context.Background())
			h.deliver()
			h.lastUpdate(parent.TS)
			if n := len(h.fake.Posts("")); n != before+1 {
				t.Errorf("%d posts after the draft, want still one", n-before)
			}
		})
	}
}

// MaybeSent with nothing posted: the lookup finds nothing and the message
// is posted, once; a lookup Slack refuses for good does not hold it up,
// and one that is rate limited waits.
func TestMaybeSentLookup(t *testing.T) {
	ev := core.Event{ID: 41, Kind: core.EventLowStock, SKU: "MUG", Text: "MUG is low: 2 left (threshold 5).", At: start, MaybeSent: true}
	t.Run("not_posted_is_posted", func(t *testing.T) {
		h := newHarness(t)
		h.fake.failNext("chat.postMessage", failure{status: http.StatusBadGateway}) // refused: never posted
		if err := h.app.Deliver(context.Background(), ev); err == nil {
			t.Fatal("no error")
		}
		if err := h.app.Deliver(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
		if posts := h.fake.Posts(alerts); len(posts) != 1 || outboxTag(posts[0]) != 41 {
			t.Fatalf("posts %+v, want one tagged 41", posts)
		}
	})
	t.Run("other_outbox_ids_do_not_match", func(t *testing.T) {
		h := newHarness(t)
		other := ev
		other.ID, other.MaybeSent = 40, false
		if err := h.app.Deliver(context.Background(), other); err != nil {
			t.Fatal(err)
		}
		if err := h.app.Deliver(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
		if posts := h.fake.Posts(alerts); len(posts) != 2 || outboxTag(posts[1]) != 41 {
			t.Fatalf("posts %+v, want 40 and 41", posts)
		}
	})
	t.Run("refused_lookup_posts", func(t *testing.T) {
		h := newHarness(t)
		h.fake.failNext("conversations.history", failure{slackError: "missing_scope"})
		if err := h.app.Deliver(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
		if n := len(h.fake.Posts(alerts)); n != 1 {
			t.Fatalf("%d posts, want 1", n)
		}
		contains(t, "log", h.logs.String(), "lookup", "missing_scope")
	})
	t.Run("rate_limited_lookup_waits", func(t *testing.T) {
		h := newHarness(t)
		h.fake.failNext("conversations.history", failure{status: http.StatusTooManyRequests, retryAfter: "20"})
		err := h.app.Deliver(context.Background(), ev)
		var ra *core.RetryAfter
		if !errors.As(err, &ra) || ra.Wait != 20*time.Second {
			t.Fatalf("Deliver: %v, want a 20s retry-after", err)
		}
		if n := len(h.fake.Posts("")); n != 0 {
			t.Fatalf("posted %d without the lookup", n)
		}
	})
}
