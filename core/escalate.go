package core

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Amazon counts every hour of the 24-hour window, nights, weekends and
// holidays included. A reminder nobody reads is no reminder, so with a
// schedule (Policy.Schedule) the sweep plans each wait's notices around
// who works:
//
//   - a deadline that falls when nobody works is brought forward to the
//     end of the last working stretch before it, and the reminder points
//     count back from there, moved into working hours (unless a later
//     point is in them already): staff are told "answer before you leave
//     today" while they are still there;
//   - a reminder point that falls when nobody works goes to whoever is on
//     call, as a direct message;
//   - at the breach, the channel is told as before and every owner gets a
//     direct message.
//
// The plan is a pure function of the deadline and the policy, and
// Conversation.RemindersSent counts the steps done, so each notice is
// enqueued once, in the transaction that records it, whichever replica
// sweeps and however often. Without a schedule the plan is the reminder
// points before the deadline, as before.

// stepKind is who a planned notice goes to.
type stepKind int

const (
	stepRemind stepKind = iota // the support channel
	stepOnCall                 // the on-call people's direct messages
)

// escalationStep is one planned notice of a wait.
type escalationStep struct {
	At   time.Time
	Kind stepKind
	// By is when staff should have answered: the deadline, or the end of
	// the last working stretch before it when the deadline falls when
	// nobody works.
	By time.Time
}

// AnswerBy is when staff should answer a buyer whose deadline is
// deadline: the deadline itself, or, when nobody works then, the end of
// the last working stretch before it (if there is one after the buyer
// wrote). ahead reports the second case.
func (p Policy) AnswerBy(deadline time.Time) (by time.Time, ahead bool) {
	by, _ = p.answerBy(deadline)
	return by, by.Before(deadline)
}

// answerBy is AnswerBy, also saying whether anyone works at all between
// the buyer's message and by (a deadline at the very end of a working
// day is staffed and not brought forward).
func (p Policy) answerBy(deadline time.Time) (by time.Time, staffed bool) {
	s := p.Schedule
	if s == nil {
		return deadline, true
	}
	last, ok := s.LastWorking(deadline)
	if !ok || !last.After(deadline.Add(-ResponseWindow)) {
		return deadline, false // nobody works in the whole window: on call
	}
	return last, true
}

// escalationPlan lists the notices of a wait with this deadline, in time
// order.
func (p Policy) escalationPlan(deadline time.Time) []escalationStep {
	s := p.Schedule
	var steps []escalationStep
	add := func(at time.Time, k stepKind, by time.Time) {
		for _, st := range steps {
			if st.At.Equal(at) && st.Kind == k {
				return
			}
		}
		steps = append(steps, escalationStep{At: at, Kind: k, By: by})
	}
	if s == nil {
		for _, pt := range p.ReminderPoints {
			add(deadline.Add(-pt), stepRemind, deadline)
		}
		return steps
	}
	start := deadline.Add(-ResponseWindow)
	by, staffed := p.answerBy(deadline)
	if staffed {
		// Each point counts back from by. One that falls when nobody works
		// (or before the buyer wrote) moves to when staff are next there,
		// but only when no later point falls in working hours: a
		// 09:00 "12 hours left" is noise when 14:00 brings "4 hours left".
		type cand struct {
			at    time.Time
			moved bool
		}
		var cands []cand
		for _, pt := range p.ReminderPoints {
			t := by.Add(-pt)
			moved := false
			if t.Before(start) {
				t, moved = start, true
			}
			if !s.Working(t) {
				if n, ok := s.NextWorking(t); ok && n.Before(by) {
					t = n
				}
				moved = true
			}
			cands = append(cands, cand{t, moved})
		}
		for i, c := range cands {
			later := false
			for _, l := range cands[i+1:] {
				later = later || !l.moved && l.at.After(c.at)
			}
			if !c.moved || !later {
				add(c.at, stepRemind, by)
			}
		}
	}
	for _, pt := range p.ReminderPoints {
		u := deadline.Add(-pt)
		if !s.Working(u) {
			switch {
			case len(s.OnCallAt(u)) > 0:
				add(u, stepOnCall, deadline)
			case !staffed: // nobody to tell directly: the channel, as before
				add(u, stepRemind, deadline)
			}
		}
	}
	slices.SortStableFunc(steps, func(a, b escalationStep) int { return a.At.Compare(b.At) })
	return steps
}

// nextStepAt is when the sweep next has something to do for a waiting
// conversation: its next planned notice, or its breach.
func (p Policy) nextStepAt(c *Conversation) (time.Time, bool) {
	if c.Deadline == nil || c.Breached {
		return time.Time{}, false
	}
	steps := p.escalationPlan(*c.Deadline)
	if c.RemindersSent < len(steps) {
		return steps[c.RemindersSent].At, true
	}
	return *c.Deadline, true
}

// escalate records and enqueues what is due for c at now (c is locked by
// the caller); it reports what it did.
func (e *Engine) escalate(ctx context.Context, tx Tx, c *Conversation, now time.Time) (reminded, breached bool, err error) {
	if c.Deadline == nil {
		return false, false, nil
	}
	p := e.policy
	steps := p.escalationPlan(*c.Deadline)
	due := 0
	for _, st := range steps {
		if !st.At.After(now) {
			due++
		}
	}
	var evs []Event
	switch {
	case !now.Before(*c.Deadline) && !c.Breached:
		c.Breached, c.RemindersSent = true, len(steps)
		breached = true
		evs = append(evs, Event{Kind: EventBreach, Text: fmt.Sprintf("%s is past its 24-hour deadline (%s): the buyer still has no answer.", c.ID, p.stamp(*c.Deadline))})
		if p.Schedule != nil {
			for _, owner := range p.Schedule.Owners {
				evs = append(evs, Event{Kind: EventDirect, To: owner, Text: fmt.Sprintf("Breach: %s is past its 24-hour deadline (%s) and the buyer still has no answer. You are an owner: please see that someone answers now (show %s).", c.ID, p.stamp(*c.Deadline), c.ID)})
			}
		}
	case now.Before(*c.Deadline) && due > c.RemindersSent:
		c.RemindersSent = due
		reminded = true
		st := steps[due-1] // missed steps (a sweep that did not run) collapse into the latest
		switch st.Kind {
		case stepRemind:
			evs = append(evs, Event{Kind: EventReminder, Text: p.reminderText(c, st, now)})
		case stepOnCall:
			for _, oc := range p.Schedule.OnCallAt(st.At) {
				evs = append(evs, Event{Kind: EventDirect, To: oc.Identity, Text: fmt.Sprintf("You are on call and nobody else is working: a buyer in %s has waited since %s. Answer by %s (%s left): show %s.",
					c.ID, p.stamp(c.Deadline.Add(-ResponseWindow)), p.stamp(*c.Deadline), strings.TrimPrefix(Until(*c.Deadline, now), "in "), c.ID)})
			}
		}
	default:
		return false, false, nil
	}
	c.UpdatedAt = now
	if err := tx.SaveConversation(ctx, c); err != nil {
		return false, false, err
	}
	for _, ev := range evs {
		ev.ConversationID, ev.Channel, ev.OrderID, ev.At = c.ID, c.Channel, c.OrderID, now
		if err := tx.Enqueue(ctx, ev); err != nil {
			return false, false, err
		}
	}
	return reminded, breached, nil
}

// reminderText is a reminder in the support channel. One brought forward
// says to answer before leaving, with the real deadline.
func (p Policy) reminderText(c *Conversation, st escalationStep, now time.Time) string {
	if st.By.Before(*c.Deadline) {
		draft := ""
		if c.Draft != nil && c.Draft.ForMessage == c.LastBuyerMessage() && c.Draft.Text != "" {
			draft = fmt.Sprintf(" A draft is ready: reply %s sends it.", c.ID)
		}
		day := "today"
		if p.Day(st.By) != p.Day(now) {
			day = st.By.In(p.loc()).Format("Monday")
		}
		return fmt.Sprintf("%s: answer before you leave %s (%s): due %s, when nobody is working.%s",
			c.ID, day, st.By.In(p.loc()).Format("15:04"), p.stamp(*c.Deadline), draft)
	}
	return fmt.Sprintf("%s: %s left to answer the buyer (deadline %s).", c.ID, strings.TrimPrefix(Until(*c.Deadline, now), "in "), p.stamp(*c.Deadline))
}

// sweepHorizon is how far ahead of now the sweep looks at deadlines: a
// brought-forward reminder may be due a whole window before its deadline.
func (p Policy) sweepHorizon() time.Duration {
	if p.Schedule != nil {
		return ResponseWindow
	}
	if len(p.ReminderPoints) == 0 {
		return 0
	}
	return p.ReminderPoints[0]
}

// answerByText says when to answer in a staff notice: the deadline, or
// the end of working hours before it with the deadline after.
func (p Policy) answerByText(deadline time.Time) string {
	by, ahead := p.AnswerBy(deadline)
	if !ahead {
		return p.stamp(deadline)
	}
	return fmt.Sprintf("%s, before staff leave (due %s, when nobody is working)", p.stamp(by), p.stamp(deadline))
}

// dueSoon keeps the conversations staff should answer within the first
// reminder point: by their deadline, or by the end of working hours
// before it when it falls when nobody works (so Friday's inbox lists
// what is due on Saturday morning).
func (p Policy) dueSoon(list []Conversation, now time.Time) []Conversation {
	first := 12 * time.Hour
	if len(p.ReminderPoints) > 0 {
		first = p.ReminderPoints[0]
	}
	var out []Conversation
	for _, c := range list {
		if c.Deadline == nil {
			continue
		}
		if by, _ := p.AnswerBy(*c.Deadline); by.Before(now.Add(first)) {
			out = append(out, c)
		}
	}
	return out
}
