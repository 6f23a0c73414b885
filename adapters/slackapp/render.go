package slackapp

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/sellerdesk/sellerdesk/core"
)

// Action ids of the buttons this app renders. The value of each is the id
// it acts on (order, return or conversation id) unless noted.
const (
	actOrderOpen = "order.open" // post the card to the clicker
	// actAlertCancel is an alert's cancel button (a buyer's cancellation
	// request): the cancel form with buyer_canceled chosen, leaving the
	// alert as it is.
	actAlertCancel    = "alert.cancel"
	actOrderShip      = "order.ship"
	actOrderCancel    = "order.cancel"
	actOrderRefund    = "order.refund"
	actOrderDelivered = "order.delivered"
	actOrderReturn    = "order.return"
	actOrderBuyer     = "order.buyer" // buyer contact details, in a modal
	actReturnApprove  = "return.approve"
	actReturnReject   = "return.reject"
	actReturnReceived = "return.received"
	actConvSend       = "conv.send"
	actConvEdit       = "conv.edit"
	actConvRedraft    = "conv.redraft"
	actConvNoReply    = "conv.noreply"
	actConvShow       = "conv.show"
	actConvFull       = "conv.full"  // value: conversation id|message id
	actListPage       = "list.page"  // value: the orders command for that page
	actInboxPage      = "inbox.page" // value: filter|page
)

// publicCommands may answer in the channel: order cards and lists show no
// buyer contact data. Everything else answers only the person who asked.
var publicCommands = []string{"order", "orders", "returns", "ship", "cancel", "delivered", "return", "approve", "reject", "received", "refund", "review"}

// render turns a result into a message.
func (a *App) render(res *core.Result) message {
	name, _, _ := strings.Cut(res.Command, " ")
	m := message{Text: res.Message, Public: slices.Contains(publicCommands, name)}
	var blocks []slack.Block
	if res.Message != "" && res.Order == nil && res.Conversation == nil {
		blocks = append(blocks, section(escape(res.Message)))
	} else if res.Message != "" {
		blocks = append(blocks, section(":white_check_mark: "+escape(res.Message)))
	}
	switch name {
	case "help":
		m.Text = "sellerdesk help"
		blocks = append(blocks, helpBlocks(*res.Help)...)
	case "orders":
		blocks = append(blocks, a.orderList(res)...)
		m.Text = fmt.Sprintf("%d orders", len(res.Orders))
	case "inbox":
		blocks = append(blocks, a.inboxList(res.Conversations, filterOf(res.Command), 1)...)
		m.Text = fmt.Sprintf("Inbox: %d waiting", len(res.Conversations))
	case "show", "draft", "reply", "noreply":
		if res.Conversation != nil {
			blocks = append(blocks, a.conversationBlocks(res.Conversation, res.Order, true)...)
			m.Text = "Conversation " + res.Conversation.ID
		}
	case "returns":
		blocks = append(blocks, a.returnList(res.Returns)...)
	case "health":
		blocks = append(blocks, header("Account health"))
		var lines []string
		for _, mt := range res.Health.Metrics {
			lines = append(lines, "• "+escape(mt.String()))
		}
		blocks = append(blocks, sections(lines)...)
		m.Text = "Account health"
	case "audit":
		blocks = append(blocks, a.auditList(res.Audit)...)
	case "stock", "lowstock":
		if res.Message == "" {
			blocks = append(blocks, stockList(res.Stock)...)
		}
	default:
		if res.Order != nil {
			blocks = append(blocks, a.orderCard(res.Order, res.Actions)...)
			if m.Text == "" {
				m.Text = "Order " + res.Order.ID
			}
		}
	}
	if res.Preview != nil && !res.DryRun {
		for _, h := range res.Preview.Health {
			blocks = append(blocks, contextText(healthMark(h)+" "+escape(h.Text)))
		}
	}
	for _, ev := range res.Events {
		blocks = append(blocks, contextText(alertEmoji(ev.Kind)+" "+escape(ev.Text)))
	}
	if m.Text == "" {
		m.Text = res.Command
	}
	m.Blocks = capBlocks(blocks)
	return m
}

func filterOf(command string) string {
	_, f, _ := strings.Cut(command, " ")
	return f
}

func healthMark(h core.HealthEffect) string {
	if h.OK {
		return ":information_source:"
	}
	return ":warning:"
}

// errorMessage renders a refusal: core's words, and for a mistake in a
// command the help for that command.
func (a *App) errorMessage(err error, command string) message {
	msg := core.ErrorMessage(err)
	blocks := []slack.Block{section(":warning: " + escape(msg))}
	switch core.ErrorCode(err) {
	case core.Invalid, core.NotFound, core.Conflict:
		if h := core.HelpFor(command); h.Command != "" {
			var b strings.Builder
			if !strings.Contains(msg, "Usage:") {
				fmt.Fprintf(&b, "`/desk %s` — %s", escape(h.Usage), escape(h.Summary))
			}
			if h.Detail != "" {
				if b.Len() > 0 {
					b.WriteString("\n")
				}
				b.WriteString(escape(h.Detail))
			}
			if b.Len() > 0 {
				blocks = append(blocks, contextText(b.String()))
			}
		}
	}
	return message{Text: msg, Blocks: blocks}
}

func helpBlocks(h core.HelpText) []slack.Block {
	if h.Command != "" {
		text := fmt.Sprintf("`/desk %s`\n%s", escape(h.Usage), escape(h.Summary))
		if h.Detail != "" {
			text += "\n" + escape(h.Detail)
		}
		return []slack.Block{section(text)}
	}
	lines := []string{"*sellerdesk commands* — type `/desk " + escape("<command>") + "`:"}
	for _, e := range h.All {
		lines = append(lines, fmt.Sprintf("`%s` — %s", escape(e.Usage), escape(e.Summary)))
	}
	lines = append(lines, "`/desk help "+escape("<command>")+"` shows details and examples.")
	return sections(lines)
}

func statusText(o *core.Order) string {
	s := strings.ReplaceAll(string(o.Status), "_", " ")
	if o.Status == core.Pending {
		return "pending — payment not verified"
	}
	if o.Status == core.Canceled {
		return "cancelled"
	}
	return s
}

func carrierText(s core.Shipment) string {
	if s.Carrier == core.Other && s.CarrierName != "" {
		return s.CarrierName
	}
	return s.Carrier.DisplayName()
}

// shipByText is the ship-by date with the time left while it matters.
func (a *App) shipByText(o *core.Order) string {
	s := a.day(o.ShipBy)
	if o.Open() && o.Fulfillment == core.Merchant {
		now := a.now()
		s += " (" + core.Until(o.ShipBy, now) + ")"
		if o.ShipBy.Before(now) {
			s += " :warning: late"
		}
	}
	return s
}

// orderCard is one order: status, dates, items, shipments, returns and
// the buttons the actor may use. Of the buyer it shows the name only; the
// address and contact details open in a modal for the person who asks.
func (a *App) orderCard(o *core.Order, acts []string) []slack.Block {
	fulfil := "merchant fulfilled"
	if o.Fulfillment == core.Marketplace {
		fulfil = "fulfilled by the marketplace (FBA)"
	}
	paid := core.FormatAmount(o.Paid(), o.Currency)
	if o.Refunded() > 0 {
		paid += ", refunded " + core.FormatAmount(o.Refunded(), o.Currency)
	}
	fields := []*slack.TextBlockObject{
		mrkdwn("*Status*\n" + statusText(o)),
		mrkdwn("*Fulfilment*\n" + fulfil),
		mrkdwn("*Purchased*\n" + a.stamp(o.PurchaseDate)),
		mrkdwn("*Ship by*\n" + a.shipByText(o)),
		mrkdwn("*Buyer*\n" + untrusted(orDash(o.Buyer.Name))),
		mrkdwn("*Paid*\n" + escape(paid)),
	}
	blocks := []slack.Block{
		header("Order " + o.ID),
		slack.NewSectionBlock(nil, fields, nil),
	}
	var items []string
	for _, it := range o.Items {
		line := fmt.Sprintf("• %d× `%s`", it.Quantity, escape(it.SKU))
		if it.Title != "" {
			line += " — " + escape(core.Clip(it.Title, 80))
		}
		if it.Shipped > 0 {
			line += fmt.Sprintf(" · %d shipped", it.Shipped)
		}
		line += " · " + core.FormatAmount(it.Paid(), o.Currency)
		items = append(items, line)
	}
	if len(items) > 0 {
		blocks = append(blocks, sections(append([]string{"*Items*"}, items...))...)
	}
	var more []string
	for _, s := range o.Shipments {
		late := ""
		if s.Late {
			late = " · late"
		}
		if a := s.AmazonText(); a != "" {
			late += " · " + amazonEmoji(s.Amazon) + " " + escape(core.Clip(a, 500))
		}
		more = append(more, fmt.Sprintf("• Shipped %s via %s `%s`: %s%s", a.day(s.ShipDate), escape(carrierText(s)), escape(s.Tracking), escape(core.DescribeItems(core.LineItems(s.Lines))), late))
	}
	if o.CanceledAt != nil {
		more = append(more, fmt.Sprintf("• Cancelled %s (%s)", a.stamp(*o.CanceledAt), escape(string(o.CancelReason))))
	}
	if o.AmazonCancel != nil {
		more = append(more, "• Amazon: "+escape(core.StaffText(o.AmazonCancel.Describe())))
	}
	if r := o.CancelRequest; r != nil && o.Status != core.Canceled {
		// The buyer's words stay in the alerts channel: a card may be shown anywhere.
		more = append(more, fmt.Sprintf("• The buyer asked Amazon to cancel (%s)", a.stamp(r.SeenAt)))
	}
	if o.DeliveredAt != nil {
		more = append(more, "• Delivered "+a.day(*o.DeliveredAt))
	}
	if o.Review != nil {
		more = append(more, "• Review requested: "+escape(o.Review.Describe(a.day)))
	}
	for _, r := range o.Returns {
		line := fmt.Sprintf("• Return `%s` %s of %s: %s", escape(r.ID), r.Status, escape(core.DescribeItems(r.Items)), escape(core.Clip(r.Reason, 200)))
		if r.RejectReason != "" {
			line += " — rejected: " + escape(core.Clip(r.RejectReason, 200))
		}
		if r.Status == core.ReturnReceived && r.RefundBy != nil {
			line += " — refund by " + a.day(*r.RefundBy)
		}
		more = append(more, line)
	}
	for _, f := range o.Refunds {
		more = append(more, fmt.Sprintf("• Refund `%s` %s: %s", escape(f.ID), core.FormatAmount(f.Amount, o.Currency), escape(core.Clip(f.Reason, 200))))
	}
	blocks = append(blocks, sections(more)...)
	if o.Status == core.Pending {
		blocks = append(blocks, contextText("Payment not verified yet: nothing can be shipped or cancelled."))
	}
	return append(blocks, actions(orderButtons(o, acts))...)
}

// orderButtons turns the actions core allows into buttons.
func orderButtons(o *core.Order, acts []string) []*slack.ButtonBlockElement {
	var bs []*slack.ButtonBlockElement
	has := func(a string) bool { return slices.Contains(acts, a) }
	if has("ship") {
		bs = append(bs, button(actOrderShip, o.ID, "Confirm shipment", slack.StylePrimary))
	}
	if has("cancel") {
		bs = append(bs, button(actOrderCancel, o.ID, "Cancel order", slack.StyleDanger))
	}
	if has("delivered") {
		bs = append(bs, button(actOrderDelivered, o.ID, "Mark delivered", ""))
	}
	for _, r := range o.Returns {
		if r.Status == core.ReturnRequested && has("approve") {
			bs = append(bs, button(actReturnApprove, r.ID, "Approve return "+r.ID, slack.StylePrimary))
		}
		if r.Status == core.ReturnRequested && has("reject") {
			bs = append(bs, button(actReturnReject, r.ID, "Reject return "+r.ID, slack.StyleDanger))
		}
		if r.Status == core.ReturnApproved && has("received") {
			bs = append(bs, button(actReturnReceived, r.ID, "Return "+r.ID+" received", ""))
		}
	}
	if has("return") {
		bs = append(bs, button(actOrderReturn, o.ID, "Record a return", ""))
	}
	if has("refund") {
		bs = append(bs, button(actOrderRefund, o.ID, "Refund", ""))
	}
	bs = append(bs, button(actOrderBuyer, o.ID, "Buyer details", ""))
	return bs
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// maxListPage is the most orders one Slack message lists: each is a
// section with its Open button, and with the header, the Previous/Next
// buttons and a note the page stays under Slack's 50 blocks.
const maxListPage = 40

// fitPage asks core for pages no longer than one message can show, so Next
// continues at the first order not shown (orders limit 500 shows 40, and
// Next the 40 after them).
func fitPage(cmd core.Command) core.Command {
	if lo, ok := cmd.(core.ListOrders); ok && lo.Limit > maxListPage {
		lo.Limit = maxListPage
		return lo
	}
	return cmd
}

// orderList is a page of orders, each with a button to open its card; the
// Previous and Next buttons carry the command for their page, cursor
// included, so a click seeks straight to it.
func (a *App) orderList(res *core.Result) []slack.Block {
	var blocks []slack.Block
	title := "Orders"
	var lf core.ListOrders
	if c, err := core.Parse(res.Command); err == nil {
		lf, _ = c.(core.ListOrders)
	}
	if lf.Filter != "" {
		title += " — " + string(lf.Filter)
	}
	blocks = append(blocks, header(title))
	for i := range res.Orders {
		o := &res.Orders[i]
		total, _ := o.Units()
		status := statusText(o)
		if o.Fulfillment == core.Marketplace {
			status += " (FBA)"
		}
		line := fmt.Sprintf("*%s* · %s · ship by %s · %d unit(s) · %s", escape(o.ID), status, a.shipByText(o), total, core.FormatAmount(o.Paid(), o.Currency))
		if o.Status == core.Pending {
			line = "_" + line + "_"
		}
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(line), nil, slack.NewAccessory(button(actOrderOpen, o.ID, "Open", ""))))
	}
	if res.Page == nil {
		return blocks
	}
	next, hasNext := lf.NextPage(res.Page)
	if res.Page.Limit == maxListPage && hasNext {
		blocks = append(blocks, contextText(fmt.Sprintf("%d orders a page: one Slack message holds no more. Next shows the following ones.", maxListPage)))
	}
	if hasNext {
		// Typed, the same page: `/desk orders late after <cursor>`.
		blocks = append(blocks, contextText("Next page: `/desk "+escape(next.String())+"`"))
	}
	var nav []*slack.ButtonBlockElement
	if prev, ok := lf.PrevPage(res.Page); ok {
		nav = append(nav, button(actListPage, prev.String(), "Previous", ""))
	}
	if hasNext {
		nav = append(nav, button(actListPage, next.String(), "Next", ""))
	}
	return append(blocks, actions(nav)...)
}

// inboxPage is how many conversations one inbox message shows.
const inboxPage = 10

// inboxList is a page of the conversations waiting for an answer.
func (a *App) inboxList(list []core.Conversation, filter string, page int) []slack.Block {
	if len(list) == 0 {
		return nil
	}
	pages := (len(list) + inboxPage - 1) / inboxPage
	page = max(1, min(page, pages))
	title := "Inbox"
	if filter != "" {
		title += " — " + filter
	}
	if pages > 1 {
		title += fmt.Sprintf(" (page %d of %d)", page, pages)
	}
	blocks := []slack.Block{header(title)}
	now := a.now()
	for _, c := range list[(page-1)*inboxPage : min(page*inboxPage, len(list))] {
		line := fmt.Sprintf("*%s*", escape(c.ID))
		if c.OrderID != "" {
			line += " · order " + escape(c.OrderID)
		}
		if c.Deadline != nil {
			line += " · answer by " + a.stamp(*c.Deadline) + " (" + core.Until(*c.Deadline, now) + ")"
			if !c.Deadline.After(now) {
				line += " :rotating_light: overdue"
			}
		}
		switch {
		case c.Draft != nil && !c.NeedsDraft() && !c.Draft.NeedsResponse:
			line += " · needs no response?"
		case c.Draft != nil && !c.NeedsDraft():
			line += " · draft: " + escape(c.Draft.Intent)
		default:
			line += " · drafting…"
		}
		if n := len(c.Messages); n > 0 {
			line += "\n" + quote(core.Clip(core.StaffText(strings.ReplaceAll(c.Messages[n-1].Text, "\n", " ")), 150))
		}
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(line), nil, slack.NewAccessory(button(actConvShow, c.ID, "Show", ""))))
	}
	var nav []*slack.ButtonBlockElement
	if page > 1 {
		nav = append(nav, button(actInboxPage, filter+"|"+strconv.Itoa(page-1), "Previous", ""))
	}
	if page < pages {
		nav = append(nav, button(actInboxPage, filter+"|"+strconv.Itoa(page+1), "Next", ""))
	}
	return append(blocks, actions(nav)...)
}

func (a *App) returnList(rs []core.Return) []slack.Block {
	if len(rs) == 0 {
		return []slack.Block{section("No returns in this list.")}
	}
	lines := []string{"*Returns*"}
	for _, r := range rs {
		line := fmt.Sprintf("• `%s` · order %s · %s · requested %s · %s: %s", escape(r.ID), escape(r.OrderID), r.Status, a.day(r.RequestedAt), escape(core.DescribeItems(r.Items)), escape(core.Clip(r.Reason, 100)))
		if r.Status == core.ReturnReceived && r.RefundBy != nil {
			line += " · refund by " + a.day(*r.RefundBy)
		}
		lines = append(lines, line)
	}
	return sections(lines)
}

func (a *App) auditList(entries []core.AuditEntry) []slack.Block {
	if len(entries) == 0 {
		return []slack.Block{section("No audit entries.")}
	}
	lines := []string{"*Audit log*, newest first"}
	for _, e := range entries {
		lines = append(lines, fmt.Sprintf("• %s · %s (%s, %s) · `%s`", a.stamp(e.At), escape(orDash(e.Actor)), e.Role, e.Source, escape(core.Clip(e.Command, 300))))
	}
	return sections(lines)
}

func stockList(st []core.Stock) []slack.Block {
	if len(st) == 0 {
		return []slack.Block{section("No SKU is under its low-stock threshold.")}
	}
	var lines []string
	for _, s := range st {
		flag := ""
		switch {
		case s.Out():
			flag = " · :no_entry: out of stock"
		case s.Low():
			flag = " · :package: low"
		}
		lines = append(lines, fmt.Sprintf("• `%s` · %d available · %d reserved · threshold %d%s", escape(s.SKU), s.Available, s.Reserved, s.Threshold, flag))
	}
	return sections(lines)
}

// conversationBlocks shows a buyer conversation to staff: the buyer's
// words, the order in brief (no contact data), the deadline, and the draft
// with its buttons while an answer is due; once answered, who answered.
func (a *App) conversationBlocks(c *core.Conversation, o *core.Order, buttons bool) []slack.Block {
	now := a.now()
	blocks := []slack.Block{header("Buyer message · " + c.ID)}
	from := "a buyer"
	if c.BuyerName != "" {
		from = "*" + untrusted(c.BuyerName) + "*"
	}
	ctx := fmt.Sprintf("From %s on %s · conversation `%s`", from, escape(c.Channel), escape(c.ID))
	if c.OrderID != "" {
		ctx += " · order " + escape(c.OrderID)
	}
	blocks = append(blocks, contextText(ctx))
	if o != nil {
		line := fmt.Sprintf("*Order %s* · %s · %s · ship by %s", escape(o.ID), statusText(o), escape(core.DescribeItems(orderItems(o))), a.shipByText(o))
		for _, s := range o.Shipments {
			line += fmt.Sprintf(" · shipped %s via %s `%s`", a.day(s.ShipDate), escape(carrierText(s)), escape(s.Tracking))
		}
		blocks = append(blocks, section(line))
	}
	waiting := c.Waiting()
	shown := waiting
	if len(shown) == 0 {
		for i := len(c.Messages) - 1; i >= 0; i-- {
			if c.Messages[i].From == core.FromBuyer {
				shown = []core.Message{c.Messages[i]}
				break
			}
		}
	}
	if len(shown) > 3 {
		blocks = append(blocks, contextText(fmt.Sprintf("%d earlier messages are in the thread.", len(shown)-3)))
		shown = shown[len(shown)-3:]
	}
	left := convWords
	for i, m := range shown {
		// A fair share of what is left: a short message leaves more
		// for the ones after it.
		words, used := buyerWords(c.ID, m, fmt.Sprintf("*Buyer wrote* (%s):", a.stamp(m.At)), left/(len(shown)-i))
		blocks = append(blocks, words...)
		left -= used
	}
	if len(waiting) == 0 {
		return append(blocks, a.answeredBlocks(c)...)
	}
	if c.Deadline != nil {
		dl := fmt.Sprintf(":alarm_clock: Answer by %s (%s)", a.stamp(*c.Deadline), core.Until(*c.Deadline, now))
		if !c.Deadline.After(now) {
			dl = fmt.Sprintf(":rotating_light: Past the 24-hour deadline (%s, %s)", a.stamp(*c.Deadline), core.Until(*c.Deadline, now))
		}
		blocks = append(blocks, contextText(dl))
	}
	var bs []*slack.ButtonBlockElement
	d := c.Draft
	switch {
	case d != nil && !c.NeedsDraft() && d.NeedsResponse:
		text := core.Clip(d.Text, 2600)
		blocks = append(blocks, section(fmt.Sprintf("*Draft* (%s, %s, %s drafter):\n%s", escape(d.Intent), escape(d.Language), escape(d.Drafter), quote(text))))
		var notes []string
		if d.Summary != "" {
			notes = append(notes, "Summary: "+escape(d.Summary))
		}
		if d.Translation != "" {
			notes = append(notes, "Translation:\n"+escape(core.Clip(d.Translation, 1500)))
		}
		if d.Note != "" {
			notes = append(notes, "Note: "+escape(d.Note))
		}
		if text != d.Text {
			notes = append(notes, "The draft is longer than shown; Edit shows it all.")
		}
		if len(notes) > 0 {
			blocks = append(blocks, contextText(strings.Join(notes, "\n")))
		}
		bs = append(bs, button(actConvSend, c.ID, "Send", slack.StylePrimary), button(actConvEdit, c.ID, "Edit", ""),
			button(actConvRedraft, c.ID, "Redraft", ""), button(actConvNoReply, c.ID, "No response needed", ""))
	case d != nil && !c.NeedsDraft():
		blocks = append(blocks, section(fmt.Sprintf("The drafter thinks this needs no response (%s).", escape(d.Intent))))
		bs = append(bs, button(actConvNoReply, c.ID, "No response needed", slack.StylePrimary), button(actConvEdit, c.ID, "Write a reply", ""),
			button(actConvRedraft, c.ID, "Redraft", ""))
	default:
		blocks = append(blocks, contextText(":hourglass_flowing_sand: Drafting a reply…"))
		bs = append(bs, button(actConvEdit, c.ID, "Write a reply", ""), button(actConvNoReply, c.ID, "No response needed", ""))
	}
	if o != nil {
		bs = append(bs, button(actOrderOpen, o.ID, "Show order", ""))
	}
	if buttons {
		blocks = append(blocks, actions(bs)...)
	}
	blocks = append(blocks, contextText("Messages typed in this thread are internal notes; only Send (or `/desk reply`) reaches the buyer."))
	return capBlocks(blocks)
}

// Buyer words on staff screens. Besides its documented limits (3,000
// characters a section, 50 blocks) Slack refuses a message whose blocks
// hold more than about 13,000 characters in all (msg_blocks_too_long), so
// a buyer's words are split over sections, and past a budget per message
// the rest is a click away (Read in full), never cut off.
const (
	wordsChunk  = maxSectionText - 200 // one section of words, with room for its heading
	convWords   = 7000                 // words in a conversation message, which also holds the order and the draft
	threadWords = 10000                // words in a thread reply, or in one message of Read in full
	// fullPosts is how many messages Read in full may post: a response_url
	// takes five. A 4 KB buyer message needs at most three.
	fullPosts = 5
)

// untrusted is text from outside (a buyer's name or words) for mrkdwn:
// bidirectional controls neutralised (core.StaffText), then escaped.
func untrusted(s string) string { return escape(core.StaffText(s)) }

// slackLen counts characters as Slack does, in UTF-16 code units: an emoji
// outside the Basic Multilingual Plane counts twice.
func slackLen(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// wordPiece is a piece of a buyer's words: as written and as shown.
type wordPiece struct{ raw, shown string }

// quotePieces splits words (already through core.StaffText) into block
// quotes of at most n characters each. Escaping lengthens a piece (& is
// &amp;), so a piece that grows past n is split again; no character is
// lost (core.Chunks).
func quotePieces(words string, n int) []wordPiece {
	var out []wordPiece
	for _, raw := range core.Chunks(words, n) {
		if q := quote(raw); slackLen(q) <= n || n <= 16 {
			out = append(out, wordPiece{raw, q})
			continue
		}
		out = append(out, quotePieces(raw, n/2)...)
	}
	return out
}

// buyerWords shows buyer message m under heading in at most budget
// characters: all of it when it fits, else its beginning and a Read in
// full button for the rest. It returns the characters used.
func buyerWords(convID string, m core.Message, heading string, budget int) ([]slack.Block, int) {
	pieces := quotePieces(core.StaffText(m.Text), max(min(wordsChunk, budget), 500))
	var blocks []slack.Block
	used := 0
	for i, p := range pieces {
		n := slackLen(p.shown)
		if i > 0 && used+n > budget {
			left := 0
			for _, rest := range pieces[i:] {
				left += utf8.RuneCountInString(rest.raw)
			}
			more := fmt.Sprintf("_The message goes on: %d more characters._", left)
			full := button(actConvFull, convID+"|"+strconv.FormatInt(m.ID, 10), "Read in full", "")
			return append(blocks, slack.NewSectionBlock(mrkdwn(more), nil, slack.NewAccessory(full))), used
		}
		text := p.shown
		if i == 0 {
			for _, l := range m.Notes() {
				heading += "\n_" + escape(l) + "_"
			}
			text = heading + "\n" + text
		}
		blocks = append(blocks, section(text))
		used += n
	}
	return blocks, used
}

// fullMessage is buyer message m in full, in as many messages as its
// length takes, for the person who asked (Read in full). Each starts with
// a heading saying whose words they are and which part.
func (a *App) fullMessage(c *core.Conversation, m core.Message) []message {
	var parts [][]string
	used := 0
	for _, p := range quotePieces(core.StaffText(m.Text), wordsChunk) {
		n := slackLen(p.shown)
		if k := len(parts); k == 0 || used+n > threadWords || len(parts[k-1]) == maxBlocks {
			parts, used = append(parts, nil), 0
		}
		parts[len(parts)-1] = append(parts[len(parts)-1], p.shown)
		used += n
	}
	out := make([]message, len(parts))
	for i, part := range parts {
		part[0] = fmt.Sprintf("*Buyer wrote* (%s) in conversation `%s`, in full (%d of %d):\n%s", a.stamp(m.At), escape(c.ID), i+1, len(parts), part[0])
		out[i].Text = fmt.Sprintf("Buyer message in %s, in full (%d of %d)", c.ID, i+1, len(parts))
		for _, text := range part {
			out[i].Blocks = append(out[i].Blocks, section(text))
		}
	}
	return out
}

// answeredBlocks says who answered and when, for a conversation with
// nothing waiting.
func (a *App) answeredBlocks(c *core.Conversation) []slack.Block {
	for i := len(c.Messages) - 1; i >= 0; i-- {
		m := c.Messages[i]
		if m.From == core.FromStaff {
			if m.Undelivered != "" {
				return []slack.Block{section(fmt.Sprintf(":warning: The reply by *%s* at %s was not delivered: %s", escape(orDash(m.By)), a.stamp(m.At), escape(core.Clip(core.StaffText(m.Undelivered), 500))))}
			}
			return []slack.Block{section(fmt.Sprintf(":white_check_mark: Answered by *%s* at %s:\n%s", escape(orDash(m.By)), a.stamp(m.At), quote(core.Clip(m.Text, 2600))))}
		}
		if m.From == core.FromBuyer && m.NoReply && m.AnsweredAt != nil {
			return []slack.Block{section(fmt.Sprintf(":white_check_mark: Marked no response needed at %s.", a.stamp(*m.AnsweredAt)))}
		}
	}
	return []slack.Block{section(":white_check_mark: Answered.")}
}

func orderItems(o *core.Order) []core.ItemQty {
	out := make([]core.ItemQty, 0, len(o.Items))
	for _, it := range o.Items {
		out = append(out, core.ItemQty{SKU: it.SKU, Quantity: it.Quantity})
	}
	return out
}

func alertEmoji(k core.EventKind) string {
	switch k {
	case core.EventLowStock:
		return ":package:"
	case core.EventOutOfStock:
		return ":no_entry:"
	case core.EventShipWarning:
		return ":hourglass:"
	case core.EventAutoCanceled, core.EventBuyerCanceled, core.EventAmazonRefused:
		return ":x:"
	case core.EventCancelRequested:
		return ":raising_hand:"
	case core.EventAmazonCancelFailed:
		return ":warning:"
	case core.EventRefundDue:
		return ":moneybag:"
	case core.EventBreach:
		return ":rotating_light:"
	case core.EventUndelivered:
		return ":warning:"
	case core.EventReminder:
		return ":alarm_clock:"
	}
	return ":bell:"
}

// amazonEmoji marks a shipment's Amazon state on the order card.
func amazonEmoji(st core.AmazonState) string {
	switch st {
	case core.AmazonConfirmed:
		return ":white_check_mark:"
	case core.AmazonRefused:
		return ":x:"
	}
	return ":hourglass_flowing_sand:"
}

// alertMessage is an outbox alert for the alerts channel. Core writes the
// text without buyer personal data.
func alertMessage(ev core.Event) message {
	blocks := []slack.Block{section(alertEmoji(ev.Kind) + " " + escape(ev.Text))}
	if ev.OrderID != "" {
		bs := []*slack.ButtonBlockElement{button(actOrderOpen, ev.OrderID, "Show order "+ev.OrderID, "")}
		if ev.Kind == core.EventCancelRequested {
			// Pressed when the order can no longer be cancelled, the
			// button answers with core's reason (openOrderForm).
			bs = append(bs, button(actAlertCancel, ev.OrderID, "Cancel as the buyer asked", slack.StyleDanger))
		}
		blocks = append(blocks, actions(bs)...)
	}
	return message{Text: ev.Text, Blocks: blocks, Public: true}
}
