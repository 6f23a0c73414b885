package drafter

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// A draft from a prepared reading is the draft made without one, in every
// language and for a message cut at maxMessage; the reading is taken once.
func TestPreparedDraftIsTheSameDraft(t *testing.T) {
	d := New(Shop{Name: "Acme"})
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	msgs := []string{
		"where is my order 113-1234567-7654321?",
		"It arrived broken and I want my money back. Photos attached.",
		"Bitte stornieren Sie meine Bestellung.",
		"Je voudrais retourner la veste, elle est trop petite.",
		"Non ho ancora ricevuto il rimborso.",
		"¿Me pueden enviar la factura?",
		"注文した商品がまだ届きません。",
		"我被扣了两次款",
		"thanks!",
		strings.Repeat("where is my parcel? ", 600), // over maxMessage
	}
	for _, m := range msgs {
		want := d.Draft(m, Facts{Now: now})
		d.Prepare(m)
		got := d.Draft(m, Facts{Now: now})
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%.40q: prepared draft differs:\n got %+v\nwant %+v", m, got, want)
		}
		if p := d.pre.take(clip(m)); p != nil {
			t.Errorf("%.40q: the prepared reading was left behind", m)
		}
	}
}

// Readings prepared and never drafted (a refused message) do not pile up.
func TestPreparedReadingsAreBounded(t *testing.T) {
	d := New(Shop{Name: "Acme"})
	for i := range 3 * maxPrepared {
		d.Prepare(fmt.Sprintf("where is order %d?", i))
	}
	d.pre.mu.Lock()
	n := len(d.pre.m)
	d.pre.mu.Unlock()
	if n > maxPrepared {
		t.Fatalf("%d readings kept, want at most %d", n, maxPrepared)
	}
}

// Two buyers writing the same words at once (run with -race): each gets
// the same draft, whichever takes the prepared reading.
func TestPreparedReadingsRacing(t *testing.T) {
	d := New(Shop{Name: "Acme"})
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	const m = "can I cancel my order?"
	want := d.Draft(m, Facts{Now: now})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			d.Prepare(m)
			if got := d.Draft(m, Facts{Now: now}); !reflect.DeepEqual(got, want) {
				t.Errorf("racing draft differs: %+v", got)
			}
		})
	}
	wg.Wait()
}
