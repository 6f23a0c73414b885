package core

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Engine runs commands of the command language against a Store. It checks
// permission and the order rules inside one store transaction and records
// what happened (the change, an audit entry, outbox messages).
type Engine struct {
	store   Store
	clock   Clock
	ids     IDs
	policy  Policy
	drafter Drafter
	observe func(command string, code Code, d time.Duration)
	notify  func(Event)
	lease   time.Duration // Options.DeliveryLease
	// digestWindow is Options.DigestWindow.
	digestWindow time.Duration
	// amazon is Options.AmazonConnected.
	amazon bool
	// sweepPage is how many orders a timed rule's list reads at a time.
	sweepPage int
}

// Options configure an Engine. Zero fields take defaults.
type Options struct {
	Clock  Clock
	IDs    IDs
	Policy *Policy
	// Drafter writes drafts for buyer conversations (none: conversations
	// get no drafts until one is set).
	Drafter Drafter
	// Notify, when set, is called with every outbox message once its
	// transaction has committed, so adapters in this process (the web
	// page's live updates) learn of it at once. The outbox stays the
	// record: a process that misses a call reads it from there.
	Notify func(Event)
	// Observe, when set, is told about every command run (for metrics);
	// code is "" on success.
	Observe func(command string, code Code, d time.Duration)
	// DeliveryLease is how long a replica holds a sink while it posts one
	// message (default 30 s): how soon another replica takes over from one
	// that died mid-post. Keep it well under Discord's few-minute nonce
	// window, or a takeover could post a message twice there.
	DeliveryLease time.Duration
	// DigestWindow gathers alerts of one kind raised within it into one
	// digest post for a sink that takes groups (GroupSink): an import or
	// sweep that raises hundreds makes one message per chat. An alert
	// waits for its window to close before it is posted. 0: no digests.
	DigestWindow time.Duration
	// AmazonConnected says the Amazon connection (SP-API) is configured:
	// every shipment of a merchant-fulfilled Amazon order queues its
	// confirmation on Amazon (EventAmazonShipment), staff may correct a
	// shipment Amazon refused by shipping its items again, and review
	// requests may be queued (EventReviewRequest).
	AmazonConnected bool
	// SweepPage is how many orders the timed rules (completion, review
	// requests) read at a time (default 500).
	SweepPage int
}

const defaultSweepPage = 500

// NewEngine returns an engine on store.
func NewEngine(store Store, opt Options) *Engine {
	e := &Engine{store: store, clock: opt.Clock, ids: opt.IDs, policy: DefaultPolicy(), drafter: opt.Drafter, observe: opt.Observe, notify: opt.Notify,
		sweepPage: cmp.Or(opt.SweepPage, defaultSweepPage)}
	if e.clock == nil {
		e.clock = SystemClock{}
	}
	if e.ids == nil {
		e.ids = RandomIDs{}
	}
	if opt.Policy != nil {
		e.policy = *opt.Policy
	}
	e.digestWindow = max(opt.DigestWindow, 0)
	e.amazon = opt.AmazonConnected
	e.lease = opt.DeliveryLease
	if e.lease <= 0 {
		e.lease = defaultDeliveryLease
	}
	return e
}

// Policy returns the shop policy the engine applies.
func (e *Engine) Policy() Policy { return e.policy }

// Now is the engine's clock.
func (e *Engine) Now() time.Time { return e.now() }

// now is the clock in UTC at the stores' microsecond precision, so what is
// saved reads back equal.
func (e *Engine) now() time.Time { return e.clock.Now().UTC().Truncate(time.Microsecond) }

// Request is one command from one actor.
type Request struct {
	Actor   Actor
	Command Command
	// DryRun checks the command and returns a Preview of what it would
	// change, changing nothing.
	DryRun bool
}

// Page describes one page of a list.
type Page struct {
	Limit int `json:"limit"`
	// More says a page follows this one.
	More bool `json:"more"`
	// Next is the cursor of the page after this one (after Next), Prev of
	// the one before it (before Prev); zero where there is none.
	Next Cursor `json:"next,omitzero"`
	Prev Cursor `json:"prev,omitzero"`
}

// Preview is what a changing command will do, shown before it is done
// (console --dry-run, chat confirm dialogs).
type Preview struct {
	Command string         `json:"command"`
	Changes []string       `json:"changes"`
	Health  []HealthEffect `json:"health,omitempty"`
}

// Result is what a command returns. Only the fields the command fills are
// set; adapters render them for their platform.
type Result struct {
	Command string       `json:"command"`
	Message string       `json:"message,omitempty"`
	DryRun  bool         `json:"dry_run,omitempty"`
	Order   *Order       `json:"order,omitempty"`
	Actions []string     `json:"actions,omitempty"` // what the actor may do next with Order
	Orders  []Order      `json:"orders,omitempty"`
	Return  *Return      `json:"return,omitempty"`
	Returns []Return     `json:"returns,omitempty"`
	Refund  *Refund      `json:"refund,omitempty"`
	Stock   []Stock      `json:"stock,omitempty"`
	Health  *Health      `json:"health,omitempty"`
	Audit   []AuditEntry `json:"audit,omitempty"`
	Help    *HelpText    `json:"help,omitempty"`
	Page    *Page        `json:"page,omitempty"`
	Preview *Preview     `json:"preview,omitempty"`
	Events  []Event      `json:"events,omitempty"`
	// Buyer conversations.
	Conversation  *Conversation  `json:"conversation,omitempty"`
	Conversations []Conversation `json:"conversations,omitempty"`
}

// errDryRun rolls back a dry run's transaction after its preview is built.
var errDryRun = errors.New("dry run")

// RunLine parses line and runs it.
func (e *Engine) RunLine(ctx context.Context, actor Actor, line string, dryRun bool) (*Result, error) {
	cmd, err := Parse(line)
	if err != nil {
		return nil, err
	}
	return e.Do(ctx, Request{Actor: actor, Command: cmd, DryRun: dryRun})
}

// Do checks permission and runs one command.
func (e *Engine) Do(ctx context.Context, req Request) (*Result, error) {
	if e.observe == nil {
		return e.do(ctx, req)
	}
	start := time.Now()
	res, err := e.do(ctx, req)
	e.observe(req.Command.Name(), ErrorCode(err), time.Since(start))
	return res, err
}

func (e *Engine) do(ctx context.Context, req Request) (*Result, error) {
	res, err := e.run(ctx, req)
	if res != nil {
		res.forRole(req.Actor.Role)
	}
	return res, err
}

// forRole leaves out of a result what the actor's role may not see.
func (r *Result) forRole(role Role) {
	r.Order = r.Order.ForRole(role)
	for i := range r.Orders {
		r.Orders[i] = *r.Orders[i].ForRole(role)
	}
}

func (e *Engine) run(ctx context.Context, req Request) (*Result, error) {
	if err := authorize(req.Actor, req.Command.Name(), IsWrite(req.Command)); err != nil {
		return nil, err
	}
	if !IsWrite(req.Command) {
		return e.read(ctx, req)
	}
	if c, ok := req.Command.(Redraft); ok {
		return e.redraftCommand(ctx, req, c)
	}
	var res *Result
	err := e.update(ctx, func(tx Tx) error {
		r, err := e.write(ctx, tx, req)
		if err != nil {
			return err
		}
		res = r
		if req.DryRun {
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		return res, nil
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

// authorize denies by default: no role, nothing; viewers only read.
func authorize(a Actor, name string, write bool) error {
	if a.Role == "" {
		who := a.ID
		if who == "" {
			who = "you"
		}
		return Errorf(Forbidden, "Sorry, %s is not on this desk's staff list, so sellerdesk can't run %s. Ask an owner to add %s under roles in the config.", who, name, who)
	}
	if !a.Role.can(write) {
		return Errorf(Forbidden, "Sorry, the %s role can look but not change anything; %s needs the agent or owner role.", a.Role, name)
	}
	return nil
}

// oneStatementReader is a store that can run a read of one statement
// without a transaction around it (sqlstore's ViewOne): the statement reads
// one snapshot anyway, and the transaction costs two round trips.
type oneStatementReader interface {
	ViewOne(ctx context.Context, fn func(Tx) error) error
}

func (e *Engine) read(ctx context.Context, req Request) (*Result, error) {
	res := &Result{Command: req.Command.String()}
	now := e.now()
	view := e.store.View
	if one, ok := e.store.(oneStatementReader); ok {
		if _, ok := req.Command.(GetOrder); ok { // tx.Order is one statement
			view = one.ViewOne
		}
	}
	err := view(ctx, func(tx Tx) error {
		switch c := req.Command.(type) {
		case GetOrder:
			o, err := tx.Order(ctx, c.OrderID)
			if err != nil {
				return err
			}
			res.Order, res.Actions = o, e.actions(o, req.Actor.Role, now)
		case ListOrders:
			return e.listOrders(ctx, tx, c, res)
		case ListReturns:
			q := ReturnQuery{Limit: 100}
			if c.Status != "" {
				q.Statuses = []ReturnStatus{c.Status}
			}
			rs, err := tx.Returns(ctx, q)
			res.Returns = rs
			return err
		case AdjustStock:
			st, err := tx.Stocks(ctx, []string{c.SKU})
			if err != nil {
				return err
			}
			s, ok := st[c.SKU]
			if !ok {
				return FieldErrorf(NotFound, "sku", "SKU %s is not tracked yet. Start tracking it with: stock %s set <units>", c.SKU, quoteWord(c.SKU))
			}
			res.Stock = []Stock{s}
		case ListLowStock:
			st, err := tx.LowStock(ctx)
			res.Stock = st
			return err
		case ShowHealth:
			counts, err := e.healthCounts(ctx, tx, now)
			if err != nil {
				return err
			}
			h := e.policy.HealthFrom(counts, now)
			res.Health = &h
			if err := e.addBreachHours(ctx, tx, now, &h); err != nil {
				return err
			}
		case ShowAudit:
			limit := c.Limit
			if limit == 0 {
				limit = 20
			}
			a, err := tx.Audit(ctx, AuditQuery{OrderID: c.OrderID, Limit: limit})
			res.Audit = a
			return err
		case Help:
			h := HelpFor(c.Topic)
			res.Help = &h
		case ListInbox, ShowConversation:
			return e.readConversation(ctx, tx, c, res)
		default:
			return Errorf(Internal, "command %s has no reader", req.Command.Name())
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// OrderQueryFor turns a list name into a store query.
func (e *Engine) OrderQueryFor(f ListFilter, now time.Time) OrderQuery {
	open := []Status{Unshipped, PartiallyShipped}
	today := e.policy.Day(now)
	switch f {
	case ListPending:
		return OrderQuery{Statuses: []Status{Pending}}
	case ListUnshipped:
		return OrderQuery{Statuses: open, Sort: ShipByFirst}
	case ListLate:
		// Late by calendar day, as the marketplace counts it.
		return OrderQuery{Statuses: open, Fulfillment: Merchant, ShipByBefore: today.UTC(), Sort: ShipByFirst}
	case ListDue:
		return OrderQuery{Statuses: open, Fulfillment: Merchant, ShipByAfter: today.UTC(), ShipByBefore: now.Add(24 * time.Hour), Sort: ShipByFirst}
	case ListShipped:
		return OrderQuery{Statuses: []Status{Shipped, Delivered}}
	case ListCanceled:
		return OrderQuery{Statuses: []Status{Canceled}}
	}
	return OrderQuery{}
}

func (e *Engine) listOrders(ctx context.Context, tx Tx, c ListOrders, res *Result) error {
	// Parse checked the cursor; a command built by an adapter is checked here.
	cur, back, err := c.start()
	if err != nil {
		return err
	}
	q := e.OrderQueryFor(c.Filter, e.now())
	limit := c.Limit
	if limit == 0 {
		limit = 20
	}
	q.Limit, q.Backward = limit+1, back
	if !cur.IsZero() {
		q.Seek = &cur.Key
	}
	orders, err := tx.Orders(ctx, q)
	if err != nil {
		return err
	}
	more := len(orders) > limit // beyond the page, in the direction read
	if more {
		orders = orders[:limit]
	}
	if back {
		slices.Reverse(orders) // read nearest first
	}
	p := &Page{Limit: limit}
	if n := len(orders); n > 0 {
		at := func(i int) Cursor { return Cursor{List: c.Filter, Key: KeyOf(&orders[i], q.Sort)} }
		// A page read back from a cursor has that cursor's order after it;
		// one read forward from a cursor has the page it came from before it.
		if more || back {
			p.Next = at(n - 1)
		}
		if (back && more) || (!back && !cur.IsZero()) {
			p.Prev = at(0)
		}
	}
	p.More = !p.Next.IsZero()
	res.Orders, res.Page = orders, p
	switch {
	case len(orders) > 0:
	case cur.IsZero():
		res.Message = "No orders in this list."
	default:
		res.Message = fmt.Sprintf("No more orders in this list past that point. To see it from the start: %s", listName(c.Filter))
	}
	return nil
}

// change is an order write in progress: the order as it was, as it will be,
// what the preview says about it, and what goes to the outbox.
type change struct {
	before, after *Order
	changes       []string
	events        []Event
}

func (e *Engine) write(ctx context.Context, tx Tx, req Request) (*Result, error) {
	now := e.now()
	a := req.Actor
	res := &Result{Command: req.Command.String(), DryRun: req.DryRun}
	switch c := req.Command.(type) {
	case AdjustStock:
		return e.adjustStock(ctx, tx, req, c, res, now)
	case SendReply, MarkNoReply:
		return res, e.writeConversation(ctx, tx, req, res)
	}
	orderID, ret, err := e.target(ctx, tx, req.Command)
	if err != nil {
		return nil, err
	}
	o, err := tx.Order(ctx, orderID)
	if err != nil {
		return nil, err
	}
	before := o.Clone()
	ch := &change{before: before, after: o}
	var r *Return
	if ret != "" {
		if r = o.Return(ret); r == nil {
			return nil, FieldErrorf(NotFound, "return_id", "No return %s — check the return id.", ret)
		}
	}
	switch c := req.Command.(type) {
	case ShipOrder:
		s, corrected, err := e.ship(o, c, now, a.Name)
		if err != nil {
			return nil, err
		}
		events, amazon := e.queueAmazon(o, s, corrected)
		ch.events = append(ch.events, events...)
		// The audit log keeps the number as validated, not as typed.
		c.Tracking = s.Tracking
		req.Command, res.Command = c, c.String()
		what := DescribeItems(LineItems(s.Lines))
		carrier := s.CarrierText()
		ch.changes = append(ch.changes, fmt.Sprintf("Order %s: %s → %s.", o.ID, statusWord(before.Status), statusWord(o.Status)),
			fmt.Sprintf("Ship %s with %s, tracking %s, ship date %s.", what, carrier, s.Tracking, e.policy.Day(s.ShipDate).Format(time.DateOnly)))
		ch.changes = append(ch.changes, amazon...)
		if s.Late {
			ch.changes = append(ch.changes, fmt.Sprintf("This shipment is late: ship-by was %s.", e.policy.Day(o.ShipBy).Format(time.DateOnly)))
		}
		res.Message = fmt.Sprintf("Order %s %s: %s with %s %s.", o.ID, statusWord(o.Status), what, carrier, s.Tracking)
		if s.Amazon == AmazonWaiting {
			res.Message += " Waiting for Amazon to confirm it."
		}
	case CancelOrder:
		if err := e.policy.Cancel(o, c.Reason, now); err != nil {
			return nil, err
		}
		ch.changes = append(ch.changes, fmt.Sprintf("Order %s: %s → cancelled (%s).", o.ID, statusWord(before.Status), c.Reason))
		if held, _ := unitsBySKU(before); len(held) > 0 {
			var parts []ItemQty
			for _, sku := range skusOf(before) {
				if held[sku] > 0 {
					parts = append(parts, ItemQty{SKU: sku, Quantity: held[sku]})
				}
			}
			ch.changes = append(ch.changes, "Restock "+DescribeItems(parts)+".")
		}
		if c.Reason == BuyerCanceled {
			ch.changes = append(ch.changes, "buyer_canceled does not count against the pre-fulfilment cancel rate.")
		}
		ch.events = append(ch.events, e.queueAmazonCancel(before, o, now)...)
		res.Message = fmt.Sprintf("Order %s cancelled (%s).", o.ID, c.Reason)
	case MarkDelivered:
		if err := e.policy.Deliver(o, c.Date, now); err != nil {
			return nil, err
		}
		ch.changes = append(ch.changes, fmt.Sprintf("Order %s: shipped → delivered on %s; returns possible until %s.", o.ID, e.policy.Day(*o.DeliveredAt).Format(time.DateOnly), e.policy.LastReturnDay(o).Format(time.DateOnly)))
		res.Message = fmt.Sprintf("Order %s delivered.", o.ID)
	case RequestReturn:
		r, err := e.policy.RequestReturn(o, c, now, e.ids.NewID("R"))
		if err != nil {
			return nil, err
		}
		ch.changes = append(ch.changes, fmt.Sprintf("Return %s of %s on order %s, reason: %s.", r.ID, DescribeItems(r.Items), o.ID, r.Reason))
		res.Return = r
		res.Message = fmt.Sprintf("Return %s requested for order %s. Approve or reject it next.", r.ID, o.ID)
	case ApproveReturn:
		if err := e.policy.ApproveReturn(r, now); err != nil {
			return nil, err
		}
		ch.changes = append(ch.changes, fmt.Sprintf("Return %s (%s): requested → approved.", r.ID, DescribeItems(r.Items)))
		res.Return, res.Message = r, fmt.Sprintf("Return %s approved. Record it with received %s when the units arrive.", r.ID, r.ID)
	case RejectReturn:
		if err := e.policy.RejectReturn(r, c.Reason, now); err != nil {
			return nil, err
		}
		ch.changes = append(ch.changes, fmt.Sprintf("Return %s: requested → rejected: %s.", r.ID, r.RejectReason))
		res.Return, res.Message = r, fmt.Sprintf("Return %s rejected.", r.ID)
	case ReceiveReturn:
		if err := e.policy.ReceiveReturn(r, now); err != nil {
			return nil, err
		}
		due := r.RefundBy.In(e.policy.loc()).Format("Mon 2 Jan 2006")
		ch.changes = append(ch.changes, fmt.Sprintf("Return %s: approved → received; refund due by %s.", r.ID, due))
		res.Return, res.Message = r, fmt.Sprintf("Return %s received. Refund it by %s: refund %s full <reason>.", r.ID, due, r.ID)
	case IssueRefund:
		limit, err := ParseAmount(e.policy.OwnerRefundAbove, o.Currency)
		if err != nil {
			return nil, Errorf(Internal, "refunds.owner_above %q is not an amount", e.policy.OwnerRefundAbove)
		}
		ref, err := e.policy.Refund(o, r, c, a.Role, limit, now, e.ids.NewID("F"), a.Name)
		if err != nil {
			return nil, err
		}
		what := "order " + o.ID
		if r != nil {
			what = fmt.Sprintf("return %s on order %s", r.ID, o.ID)
		}
		ch.changes = append(ch.changes, fmt.Sprintf("Refund %s for %s (paid %s, refunded before %s).", FormatAmount(ref.Amount, o.Currency), what, FormatAmount(o.Paid(), o.Currency), FormatAmount(before.Refunded(), o.Currency)))
		res.Refund, res.Message = ref, fmt.Sprintf("Refunded %s for %s.", FormatAmount(ref.Amount, o.Currency), what)
	case RequestReview:
		if err := e.requestReview(o, ch, a.Name, now); err != nil {
			return nil, err
		}
		res.Message = fmt.Sprintf("Review requested for order %s: Amazon will send the buyer its request for a review and seller feedback.", o.ID)
	default:
		return nil, Errorf(Internal, "command %s has no writer", req.Command.Name())
	}
	if err := e.commit(ctx, tx, req, []*change{ch}, res, now); err != nil {
		return nil, err
	}
	res.Order, res.Actions = o, e.actions(o, a.Role, now)
	return res, nil
}

// target finds the order (and return) a command is about. Return ids are
// looked up first for refund, whose target may be either.
func (e *Engine) target(ctx context.Context, tx Tx, c Command) (orderID, returnID string, err error) {
	var ret string
	switch c := c.(type) {
	case ShipOrder:
		return c.OrderID, "", nil
	case CancelOrder:
		return c.OrderID, "", nil
	case MarkDelivered:
		return c.OrderID, "", nil
	case RequestReturn:
		return c.OrderID, "", nil
	case RequestReview:
		return c.OrderID, "", nil
	case ApproveReturn:
		ret = c.ReturnID
	case RejectReturn:
		ret = c.ReturnID
	case ReceiveReturn:
		ret = c.ReturnID
	case IssueRefund:
		if !strings.HasPrefix(strings.ToUpper(c.Target), "R-") {
			return c.Target, "", nil
		}
		ret = strings.ToUpper(c.Target)
	default:
		return "", "", Errorf(Internal, "command %s has no target", c.Name())
	}
	id, err := tx.ReturnOrderID(ctx, ret)
	return id, ret, err
}

// commit saves changed orders with their stock movement, the audit entry and
// the outbox messages — or, for a dry run, only builds the preview.
func (e *Engine) commit(ctx context.Context, tx Tx, req Request, changes []*change, res *Result, now time.Time) error {
	changedStock, events, err := stockMoves(ctx, tx, changes)
	if err != nil {
		return err
	}
	p := &Preview{Command: req.Command.String()}
	for _, ch := range changes {
		p.Changes = append(p.Changes, ch.changes...)
		events = append(events, ch.events...)
	}
	for _, ev := range events {
		p.Changes = append(p.Changes, ev.Text)
	}
	res.Preview = p
	if req.DryRun {
		// Health effects need aggregate counts over weeks of orders: worth it
		// for the preview a person reads before deciding, not on every write.
		w := e.policy.windows(now)
		counts, err := e.healthCounts(ctx, tx, now)
		if err != nil {
			return err
		}
		after := counts
		for _, ch := range changes {
			after = e.policy.countsAfter(after, w, ch.before, ch.after)
		}
		p.Health = e.policy.effects(counts, after, now)
		return nil
	}
	for _, ch := range changes {
		ch.after.UpdatedAt = now
	}
	if err := persist(ctx, tx, changes, changedStock, events, now); err != nil {
		return err
	}
	res.Events = events
	orderID := ""
	if len(changes) == 1 {
		orderID = changes[0].after.ID
	}
	return tx.AddAudit(ctx, auditOf(req.Actor, now, req.Command.String(), orderID, ""))
}

// stockMoves works out how changes move tracked stock and the alerts that
// raises. Only SKUs whose units move are read.
func stockMoves(ctx context.Context, tx Tx, changes []*change) ([]Stock, []Event, error) {
	deltas := map[string]stockDelta{}
	for _, ch := range changes {
		for sku, d := range stockChanges(ch.before, ch.after) {
			x := deltas[sku]
			deltas[sku] = stockDelta{reserved: x.reserved + d.reserved, available: x.available + d.available}
		}
	}
	if len(deltas) == 0 {
		return nil, nil, nil
	}
	stocks, err := tx.Stocks(ctx, slices.Sorted(maps.Keys(deltas)))
	if err != nil {
		return nil, nil, err
	}
	changed, events := applyStock(stocks, deltas)
	return changed, events, nil
}

// persist writes changed orders, stock and outbox messages in tx.
func persist(ctx context.Context, tx Tx, changes []*change, stock []Stock, events []Event, now time.Time) error {
	if len(changes) > 0 {
		orders := make([]*Order, len(changes))
		for i, ch := range changes {
			orders[i] = ch.after
		}
		if err := tx.SaveOrders(ctx, orders); err != nil {
			return err
		}
	}
	if len(stock) > 0 {
		if err := tx.SaveStocks(ctx, stock); err != nil {
			return err
		}
	}
	for i := range events {
		events[i].At = now
		if err := tx.Enqueue(ctx, events[i]); err != nil {
			return err
		}
	}
	return nil
}

// auditOf is the audit entry for an actor's command.
func auditOf(a Actor, at time.Time, command, orderID, detail string) AuditEntry {
	return AuditEntry{At: at, ActorID: a.ID, Actor: a.Name, Role: a.Role, Source: a.Source, Command: command, OrderID: orderID, Detail: detail}
}

func (e *Engine) adjustStock(ctx context.Context, tx Tx, req Request, c AdjustStock, res *Result, now time.Time) (*Result, error) {
	st, err := tx.Stocks(ctx, []string{c.SKU})
	if err != nil {
		return nil, err
	}
	before, tracked := st[c.SKU]
	if !tracked && c.Op != StockSet {
		return nil, FieldErrorf(NotFound, "sku", "SKU %s is not tracked yet. Start tracking it with: stock %s set <units>", c.SKU, quoteWord(c.SKU))
	}
	if !tracked {
		before = Stock{SKU: c.SKU, Threshold: e.policy.LowStockThreshold}
	}
	s := before
	switch c.Op {
	case StockSet:
		s.Available = c.N
	case StockAdd:
		s.Available += c.N
	case StockRemove:
		if c.N > s.Available {
			return nil, FieldErrorf(Invalid, "quantity", "Only %d unit(s) of %s are available; can't remove %d.", max(s.Available, 0), c.SKU, c.N)
		}
		s.Available -= c.N
	case StockThreshold:
		s.Threshold = c.N
	}
	events := stockEvents(before, s)
	p := &Preview{Command: c.String(), Changes: []string{fmt.Sprintf("%s: available %d → %d, low-stock threshold %d → %d.", c.SKU, before.Available, s.Available, before.Threshold, s.Threshold)}}
	if !tracked {
		p.Changes[0] = fmt.Sprintf("Start tracking %s with %d available (low-stock threshold %d).", c.SKU, s.Available, s.Threshold)
	}
	for _, ev := range events {
		p.Changes = append(p.Changes, ev.Text)
	}
	res.Preview, res.Stock = p, []Stock{s}
	res.Message = fmt.Sprintf("%s: %d available, %d reserved, low-stock threshold %d.", s.SKU, s.Available, s.Reserved, s.Threshold)
	if req.DryRun {
		return res, nil
	}
	if err := persist(ctx, tx, nil, []Stock{s}, events, now); err != nil {
		return nil, err
	}
	res.Events = events
	return res, tx.AddAudit(ctx, auditOf(req.Actor, now, c.String(), "", res.Message))
}

func statusWord(s Status) string {
	if s == Canceled {
		return "cancelled"
	}
	return strings.ReplaceAll(string(s), "_", " ")
}

// LineItems lists a shipment's lines as quantities per SKU.
func LineItems(lines []ShipmentLine) []ItemQty {
	items := make([]ItemQty, len(lines))
	for i, l := range lines {
		items[i] = ItemQty{SKU: l.SKU, Quantity: l.Quantity}
	}
	return items
}

// Shipments lists shipments with a ship date in [since, until), for the
// marketplace's shipping confirmation upload.
func (e *Engine) Shipments(ctx context.Context, a Actor, since, until time.Time) ([]OrderShipment, error) {
	if err := authorize(a, "export", false); err != nil {
		return nil, err
	}
	if !until.After(since) {
		return nil, FieldErrorf(Invalid, "until", "The end of the range (%s) must be after its start (%s).", until.Format(time.DateOnly), since.Format(time.DateOnly))
	}
	var out []OrderShipment
	err := e.store.View(ctx, func(tx Tx) error {
		var err error
		out, err = tx.Shipments(ctx, ShipmentQuery{Since: since, Until: until})
		return err
	})
	return out, err
}

// Ping checks that the store answers, for health checks.
func (e *Engine) Ping(ctx context.Context) error {
	return e.store.View(ctx, func(tx Tx) error {
		_, err := tx.Stocks(ctx, []string{"-"})
		return err
	})
}

// healthCounts gathers the numbers behind account health.
func (e *Engine) healthCounts(ctx context.Context, tx Tx, now time.Time) (HealthCounts, error) {
	c, err := tx.HealthCounts(ctx, e.policy.windows(now))
	if err != nil {
		return c, err
	}
	c.Responses, err = tx.ResponseCounts(ctx, now.AddDate(0, 0, -e.policy.ResponseDays), now)
	return c, err
}

// optimisticWriter is a store that can run an Update without holding a
// transaction open (sqlstore's UpdateOptimistic on PostgreSQL): fn's reads
// each see committed data and lock nothing, and its writes, when they are
// one conversation save (checked by Version) and outbox messages, reach the
// database as one statement that commits them together. A save that lost
// a race, or any other write, makes it run fn again in an ordinary Update,
// so the outcome is always one an Update could have had. It saves BEGIN,
// COMMIT and a statement: round trips that are most of a buyer message's
// latency.
type optimisticWriter interface {
	UpdateOptimistic(ctx context.Context, fn func(Tx) error) error
}

// update runs fn in a store transaction and, after it commits, hands the
// outbox messages it wrote to Notify.
func (e *Engine) update(ctx context.Context, fn func(Tx) error) error {
	return e.updateWith(ctx, e.store.Update, fn)
}

// updateOptimistic is update through the store's UpdateOptimistic when it
// has one. fn must be correct without locks: every read it acts on must
// be checked by the Version of what it saves.
func (e *Engine) updateOptimistic(ctx context.Context, fn func(Tx) error) error {
	if o, ok := e.store.(optimisticWriter); ok {
		return e.updateWith(ctx, o.UpdateOptimistic, fn)
	}
	return e.update(ctx, fn)
}

func (e *Engine) updateWith(ctx context.Context, update func(context.Context, func(Tx) error) error, fn func(Tx) error) error {
	if e.notify == nil {
		return update(ctx, fn)
	}
	var events []Event
	err := update(ctx, func(tx Tx) error {
		events = events[:0] // a store may retry fn
		return fn(recordingTx{Tx: tx, events: &events})
	})
	if err == nil {
		for _, ev := range events {
			e.notify(ev)
		}
	}
	return err
}

// recordingTx remembers what a transaction puts in the outbox.
type recordingTx struct {
	Tx
	events *[]Event
}

func (t recordingTx) Enqueue(ctx context.Context, ev Event) error {
	if err := t.Tx.Enqueue(ctx, ev); err != nil {
		return err
	}
	*t.events = append(*t.events, ev)
	return nil
}
