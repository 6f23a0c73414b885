package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A bad schedule setting names its key under messages.schedule and how to
// write it; the environment can't set a list of sections.
func TestScheduleConfigRefusals(t *testing.T) {
	week := "messages:\n  schedule:\n    hours:\n      mon: \"09:00-18:00\"\n"
	tests := []struct {
		name, yaml string
		env        []string
		want       []string
	}{
		{"bad_hours", "messages:\n  schedule:\n    hours:\n      mon: 9 to 5\n", nil, []string{"messages.schedule.hours.mon", "09:00-18:00"}},
		{"bad_holiday", week + "    holidays: [25.12.2026]\n", nil, []string{"messages.schedule.holidays[0]", "2026-12-25"}},
		{"on_call_role", week + "    on_call:\n      - name: Olu\n        identity: discord:role:5\n        from: fri 18:00\n        to: mon 09:00\n", nil,
			[]string{"messages.schedule.on_call[0].identity", "discord:80351110224678912"}},
		{"on_call_without_hours", "messages:\n  schedule:\n    on_call:\n      - name: Olu\n        identity: slack:U1\n        from: fri 18:00\n        to: mon 09:00\n", nil,
			[]string{"messages.schedule.hours", "working hours"}},
		{"unknown_day", "messages:\n  schedule:\n    hours:\n      monday: \"09:00-18:00\"\n", nil, []string{"messages.schedule.hours", `unknown setting "monday"`}},
		{"people_from_env", "", []string{"SELLERDESK_MESSAGES_SCHEDULE_PEOPLE=ana"}, []string{"SELLERDESK_MESSAGES_SCHEDULE_PEOPLE", "config file"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadConfig(strings.NewReader(tt.yaml), tt.env)
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestScheduleConfigBecomesPolicy(t *testing.T) {
	cfg, err := LoadConfig(bytes.NewReader(simulateExample), nil)
	if err != nil {
		t.Fatal(err)
	}
	p := cfg.Policy()
	if p.Schedule == nil || len(p.Schedule.Owners) != 1 || p.Schedule.Owners[0] != "slack:U0OLU" {
		t.Fatalf("schedule %+v", p.Schedule)
	}
	sat := time.Date(2026, 11, 21, 12, 0, 0, 0, p.Location)
	if p.Schedule.Working(sat) || len(p.Schedule.OnCallAt(sat)) != 1 || !p.Schedule.Working(sat.AddDate(0, 0, 2)) {
		t.Error("the example schedule: nobody on Saturday but Olu on call, staff on Monday")
	}
	if def := DefaultConfig(); def.Policy().Schedule != nil {
		t.Error("the default config has a schedule")
	}
}

// bot simulate month runs the example schedule on a throwaway store, with
// and without escalation, and writes the chart.
func TestSimulateMonthCommand(t *testing.T) {
	dir := t.TempDir()
	chart := filepath.Join(dir, "chart.png")
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"simulate", "month", "--days", "4", "--per-day", "15", "--png", chart}, nil, &out, &errb, nil)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"with escalation", "answered within 24 hours", "median", "p95", "Ana", "Olu", "Mon ", "Chart written to"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if b, err := os.ReadFile(chart); err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Errorf("chart: %v", err)
	}
	out.Reset()
	if code := run(context.Background(), []string{"simulate", "month", "--days", "4", "--per-day", "15", "--no-escalation"}, nil, &out, &errb, nil); code != 0 || !strings.Contains(out.String(), "without escalation") {
		t.Errorf("exit %d: %s", code, out.String())
	}
	plain := filepath.Join(dir, "plain.yaml")
	if err := os.WriteFile(plain, []byte("shop:\n  name: Plain\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"simulate"}, {"simulate", "year"}, {"simulate", "month", "--days", "0"}, {"--config", plain, "simulate", "month"}} {
		errb.Reset()
		if code := run(context.Background(), args, nil, &out, &errb, nil); code != 2 || errb.Len() == 0 {
			t.Errorf("%v: exit %d, %q", args, code, errb.String())
		}
	}
}
