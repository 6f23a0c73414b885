package core

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ScheduleSpec is when staff work, as the config file writes it
// (messages.schedule). Hours are wall-clock times in the shop's time zone,
// so 09:00 stays 09:00 across a daylight-saving change. With no hours on
// any day (the default) there is no schedule: staff count as always
// working, as before schedules existed.
type ScheduleSpec struct {
	Hours WeekSpec `yaml:"hours"`
	// Holidays are dates (2026-12-25) nobody works, whatever the weekday.
	Holidays []string `yaml:"holidays"`
	// People, when set, are who works: each on the shop's hours unless
	// they have their own. Without people "staff" is whoever reads the
	// support channel during the shop's hours.
	People []PersonSpec `yaml:"people"`
	// OnCall are the people notified directly (a DM) when nobody works.
	OnCall []OnCallSpec `yaml:"on_call"`
}

// WeekSpec is working hours per weekday: "09:00-18:00", several spans
// separated by commas ("09:00-12:00, 13:00-18:00"), or "" / "off" for a
// day nobody works.
type WeekSpec struct {
	Mon string `yaml:"mon"`
	Tue string `yaml:"tue"`
	Wed string `yaml:"wed"`
	Thu string `yaml:"thu"`
	Fri string `yaml:"fri"`
	Sat string `yaml:"sat"`
	Sun string `yaml:"sun"`
}

func (w WeekSpec) days() [7]string { // indexed by time.Weekday
	return [7]string{w.Sun, w.Mon, w.Tue, w.Wed, w.Thu, w.Fri, w.Sat}
}

func (w WeekSpec) empty() bool {
	for _, d := range w.days() {
		if strings.TrimSpace(d) != "" {
			return false
		}
	}
	return true
}

// PersonSpec is one member of staff.
type PersonSpec struct {
	Name string `yaml:"name"`
	// Identity is their chat identity, as in roles (slack:U024BE7LH,
	// discord:80351110224678912).
	Identity string `yaml:"identity"`
	// Hours, when any day is set, replace the shop's hours for them.
	Hours WeekSpec `yaml:"hours"`
}

// OnCallSpec is one on-call shift of a rotation. From and To are either a
// weekday and time, repeating every week ("fri 18:00" to "mon 09:00"), or
// a date and time, once ("2026-12-24 18:00" to "2026-12-28 09:00").
type OnCallSpec struct {
	Name     string `yaml:"name"`
	Identity string `yaml:"identity"`
	From     string `yaml:"from"`
	To       string `yaml:"to"`
	// Holidays puts them on call on the shop's holidays too, all day.
	Holidays bool `yaml:"holidays"`
}

// span is working time within one day, in minutes after midnight on the
// wall clock; to may be 24*60 (midnight at the end of the day).
type span struct{ from, to int }

type week [7][]span

// Person is someone on the schedule.
type Person struct {
	Name     string
	Identity string
	hours    *week // nil: the shop's hours
}

// OnCall is one on-call shift.
type OnCall struct {
	Name     string
	Identity string
	Holidays bool
	weekly   bool
	// Weekly shifts: minutes after Monday 00:00 on the wall clock.
	fromMin, toMin int
	// Dated shifts.
	from, to time.Time
}

// Schedule answers who works when. A nil *Schedule is "always working",
// today's behaviour without messages.schedule.
type Schedule struct {
	loc      *time.Location
	hours    week
	holidays map[string]bool // "2006-01-02"
	people   []Person
	onCall   []OnCall
	// Owners are notified directly when a breach is still open (the
	// owners of roles that name a person, not a Discord role).
	Owners []string
}

// ParseSchedule checks a ScheduleSpec and returns the schedule, nil when
// the spec sets no hours (always working). Errors name the setting below
// messages.schedule in Field ("hours.mon", "on_call[0].from") and say how
// to write it.
func ParseSchedule(s ScheduleSpec, loc *time.Location) (*Schedule, error) {
	if loc == nil {
		loc = time.UTC
	}
	if s.Hours.empty() {
		if len(s.People) > 0 || len(s.OnCall) > 0 || len(s.Holidays) > 0 {
			return nil, FieldErrorf(Invalid, "hours", "People, on-call shifts and holidays need the shop's working hours: set hours.mon … hours.sun (e.g. mon: \"09:00-18:00\").")
		}
		return nil, nil
	}
	sch := &Schedule{loc: loc, holidays: map[string]bool{}}
	var err error
	if sch.hours, err = parseWeek(s.Hours, "hours"); err != nil {
		return nil, err
	}
	for i, h := range s.Holidays {
		d, err := time.Parse(time.DateOnly, strings.TrimSpace(h))
		if err != nil {
			return nil, FieldErrorf(Invalid, fmt.Sprintf("holidays[%d]", i), "%q is not a date; write it as 2026-12-25.", h)
		}
		sch.holidays[d.Format(time.DateOnly)] = true
	}
	for i, p := range s.People {
		field := fmt.Sprintf("people[%d]", i)
		if err := checkPerson(p.Name, p.Identity, field); err != nil {
			return nil, err
		}
		person := Person{Name: strings.TrimSpace(p.Name), Identity: strings.TrimSpace(p.Identity)}
		if !p.Hours.empty() {
			w, err := parseWeek(p.Hours, field+".hours")
			if err != nil {
				return nil, err
			}
			person.hours = &w
		}
		sch.people = append(sch.people, person)
	}
	for i, o := range s.OnCall {
		field := fmt.Sprintf("on_call[%d]", i)
		if err := checkPerson(o.Name, o.Identity, field); err != nil {
			return nil, err
		}
		shift, err := parseShift(o, field, loc)
		if err != nil {
			return nil, err
		}
		sch.onCall = append(sch.onCall, shift)
	}
	return sch, nil
}

func checkPerson(name, identity, field string) error {
	if strings.TrimSpace(name) == "" {
		return FieldErrorf(Invalid, field+".name", "Give the person a name (it is shown in reminders and the simulation).")
	}
	if !DirectIdentity(identity) {
		return FieldErrorf(Invalid, field+".identity", "%q is not a chat identity to message directly; write slack:U024BE7LH or discord:80351110224678912.", identity)
	}
	return nil
}

// DirectIdentity reports whether id names one person who can get a direct
// message: slack:<user id> or discord:<user id> (not discord:role:…).
func DirectIdentity(id string) bool {
	platform, user, ok := strings.Cut(strings.TrimSpace(id), ":")
	if !ok || user == "" || strings.ContainsAny(user, " \t:") {
		return false
	}
	switch platform {
	case "slack":
		return user[0] == 'U' || user[0] == 'W'
	case "discord":
		_, err := strconv.ParseUint(user, 10, 64)
		return err == nil
	}
	return false
}

var weekdayNames = map[string]time.Weekday{"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday, "thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday}

func parseWeek(w WeekSpec, field string) (week, error) {
	var out week
	names := [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}
	for d, text := range w.days() {
		text = strings.TrimSpace(text)
		if text == "" || strings.EqualFold(text, "off") {
			continue
		}
		for part := range strings.SplitSeq(text, ",") {
			a, b, ok := strings.Cut(strings.TrimSpace(part), "-")
			from, err1 := parseClock(a)
			to, err2 := parseClock(b)
			if !ok || err1 != nil || err2 != nil || to <= from {
				return out, FieldErrorf(Invalid, field+"."+names[d], "%q is not working hours; write them as 09:00-18:00 (several spans with commas: 09:00-12:00, 13:00-18:00), or off.", text)
			}
			out[d] = append(out[d], span{from, to})
		}
		slices.SortFunc(out[d], func(x, y span) int { return x.from - y.from })
		for i := 1; i < len(out[d]); i++ {
			if out[d][i].from < out[d][i-1].to {
				return out, FieldErrorf(Invalid, field+"."+names[d], "%q has spans that overlap; list them in order without overlap.", text)
			}
		}
	}
	return out, nil
}

// parseClock reads "09:00" (or "24:00") as minutes after midnight.
func parseClock(s string) (int, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh > 24 || hh == 24 && mm != 0 || len(m) != 2 {
		return 0, fmt.Errorf("bad time %q", s)
	}
	return hh*60 + mm, nil
}

func parseShift(o OnCallSpec, field string, loc *time.Location) (OnCall, error) {
	c := OnCall{Name: strings.TrimSpace(o.Name), Identity: strings.TrimSpace(o.Identity), Holidays: o.Holidays}
	if strings.TrimSpace(o.From) == "" && strings.TrimSpace(o.To) == "" && o.Holidays {
		return c, nil // on call on holidays only
	}
	weekly := func(s string) (int, bool) {
		d, t, ok := strings.Cut(strings.TrimSpace(s), " ")
		wd, known := weekdayNames[strings.ToLower(d)]
		m, err := parseClock(t)
		if !ok || !known || err != nil || m == 24*60 {
			return 0, false
		}
		return (int(wd)+6)%7*24*60 + m, true // Monday first
	}
	dated := func(s string) (time.Time, bool) {
		t, err := time.ParseInLocation("2006-01-02 15:04", strings.TrimSpace(s), loc)
		return t, err == nil
	}
	const how = "write a weekday and time repeating every week (fri 18:00) or a date and time (2026-12-24 18:00), the same kind for from and to"
	if f, ok := weekly(o.From); ok {
		t, ok := weekly(o.To)
		if !ok {
			return c, FieldErrorf(Invalid, field+".to", "%q is not an on-call end; %s.", o.To, how)
		}
		if t == f {
			return c, FieldErrorf(Invalid, field+".to", "The shift ends when it starts (%q); give it some length.", o.To)
		}
		c.weekly, c.fromMin, c.toMin = true, f, t
		return c, nil
	}
	f, ok := dated(o.From)
	if !ok {
		return c, FieldErrorf(Invalid, field+".from", "%q is not an on-call start; %s.", o.From, how)
	}
	t, ok := dated(o.To)
	if !ok {
		return c, FieldErrorf(Invalid, field+".to", "%q is not an on-call end; %s.", o.To, how)
	}
	if !t.After(f) {
		return c, FieldErrorf(Invalid, field+".to", "The shift ends (%s) before it starts (%s).", o.To, o.From)
	}
	c.from, c.to = f, t
	return c, nil
}

// Holiday reports whether t falls on one of the shop's holidays.
func (s *Schedule) Holiday(t time.Time) bool {
	return s != nil && s.holidays[t.In(s.loc).Format(time.DateOnly)]
}

// Working reports whether anyone works at t.
func (s *Schedule) Working(t time.Time) bool {
	if s == nil {
		return true
	}
	_, ok := s.intervalAt(t)
	return ok
}

// WorkingAt lists who works at t: the people on the schedule whose hours
// cover t. Without people it is empty even when the shop is open (see
// Working).
func (s *Schedule) WorkingAt(t time.Time) []Person {
	if s == nil || s.Holiday(t) {
		return nil
	}
	var out []Person
	for _, p := range s.people {
		if in(s.dayIntervals(t, p.week(s)), t) {
			out = append(out, p)
		}
	}
	return out
}

// People are the people on the schedule.
func (s *Schedule) People() []Person {
	if s == nil {
		return nil
	}
	return s.people
}

// OnCallAt lists who is on call at t.
func (s *Schedule) OnCallAt(t time.Time) []OnCall {
	if s == nil {
		return nil
	}
	var out []OnCall
	for _, c := range s.onCall {
		if c.covers(s, t) {
			out = append(out, c)
		}
	}
	return out
}

func (c OnCall) covers(s *Schedule, t time.Time) bool {
	if c.Holidays && s.Holiday(t) {
		return true
	}
	if c.weekly {
		w := t.In(s.loc)
		pos := (int(w.Weekday())+6)%7*24*60 + w.Hour()*60 + w.Minute()
		if c.fromMin < c.toMin {
			return pos >= c.fromMin && pos < c.toMin
		}
		return pos >= c.fromMin || pos < c.toMin // over the week's end
	}
	return !c.from.IsZero() && !t.Before(c.from) && t.Before(c.to)
}

// NextWorking is the first instant at or after t when someone works;
// false when nobody works within a year.
func (s *Schedule) NextWorking(t time.Time) (time.Time, bool) {
	if s == nil {
		return t, true
	}
	day := s.midnight(t)
	for range 370 {
		for _, iv := range s.workIntervals(day) {
			if iv[1].After(t) {
				if iv[0].After(t) {
					return iv[0], true
				}
				return t, true
			}
		}
		day = day.AddDate(0, 0, 1)
	}
	return time.Time{}, false
}

// LastWorking is the latest instant at or before t when someone is still
// working (the end of the last working stretch, or t itself when someone
// works at t); false when nobody worked within a year.
func (s *Schedule) LastWorking(t time.Time) (time.Time, bool) {
	if s == nil {
		return t, true
	}
	day := s.midnight(t)
	for range 370 {
		ivs := s.workIntervals(day)
		for i := len(ivs) - 1; i >= 0; i-- {
			if ivs[i][0].Before(t) {
				if ivs[i][1].Before(t) {
					return ivs[i][1], true
				}
				return t, true
			}
		}
		day = day.AddDate(0, 0, -1)
	}
	return time.Time{}, false
}

// midnight is the start of t's calendar day in the shop's zone.
func (s *Schedule) midnight(t time.Time) time.Time {
	y, m, d := t.In(s.loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, s.loc)
}

func (p Person) week(s *Schedule) *week {
	if p.hours != nil {
		return p.hours
	}
	return &s.hours
}

// dayIntervals are the instants of a week's spans on t's calendar day.
// time.Date turns each wall-clock time into an instant of that very day,
// so on a daylight-saving change a 09:00-18:00 day is 8 or 10 hours long
// rather than shifted by one.
func (s *Schedule) dayIntervals(t time.Time, w *week) [][2]time.Time {
	y, m, d := t.In(s.loc).Date()
	wd := time.Date(y, m, d, 12, 0, 0, 0, s.loc).Weekday()
	var out [][2]time.Time
	for _, sp := range w[wd] {
		from := time.Date(y, m, d, sp.from/60, sp.from%60, 0, 0, s.loc)
		to := time.Date(y, m, d, sp.to/60, sp.to%60, 0, 0, s.loc)
		if to.After(from) {
			out = append(out, [2]time.Time{from, to})
		}
	}
	return out
}

// workIntervals are the stretches of day (a midnight) when anyone works,
// merged and in order; none on a holiday.
func (s *Schedule) workIntervals(day time.Time) [][2]time.Time {
	if s.Holiday(day) {
		return nil
	}
	var all [][2]time.Time
	if len(s.people) == 0 {
		all = s.dayIntervals(day, &s.hours)
	} else {
		for _, p := range s.people {
			all = append(all, s.dayIntervals(day, p.week(s))...)
		}
	}
	slices.SortFunc(all, func(a, b [2]time.Time) int { return a[0].Compare(b[0]) })
	var out [][2]time.Time
	for _, iv := range all {
		if n := len(out); n > 0 && !iv[0].After(out[n-1][1]) {
			if iv[1].After(out[n-1][1]) {
				out[n-1][1] = iv[1]
			}
			continue
		}
		out = append(out, iv)
	}
	return out
}

func (s *Schedule) intervalAt(t time.Time) ([2]time.Time, bool) {
	for _, iv := range s.workIntervals(s.midnight(t)) {
		if !t.Before(iv[0]) && t.Before(iv[1]) {
			return iv, true
		}
	}
	return [2]time.Time{}, false
}

func in(ivs [][2]time.Time, t time.Time) bool {
	for _, iv := range ivs {
		if !t.Before(iv[0]) && t.Before(iv[1]) {
			return true
		}
	}
	return false
}
