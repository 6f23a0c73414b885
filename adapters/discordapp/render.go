package discordapp

import (
	"fmt"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/sellerdesk/sellerdesk/core"
)

// Embed colours by what needs attention.
const (
	colorInfo    = 0x5865F2
	colorOK      = 0x57F287
	colorWarn    = 0xFEE75C
	colorAlert   = 0xED4245
	colorNeutral = 0x99AAB5
)

func (a *App) loc() *time.Location {
	if l := a.engine.Policy().Location; l != nil {
		return l
	}
	return time.UTC
}

func (a *App) day(t time.Time) string   { return t.In(a.loc()).Format("2006-01-02") }
func (a *App) stamp(t time.Time) string { return t.In(a.loc()).Format("Mon 2 Jan 15:04 MST") }

func statusWord(s core.Status) string {
	if s == core.Canceled {
		return "cancelled"
	}
	return strings.ReplaceAll(string(s), "_", " ")
}

// render turns a result into a message.
func (a *App) render(res *core.Result) reply {
	r := reply{content: res.Message}
	name, _, _ := strings.Cut(res.Command, " ")
	switch {
	case name == "help" && res.Help != nil:
		r.embeds = []*discordgo.MessageEmbed{{Title: "sellerdesk commands", Color: colorInfo,
			Description: "```\n" + core.Clip(res.Help.String(), 4000) + "```\nType `/desk` and pick a subcommand."}}
		r.ephemeral = true
	case name == "orders":
		r.embeds, r.components = a.ordersEmbed(res)
	case name == "returns":
		r.embeds = []*discordgo.MessageEmbed{a.returnsEmbed(res.Returns)}
	case name == "stock" || name == "lowstock":
		r.embeds = []*discordgo.MessageEmbed{stockEmbed(name, res.Stock)}
	case name == "health" && res.Health != nil:
		r.embeds = []*discordgo.MessageEmbed{healthEmbed(res.Health)}
	case name == "audit":
		r.embeds = []*discordgo.MessageEmbed{a.auditEmbed(res.Audit)}
	case name == "inbox":
		r.embeds = []*discordgo.MessageEmbed{a.inboxEmbed(res.Conversations)}
	case res.Conversation != nil:
		var rest []string
		r.embeds, r.components, rest = a.conversationCard(res.Conversation, res.Order)
		if name == "show" {
			// Showing a conversation shows all of it: what the card has no
			// room for follows in messages of its own.
			r.more = textMessages("Buyer message "+res.Conversation.ID+" (continued)", rest, false)
		}
	case res.Order != nil:
		r.embeds = []*discordgo.MessageEmbed{a.orderEmbed(res.Order)}
		r.components = orderButtons(res.Order, res.Actions)
	}
	if r.content == "" && len(r.embeds) == 0 {
		r.content = "Done."
	}
	return r
}

// orderEmbed is an order card. Buyer personal data stays out of channels:
// the buyer's name is shown, never email, phone or address.
func (a *App) orderEmbed(o *core.Order) *discordgo.MessageEmbed {
	now := a.now()
	e := &discordgo.MessageEmbed{Title: "Order " + o.ID, Color: colorInfo}
	var d strings.Builder
	fmt.Fprintf(&d, "**%s** · %s", statusWord(o.Status), fulfilment(o.Fulfillment))
	switch {
	case o.Status == core.Pending:
		e.Color = colorNeutral
		d.WriteString("\nPayment not verified yet: nothing can be shipped or cancelled.")
	case o.Open() && o.Fulfillment == core.Merchant:
		fmt.Fprintf(&d, "\nShip by **%s** (%s)", a.day(o.ShipBy), core.Until(o.ShipBy, now))
		if o.ShipBy.Before(now) {
			e.Color = colorAlert
			d.WriteString(" — late")
		} else if o.ShipBy.Sub(now) < 24*time.Hour {
			e.Color = colorWarn
		}
	case o.Status == core.Canceled:
		e.Color = colorNeutral
	default:
		e.Color = colorOK
	}
	e.Description = d.String()
	e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Purchased", Value: a.stamp(o.PurchaseDate), Inline: true})
	if o.Buyer.Name != "" {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Buyer", Value: md(core.Clip(o.Buyer.Name, 100)), Inline: true})
	}
	paid := core.FormatAmount(o.Paid(), o.Currency)
	if o.Refunded() > 0 {
		paid += ", refunded " + core.FormatAmount(o.Refunded(), o.Currency)
	}
	e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Paid", Value: paid, Inline: true})
	var items []string
	for _, it := range o.Items {
		line := fmt.Sprintf("`%s` × %d", it.SKU, it.Quantity)
		if it.Shipped > 0 {
			line += fmt.Sprintf(" (%d shipped)", it.Shipped)
		}
		if it.Title != "" {
			line += " — " + core.Clip(it.Title, 60)
		}
		items = append(items, line)
	}
	addField(e, "Items", items)
	var ships []string
	for _, s := range o.Shipments {
		carrier := s.Carrier.DisplayName()
		if s.Carrier == core.Other {
			carrier = s.CarrierName
		}
		line := fmt.Sprintf("%s via %s `%s`: %s", a.day(s.ShipDate), carrier, s.Tracking, core.DescribeItems(core.LineItems(s.Lines)))
		if s.Late {
			line += " — late"
		}
		if a := s.AmazonText(); a != "" {
			line += " — " + amazonIcon(s.Amazon) + " " + core.Clip(a, 500)
		}
		ships = append(ships, line)
	}
	addField(e, "Shipments", ships)
	if o.CanceledAt != nil {
		addField(e, "Cancelled", []string{fmt.Sprintf("%s (%s)", a.stamp(*o.CanceledAt), o.CancelReason)})
	}
	if o.AmazonCancel != nil {
		addField(e, "Amazon", []string{core.StaffText(o.AmazonCancel.Describe())})
	}
	if r := o.CancelRequest; r != nil && o.Status != core.Canceled {
		// The buyer's words stay in the alerts: a card may be shown anywhere.
		addField(e, "Buyer asked Amazon to cancel", []string{a.stamp(r.SeenAt)})
	}
	if o.DeliveredAt != nil {
		addField(e, "Delivered", []string{a.day(*o.DeliveredAt)})
	}
	if o.Review != nil {
		addField(e, "Review requested", []string{o.Review.Describe(a.day)})
	}
	var rets []string
	for _, r := range o.Returns {
		line := fmt.Sprintf("`%s` %s: %s — %s", r.ID, r.Status, core.DescribeItems(r.Items), core.Clip(r.Reason, 80))
		if r.Status == core.ReturnReceived && r.RefundBy != nil {
			line += ", refund by " + a.day(*r.RefundBy)
		}
		rets = append(rets, line)
	}
	addField(e, "Returns", rets)
	var refunds []string
	for _, r := range o.Refunds {
		refunds = append(refunds, fmt.Sprintf("`%s` %s: %s", r.ID, core.FormatAmount(r.Amount, o.Currency), core.Clip(r.Reason, 80)))
	}
	addField(e, "Refunds", refunds)
	return e
}

func addField(e *discordgo.MessageEmbed, name string, lines []string) {
	if len(lines) == 0 {
		return
	}
	e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: name, Value: core.Clip(strings.Join(lines, "\n"), 1024)})
}

func fulfilment(f core.Fulfillment) string {
	if f == core.Marketplace {
		return "fulfilled by the marketplace (FBA)"
	}
	return "merchant fulfilled"
}

func button(label, id string, style discordgo.ButtonStyle) discordgo.Button {
	return discordgo.Button{Label: core.Clip(label, 80), CustomID: id, Style: style}
}

// orderButtons offers what the actor may do next (core's Actions).
func orderButtons(o *core.Order, actions []string) []discordgo.MessageComponent {
	var bs []discordgo.MessageComponent
	for _, act := range actions {
		switch act {
		case "ship":
			bs = append(bs, button("Confirm shipment", "ship:"+o.ID, discordgo.PrimaryButton))
		case "cancel":
			bs = append(bs, button("Cancel", "cancel:"+o.ID, discordgo.DangerButton))
		case "delivered":
			bs = append(bs, button("Mark delivered", "delivered:"+o.ID, discordgo.SecondaryButton))
		case "refund":
			bs = append(bs, button("Refund", "refund:"+o.ID, discordgo.SecondaryButton))
		case "approve", "reject", "received":
			for _, r := range o.Returns {
				switch {
				case act == "approve" && r.Status == core.ReturnRequested:
					bs = append(bs, button("Approve return "+r.ID, "approve:"+r.ID, discordgo.SuccessButton))
				case act == "reject" && r.Status == core.ReturnRequested:
					bs = append(bs, button("Reject return "+r.ID, "reject:"+r.ID, discordgo.DangerButton))
				case act == "received" && r.Status == core.ReturnApproved:
					bs = append(bs, button("Return "+r.ID+" received", "received:"+r.ID, discordgo.SecondaryButton))
				}
			}
		}
	}
	return rows(bs)
}

// rows packs buttons five to a row, five rows at most (Discord's limits).
func rows(bs []discordgo.MessageComponent) []discordgo.MessageComponent {
	var out []discordgo.MessageComponent
	for len(bs) > 0 && len(out) < 5 {
		n := min(5, len(bs))
		out = append(out, discordgo.ActionsRow{Components: bs[:n]})
		bs = bs[n:]
	}
	return out
}

// ordersEmbed lists orders with Previous/Next buttons.
func (a *App) ordersEmbed(res *core.Result) ([]*discordgo.MessageEmbed, []discordgo.MessageComponent) {
	now := a.now()
	var lines []string
	for _, o := range res.Orders {
		status := statusWord(o.Status)
		if o.Fulfillment == core.Marketplace {
			status += " (FBA)"
		}
		line := fmt.Sprintf("`%s` %s", o.ID, status)
		if o.Status == core.Pending {
			line = fmt.Sprintf("~~`%s`~~ pending: payment not verified", o.ID)
		} else if o.Open() && o.Fulfillment == core.Merchant {
			line += fmt.Sprintf(" · ship by %s (%s)", a.day(o.ShipBy), core.Until(o.ShipBy, now))
		}
		total, _ := o.Units()
		line += fmt.Sprintf(" · %d unit(s) · %s", total, core.FormatAmount(o.Paid(), o.Currency))
		lines = append(lines, core.Clip(line, orderLineChars))
	}
	var lf core.ListOrders
	if c, err := core.Parse(res.Command); err == nil {
		lf, _ = c.(core.ListOrders)
	}
	title := "Orders"
	if lf.Filter != "" {
		title += ": " + string(lf.Filter)
	}
	e := &discordgo.MessageEmbed{Title: title, Color: colorInfo, Description: "No orders in this list."}
	embeds := []*discordgo.MessageEmbed{e}
	// A page is at most maxOrdersPerPage lines (fitPage): all of them fit,
	// in a second embed past one description's limit.
	descs, _ := pack(lines, maxEmbedsTotal-size(title)-100, maxEmbeds)
	for k, d := range descs {
		if k == 0 {
			e.Description = d
			continue
		}
		embeds = append(embeds, &discordgo.MessageEmbed{Color: colorInfo, Description: d})
	}
	var comps []discordgo.MessageComponent
	if p := res.Page; p != nil {
		// The buttons carry their page's command, cursor included (at most
		// 7 + 33 + 43 characters of the 100 a custom id holds); the footer
		// shows the next one typed.
		next, hasNext := lf.NextPage(p)
		prev, hasPrev := lf.PrevPage(p)
		if hasNext {
			embeds[len(embeds)-1].Footer = &discordgo.MessageEmbedFooter{Text: "Next page: /desk " + next.String()}
		}
		if hasNext || hasPrev {
			// Custom ids are unique on a message: a disabled button gets
			// one no click can reach.
			prevB := button("Previous", "orders:"+prev.String(), discordgo.SecondaryButton)
			nextB := button("Next", "orders:"+next.String(), discordgo.SecondaryButton)
			if !hasPrev {
				prevB.CustomID, prevB.Disabled = "orders-none:prev", true
			}
			if !hasNext {
				nextB.CustomID, nextB.Disabled = "orders-none:next", true
			}
			comps = rows([]discordgo.MessageComponent{prevB, nextB})
		}
	}
	return embeds, comps
}

// orderLineChars bounds a line of an order list (an order id of any
// length cannot push a page past Discord's limits).
const orderLineChars = 200

func (a *App) returnsEmbed(rs []core.Return) *discordgo.MessageEmbed {
	var lines []string
	for _, r := range rs {
		line := fmt.Sprintf("`%s` order `%s` %s · %s · %s", r.ID, r.OrderID, r.Status, core.DescribeItems(r.Items), core.Clip(r.Reason, 60))
		if r.Status == core.ReturnReceived && r.RefundBy != nil {
			line += " · refund by " + a.day(*r.RefundBy)
		}
		lines = append(lines, line)
	}
	e := &discordgo.MessageEmbed{Title: "Returns", Color: colorInfo, Description: core.Clip(strings.Join(lines, "\n"), 4000)}
	if len(lines) == 0 {
		e.Description = "No returns in this list."
	}
	return e
}

func stockEmbed(name string, st []core.Stock) *discordgo.MessageEmbed {
	e := &discordgo.MessageEmbed{Title: "Stock", Color: colorInfo}
	if name == "lowstock" {
		e.Title = "Low stock"
	}
	var lines []string
	for _, s := range st {
		line := fmt.Sprintf("`%s` %d available, %d reserved, threshold %d", s.SKU, s.Available, s.Reserved, s.Threshold)
		switch {
		case s.Out():
			line += " — **out of stock**"
			e.Color = colorAlert
		case s.Low():
			line += " — low"
			if e.Color != colorAlert {
				e.Color = colorWarn
			}
		}
		lines = append(lines, line)
	}
	e.Description = core.Clip(strings.Join(lines, "\n"), 4000)
	if len(lines) == 0 {
		e.Description = "No SKU is under its low-stock threshold."
	}
	return e
}

func healthEmbed(h *core.Health) *discordgo.MessageEmbed {
	e := &discordgo.MessageEmbed{Title: "Account health (merchant-fulfilled orders)", Color: colorOK}
	var lines []string
	for _, m := range h.Metrics {
		mark := "✅"
		if !m.OK && !m.NoData {
			mark, e.Color = "⚠️", colorAlert
		}
		lines = append(lines, mark+" "+m.String())
	}
	e.Description = core.Clip(strings.Join(lines, "\n"), 4000)
	return e
}

func (a *App) auditEmbed(entries []core.AuditEntry) *discordgo.MessageEmbed {
	var lines []string
	for _, en := range entries {
		who := en.Actor
		if who == "" {
			who = en.ActorID
		}
		lines = append(lines, fmt.Sprintf("%s · %s (%s, %s) · `%s`", a.stamp(en.At), who, en.Role, en.Source, core.Clip(en.Command, 120)))
	}
	e := &discordgo.MessageEmbed{Title: "Audit log", Color: colorNeutral, Description: core.Clip(strings.Join(lines, "\n"), 4000)}
	if len(lines) == 0 {
		e.Description = "No audit entries."
	}
	return e
}

func (a *App) inboxEmbed(list []core.Conversation) *discordgo.MessageEmbed {
	now := a.now()
	e := &discordgo.MessageEmbed{Title: "Inbox", Color: colorInfo}
	var lines []string
	for _, c := range list {
		line := "`" + c.ID + "`"
		if c.OrderID != "" {
			line += " order `" + c.OrderID + "`"
		}
		if c.Deadline != nil {
			line += " · answer by " + a.stamp(*c.Deadline) + " (" + core.Until(*c.Deadline, now) + ")"
			if !c.Deadline.After(now) {
				line += " **overdue**"
				e.Color = colorAlert
			}
		}
		if n := len(c.Messages); n > 0 {
			line += " · " + md(core.Clip(strings.ReplaceAll(c.Messages[n-1].Text, "\n", " "), 60))
		}
		lines = append(lines, line)
	}
	e.Description = core.Clip(strings.Join(lines, "\n"), 4000)
	if len(lines) == 0 {
		e.Description = "Nothing waiting: every buyer has an answer."
	}
	return e
}

// conversationMessage is a buyer conversation for staff: what the buyer
// wrote, the order in a line, the deadline and the draft, with Send / Edit
// / Redraft / No response needed while the buyer waits.
func (a *App) conversationMessage(c *core.Conversation, o *core.Order) ([]*discordgo.MessageEmbed, []discordgo.MessageComponent) {
	embeds, comps, _ := a.conversationCard(c, o)
	return embeds, comps
}

// moreNote ends a card whose buyer text goes on past what one Discord
// message holds.
const moreNote = "*… the message goes on: press **Full message** to read all of it.*"

// conversationCard is conversationMessage, and the blocks of buyer text
// it had no room for. The buyer text fills what Discord's limits leave
// after the rest of the card; when it is cut, the card says so and gets a
// Full message button (fullMessage), so every word can be read.
func (a *App) conversationCard(c *core.Conversation, o *core.Order) ([]*discordgo.MessageEmbed, []discordgo.MessageComponent, []string) {
	now := a.now()
	e := &discordgo.MessageEmbed{Title: "Buyer message " + c.ID, Color: colorInfo}
	if c.BuyerName != "" {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Buyer", Value: md(core.Clip(c.BuyerName, 100)), Inline: true})
	}
	e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Channel", Value: c.Channel, Inline: true})
	switch {
	case o != nil:
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Order", Value: a.orderLine(o)})
	case c.OrderID != "":
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Order", Value: "`" + c.OrderID + "`"})
	default:
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Order", Value: "not verified yet"})
	}
	if c.Deadline != nil {
		v := a.stamp(*c.Deadline) + " (" + core.Until(*c.Deadline, now) + ")"
		switch left := c.Deadline.Sub(now); {
		case left <= 0:
			v += " — **overdue**"
			e.Color = colorAlert
		case left < 4*time.Hour:
			e.Color = colorWarn
		}
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Answer by", Value: v, Inline: true})
	}
	waiting := c.Waiting()
	blocks := a.messageBlocks(shownMessages(c))
	var after []*discordgo.MessageEmbed // below the buyer text
	var buttons []discordgo.MessageComponent
	var draftText string
	var de *discordgo.MessageEmbed
	if len(waiting) == 0 {
		e.Color = colorOK
		note := "Answered."
		if n := len(c.Messages); n > 0 && c.Messages[n-1].NoReply {
			note = "Marked no response needed."
		}
		e.Footer = &discordgo.MessageEmbedFooter{Text: note}
	} else {
		draft := c.Draft
		current := draft != nil && !c.NeedsDraft()
		switch {
		case !current:
			e.Footer = &discordgo.MessageEmbedFooter{Text: "A draft is being written."}
		case !draft.NeedsResponse:
			after = append(after, &discordgo.MessageEmbed{Title: "Draft: no response needed?", Color: colorNeutral,
				Description: fmt.Sprintf("This looks like it needs no response (%s).", draft.Intent)})
		default:
			// The draft may echo the buyer's words (a model does): it is
			// escaped like them, and shows staff the text as it will be sent.
			de = &discordgo.MessageEmbed{Title: fmt.Sprintf("Draft (%s, %s)", draft.Intent, draft.Language), Color: colorNeutral}
			draftText = draft.Text
			var notes []string
			if draft.Summary != "" {
				notes = append(notes, "Summary: "+draft.Summary)
			}
			if draft.Translation != "" {
				notes = append(notes, "Translation:\n"+draft.Translation)
			}
			if draft.Note != "" {
				notes = append(notes, "Note: "+draft.Note)
			}
			if len(notes) > 0 {
				de.Fields = []*discordgo.MessageEmbedField{{Name: "For staff", Value: clipMD(strings.Join(notes, "\n"), maxFieldValue)}}
			}
			de.Footer = &discordgo.MessageEmbedFooter{Text: draft.Drafter + " drafter"}
			after = append(after, de)
		}
		send := button("Send", "send:"+c.ID, discordgo.SuccessButton)
		send.Disabled = !current || !draft.NeedsResponse
		buttons = []discordgo.MessageComponent{send,
			button("Edit", "edit:"+c.ID, discordgo.PrimaryButton),
			button("Redraft", "redraft:"+c.ID, discordgo.SecondaryButton),
			button("No response needed", "noreply:"+c.ID, discordgo.SecondaryButton)}
	}

	// Share Discord's 6,000 characters a message between the buyer's text
	// and the draft: all of both when they fit, else the draft keeps at
	// least half (Edit shows it whole) and the buyer text the rest.
	room := maxEmbedsTotal - embedSize(e) - size(moreNote) - 1
	for _, x := range after {
		room -= embedSize(x)
	}
	if de != nil {
		need := 0
		for k, b := range blocks {
			need += size(b) + min(k, 1)
		}
		draftRoom := min(size(md(draftText)), descriptionRoom)
		if need+draftRoom > room {
			draftRoom = min(draftRoom, max(room-need, room/2))
		}
		de.Description = clipMD(draftText, draftRoom)
		room -= size(de.Description)
	}
	descs, used := pack(blocks, room, maxEmbeds-1-len(after))
	rest := blocks[used:]
	if len(rest) > 0 {
		if len(descs) == 0 {
			descs = []string{moreNote}
		} else {
			descs[len(descs)-1] += "\n" + moreNote
		}
		buttons = append(buttons, button("Full message", fullVerb+":"+c.ID, discordgo.SecondaryButton))
	}
	embeds := []*discordgo.MessageEmbed{e}
	for k, d := range descs {
		if k == 0 {
			e.Description = d
			continue
		}
		embeds = append(embeds, &discordgo.MessageEmbed{Color: e.Color, Description: d})
	}
	return append(embeds, after...), rows(buttons), rest
}

// fullVerb is the Full message button's: every word of the buyer text a
// card shows, when the card had no room for all of it.
const fullVerb = "full"

// shownMessages are the messages a conversation's card shows: those
// waiting for an answer, else the last one.
func shownMessages(c *core.Conversation) []core.Message {
	shown := c.Waiting()
	if len(shown) == 0 && len(c.Messages) > 0 {
		shown = c.Messages[len(c.Messages)-1:]
	}
	return shown
}

// messageBlocks renders messages for staff: a line saying who wrote and
// when, then the text quoted and escaped, in pieces small enough to pack.
func (a *App) messageBlocks(msgs []core.Message) []string {
	var out []string
	for _, m := range msgs {
		who := "Buyer"
		if m.From == core.FromStaff {
			who = "Reply by " + md(m.By)
		}
		out = append(out, fmt.Sprintf("**%s** (%s):", who, a.stamp(m.At)))
		out = append(out, pieces(m.Text, pieceChars, quoted)...)
		for _, l := range m.Notes() {
			out = append(out, "_"+md(l)+"_")
		}
	}
	return out
}

// textMessages lays blocks of buyer text out in as many messages as
// Discord's limits need, each titled title.
func textMessages(title string, blocks []string, ephemeral bool) []reply {
	var out []reply
	for len(blocks) > 0 {
		descs, used := pack(blocks, maxEmbedsTotal-size(title), maxEmbeds)
		if used == 0 {
			break // cannot happen: a block is far smaller than a message
		}
		r := reply{ephemeral: ephemeral}
		for k, d := range descs {
			em := &discordgo.MessageEmbed{Color: colorInfo, Description: d}
			if k == 0 {
				em.Title = title
			}
			r.embeds = append(r.embeds, em)
		}
		out = append(out, r)
		blocks = blocks[used:]
	}
	return out
}

// amazonIcon marks a shipment's Amazon state on the order card.
func amazonIcon(st core.AmazonState) string {
	switch st {
	case core.AmazonConfirmed:
		return "✅"
	case core.AmazonRefused:
		return "❌"
	}
	return "⏳"
}

// orderLine summarises an order for a conversation: no personal data.
func (a *App) orderLine(o *core.Order) string {
	s := fmt.Sprintf("`%s` %s", o.ID, statusWord(o.Status))
	if o.Open() && o.Fulfillment == core.Merchant {
		s += fmt.Sprintf(" · ship by %s (%s)", a.day(o.ShipBy), core.Until(o.ShipBy, a.now()))
	}
	if n := len(o.Shipments); n > 0 {
		sh := o.Shipments[n-1]
		carrier := sh.Carrier.DisplayName()
		if sh.Carrier == core.Other {
			carrier = sh.CarrierName
		}
		s += fmt.Sprintf(" · %s `%s`", carrier, sh.Tracking)
	}
	return s
}
