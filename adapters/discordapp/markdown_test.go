package discordapp

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/sellerdesk/sellerdesk/core"
)

// unescapeMD undoes md's escapes: a backslash and the character after it
// become that character.
func unescapeMD(s string) string {
	var b strings.Builder
	esc := false
	for _, r := range s {
		if !esc && r == '\\' {
			esc = true
			continue
		}
		esc = false
		b.WriteRune(r)
	}
	return b.String()
}

// unescapedSpecial returns the first Markdown character in s not escaped
// by a backslash, or 0.
func unescapedSpecial(s string) rune {
	esc := false
	for _, r := range s {
		switch {
		case esc:
			esc = false
		case r == '\\':
			esc = true
		case strings.ContainsRune("*_~`|>#-[]()<:@", r):
			return r
		}
	}
	return 0
}

func TestBuyerMarkdownEscaped(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"masked_link", "[Click to verify](https://evil.example/verify)", `\[Click to verify\]\(https\://evil.example/verify\)`},
		{"bold_and_italic", "**urgent** *now* ***both***", `\*\*urgent\*\* \*now\* \*\*\*both\*\*\*`},
		{"code_fence_breaks_quote", "```\n}\n```\n# Staff: refund at once", "\\`\\`\\`\n}\n\\`\\`\\`\n\\# Staff\\: refund at once"},
		{"inline_code", "`rm -rf`", "\\`rm \\-rf\\`"},
		{"heading", "# Big\n## Bigger\n### Biggest", "\\# Big\n\\#\\# Bigger\n\\#\\#\\# Biggest"},
		{"subtext", "-# small print", `\-\# small print`},
		{"bullet_lists", "- one\n* two\n  + three", "\\- one\n\\* two\n  \\+ three"},
		{"numbered_list", "1. first\n 22. second\nversion 2.5 ok.", "1\\. first\n 22\\. second\nversion 2.5 ok."},
		{"block_quotes", "> quoted\n>>> all the rest", "\\> quoted\n\\>\\>\\> all the rest"},
		{"spoiler", "||hidden||", `\|\|hidden\|\|`},
		{"underline_and_strike", "__under__ ~~gone~~ snake_case", `\_\_under\_\_ \~\~gone\~\~ snake\_case`},
		{"timestamp", "<t:1700000000:R>", `\<t\:1700000000\:R\>`},
		{"custom_emoji", "<:pepe:123456789012345678> <a:dance:123>", `\<\:pepe\:123456789012345678\> \<a\:dance\:123\>`},
		{"mentions_and_channels", "<@80351110224678912> <@&1187> <#1188> @everyone @here", `\<\@80351110224678912\> \<\@&1187\> \<\#1188\> \@everyone \@here`},
		{"slash_command_mention", "</desk refund:123>", `\</desk refund\:123\>`},
		{"bare_and_bracketed_links", "https://evil.example <https://evil.example>", `https\://evil.example \<https\://evil.example\>`},
		{"backslash_cannot_unescape", `\*not bold\*`, `\\\*not bold\\\*`},
		{"bidi_override_neutralised", "invoice\u202Etxt.exe", "invoice\uFFFDtxt.exe"},
		{"bidi_isolates_neutralised", "a\u2066b\u2067c\u2068d\u2069e\u202Af\u202Bg\u202Ch\u202Di", "a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFDf\uFFFDg\uFFFDh\uFFFDi"},
		{"plain_text_unchanged", "Hi, where is my order? Thanks!", "Hi, where is my order? Thanks!"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := md(tc.in)
			if got != tc.want {
				t.Fatalf("md(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
			if r := unescapedSpecial(got); r != 0 {
				t.Fatalf("md(%q) = %q leaves %q unescaped", tc.in, got, r)
			}
			if back := unescapeMD(got); back != core.StaffText(tc.in) {
				t.Fatalf("md(%q) reads back as %q: characters lost", tc.in, back)
			}
		})
	}
}

// nastyName and nastyText are what a buyer may type to dress up their
// words for staff.
const (
	nastyName = "**Support** [Team](https://evil.example) \u202Egnp.exe"
	nastyText = "[Click to verify](https://evil.example/verify) **now**\n```\nout of the quote\n```\n# Refund me <t:1700000000:R> ||x|| \u202Etxt.exe"
)

// Every place buyer words reach Discord shows them escaped: the staff
// post, /desk show, /desk inbox, and the order card's buyer name.
func TestBuyerMarkdownEscapedInEveryStaffView(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	o := order(orderA, 26*time.Hour)
	o.Buyer.Name = nastyName
	h.importOrders(o)
	h.deliver()
	h.app.OnMessage(nil, &discordgo.MessageCreate{Message: &discordgo.Message{ID: "BM1", ChannelID: help, GuildID: guild, Content: nastyText,
		Author: &discordgo.User{ID: buyer, Username: "emma_j", GlobalName: nastyName}}})
	convs, err := h.engine.BuyerConversations(ctx, "discord", "discord:"+buyer)
	if err != nil || len(convs) != 1 {
		t.Fatalf("conversations %v, %v", convs, err)
	}
	if _, err := h.engine.DraftPending(ctx); err != nil {
		t.Fatal(err)
	}
	h.deliver()
	var views []string
	for _, c := range h.fake.calls("/channels/" + staff + "/messages") {
		views = append(views, "staff post: "+string(c.Body))
	}
	views = append(views, "show: "+dump(h.slash(agent, "show", "conversation_id", convs[0].ID)))
	views = append(views, "inbox: "+dump(h.slash(agent, "inbox")))
	views = append(views, "order: "+dump(h.slash(agent, "order", "order_id", orderA)))
	for _, v := range views {
		for _, raw := range []string{"[Click to verify](", "**now**", "```", `\n# Refund`, "<t:1700000000", "||x||", "**Support**", "[Team](", "\u202E", `\u202e`} {
			if strings.Contains(v, raw) {
				t.Errorf("%s: buyer text %q reached Discord unescaped", core.Clip(v, 60), raw)
			}
		}
	}
	if len(views) < 4 || !strings.Contains(views[0], `\\[Click to verify\\]\\(https\\://evil.example/verify\\)`) {
		t.Fatalf("staff post %s, want the masked link escaped", core.Clip(views[0], 1500))
	}
}

// longText is n characters of buyer text full of Markdown, emoji and line
// breaks, for checking that every character reaches Discord.
func longText(n int) string {
	tokens := []string{"Where", "is", "my", "**order**?", "[Click to verify](https://evil.example/v)", "1.", "-", "# not a heading",
		"`code`", "```", "ünïcödé", "😀", "<t:1700000000:R>", "@everyone", "||spoiler||", "\n", "> quote", "__under__", "~~strike~~", `\`}
	var b strings.Builder
	for k := 0; b.Len() < 2*n; k++ {
		b.WriteString(tokens[k%len(tokens)])
		b.WriteString(" ")
	}
	r := []rune(b.String())
	return strings.TrimSpace(string(r[:n]))
}

// discordMessage is what one message sent to Discord carries.
type discordMessage struct {
	embeds     []map[string]any
	components []string
}

func messageOf(data map[string]any) discordMessage {
	var m discordMessage
	list, _ := data["embeds"].([]any)
	for _, e := range list {
		if em, ok := e.(map[string]any); ok {
			m.embeds = append(m.embeds, em)
		}
	}
	m.components = customIDs(data)
	return m
}

// checkLimits fails if a message breaks Discord's embed limits.
func checkLimits(t *testing.T, where string, m discordMessage) {
	t.Helper()
	if len(m.embeds) > maxEmbeds {
		t.Errorf("%s: %d embeds, Discord allows %d", where, len(m.embeds), maxEmbeds)
	}
	total := 0
	for _, e := range m.embeds {
		d, _ := e["description"].(string)
		if size(d) > maxDescription {
			t.Errorf("%s: description of %d characters, Discord allows %d", where, size(d), maxDescription)
		}
		title, _ := e["title"].(string)
		total += size(title) + size(d)
		fields, _ := e["fields"].([]any)
		for _, f := range fields {
			fm := f.(map[string]any)
			v, _ := fm["value"].(string)
			n, _ := fm["name"].(string)
			if size(v) > maxFieldValue {
				t.Errorf("%s: field %s of %d characters", where, n, size(v))
			}
			total += size(v) + size(n)
		}
		if ft, ok := e["footer"].(map[string]any); ok {
			s, _ := ft["text"].(string)
			total += size(s)
		}
	}
	if total > maxEmbedsTotal {
		t.Errorf("%s: embeds of %d characters together, Discord allows %d", where, total, maxEmbedsTotal)
	}
}

// quotedText reads back the buyer text in messages: the quoted lines of
// their descriptions, quote marks and escapes removed.
func quotedText(ms ...discordMessage) string {
	var b strings.Builder
	for _, m := range ms {
		for _, e := range m.embeds {
			d, _ := e["description"].(string)
			for _, line := range strings.Split(d, "\n") {
				if rest, ok := strings.CutPrefix(line, "> "); ok {
					b.WriteString(unescapeMD(rest))
					b.WriteString("\n")
				}
			}
		}
	}
	return b.String()
}

// squeeze drops white space: where a long text is cut, a line break may
// stand for a space.
func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// followUps are the follow-up messages posted since call number from.
func (h *harness) followUps(from int) []discordMessage {
	var out []discordMessage
	for _, c := range h.fake.all()[from:] {
		if c.Method == "POST" && strings.HasPrefix(c.Path, "/webhooks/"+appID+"/") {
			out = append(out, messageOf(c.JSON()))
		}
	}
	return out
}

// A buyer message longer than a Discord message holds reaches staff whole:
// the staff post shows what fits and offers Full message, which shows
// every character (in several messages if need be), and /desk show posts
// the rest after the card. 3,500 characters is one buyer message; 12,000
// is four waiting messages of 3,000 (Discord and core keep one message
// under 4 KB), and one of 12,000 stored directly (a longer message than
// any channel takes today).
func TestLongBuyerMessageReachesStaffWhole(t *testing.T) {
	for _, tc := range []struct {
		name   string
		parts  []int
		stored bool
	}{
		{"one_message_3500", []int{3500}, false},
		{"four_messages_12000", []int{3000, 3000, 3000, 3000}, false},
		{"one_message_12000", []int{12000}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			ctx := context.Background()
			h.deliver()
			var conv *core.Conversation
			if tc.stored {
				conv = h.storeConversation(longText(tc.parts[0]))
			} else {
				for k, n := range tc.parts {
					h.buyerSays(help, "BM"+string(rune('1'+k)), longText(n))
				}
				convs, err := h.engine.BuyerConversations(ctx, "discord", "discord:"+buyer)
				if err != nil || len(convs) != 1 || len(convs[0].Messages) != len(tc.parts) {
					t.Fatalf("conversations %+v, %v", convs, err)
				}
				conv = &convs[0]
				if _, err := h.engine.DraftPending(ctx); err != nil {
					t.Fatal(err)
				}
				h.deliver()
			}
			var want strings.Builder
			total := 0
			for _, m := range conv.Messages {
				want.WriteString(m.Text)
				total += utf8.RuneCountInString(m.Text)
			}
			if sum := tc.parts[0] * len(tc.parts); total < sum-10 {
				t.Fatalf("the buyer wrote %d characters, want about %d", total, sum)
			}

			// The staff post, as last drawn.
			var post discordMessage
			for _, c := range h.fake.calls("/channels/" + staff + "/messages") {
				post = messageOf(c.JSON())
				checkLimits(t, c.Method+" staff post", post)
			}
			shown := quotedText(post)
			if !strings.HasPrefix(squeeze(want.String()), squeeze(shown)) || len(squeeze(shown)) < 1000 {
				t.Fatalf("staff post shows %d characters that are not the start of the buyer's text", len(shown))
			}
			cut := squeeze(shown) != squeeze(want.String())
			if cut != has(post.components, fullVerb+":"+conv.ID) {
				t.Fatalf("staff post buttons %v (text cut: %v), want Full message exactly when the text is cut", post.components, cut)
			}
			if total > 6000 && !cut {
				t.Fatalf("%d characters fit one Discord message?", total)
			}

			// Full message: every character, to the clicker only.
			from := len(h.fake.all())
			full := h.click(agent, staff, fullVerb+":"+conv.ID)
			if !ephemeral(full) {
				t.Fatalf("Full message answered %s, want an ephemeral answer", dump(full))
			}
			msgs := append([]discordMessage{messageOf(answerData(full))}, h.followUps(from)...)
			for k, m := range msgs {
				checkLimits(t, "full message part "+string(rune('1'+k)), m)
			}
			for _, c := range h.fake.all()[from:] {
				if f, _ := c.JSON()["flags"].(float64); c.Method == "POST" && int(f)&int(discordgo.MessageFlagsEphemeral) == 0 {
					t.Fatalf("a Full message follow-up is public: %s", core.Clip(string(c.Body), 200))
				}
			}
			if got := squeeze(quotedText(msgs...)); got != squeeze(want.String()) {
				t.Fatalf("Full message shows %d characters of %d (after unescaping)", utf8.RuneCountInString(got), utf8.RuneCountInString(squeeze(want.String())))
			}

			// /desk show: the card, then the rest.
			from = len(h.fake.all())
			show := h.slash(agent, "show", "conversation_id", conv.ID)
			msgs = append([]discordMessage{messageOf(answerData(show))}, h.followUps(from)...)
			if cut && len(msgs) < 2 {
				t.Fatalf("/desk show sent %d messages, want the card and the rest", len(msgs))
			}
			for k, m := range msgs {
				checkLimits(t, "show part "+string(rune('1'+k)), m)
			}
			if got := squeeze(quotedText(msgs...)); got != squeeze(want.String()) {
				t.Fatalf("/desk show shows %d characters of %d (after unescaping)", utf8.RuneCountInString(got), utf8.RuneCountInString(squeeze(want.String())))
			}
		})
	}
}

// storeConversation stores a web conversation with one waiting buyer
// message of text and a long draft, and posts it to the staff channel.
func (h *harness) storeConversation(text string) *core.Conversation {
	h.t.Helper()
	ctx := context.Background()
	dl := start.Add(20 * time.Hour)
	c := &core.Conversation{ID: "C-7KQ2M9XH", Channel: "web", BuyerKey: "web:long", BuyerName: nastyName, Deadline: &dl, CreatedAt: start, UpdatedAt: start,
		Messages: []core.Message{{From: core.FromBuyer, Text: text, At: start}}}
	err := h.store.Update(ctx, func(tx core.Tx) error {
		if err := tx.SaveConversation(ctx, c); err != nil {
			return err
		}
		c, err := tx.Conversation(ctx, c.ID)
		if err != nil {
			return err
		}
		c.Draft = &core.Draft{Text: strings.Repeat("We are sorry. ", 250), Intent: "other", Language: "en", Drafter: "offline", NeedsResponse: true,
			ForMessage: c.LastBuyerMessage(), MadeAt: start}
		return tx.SaveConversation(ctx, c)
	})
	if err != nil {
		h.t.Fatalf("save conversation: %v", err)
	}
	if err := h.app.Deliver(ctx, core.Event{ID: 9000, Kind: core.EventBuyerMessage, ConversationID: c.ID, Channel: "web"}); err != nil {
		h.t.Fatalf("deliver: %v", err)
	}
	conv, _, err := h.engine.Conversation(ctx, c.ID)
	if err != nil || len(conv.Messages) != 1 || conv.Messages[0].Text != text {
		h.t.Fatalf("stored conversation %+v, %v", conv, err)
	}
	return conv
}

// The card never breaks Discord's limits, however long the draft and the
// buyer's name, and what it cannot hold is left for the continuation.
func TestConversationCardWithinLimits(t *testing.T) {
	h := newHarness(t)
	text := longText(12000)
	dl := start.Add(20 * time.Hour)
	conv := &core.Conversation{ID: "C-LONG", Channel: "web", BuyerName: strings.Repeat("*", 200), Deadline: &dl,
		Messages: []core.Message{{ID: 1, From: core.FromBuyer, Text: text, At: start}},
		Draft: &core.Draft{Text: strings.Repeat("*[x](y)* ", 500), Summary: strings.Repeat("_", 2000), Note: "n", Intent: "other", Language: "en",
			Drafter: "offline", NeedsResponse: true, ForMessage: 1}}
	embeds, comps, rest := h.app.conversationCard(conv, nil)
	card := messageOf(map[string]any{"embeds": jsonRoundTrip(t, embeds), "components": jsonRoundTrip(t, comps)})
	checkLimits(t, "card", card)
	if len(rest) == 0 || !has(card.components, fullVerb+":C-LONG") {
		t.Fatalf("card buttons %v, %d blocks left over: want Full message", card.components, len(rest))
	}
	if got := squeeze(quotedText(card)) + squeeze(quotedText(textMessagesOf(t, rest)...)); got != squeeze(text) {
		t.Fatalf("card and continuation hold %d characters of %d", utf8.RuneCountInString(got), utf8.RuneCountInString(squeeze(text)))
	}
}

func textMessagesOf(t *testing.T, blocks []string) []discordMessage {
	var out []discordMessage
	for _, r := range textMessages("more", blocks, false) {
		m := messageOf(map[string]any{"embeds": jsonRoundTrip(t, r.embeds)})
		checkLimits(t, "continuation", m)
		out = append(out, m)
	}
	return out
}

// jsonRoundTrip is v as Discord receives it, decoded generically.
func jsonRoundTrip(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}
