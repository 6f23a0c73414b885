package core

import (
	mrand "math/rand/v2"
	"reflect"
	"testing"
	"time"
)

// Zones with offsets of a quarter and half hour, and with summer time
// shifts of an hour and of half an hour.
var quarterZones = []string{"UTC", "America/New_York", "Europe/London", "Asia/Kolkata", "Asia/Kathmandu",
	"Australia/Adelaide", "Australia/Lord_Howe", "Pacific/Chatham", "America/St_Johns"}

// TestLateSlotWithinOneLocalHour: a quarter hour starting on a UTC quarter
// hour is in one local hour of every zone, across summer time changes, so
// misses counted per slot fall in the hours the single misses do.
func TestLateSlotWithinOneLocalHour(t *testing.T) {
	for _, name := range quarterZones {
		loc := fxZone(t, name)
		for at := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC); at.Year() < 2028; at = at.Add(LateSlot) {
			a, b := at.In(loc), at.Add(LateSlot-time.Microsecond).In(loc)
			if a.Hour() != b.Hour() || a.Weekday() != b.Weekday() {
				t.Fatalf("%s: the quarter hour at %s spans %s to %s", name, at, a, b)
			}
		}
	}
}

// TestBreachHoursSameFromSlots: misses given one by one and the same misses
// counted per quarter hour name the same hours, in every zone.
func TestBreachHoursSameFromSlots(t *testing.T) {
	r := mrand.New(mrand.NewPCG(18, 16))
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC) // over the spring changes
	var single []LateCount
	bySlot := map[time.Time]int{}
	for range 400 {
		// Clustered in a few hours of the week, so that the top hours differ.
		at := start.Add(time.Duration(r.IntN(5))*7*24*time.Hour + time.Duration(r.IntN(6))*29*time.Hour +
			time.Duration(r.Int64N(int64(3*time.Hour/time.Microsecond)))*time.Microsecond)
		single = append(single, LateCount{At: at, N: 1})
		bySlot[at.Truncate(LateSlot)]++
	}
	var slots []LateCount
	for at, n := range bySlot {
		slots = append(slots, LateCount{At: at, N: n})
	}
	slots = append(slots, LateCount{At: start, N: 0}) // an empty slot names no hour
	for _, name := range quarterZones {
		t.Run(name, func(t *testing.T) {
			p := DefaultPolicy()
			p.Location = fxZone(t, name)
			one, grouped := p.BreachHours(single), p.BreachHours(slots)
			if len(one) != maxBreachHours || !reflect.DeepEqual(one, grouped) {
				t.Errorf("one by one %v, per quarter hour %v", one, grouped)
			}
		})
	}
}

func TestBreachHoursNone(t *testing.T) {
	if got := DefaultPolicy().BreachHours([]LateCount{{At: time.Now(), N: 0}}); len(got) != 0 {
		t.Errorf("no misses name %v", got)
	}
}
