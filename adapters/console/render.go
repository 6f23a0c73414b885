package console

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// Renderer writes engine results as plain text for a terminal.
type Renderer struct {
	Policy core.Policy
	Now    func() time.Time
}

func (r Renderer) loc() *time.Location {
	if r.Policy.Location == nil {
		return time.UTC
	}
	return r.Policy.Location
}

func (r Renderer) day(t time.Time) string { return t.In(r.loc()).Format("2006-01-02") }

func (r Renderer) stamp(t time.Time) string { return t.In(r.loc()).Format("2006-01-02 15:04") }

// Result writes one result.
func (r Renderer) Result(w io.Writer, res *core.Result) {
	if res.Preview != nil && res.DryRun {
		r.Preview(w, res.Preview)
		fmt.Fprintln(w, "Dry run: nothing was changed.")
		return
	}
	name, _, _ := strings.Cut(res.Command, " ")
	switch name {
	case "help":
		fmt.Fprint(w, res.Help.String())
	case "health":
		r.Health(w, res.Health)
	case "orders":
		r.Orders(w, res)
	case "returns":
		r.Returns(w, res.Returns)
	case "audit":
		r.Audit(w, res.Audit)
	case "lowstock":
		r.Stock(w, res.Stock)
	case "stock":
		if res.Message == "" {
			r.Stock(w, res.Stock)
		}
	case "order":
		r.Order(w, res.Order, res.Actions)
	case "inbox":
		r.Inbox(w, res.Conversations)
	case "show", "draft":
		r.Conversation(w, res.Conversation, res.Order)
	}
	if res.Message != "" {
		fmt.Fprintln(w, res.Message)
	}
	if res.Preview != nil {
		for _, h := range res.Preview.Health {
			fmt.Fprintln(w, "  "+h.Text)
		}
	}
	for _, ev := range res.Events {
		fmt.Fprintln(w, "  ! "+ev.Text)
	}
}

// Preview writes what a command would do.
func (r Renderer) Preview(w io.Writer, p *core.Preview) {
	fmt.Fprintf(w, "This will: %s\n", p.Command)
	for _, c := range p.Changes {
		fmt.Fprintln(w, "  - "+c)
	}
	for _, h := range p.Health {
		mark := "  ~ "
		if !h.OK {
			mark = "  ! "
		}
		fmt.Fprintln(w, mark+h.Text)
	}
}

// Order writes an order card.
func (r Renderer) Order(w io.Writer, o *core.Order, actions []string) {
	now := r.now()
	status := strings.ReplaceAll(string(o.Status), "_", " ")
	fmt.Fprintf(w, "Order %s  [%s]  %s\n", o.ID, status, fulfilment(o.Fulfillment))
	fmt.Fprintf(w, "  Purchased %s", r.stamp(o.PurchaseDate))
	if o.Open() && o.Fulfillment == core.Merchant {
		fmt.Fprintf(w, "   Ship by %s (%s)", r.day(o.ShipBy), core.Until(o.ShipBy, now))
	} else {
		fmt.Fprintf(w, "   Ship by %s", r.day(o.ShipBy))
	}
	fmt.Fprintln(w)
	if o.Status == core.Pending {
		fmt.Fprintln(w, "  Payment not verified yet: nothing can be shipped or cancelled.")
	}
	// The engine has left the address out for a role that may not see it
	// (core.Order.ForRole): what is there may be shown.
	shipTo := joinNonEmpty(", ", o.ShipTo.Name, o.ShipTo.Line1, o.ShipTo.Line2, o.ShipTo.City, o.ShipTo.State, o.ShipTo.PostalCode, o.ShipTo.Country)
	switch {
	case shipTo != "":
		fmt.Fprintf(w, "  Buyer %s   Ship to %s\n", orDash(core.StaffText(o.Buyer.Name)), core.StaffText(shipTo))
	case o.Buyer.Name != "":
		fmt.Fprintf(w, "  Buyer %s\n", core.StaffText(o.Buyer.Name))
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  SKU\tQty\tShipped\tPaid\tProduct")
	for _, it := range o.Items {
		qty := strconv.Itoa(it.Quantity)
		if it.Canceled > 0 {
			qty += fmt.Sprintf(" (%d cancelled)", it.Canceled)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%d\t%s\t%s\n", it.SKU, qty, it.Shipped, core.FormatAmount(it.Paid(), o.Currency), core.Clip(it.Title, 40))
	}
	tw.Flush()
	for _, s := range o.Shipments {
		carrier := s.Carrier.DisplayName()
		if s.Carrier == core.Other {
			carrier = s.CarrierName
		}
		late := ""
		if s.Late {
			late = "  LATE"
		}
		if a := s.AmazonText(); a != "" {
			late += "  (" + a + ")"
		}
		fmt.Fprintf(w, "  Shipped %s via %s %s: %s%s\n", r.day(s.ShipDate), carrier, s.Tracking, core.DescribeItems(core.LineItems(s.Lines)), late)
	}
	if o.CanceledAt != nil {
		fmt.Fprintf(w, "  Cancelled %s (%s)\n", r.stamp(*o.CanceledAt), orDash(string(o.CancelReason)))
	}
	if o.AmazonCancel != nil {
		fmt.Fprintf(w, "  Amazon: %s\n", core.StaffText(o.AmazonCancel.Describe()))
	}
	if c := o.CancelRequest; c != nil && o.Status != core.Canceled {
		fmt.Fprintf(w, "  The buyer asked Amazon to cancel (%s)\n", r.stamp(c.SeenAt))
	}
	if o.DeliveredAt != nil {
		fmt.Fprintf(w, "  Delivered %s\n", r.day(*o.DeliveredAt))
	}
	if o.Review != nil {
		fmt.Fprintf(w, "  Review requested: %s\n", o.Review.Describe(r.day))
	}
	for _, rt := range o.Returns {
		fmt.Fprintf(w, "  Return %s [%s] %s: %s\n", rt.ID, rt.Status, core.DescribeItems(rt.Items), rt.Reason)
	}
	for _, rf := range o.Refunds {
		fmt.Fprintf(w, "  Refund %s %s: %s\n", rf.ID, core.FormatAmount(rf.Amount, o.Currency), rf.Reason)
	}
	fmt.Fprintf(w, "  Paid %s", core.FormatAmount(o.Paid(), o.Currency))
	if o.Refunded() > 0 {
		fmt.Fprintf(w, ", refunded %s", core.FormatAmount(o.Refunded(), o.Currency))
	}
	fmt.Fprintln(w)
	if len(actions) > 0 {
		fmt.Fprintf(w, "  Next: %s\n", strings.Join(actions, ", "))
	}
}

func fulfilment(f core.Fulfillment) string {
	if f == core.Marketplace {
		return "fulfilled by the marketplace (FBA)"
	}
	return "merchant fulfilled"
}

// Orders writes a list; pending orders are marked apart since nothing can
// be done with them yet. A list that goes on ends with the command for the
// next page (and the one before), cursor included, to copy.
func (r Renderer) Orders(w io.Writer, res *core.Result) {
	orders, now := res.Orders, r.now()
	if len(orders) == 0 {
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "Order\tStatus\tPurchased\tShip by\tItems\tTotal")
	for _, o := range orders {
		status := strings.ReplaceAll(string(o.Status), "_", " ")
		if o.Fulfillment == core.Marketplace {
			status += " (FBA)"
		}
		if o.Status == core.Pending {
			status = "(pending)"
		}
		shipBy := r.day(o.ShipBy)
		if o.Open() && o.Fulfillment == core.Merchant {
			shipBy += " " + core.Until(o.ShipBy, now)
		}
		total, _ := o.Units()
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", o.ID, status, r.day(o.PurchaseDate), shipBy, total, core.FormatAmount(o.Paid(), o.Currency))
	}
	tw.Flush()
	cmd, err := core.Parse(res.Command)
	lo, ok := cmd.(core.ListOrders)
	if err != nil || !ok {
		return
	}
	if next, ok := lo.NextPage(res.Page); ok {
		fmt.Fprintf(w, "Next page: %s\n", next)
	}
	if prev, ok := lo.PrevPage(res.Page); ok {
		fmt.Fprintf(w, "Previous page: %s\n", prev)
	}
}

// Returns writes a list of returns.
func (r Renderer) Returns(w io.Writer, rs []core.Return) {
	if len(rs) == 0 {
		fmt.Fprintln(w, "No returns in this list.")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "Return\tOrder\tStatus\tRequested\tItems\tReason")
	for _, rt := range rs {
		status := string(rt.Status)
		if rt.RefundBy != nil && rt.Status == core.ReturnReceived {
			status += ", refund by " + r.day(*rt.RefundBy)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", rt.ID, rt.OrderID, status, r.day(rt.RequestedAt), core.DescribeItems(rt.Items), core.Clip(rt.Reason, 40))
	}
	tw.Flush()
}

// Stock writes stock rows.
func (r Renderer) Stock(w io.Writer, st []core.Stock) {
	if len(st) == 0 {
		fmt.Fprintln(w, "No SKU is under its low-stock threshold.")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SKU\tAvailable\tReserved\tThreshold\t")
	for _, s := range st {
		flag := ""
		switch {
		case s.Out():
			flag = "OUT OF STOCK"
		case s.Low():
			flag = "low"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\n", s.SKU, s.Available, s.Reserved, s.Threshold, flag)
	}
	tw.Flush()
}

// Health writes account health.
func (r Renderer) Health(w io.Writer, h *core.Health) {
	fmt.Fprintln(w, "Account health (merchant-fulfilled orders):")
	for _, m := range h.Metrics {
		fmt.Fprintln(w, "  "+m.String())
	}
}

// Audit writes audit entries.
func (r Renderer) Audit(w io.Writer, entries []core.AuditEntry) {
	if len(entries) == 0 {
		fmt.Fprintln(w, "No audit entries.")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "When\tWho\tRole\tFrom\tCommand")
	for _, e := range entries {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.stamp(e.At), orDash(e.Actor), e.Role, e.Source, e.Command)
	}
	tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// Inbox writes the conversations waiting for an answer, deadline first.
func (r Renderer) Inbox(w io.Writer, list []core.Conversation) {
	if len(list) == 0 {
		return
	}
	now := r.now()
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "Conversation\tOrder\tAnswer by\tDraft\tLast message")
	for _, c := range list {
		by := "-"
		if c.Deadline != nil {
			by = r.stamp(*c.Deadline) + " (" + core.Until(*c.Deadline, now) + ")"
			if !c.Deadline.After(now) {
				by += " OVERDUE"
			}
		}
		draft := "drafting…"
		switch {
		case c.Draft != nil && !c.NeedsDraft() && !c.Draft.NeedsResponse:
			draft = "no response needed?"
		case c.Draft != nil && !c.NeedsDraft():
			draft = c.Draft.Intent
		}
		last := ""
		if n := len(c.Messages); n > 0 {
			last = strings.ReplaceAll(core.StaffText(c.Messages[n-1].Text), "\n", " ")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.ID, orDash(c.OrderID), by, draft, core.Clip(last, 50))
	}
	tw.Flush()
}

func (r Renderer) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// Conversation writes one conversation with its draft and what to do next.
func (r Renderer) Conversation(w io.Writer, c *core.Conversation, o *core.Order) {
	if c == nil {
		return
	}
	fmt.Fprintf(w, "Conversation %s  [%s]  buyer %s", c.ID, c.Channel, orDash(core.StaffText(c.BuyerName)))
	if c.OrderID != "" {
		fmt.Fprintf(w, "  order %s", c.OrderID)
		if o != nil {
			fmt.Fprintf(w, " (%s)", strings.ReplaceAll(string(o.Status), "_", " "))
		} else {
			fmt.Fprint(w, " (not in sellerdesk)")
		}
	}
	fmt.Fprintln(w)
	if c.Subject != "" {
		fmt.Fprintf(w, "  Subject: %s\n", core.StaffText(c.Subject))
	}
	if c.Deadline != nil {
		fmt.Fprintf(w, "  Answer by %s (%s)\n", r.stamp(*c.Deadline), core.Until(*c.Deadline, r.now()))
	}
	for _, m := range c.Messages {
		who := "buyer"
		if m.From == core.FromStaff {
			who = "staff " + m.By
		}
		note := ""
		if m.NoReply {
			note = "  [no response needed]"
		}
		fmt.Fprintf(w, "  %s  %s:%s\n", r.stamp(m.At), who, note)
		for _, l := range strings.Split(core.StaffText(m.Text), "\n") {
			fmt.Fprintln(w, "      "+l)
		}
		for _, l := range m.Notes() {
			fmt.Fprintln(w, "      ["+l+"]")
		}
	}
	d := c.Draft
	switch {
	case len(c.Waiting()) == 0:
		fmt.Fprintln(w, "  Nothing waits: the buyer has an answer.")
		return
	case d == nil || c.NeedsDraft():
		fmt.Fprintf(w, "  The draft is being written; look again in a moment (show %s).\n", c.ID)
		return
	}
	fmt.Fprintf(w, "  Draft (%s, %s, %s drafter):\n", d.Intent, d.Language, d.Drafter)
	if d.Summary != "" {
		fmt.Fprintln(w, "    Summary: "+core.StaffText(d.Summary))
	}
	if d.Translation != "" {
		fmt.Fprintln(w, "    Translation:")
		for _, l := range strings.Split(d.Translation, "\n") {
			fmt.Fprintln(w, "      "+core.StaffText(l))
		}
	}
	if d.Note != "" {
		fmt.Fprintln(w, "    Note: "+d.Note)
	}
	if !d.NeedsResponse {
		fmt.Fprintf(w, "    This looks like it needs no response. Confirm with: noreply %s\n", c.ID)
		return
	}
	// A draft may quote the buyer.
	for _, l := range strings.Split(core.StaffText(d.Text), "\n") {
		fmt.Fprintln(w, "    | "+l)
	}
	fmt.Fprintf(w, "  Send it: reply %s   Write your own: reply %s <text>   Redraft: draft %s   No response needed: noreply %s\n", c.ID, c.ID, c.ID, c.ID)
}
