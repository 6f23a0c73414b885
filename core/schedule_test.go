package core

import (
	"strings"
	"testing"
	"time"
)

func newYork(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no tz database:", err)
	}
	return loc
}

// weekdays9to18 is the example desk: agents 9–18 Monday to Friday, an
// owner on call over the weekend and on holidays.
func weekdays9to18() ScheduleSpec {
	h := "09:00-18:00"
	return ScheduleSpec{
		Hours:    WeekSpec{Mon: h, Tue: h, Wed: h, Thu: h, Fri: h},
		Holidays: []string{"2026-11-26"},
		OnCall:   []OnCallSpec{{Name: "Olu", Identity: "slack:U0OWNER", From: "fri 18:00", To: "mon 09:00", Holidays: true}},
	}
}

func mustSchedule(t *testing.T, spec ScheduleSpec, loc *time.Location) *Schedule {
	t.Helper()
	s, err := ParseSchedule(spec, loc)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestScheduleWorkingAndOnCall(t *testing.T) {
	loc := newYork(t)
	s := mustSchedule(t, weekdays9to18(), loc)
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, loc) }
	tests := []struct {
		name    string
		t       time.Time
		working bool
		onCall  bool
	}{
		{"monday_morning", at(2026, 11, 23, 9, 0), true, false},
		{"monday_before_nine_still_on_call", at(2026, 11, 23, 8, 59), false, true},
		{"friday_at_six_is_off", at(2026, 11, 20, 18, 0), false, true},
		{"saturday_noon", at(2026, 11, 21, 12, 0), false, true},
		{"sunday_night", at(2026, 11, 22, 23, 30), false, true},
		{"thanksgiving_holiday", at(2026, 11, 26, 11, 0), false, true},
		{"tuesday_night_nobody", at(2026, 11, 24, 22, 0), false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := s.Working(tt.t); got != tt.working {
				t.Errorf("Working = %v, want %v", got, tt.working)
			}
			if got := len(s.OnCallAt(tt.t)) > 0; got != tt.onCall {
				t.Errorf("on call = %v, want %v", got, tt.onCall)
			}
		})
	}
	var none *Schedule
	if !none.Working(at(2026, 11, 22, 3, 0)) {
		t.Error("no schedule must mean always working")
	}
}

func TestScheduleNextAndLastWorking(t *testing.T) {
	loc := newYork(t)
	s := mustSchedule(t, weekdays9to18(), loc)
	at := func(m time.Month, d, h, min int) time.Time { return time.Date(2026, m, d, h, min, 0, 0, loc) }
	tests := []struct {
		name       string
		t          time.Time
		next, last time.Time
	}{
		{"inside_hours_is_now", at(11, 24, 10, 0), at(11, 24, 10, 0), at(11, 24, 10, 0)},
		{"friday_evening", at(11, 20, 19, 0), at(11, 23, 9, 0), at(11, 20, 18, 0)},
		{"sunday_deadline", at(11, 22, 10, 12), at(11, 23, 9, 0), at(11, 20, 18, 0)},
		{"holiday_thursday", at(11, 26, 12, 0), at(11, 27, 9, 0), at(11, 25, 18, 0)},
		{"early_morning", at(11, 24, 6, 0), at(11, 24, 9, 0), at(11, 23, 18, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, ok := s.NextWorking(tt.t); !ok || !got.Equal(tt.next) {
				t.Errorf("NextWorking = %v, want %v", got, tt.next)
			}
			if got, ok := s.LastWorking(tt.t); !ok || !got.Equal(tt.last) {
				t.Errorf("LastWorking = %v, want %v", got, tt.last)
			}
		})
	}
}

// Hours are wall-clock: on the days the clocks change, 09:00 and 18:00
// are still 09:00 and 18:00, and a shift over the change keeps its wall
// clock ends.
func TestScheduleDaylightSaving(t *testing.T) {
	loc := newYork(t)
	all := "00:00-24:00"
	spec := ScheduleSpec{Hours: WeekSpec{Mon: "09:00-18:00", Sat: "01:00-04:00", Sun: "01:00-04:00"}}
	s := mustSchedule(t, spec, loc)
	// Spring forward: Sun 8 Mar 2026 02:00 EST → 03:00 EDT. 01:00–04:00 is 2 hours long.
	springStart, _ := s.NextWorking(time.Date(2026, 3, 8, 0, 0, 0, 0, loc))
	springEnd, _ := s.LastWorking(time.Date(2026, 3, 8, 5, 0, 0, 0, loc))
	if got := springEnd.Sub(springStart); got != 2*time.Hour {
		t.Errorf("spring-forward stretch %v..%v lasts %v, want 2h", springStart, springEnd, got)
	}
	if h := springEnd.In(loc).Hour(); h != 4 {
		t.Errorf("spring-forward end at %d:00 wall clock, want 4", h)
	}
	// Fall back: Sun 1 Nov 2026 02:00 EDT → 01:00 EST. 01:00–04:00 is 4 hours long.
	fallStart, _ := s.NextWorking(time.Date(2026, 11, 1, 0, 0, 0, 0, loc))
	fallEnd, _ := s.LastWorking(time.Date(2026, 11, 1, 5, 0, 0, 0, loc))
	if got := fallEnd.Sub(fallStart); got != 4*time.Hour {
		t.Errorf("fall-back stretch lasts %v, want 4h", got)
	}
	// Monday after each change opens at 09:00 local, 13:00 then 14:00 UTC.
	for _, c := range []struct {
		from time.Time
		utc  int
	}{{time.Date(2026, 3, 8, 12, 0, 0, 0, loc), 13}, {time.Date(2026, 11, 1, 12, 0, 0, 0, loc), 14}} {
		n, _ := s.NextWorking(c.from)
		if n.In(loc).Hour() != 9 || n.UTC().Hour() != c.utc {
			t.Errorf("NextWorking(%v) = %v, want 09:00 local = %d:00 UTC", c.from, n, c.utc)
		}
	}
	// A weekly on-call shift "sat 00:00" to "mon 00:00" over the spring change.
	spec.OnCall = []OnCallSpec{{Name: "Olu", Identity: "discord:42", From: "sat 00:00", To: "mon 00:00"}}
	spec.Hours.Tue = all
	s = mustSchedule(t, spec, loc)
	if len(s.OnCallAt(time.Date(2026, 3, 8, 3, 30, 0, 0, loc))) != 1 || len(s.OnCallAt(time.Date(2026, 3, 9, 0, 0, 0, 0, loc))) != 0 {
		t.Error("weekly shift over the spring change")
	}
}

func TestScheduleDatedShiftAndPeople(t *testing.T) {
	spec := weekdays9to18()
	spec.People = []PersonSpec{{Name: "Ana", Identity: "slack:U1", Hours: WeekSpec{Mon: "09:00-13:00"}}, {Name: "Ben", Identity: "discord:7"}}
	spec.OnCall = []OnCallSpec{{Name: "Cy", Identity: "slack:U3", From: "2026-12-24 18:00", To: "2026-12-28 09:00"}}
	s := mustSchedule(t, spec, time.UTC)
	mon := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	if w := s.WorkingAt(mon); len(w) != 2 {
		t.Errorf("Monday 10:00 working %v, want Ana and Ben", w)
	}
	if w := s.WorkingAt(mon.Add(4 * time.Hour)); len(w) != 1 || w[0].Name != "Ben" {
		t.Errorf("Monday 14:00 working %v, want Ben", w)
	}
	if w := s.WorkingAt(mon.AddDate(0, 0, 1)); len(w) != 1 || w[0].Name != "Ben" {
		t.Errorf("Tuesday 10:00 working %v, want Ben (Ana works Mondays only)", w)
	}
	if len(s.OnCallAt(time.Date(2026, 12, 25, 12, 0, 0, 0, time.UTC))) != 1 || len(s.OnCallAt(time.Date(2026, 12, 28, 9, 0, 0, 0, time.UTC))) != 0 {
		t.Error("dated shift")
	}
}

func TestParseScheduleRefusals(t *testing.T) {
	ok := weekdays9to18()
	tests := []struct {
		name       string
		edit       func(*ScheduleSpec)
		field, say string
	}{
		{"bad_hours", func(s *ScheduleSpec) { s.Hours.Mon = "9-18" }, "hours.mon", "09:00-18:00"},
		{"end_before_start", func(s *ScheduleSpec) { s.Hours.Tue = "18:00-09:00" }, "hours.tue", "09:00-18:00"},
		{"overlap", func(s *ScheduleSpec) { s.Hours.Wed = "09:00-13:00, 12:00-18:00" }, "hours.wed", "overlap"},
		{"bad_holiday", func(s *ScheduleSpec) { s.Holidays = []string{"25/12/2026"} }, "holidays[0]", "2026-12-25"},
		{"person_without_name", func(s *ScheduleSpec) { s.People = []PersonSpec{{Identity: "slack:U1"}} }, "people[0].name", "name"},
		{"discord_role_cannot_be_messaged", func(s *ScheduleSpec) { s.OnCall[0].Identity = "discord:role:1" }, "on_call[0].identity", "discord:80351110224678912"},
		{"mixed_shift_kinds", func(s *ScheduleSpec) { s.OnCall[0].To = "2026-12-28 09:00" }, "on_call[0].to", "fri 18:00"},
		{"bad_shift_start", func(s *ScheduleSpec) { s.OnCall[0].From = "friday evening" }, "on_call[0].from", "weekday and time"},
		{"people_without_hours", func(s *ScheduleSpec) { s.Hours = WeekSpec{} }, "hours", "hours.mon"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := ok
			spec.OnCall = append([]OnCallSpec(nil), ok.OnCall...)
			tt.edit(&spec)
			_, err := ParseSchedule(spec, time.UTC)
			var e *Error
			if err == nil || ErrorCode(err) != Invalid {
				t.Fatalf("err = %v, want invalid", err)
			}
			e = err.(*Error)
			if e.Field != tt.field || !strings.Contains(e.Message, tt.say) {
				t.Errorf("field %q message %q, want %q saying %q", e.Field, e.Message, tt.field, tt.say)
			}
		})
	}
	if s, err := ParseSchedule(ScheduleSpec{}, time.UTC); s != nil || err != nil {
		t.Errorf("an empty spec is no schedule, got %v %v", s, err)
	}
}
