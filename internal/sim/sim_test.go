package sim

import (
	"bytes"
	"context"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

func examplePolicy(t *testing.T) core.Policy {
	t.Helper()
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no tz database:", err)
	}
	h := "09:00-18:00"
	s, err := core.ParseSchedule(core.ScheduleSpec{
		Hours:    core.WeekSpec{Mon: h, Tue: h, Wed: h, Thu: h, Fri: h},
		Holidays: []string{"2026-11-05"},
		People:   []core.PersonSpec{{Name: "Ana", Identity: "slack:U0ANA"}, {Name: "Ben", Identity: "discord:42"}},
		OnCall:   []core.OnCallSpec{{Name: "Olu", Identity: "slack:U0OLU", From: "fri 18:00", To: "mon 09:00", Holidays: true}},
	}, loc)
	if err != nil {
		t.Fatal(err)
	}
	p := core.DefaultPolicy()
	p.Location, p.Schedule = loc, s
	return p
}

// Ten days with a weekend and a holiday (Thu 5 Nov): escalation answers
// weekend and holiday messages in time; without it the same messages,
// the same staff, breach over the weekend. The same seed is the same
// month.
func TestEscalationPreventsWeekendBreaches(t *testing.T) {
	p := examplePolicy(t)
	run := func(esc bool) *Result {
		res, err := Run(context.Background(), Config{Policy: p, Escalate: esc, Owners: []string{"slack:U0OLU"}, Days: 10, MessagesPerDay: 20, Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	with, without := run(true), run(false)
	sw, so := with.Summarize(), without.Summarize()
	if sw.Messages == 0 || sw.Messages != so.Messages {
		t.Fatalf("messages %d and %d: the two runs must see the same month", sw.Messages, so.Messages)
	}
	if len(sw.Breaches) != 0 {
		t.Errorf("with escalation %d breaches: %+v", len(sw.Breaches), sw.Breaches)
	}
	weekend := 0
	for _, b := range so.Breaches {
		if wd := b.Deadline.In(p.Location).Weekday(); wd == time.Saturday || wd == time.Sunday || b.Deadline.In(p.Location).Day() == 5 {
			weekend++
		}
	}
	if weekend == 0 {
		t.Errorf("without escalation no weekend or holiday breach among %d", len(so.Breaches))
	}
	if with.Direct == 0 || without.Direct != 0 {
		t.Errorf("direct messages: %d with escalation, %d without", with.Direct, without.Direct)
	}
	again := run(true).Summarize()
	if again.Messages != sw.Messages || again.InTime != sw.InTime || again.Median != sw.Median {
		t.Errorf("the same seed gave another month: %+v vs %+v", again, sw)
	}
	var out bytes.Buffer
	without.Report(&out)
	for _, want := range []string{"answered within 24 hours", "median", "p95", "breaches cluster at", "Ana", "reminders/day", "Sat "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	var img bytes.Buffer
	if err := WritePNG(&img, so.MedianByHour); err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(&img); err != nil {
		t.Fatalf("chart is not a PNG: %v", err)
	}
}

func TestTextChartLevels(t *testing.T) {
	var m [7][24]time.Duration
	for d := range 7 {
		for h := range 24 {
			m[d][h] = -1
		}
	}
	m[0][0], m[0][1], m[0][2], m[0][3], m[0][4], m[0][5] = 30*time.Minute, 3*time.Hour, 11*time.Hour, 19*time.Hour, 23*time.Hour, 30*time.Hour
	lines := strings.Split(TextChart(m), "\n")
	if got := lines[1]; !strings.HasPrefix(got, "  Mon .:-=#! ") {
		t.Errorf("Monday row %q", got)
	}
}
