// Package sim runs the real engine over a simulated month of buyer
// messages on an embedded store with an injected clock, staff answering to
// their schedule, and measures how well the 24-hour promise holds. It is
// behind `bot simulate month`.
//
// The model, stated so its figures can be judged:
//
//   - Buyers write in daily waves on their own clock (quiet at night, a
//     peak in the evening) from several time zones; 10% more on weekends;
//     an eighth of buyers write again two hours later. Orders arrive in the
//     same waves and messages are about recent orders.
//   - 12% of messages need no response (a "thank you"): staff mark them
//     so. Of the rest, 30% of drafts are edited before sending.
//   - While working, staff take a message up after a delay drawn from a
//     log-normal distribution (median 40 minutes of working time, capped at
//     six working hours); a reminder they see (one posted while they work)
//     brings it down to 5–30 minutes.
//   - The on-call person acts only on direct messages: within 10–60
//     minutes, or from 07:00 when the message comes at night (23:00–07:00),
//     and then answers every buyer still waiting; one direct message in
//     ten goes unseen. An owner messaged at a breach acts the same way.
//   - Nobody reads the channel outside working hours.
package sim

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/sellerdesk/sellerdesk/adapters/sqlstore"
	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/drafter"
)

// Config is one simulated month.
type Config struct {
	// Policy is the shop's policy; its Schedule is who works, and with
	// Escalate the engine escalates by it.
	Policy   core.Policy
	Escalate bool
	// Owners are the owners' chat identities (roles.owners).
	Owners []string
	Start  time.Time // default: 1 Nov 2026 00:00 in the shop's zone
	Days   int       // default 30
	// MessagesPerDay is the average number of buyer messages a day
	// (default 40); orders are five times as many.
	MessagesPerDay float64
	Seed           uint64
	// Tick is how often the sweep runs and staff look (default 5 minutes).
	Tick time.Duration
	// Shop names the shop in drafts.
	Shop string
}

// Message is one buyer message of the month and what became of it.
type Message struct {
	At         time.Time
	Deadline   time.Time
	AnsweredAt *time.Time
	NoReply    bool
}

// Response is how long the buyer waited; ok false when never answered.
func (m Message) Response() (time.Duration, bool) {
	if m.AnsweredAt == nil {
		return 0, false
	}
	return m.AnsweredAt.Sub(m.At), true
}

// InTime reports whether the message was answered within 24 hours.
func (m Message) InTime() bool {
	d, ok := m.Response()
	return ok && d <= core.ResponseWindow
}

// Noise is what one person was told over the month.
type Noise struct {
	Name      string
	Identity  string
	Reminders int // channel reminders posted while they worked
	Direct    int // direct messages (on call, breaches)
	Days      int // days they worked or were on call
}

// Result is the month.
type Result struct {
	Start, End time.Time
	Location   *time.Location
	Escalate   bool
	Orders     int
	Messages   []Message
	Noise      []Noise
	// Reminders and Direct count the outbox messages of each kind.
	Reminders, Direct, BreachAlerts int
	Elapsed                         time.Duration
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

type seqIDs struct{ n int }

func (s *seqIDs) NewID(prefix string) string { s.n++; return fmt.Sprintf("%s-%d", prefix, s.n) }

// arrival is a buyer message to come.
type arrival struct {
	at    time.Time
	buyer string
	order string
	text  string
	thank bool // needs no response
}

// waiting is a conversation staff have yet to answer, as the simulation
// sees it.
type waiting struct {
	id       string
	workLeft time.Duration // working time until an agent answers
	directAt time.Time     // when the person messaged directly answers (zero: not messaged)
	director string        // who that is
	noReply  bool
	edit     bool
}

// person is a member of staff in the simulation.
type person struct {
	core.Actor
	noise *Noise
}

// Run simulates the month.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	began := time.Now()
	p := cfg.Policy.OrDefault()
	loc := p.Location
	staff := p.Schedule
	if !cfg.Escalate {
		p.Schedule = nil // today's reminders, to whoever is there
	} else if staff != nil {
		s := *staff
		s.Owners = cfg.Owners
		p.Schedule = &s
	}
	cfg.Start = cmp.Or(cfg.Start, time.Date(2026, 11, 1, 0, 0, 0, 0, loc))
	cfg.Days = cmp.Or(cfg.Days, 30)
	cfg.MessagesPerDay = cmp.Or(cfg.MessagesPerDay, 40)
	cfg.Tick = cmp.Or(cfg.Tick, 5*time.Minute)
	cfg.Shop = cmp.Or(cfg.Shop, "Our shop")
	rng := rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x5eed))

	store, err := sqlstore.Open(ctx, "sqlite::memory:")
	if err != nil {
		return nil, err
	}
	defer store.Close()
	clk := &clock{t: cfg.Start}
	var mu sync.Mutex
	var events []core.Event
	eng := core.NewEngine(store, core.Options{Clock: clk, IDs: &seqIDs{}, Policy: &p,
		Drafter: drafter.Offline{D: drafter.New(drafter.Shop{Name: cfg.Shop, Policy: p})},
		Notify:  func(ev core.Event) { mu.Lock(); events = append(events, ev); mu.Unlock() }})

	end := cfg.Start.AddDate(0, 0, cfg.Days)
	orders, arrivals := generate(rng, cfg, loc, end)
	res := &Result{Start: cfg.Start, End: end, Location: loc, Escalate: cfg.Escalate, Orders: len(orders)}

	// Staff: the schedule's people, or one "staff" reading the channel.
	people := map[string]*person{}
	var order []string
	add := func(name, identity string, role core.Role) *person {
		if pp, ok := people[identity]; ok {
			return pp
		}
		pp := &person{Actor: core.Actor{ID: identity, Name: name, Role: role, Source: "sim"}, noise: &Noise{Name: name, Identity: identity}}
		people[identity], order = pp, append(order, identity)
		return pp
	}
	for _, sp := range staff.People() {
		add(sp.Name, sp.Identity, core.Agent)
	}
	if len(staff.People()) == 0 {
		add("staff", "sim:staff", core.Agent)
	}
	onCallNames := map[string]string{}
	working := func(t time.Time) []*person {
		if !staff.Working(t) {
			return nil
		}
		if len(staff.People()) == 0 {
			return []*person{people["sim:staff"]}
		}
		var out []*person
		for _, w := range staff.WorkingAt(t) {
			out = append(out, people[w.Identity])
		}
		return out
	}
	// Days worked or on call, for the noise per day.
	for d := cfg.Start; d.Before(end); d = d.AddDate(0, 0, 1) {
		seen := map[string]bool{}
		for t := d; t.Before(d.AddDate(0, 0, 1)); t = t.Add(30 * time.Minute) {
			for _, w := range working(t) {
				seen[w.ID] = true
			}
			for _, oc := range staff.OnCallAt(t) {
				onCallNames[oc.Identity] = oc.Name
				add(oc.Name, oc.Identity, core.Owner)
				seen[oc.Identity] = true
			}
		}
		for id := range seen {
			people[id].noise.Days++
		}
	}

	for _, o := range cfg.Owners {
		add(o, o, core.Owner)
	}
	pending := map[string]*waiting{}
	var pendingOrder []string
	importedUpTo := 0
	next := 0
	// Two days after the last message, every wait is answered or over.
	for now := cfg.Start; !now.After(end.Add(48 * time.Hour)); now = now.Add(cfg.Tick) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		// Orders and buyer messages up to now, each at its own time.
		for importedUpTo < len(orders) && !orders[importedUpTo].PurchaseDate.After(now) {
			j := importedUpTo
			for j < len(orders) && !orders[j].PurchaseDate.After(now) {
				j++
			}
			clk.set(now)
			if _, err := eng.Import(ctx, orders[importedUpTo:j]); err != nil {
				return nil, fmt.Errorf("import: %w", err)
			}
			importedUpTo = j
		}
		for next < len(arrivals) && !arrivals[next].at.After(now) {
			a := arrivals[next]
			next++
			clk.set(a.at)
			c, err := eng.BuyerMessage(ctx, core.BuyerMessageIn{Channel: "web", BuyerKey: a.buyer, OrderID: a.order, Text: a.text})
			if err != nil {
				return nil, fmt.Errorf("buyer message: %w", err)
			}
			if w, ok := pending[c.ID]; ok {
				w.noReply = w.noReply && a.thank
				continue
			}
			pending[c.ID] = &waiting{id: c.ID, workLeft: firstLook(rng), noReply: a.thank, edit: rng.Float64() < 0.3}
			pendingOrder = append(pendingOrder, c.ID)
		}
		clk.set(now)
		if _, _, err := eng.SweepConversations(ctx); err != nil {
			return nil, fmt.Errorf("sweep: %w", err)
		}
		on := working(now)
		mu.Lock()
		news := events
		events = nil
		mu.Unlock()
		for _, ev := range news {
			w := pending[ev.ConversationID]
			switch ev.Kind {
			case core.EventReminder:
				res.Reminders++
				for _, pp := range on {
					pp.noise.Reminders++
				}
			case core.EventBreach:
				res.BreachAlerts++
			case core.EventDirect:
				res.Direct++
				pp := people[ev.To]
				if pp == nil {
					pp = add(cmp.Or(onCallNames[ev.To], ev.To), ev.To, core.Owner)
				}
				pp.noise.Direct++
				// One direct message in ten goes unseen (no phone at hand):
				// the next point, or the owners at the breach, must catch it.
				if w != nil && w.directAt.IsZero() && rng.Float64() >= 0.1 {
					w.directAt, w.director = wake(rng, now, loc), ev.To
				}
				continue
			default:
				continue
			}
			if w != nil && len(on) > 0 { // seen by someone at work
				w.workLeft = min(w.workLeft, time.Duration(5+rng.IntN(26))*time.Minute)
			}
		}
		// Staff at work answer what is due; someone messaged directly,
		// once at the desk, answers every buyer still waiting.
		var desk *person
		for _, id := range pendingOrder {
			if w := pending[id]; !w.directAt.IsZero() && !now.Before(w.directAt) {
				desk = people[w.director]
				break
			}
		}
		var still []string
		for _, id := range pendingOrder {
			w := pending[id]
			by := desk
			if len(on) > 0 {
				if w.workLeft -= cfg.Tick; w.workLeft <= 0 {
					by = on[rng.IntN(len(on))]
				}
			}
			if by == nil {
				still = append(still, id)
				continue
			}
			if err := answer(ctx, eng, by.Actor, w); err != nil {
				return nil, err
			}
			delete(pending, id)
		}
		pendingOrder = still
	}
	if err := collect(ctx, store, res); err != nil {
		return nil, err
	}
	for _, id := range order {
		res.Noise = append(res.Noise, *people[id].noise)
	}
	res.Elapsed = time.Since(began)
	return res, nil
}

// firstLook is how much working time passes before staff take a new
// message up: log-normal, median 40 minutes, at most six hours.
func firstLook(rng *rand.Rand) time.Duration {
	m := 40 * math.Exp(0.9*rng.NormFloat64())
	return time.Duration(min(m, 360) * float64(time.Minute))
}

// wake is when someone messaged directly at t answers: 10–60 minutes
// later, or from 07:00 when t is in their night.
func wake(rng *rand.Rand, t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	if h := l.Hour(); h >= 23 || h < 7 {
		day := l
		if h >= 23 {
			day = l.AddDate(0, 0, 1)
		}
		t = time.Date(day.Year(), day.Month(), day.Day(), 7, 0, 0, 0, loc)
	}
	return t.Add(time.Duration(10+rng.IntN(51)) * time.Minute)
}

// answer sends the draft, an edited reply, or marks no response needed.
func answer(ctx context.Context, eng *core.Engine, by core.Actor, w *waiting) error {
	line := "reply " + w.id
	switch {
	case w.noReply:
		line = "noreply " + w.id
	case w.edit:
		line += " Thank you for your message. We have checked your order and will follow up with the details today."
	}
	_, err := eng.RunLine(ctx, by, line, false)
	if core.ErrorCode(err) == core.Conflict && !w.noReply {
		// No current draft (the buyer wrote again): staff write the reply.
		_, err = eng.RunLine(ctx, by, "reply "+w.id+" Thank you for your patience; here is an update on your order.", false)
	}
	if err != nil && core.ErrorCode(err) != core.Conflict {
		return fmt.Errorf("%s: %w", line, err)
	}
	return nil
}

// collect reads every buyer message of the month back from the store.
func collect(ctx context.Context, store core.Store, res *Result) error {
	return store.View(ctx, func(tx core.Tx) error {
		list, err := tx.Conversations(ctx, core.ConversationQuery{})
		if err != nil {
			return err
		}
		for _, item := range list {
			c, err := tx.Conversation(ctx, item.ID)
			if err != nil {
				return err
			}
			for _, m := range c.Messages {
				if m.From == core.FromBuyer {
					res.Messages = append(res.Messages, Message{At: m.At, Deadline: m.At.Add(core.ResponseWindow), AnsweredAt: m.AnsweredAt, NoReply: m.NoReply})
				}
			}
		}
		slices.SortFunc(res.Messages, func(a, b Message) int { return a.At.Compare(b.At) })
		return nil
	})
}
