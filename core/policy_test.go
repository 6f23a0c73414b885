package core

import (
	"fmt"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the tests use real zones whatever the machine has installed
)

func fxZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("LoadLocation(%s): %v", name, err)
	}
	return loc
}

func TestDefaultPolicyMatchesDesign(t *testing.T) {
	p := DefaultPolicy()
	checks := []struct {
		name      string
		got, want any
	}{
		{"handling_two_business_days", p.HandlingDays, 2},
		{"return_window_30_days", p.ReturnWindowDays, 30},
		{"refund_within_2_business_days", p.RefundDays, 2},
		{"auto_cancel_after_30_days", p.AutoCancelDays, 30},
		{"warned_7_days_before", p.WarnDaysBefore, 7},
		{"pending_verification_21_days", p.PendingDays, 21},
		{"buyer_cancel_30_minutes", p.BuyerCancelMinutes, 30},
		{"late_shipment_below_4_percent", p.MaxLateShipment, 0.04},
		{"cancel_rate_below_2_5_percent", p.MaxCancelRate, 0.025},
		{"valid_tracking_above_95_percent", p.MinValidTracking, 0.95},
		{"shop_zone_utc", p.Location, time.UTC},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got %v, want %v", c.got, c.want)
			}
		})
	}
}

func TestAddBusinessDays(t *testing.T) {
	at := func(d int, h, m int) time.Time { return time.Date(2026, 3, d, h, m, 0, 0, time.UTC) }
	tests := []struct {
		name string
		from time.Time
		n    int
		want time.Time
	}{
		{"wednesday_plus_2_is_friday", at(4, 15, 0), 2, at(6, 15, 0)},
		{"thursday_plus_2_is_monday", at(5, 9, 30), 2, at(9, 9, 30)},
		{"friday_plus_2_is_tuesday", at(6, 23, 59), 2, at(10, 23, 59)},
		{"saturday_plus_2_is_tuesday", at(7, 8, 0), 2, at(10, 8, 0)},
		{"sunday_plus_2_is_tuesday", at(8, 12, 0), 2, at(10, 12, 0)},
		{"friday_plus_1_is_monday", at(6, 10, 0), 1, at(9, 10, 0)},
		{"saturday_plus_1_is_monday", at(7, 10, 0), 1, at(9, 10, 0)},
		{"monday_plus_5_is_next_monday", at(9, 10, 0), 5, at(16, 10, 0)},
		{"friday_plus_6_skips_two_weekends", at(6, 10, 0), 6, at(16, 10, 0)},
		{"zero_days_is_the_same_time", at(7, 10, 0), 0, at(7, 10, 0)},
		{"negative_days_is_the_same_time", at(4, 10, 0), -3, at(4, 10, 0)},
	}
	p := DefaultPolicy()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := p.AddBusinessDays(tt.from, tt.n); !got.Equal(tt.want) {
				t.Errorf("AddBusinessDays(%s %s, %d) = %s %s, want %s %s", tt.from.Weekday(), tt.from, tt.n, got.Weekday(), got, tt.want.Weekday(), tt.want)
			}
		})
	}
}

func TestShipBy(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	la := fxZone(t, "America/Los_Angeles")
	tests := []struct {
		name     string
		loc      *time.Location
		purchase time.Time
		want     time.Time
	}{
		{"friday_purchase_ships_by_tuesday", time.UTC, time.Date(2026, 3, 6, 10, 0, 0, 0, time.UTC), time.Date(2026, 3, 10, 10, 0, 0, 0, time.UTC)},
		{"saturday_purchase_ships_by_tuesday", time.UTC, time.Date(2026, 3, 7, 10, 0, 0, 0, time.UTC), time.Date(2026, 3, 10, 10, 0, 0, 0, time.UTC)},
		{"sunday_purchase_ships_by_tuesday", time.UTC, time.Date(2026, 3, 8, 10, 0, 0, 0, time.UTC), time.Date(2026, 3, 10, 10, 0, 0, 0, time.UTC)},
		{"monday_purchase_ships_by_wednesday", time.UTC, time.Date(2026, 3, 9, 10, 0, 0, 0, time.UTC), time.Date(2026, 3, 11, 10, 0, 0, 0, time.UTC)},
		// Friday 23:30 UTC is already Saturday morning in Tokyo: two business
		// days from Saturday is Tuesday in Tokyo, which is Monday in UTC.
		{"tokyo_friday_night_utc_is_saturday", tokyo, time.Date(2026, 3, 6, 23, 30, 0, 0, time.UTC), time.Date(2026, 3, 9, 23, 30, 0, 0, time.UTC)},
		{"utc_same_instant_is_friday", time.UTC, time.Date(2026, 3, 6, 23, 30, 0, 0, time.UTC), time.Date(2026, 3, 10, 23, 30, 0, 0, time.UTC)},
		// Saturday 03:00 UTC is still Friday 19:00 PST in Los Angeles: it ships
		// by Tuesday 19:00 PDT, which is Wednesday 02:00 UTC.
		{"los_angeles_saturday_utc_is_friday", la, time.Date(2026, 3, 7, 3, 0, 0, 0, time.UTC), time.Date(2026, 3, 11, 2, 0, 0, 0, time.UTC)},
		// Across the start of daylight saving (8 March 2026) the local time of
		// day is kept: noon PST Friday ships by noon PDT Tuesday.
		{"los_angeles_keeps_local_time_across_dst", la, time.Date(2026, 3, 6, 20, 0, 0, 0, time.UTC), time.Date(2026, 3, 10, 19, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := DefaultPolicy()
			p.Location = tt.loc
			got := p.ShipBy(tt.purchase)
			if !got.Equal(tt.want) {
				t.Errorf("ShipBy(%s) = %s, want %s", tt.purchase, got, tt.want)
			}
			if got.Location() != time.UTC {
				t.Errorf("ShipBy is in %s, want UTC (what stores save)", got.Location())
			}
		})
	}
	t.Run("handling_days_from_policy", func(t *testing.T) {
		p := DefaultPolicy()
		p.HandlingDays = 1
		if got, want := p.ShipBy(time.Date(2026, 3, 6, 10, 0, 0, 0, time.UTC)), time.Date(2026, 3, 9, 10, 0, 0, 0, time.UTC); !got.Equal(want) {
			t.Errorf("one handling day from Friday = %s, want Monday %s", got, want)
		}
	})
	t.Run("nil_location_is_utc", func(t *testing.T) {
		p := DefaultPolicy()
		p.Location = nil
		if got, want := p.ShipBy(time.Date(2026, 3, 6, 23, 30, 0, 0, time.UTC)), time.Date(2026, 3, 10, 23, 30, 0, 0, time.UTC); !got.Equal(want) {
			t.Errorf("ShipBy with nil Location = %s, want %s", got, want)
		}
	})
}

func TestDay(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	tests := []struct {
		name string
		loc  *time.Location
		in   time.Time
		want time.Time
	}{
		{"utc_midnight_of_the_day", time.UTC, time.Date(2026, 3, 6, 23, 30, 0, 0, time.UTC), time.Date(2026, 3, 6, 0, 0, 0, 0, time.UTC)},
		{"tokyo_is_the_next_day", tokyo, time.Date(2026, 3, 6, 23, 30, 0, 0, time.UTC), time.Date(2026, 3, 7, 0, 0, 0, 0, tokyo)},
		{"already_midnight_stays", time.UTC, time.Date(2026, 3, 6, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 6, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := DefaultPolicy()
			p.Location = tt.loc
			if got := p.Day(tt.in); !got.Equal(tt.want) {
				t.Errorf("Day(%s) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestLateOn(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	shipBy := time.Date(2026, 3, 6, 15, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		loc  *time.Location
		day  time.Time
		late bool
	}{
		{"day_before_ship_by_on_time", time.UTC, time.Date(2026, 3, 5, 23, 0, 0, 0, time.UTC), false},
		{"ship_by_day_before_the_hour_on_time", time.UTC, time.Date(2026, 3, 6, 9, 0, 0, 0, time.UTC), false},
		{"ship_by_day_after_the_hour_still_on_time", time.UTC, time.Date(2026, 3, 6, 23, 59, 59, 0, time.UTC), false},
		{"day_after_ship_by_just_past_midnight_late", time.UTC, time.Date(2026, 3, 7, 0, 0, 0, 0, time.UTC), true},
		{"week_after_late", time.UTC, time.Date(2026, 3, 13, 12, 0, 0, 0, time.UTC), true},
		// Ship-by 15:00 UTC is midnight in Tokyo on 7 March: the ship-by day
		// there is the 7th, so shipping on the 7th Tokyo time is on time.
		{"tokyo_ship_by_day_is_its_own_calendar_day", tokyo, time.Date(2026, 3, 7, 14, 0, 0, 0, time.UTC), false},
		{"tokyo_next_day_late", tokyo, time.Date(2026, 3, 7, 15, 0, 0, 0, time.UTC), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := DefaultPolicy()
			p.Location = tt.loc
			if got := p.LateOn(tt.day, shipBy); got != tt.late {
				t.Errorf("LateOn(%s, ship-by %s) = %v, want %v", tt.day, shipBy, got, tt.late)
			}
		})
	}
}

func TestPastLimitText(t *testing.T) {
	one := pastLimitText([]string{"111-0000001-0000001"}, "pending ", "the 21-day payment verification limit")
	if want := "1 imported pending order was already past the 21-day payment verification limit when sellerdesk first saw it: 111-0000001-0000001. The marketplace decides it (check Seller Central); sellerdesk will not cancel it by itself."; one != want {
		t.Errorf("one order:\n got %s\nwant %s", one, want)
	}
	var ids []string
	for i := range 12 {
		ids = append(ids, fmt.Sprintf("111-0000001-%07d", i))
	}
	if many := pastLimitText(ids, "", "the limit"); !strings.HasPrefix(many, "12 imported orders were already past the limit when sellerdesk first saw them: 111-0000001-0000000,") ||
		!strings.Contains(many, "111-0000001-0000009 and 2 more. The marketplace decides them") {
		t.Errorf("twelve orders: %s", many)
	}
}
