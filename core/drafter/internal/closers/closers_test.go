package closers

import (
	"reflect"
	"testing"
)

func TestTrimCourtesy(t *testing.T) {
	tests := []struct{ in, want string }{
		{"thanks, where is my package?", "where is my package?"},
		{"Hi! Can I return this? Thank you", "Can I return this?"},
		{"Hello, hi, ok so where is it", "so where is it"},
		{"this arrived broken", "this arrived broken"}, // "this" does not start with the courtesy "hi"
		{"okay", "okay"}, // nothing would be left: unchanged
		{"thanks!", "thanks!"},
		{"谢谢，我的包裹到哪了？", "我的包裹到哪了？"},
		{"您好，请问什么时候发货", "什么时候发货"},
		{"Danke, aber wo ist mein Paket?", "aber wo ist mein Paket?"},
		{"THANK YOU where is it", "where is it"},
	}
	for _, tt := range tests {
		if got := TrimCourtesy(tt.in); got != tt.want {
			t.Errorf("TrimCourtesy(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestIsCloser(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"thanks!", true},
		{"ok got it", true},
		{"great, thank you 🙏", true},
		{"好的，谢谢", true},
		{"收到", true},
		{"ok?", false},
		{"thanks, where is my package?", false},
		{"还没收到", false},
		{"😡", false},
		{"thanks for nothing", false},
		{"ok 113-1234567-7654321", false},
		{"no", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := IsCloser(tt.in); got != tt.want {
			t.Errorf("IsCloser(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestPrimary(t *testing.T) {
	// Indices: 0 a question intent, 1 the closer, 2 other, 3 an action.
	// The table's cases are written for a veto of 0.2; gen scores others.
	c := Classes{Closer: 1, Other: 2, Action: []bool{false, false, false, true}, Veto: 0.2}
	want := c
	want.Veto = OtherVeto
	if got := ClassesOf([]string{"track_order", "no_response_needed", "other", "cancel_order"}); !reflect.DeepEqual(got, want) {
		t.Fatalf("ClassesOf = %+v, want %+v", got, want)
	}
	tests := []struct {
		msg   string
		probs []float64
		want  int
	}{
		{"all good now", []float64{0.2, 0.5, 0.3, 0}, 1},        // believed: no guess, nothing asked
		{"all good now?", []float64{0.2, 0.5, 0.3, 0}, 2},       // a question: the next likeliest
		{"all good now", []float64{0.3, 0.35, 0.25, 0.1}, 0},    // a guess below ModelCloserFloor
		{"where is it", []float64{0.7, 0.2, 0.1, 0}, 0},         // not the closer: the likeliest
		{"tie", []float64{0.4, 0.2, 0.4, 0}, 0},                 // ties: the first
		{"cancel it", []float64{0.05, 0, 0.15, 0.8}, 3},         // an action, other below the veto
		{"noise cancelling?", []float64{0.05, 0, 0.35, 0.6}, 2}, // other at the veto or more: other
		{"cancel, thanks", []float64{0, 0.39, 0.22, 0.39}, 2},   // the closer a guess, the next (an action) vetoed
		{"return it?", []float64{0.1, 0, 0.2, 0.7}, 2},          // at the veto exactly
		{"where is it?", []float64{0.55, 0, 0.45, 0}, 0},        // not an action: other's share does not matter
	}
	for _, tt := range tests {
		got, vetoed := Primary(tt.msg, tt.probs, c)
		if got != tt.want {
			t.Errorf("Primary(%q, %v) = %d, want %d", tt.msg, tt.probs, got, tt.want)
		}
		// The action set aside is named: the veto is the only way from an
		// action to other.
		if wantVeto := tt.want == c.Other && tt.probs[3] > tt.probs[2]; (vetoed == 3) != wantVeto || !wantVeto && vetoed != -1 {
			t.Errorf("Primary(%q, %v) vetoed %d, want the action set aside: %v", tt.msg, tt.probs, vetoed, wantVeto)
		}
	}
	// The veto is the Classes' own: a stricter one sets aside what 0.2 let
	// through.
	strict := c
	strict.Veto = 0.1
	if got, vetoed := Primary("cancel it", []float64{0.05, 0, 0.15, 0.8}, strict); got != 2 || vetoed != 3 {
		t.Errorf("Primary at veto 0.1 = %d (vetoed %d), want other with the action set aside", got, vetoed)
	}
}
