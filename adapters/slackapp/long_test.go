package slackapp

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// longWords is n characters of numbered words with what mrkdwn must
// escape, line breaks, an emoji and a bidi override (neutralised for staff).
func longWords(n int, tag string) string {
	var b strings.Builder
	for i := 0; b.Len() < 2*n; i++ {
		switch {
		case i%50 == 49:
			b.WriteString("\n")
		case i%37 == 0:
			b.WriteString("<!channel> & <@U1> ")
		case i%41 == 0:
			b.WriteString("😀 \u202e ")
		}
		fmt.Fprintf(&b, "%s%d ", tag, i)
	}
	return strings.TrimSpace(string([]rune(b.String())[:n]))
}

// shownWords reads the buyer messages out of a message's blocks as staff
// see them: for each "*Buyer wrote…" heading, the words of the quote
// sections that follow, unescaped, and the Read in full button after
// them, if any.
func shownWords(blocks []any) (words []string, full []string) {
	unescape := strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")
	in := false
	for _, b := range blocks {
		m, _ := b.(map[string]any)
		text, _ := m["text"].(map[string]any)
		s, _ := text["text"].(string)
		switch {
		case m["type"] != "section":
			in = false
			continue
		case strings.HasPrefix(s, "*Buyer wrote"):
			words, full, in = append(words, ""), append(full, ""), true
			_, s, _ = strings.Cut(s, "\n")
		case !in:
			continue
		case strings.HasPrefix(s, "_The message goes on"):
			acc, _ := m["accessory"].(map[string]any)
			full[len(full)-1], _ = acc["value"].(string)
			in = false
			continue
		case !strings.HasPrefix(s, "> "):
			in = false
			continue
		}
		lines := strings.Split(s, "\n")
		for i, l := range lines {
			lines[i] = strings.TrimPrefix(l, "> ")
		}
		words[len(words)-1] += unescape.Replace(strings.Join(lines, "\n"))
	}
	return words, full
}

func callBlocks(c call) []any {
	var blocks []any
	if c.JSON != nil {
		blocks, _ = c.JSON["blocks"].([]any)
		return blocks
	}
	_ = json.Unmarshal([]byte(c.Form.Get("blocks")), &blocks)
	return blocks
}

func answerBlocks(msg map[string]any) []any {
	blocks, _ := msg["blocks"].([]any)
	return blocks
}

// storeBuyerMessage adds a buyer message to a conversation as a channel
// that takes longer messages than the help page's 4 KB would.
func (h *harness) storeBuyerMessage(convID, text string) {
	h.t.Helper()
	ctx, now := context.Background(), h.clock.Now()
	err := h.store.Update(ctx, func(tx core.Tx) error {
		c, err := tx.Conversation(ctx, convID)
		if err != nil {
			return err
		}
		c.Messages, c.UpdatedAt = append(c.Messages, core.Message{From: core.FromBuyer, Text: text, At: now}), now
		if err := tx.SaveConversation(ctx, c); err != nil {
			return err
		}
		return tx.Enqueue(ctx, core.Event{Kind: core.EventBuyerMessage, ConversationID: c.ID, Channel: c.Channel, OrderID: c.OrderID, At: now, Text: "New buyer message in " + c.ID})
	})
	if err != nil {
		h.t.Fatalf("store a buyer message: %v", err)
	}
}

// readInFull clicks Read in full and returns the words its answers show.
func (h *harness) readInFull(value string) string {
	h.t.Helper()
	resp := h.fake.URL() + "/response/full-" + h.next()
	h.click(agent, actConvFull, value, resp)
	var all string
	for _, r := range h.responses(resp) {
		if r["response_type"] != "ephemeral" {
			h.t.Errorf("Read in full answered %v, want only to the person who asked", r["response_type"])
		}
		words, _ := shownWords(answerBlocks(r))
		all += strings.Join(words, "")
	}
	return all
}

// wholeOrFull checks that staff can read all of want from what a message
// shows: shown in full, or its beginning and a Read in full that shows it all.
func (h *harness) wholeOrFull(what, shown, full, want string) {
	h.t.Helper()
	switch {
	case shown == want:
	case full == "":
		h.t.Errorf("%s shows %d of %d characters and no Read in full", what, len([]rune(shown)), len([]rune(want)))
	case !strings.HasPrefix(want, shown) || shown == "":
		h.t.Errorf("%s shows words that are not the message's beginning:\n%q", what, shown)
	default:
		if got := h.readInFull(full); got != want {
			h.t.Errorf("%s: Read in full shows %d characters, want all %d", what, len([]rune(got)), len([]rune(want)))
		}
	}
}

// Every character of a 3,500- and a 12,000-character buyer message reaches
// Slack, in the conversation message, in its thread and in /desk show:
// whole where it fits, else its beginning and Read in full. Bidi controls
// are neutralised; each message stays within Slack's limits (the harness
// checks them).
func TestLongBuyerMessagesReachSlackWhole(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderID, time.Hour))
	h.prime()
	first := longWords(3500, "first")
	conv := h.buyerSays(first)
	h.deliver()
	want1 := core.StaffText(first)
	if want1 == first || strings.ContainsRune(want1, '\u202e') {
		t.Fatal("the test text should carry a bidi override that StaffText neutralises")
	}
	words, _ := shownWords(callBlocks(h.fake.Calls("chat.postMessage")[0]))
	if len(words) != 1 || words[0] != want1 {
		t.Fatalf("conversation message shows %d messages, the first of %d characters; want all %d", len(words), len([]rune(strings.Join(words, ""))), len([]rune(want1)))
	}
	msg, _ := h.inline(h.slash(agent, "show "+conv.ID))
	if words, _ := shownWords(answerBlocks(msg)); len(words) != 1 || words[0] != want1 {
		t.Errorf("/desk show does not show the 3,500 characters whole")
	}

	parent := h.mustRef(conv.ID).MessageID
	h.clock.Advance(time.Minute)
	second := longWords(3500, "second")
	h.buyerSays(second)
	h.deliver()
	posts := h.fake.Calls("chat.postMessage")
	reply := posts[len(posts)-1]
	if reply.Form.Get("thread_ts") != parent {
		t.Fatalf("second message posted in thread %q, want %q", reply.Form.Get("thread_ts"), parent)
	}
	if words, _ := shownWords(callBlocks(reply)); len(words) != 1 || words[0] != core.StaffText(second) {
		t.Errorf("thread reply does not show the 3,500 characters whole")
	}

	h.clock.Advance(time.Minute)
	long := longWords(12000, "long")
	h.storeBuyerMessage(conv.ID, long)
	h.deliver()
	posts = h.fake.Calls("chat.postMessage")
	words, full := shownWords(callBlocks(posts[len(posts)-1]))
	if len(words) != 1 {
		t.Fatalf("thread reply shows %d messages, want the long one", len(words))
	}
	h.wholeOrFull("thread reply of 12,000 characters", words[0], full[0], core.StaffText(long))

	words, full = shownWords(callBlocks(h.lastUpdate(parent)))
	wants := []string{want1, core.StaffText(second), core.StaffText(long)}
	if len(words) != len(wants) {
		t.Fatalf("conversation message shows %d buyer messages, want %d", len(words), len(wants))
	}
	for i := range wants {
		h.wholeOrFull(fmt.Sprintf("conversation message, buyer message %d", i+1), words[i], full[i], wants[i])
	}
	msg, _ = h.inline(h.slash(agent, "show "+conv.ID))
	words, full = shownWords(answerBlocks(msg))
	if len(words) != len(wants) {
		t.Fatalf("/desk show shows %d buyer messages, want %d", len(words), len(wants))
	}
	for i := range wants {
		h.wholeOrFull(fmt.Sprintf("/desk show, buyer message %d", i+1), words[i], full[i], wants[i])
	}
}
