package enginetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// RunEscalation runs the schedule and escalation scenarios against stores
// made by open: deadlines on a weekend, a holiday and across a
// daylight-saving change, each notice enqueued once however many sweeps
// and replicas run.
func RunEscalation(t *testing.T, open func(t *testing.T) core.Store) {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no tz database:", err)
	}
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, loc) }
	const owner, owner2 = "slack:U0OWNER", "discord:99"
	breach := func(when string) []string {
		return []string{when + " breach", when + " direct " + owner, when + " direct " + owner2}
	}
	cases := []struct {
		name  string
		wrote time.Time
		want  []string // "<local weekday hh:mm> <kind> [to]"
		says  map[string]string
		// noticeSays is in the new buyer message notice.
		noticeSays string
	}{
		{
			// Friday 10:10: due Saturday 10:10, when nobody works. Staff are
			// told during Friday, counting back from 18:00; the on-call
			// owner gets the points that fall after.
			name: "deadline_on_saturday_brought_forward", wrote: at(2026, 11, 20, 10, 10),
			want: append([]string{"Fri 14:00 reminder", "Fri 17:00 reminder",
				"Fri 22:10 direct " + owner, "Sat 06:10 direct " + owner, "Sat 09:10 direct " + owner}, breach("Sat 10:10")...),
			says:       map[string]string{"Fri 17:00 reminder": "answer before you leave today (18:00): due Sat 21 Nov 10:10 EST"},
			noticeSays: "answer by Fri 20 Nov 18:00 EST, before staff leave (due Sat 21 Nov 10:10 EST, when nobody is working)",
		},
		{
			// Due Wednesday 18:00, the very end of the working day: kept,
			// and reminded while staff are there.
			name: "deadline_at_the_end_of_the_day", wrote: at(2026, 11, 17, 18, 0),
			want:       append([]string{"Wed 14:00 reminder", "Wed 17:00 reminder"}, breach("Wed 18:00")...),
			noticeSays: "answer by Wed 18 Nov 18:00 EST.",
		},
		{
			name: "deadline_on_sunday_goes_to_on_call", wrote: at(2026, 11, 21, 15, 0),
			want:       append([]string{"Sun 03:00 direct " + owner, "Sun 11:00 direct " + owner, "Sun 14:00 direct " + owner}, breach("Sun 15:00")...),
			says:       map[string]string{"Sun 03:00 direct " + owner: "You are on call"},
			noticeSays: "answer by Sun 22 Nov 15:00 EST.",
		},
		{
			// Wednesday 16:00 before Thanksgiving (a holiday): due Thursday.
			name: "deadline_on_a_holiday", wrote: at(2026, 11, 25, 16, 0),
			want: append([]string{"Wed 17:00 reminder",
				"Thu 04:00 direct " + owner, "Thu 12:00 direct " + owner, "Thu 15:00 direct " + owner}, breach("Thu 16:00")...),
			says: map[string]string{"Wed 17:00 reminder": "answer before you leave today (18:00): due Thu 26 Nov 16:00 EST"},
		},
		{
			// Saturday 12:00 EDT: 24 hours later the clocks have gone back,
			// so the deadline is Sunday 11:00 EST, and every point counts
			// real hours back from it.
			name: "deadline_across_the_fall_back", wrote: at(2026, 10, 31, 12, 0),
			want: append([]string{"Sun 00:00 direct " + owner, "Sun 07:00 direct " + owner, "Sun 10:00 direct " + owner}, breach("Sun 11:00")...),
		},
		{
			// Sunday 10:00 after the spring change: due Monday 10:00 EDT,
			// in working hours; the night points go to the on-call owner
			// and the channel hears at 09:00 when staff arrive.
			name: "deadline_after_the_spring_forward", wrote: at(2026, 3, 8, 10, 0),
			want: append([]string{"Sun 22:00 direct " + owner, "Mon 06:00 direct " + owner, "Mon 09:00 reminder"}, breach("Mon 10:00")...),
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, replica := scheduleFixture(t, open, loc, []string{owner, owner2, "discord:role:5"}, tc.wrote)
			f.buyerSays("buyer-1", "where is my package?")
			start := len(f.snapshot().Outbox)
			if notice := f.snapshot().Outbox[0]; tc.noticeSays != "" && !strings.Contains(notice.Text, tc.noticeSays) {
				t.Errorf("new message notice %q, want it to say %q", notice.Text, tc.noticeSays)
			}
			ctx := context.Background()
			// Every 5 minutes two replicas sweep at once, then one sweeps
			// again: each notice must still come out once.
			for now := tc.wrote; !now.After(tc.wrote.Add(25 * time.Hour)); now = now.Add(5 * time.Minute) {
				f.Clock.Set(now)
				var wg sync.WaitGroup
				errs := make([]error, 2)
				for i, e := range []*core.Engine{f.Engine, replica} {
					wg.Go(func() { _, _, errs[i] = e.SweepConversations(ctx) })
				}
				wg.Wait()
				_, _, err := f.Engine.SweepConversations(ctx)
				for _, err := range append(errs, err) {
					if err != nil && core.ErrorCode(err) != core.Conflict {
						t.Fatalf("sweep at %v: %v", now, err)
					}
				}
			}
			var got []string
			text := map[string]string{}
			for _, ev := range f.snapshot().Outbox[start:] {
				line := ev.At.In(loc).Format("Mon 15:04") + " " + string(ev.Kind)
				if ev.To != "" {
					line += " " + ev.To
				}
				got = append(got, line)
				text[line] = ev.Text
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("notices:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			for line, want := range tc.says {
				if !strings.Contains(text[line], want) {
					t.Errorf("%s says %q, want it to say %q", line, text[line], want)
				}
			}
		})
	}
	t.Run("no_schedule_is_todays_behaviour", func(t *testing.T) {
		f := newFixture(t, open)
		f.buyerSays("buyer-1", "hello")
		for range 26 * 12 {
			f.Clock.Advance(5 * time.Minute)
			if _, _, err := f.Engine.SweepConversations(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		var got []string
		for _, ev := range f.snapshot().Outbox[1:] {
			got = append(got, fmt.Sprintf("+%v %s", ev.At.Sub(startTime()), ev.Kind))
		}
		want := []string{"+12h0m0s reminder", "+20h0m0s reminder", "+23h0m0s reminder", "+24h0m0s breach"}
		if !slices.Equal(got, want) {
			t.Fatalf("got %v, want %v", got, want)
		}
	})
	t.Run("health_shows_where_breaches_cluster", func(t *testing.T) {
		// Two buyers write on Friday at 10:xx and one on Saturday at 15:00;
		// nobody answers. A week later health names Sat 10:00 first.
		f, _ := scheduleFixture(t, open, loc, nil, at(2026, 11, 20, 10, 10))
		f.buyerSays("buyer-1", "where is my package?")
		f.Clock.Set(at(2026, 11, 20, 10, 40))
		f.buyerSays("buyer-2", "can I change the address?")
		f.Clock.Set(at(2026, 11, 21, 15, 0))
		c := f.buyerSays("buyer-3", "hello?")
		f.Clock.Set(at(2026, 11, 21, 16, 0))
		f.MustRun(f.Agent, "reply "+c.ID+" Hello! It ships Monday.") // in time: not a miss
		f.buyerSays("buyer-4", "and mine?")
		f.Clock.Set(at(2026, 11, 27, 12, 0))
		h := f.MustRun(f.Viewer, "health").Health
		var rate core.Metric
		for _, m := range h.Metrics {
			if m.Name == "response_rate" {
				rate = m
			}
		}
		if rate.Denominator != 4 || rate.Numerator != 1 {
			t.Fatalf("response rate %+v, want 1 of 4", rate)
		}
		want := "Missed deadlines cluster at Sat 10:00 (2), Sun 16:00 (1) (America/New_York)."
		if !strings.Contains(rate.String(), want) || len(h.BreachHours) != 2 {
			t.Fatalf("health line %q (%+v), want it to say %q", rate.String(), h.BreachHours, want)
		}
	})
	t.Run("nobody_on_call_falls_back_to_the_channel", func(t *testing.T) {
		// Without an on-call rotation, a weekend wait is reminded in the
		// channel at the usual points, as without a schedule.
		f, _ := scheduleFixture(t, open, loc, []string{owner}, at(2026, 11, 21, 15, 0))
		p := f.Engine.Policy()
		h := "09:00-18:00"
		s, err := core.ParseSchedule(core.ScheduleSpec{Hours: core.WeekSpec{Mon: h, Tue: h, Wed: h, Thu: h, Fri: h}}, loc)
		if err != nil {
			t.Fatal(err)
		}
		s.Owners, p.Schedule = []string{owner}, s
		f.Engine = core.NewEngine(f.Store, core.Options{Clock: f.Clock, IDs: &SeqIDs{}, Policy: &p})
		f.buyerSays("buyer-1", "hello?")
		start := len(f.snapshot().Outbox)
		for now := f.Clock.Now(); !now.After(at(2026, 11, 22, 16, 0)); now = now.Add(15 * time.Minute) {
			f.Clock.Set(now)
			if _, _, err := f.Engine.SweepConversations(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		var got []string
		for _, ev := range f.snapshot().Outbox[start:] {
			got = append(got, strings.TrimSpace(ev.At.In(loc).Format("Mon 15:04")+" "+string(ev.Kind)+" "+ev.To))
		}
		want := []string{"Sun 03:00 reminder", "Sun 11:00 reminder", "Sun 14:00 reminder", "Sun 15:00 breach", "Sun 15:00 direct " + owner}
		if !slices.Equal(got, want) {
			t.Fatalf("got %v, want %v", got, want)
		}
	})
	t.Run("inbox_due_by_the_end_of_the_working_day", func(t *testing.T) {
		// Written Friday 10:10, due Saturday 10:10: due today for staff.
		f, _ := scheduleFixture(t, open, loc, nil, at(2026, 11, 20, 10, 10))
		c := f.buyerSays("buyer-1", "where is my package?")
		// Written Monday 10:00, due Tuesday 10:00 when staff work: not yet.
		f.Clock.Set(at(2026, 11, 16, 10, 0))
		f.buyerSays("buyer-2", "hello")
		f.Clock.Set(at(2026, 11, 16, 10, 5))
		if due := f.MustRun(f.Viewer, "inbox due").Conversations; len(due) != 0 {
			t.Fatalf("Monday: due %+v, want none (Friday's is due Friday 18:00)", due)
		}
		f.Clock.Set(at(2026, 11, 20, 10, 15))
		due := f.MustRun(f.Viewer, "inbox due").Conversations
		if !slices.ContainsFunc(due, func(d core.Conversation) bool { return d.ID == c.ID }) {
			t.Fatalf("Friday morning: due %+v, want %s among them", due, c.ID)
		}
	})
	t.Run("answered_in_time_escalates_nothing_more", func(t *testing.T) {
		f, _ := scheduleFixture(t, open, loc, []string{owner}, at(2026, 11, 20, 10, 10))
		c := f.buyerSays("buyer-1", "where is my package?")
		f.Clock.Advance(5 * time.Hour)
		f.MustRun(f.Agent, "reply "+c.ID+" It ships today.")
		n := len(f.snapshot().Outbox)
		for range 30 {
			f.Clock.Advance(time.Hour)
			if _, _, err := f.Engine.SweepConversations(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		if got := f.snapshot().Outbox[n:]; len(got) != 0 {
			t.Fatalf("answered conversation still escalated: %+v", got)
		}
	})
}

// scheduleFixture is a fixture whose engine (and a second one, a replica on
// the same store) works to the example schedule: 9–18 weekdays in
// loc, Thanksgiving off, an owner on call at weekends and holidays.
func scheduleFixture(t *testing.T, open func(t *testing.T) core.Store, loc *time.Location, owners []string, now time.Time) (*Fixture, *core.Engine) {
	t.Helper()
	f := newFixture(t, open)
	f.Clock = NewClock(now)
	h := "09:00-18:00"
	s, err := core.ParseSchedule(core.ScheduleSpec{
		Hours:    core.WeekSpec{Mon: h, Tue: h, Wed: h, Thu: h, Fri: h},
		Holidays: []string{"2026-11-26"},
		OnCall:   []core.OnCallSpec{{Name: "Olu", Identity: "slack:U0OWNER", From: "fri 18:00", To: "mon 09:00", Holidays: true}},
	}, loc)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range owners {
		if core.DirectIdentity(o) {
			s.Owners = append(s.Owners, o)
		}
	}
	p := core.DefaultPolicy()
	p.Location, p.Schedule = loc, s
	f.Engine = core.NewEngine(f.Store, core.Options{Clock: f.Clock, IDs: &SeqIDs{}, Policy: &p})
	replica := core.NewEngine(f.Store, core.Options{Clock: f.Clock, IDs: &SeqIDs{}, Policy: &p})
	return f, replica
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// Enqueue writes events to a store's outbox in one transaction, as the
// engine would: for sink tests that start from an outbox message.
func Enqueue(t testing.TB, s core.Store, evs ...core.Event) {
	t.Helper()
	err := s.Update(context.Background(), func(tx core.Tx) error {
		for _, ev := range evs {
			if err := tx.Enqueue(context.Background(), ev); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
