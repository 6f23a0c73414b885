package drafter

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/sellerdesk/sellerdesk/core/drafter/internal/corpus"
	"github.com/sellerdesk/sellerdesk/core/drafter/internal/modelfile"
)

// Floors under the accuracy measured when the model was last generated
// (see README.md): overall 99.8%, Q 100%, Z 100%, lowest intent 98.0%
// (track_order), probes 98.1% (52/53). They leave room for a retrain to
// move a few rows (probes moved between 92% and 98% as seeds were added),
// not for a broken model.
const (
	floorHeldOut     = 0.97
	floorPerIntent   = 0.90
	floorColloquialQ = 0.96
	floorTyposZ      = 0.94
	floorProbes      = 0.85
)

// heldOut loads Bitext's held-out rows from the repository's copy
// (core/drafter/data/bitext), so the evaluation runs on every checkout.
func heldOut(t testing.TB) []corpus.Example {
	t.Helper()
	dir, ok := corpus.FindBitext()
	if !ok {
		t.Fatalf("Bitext data not found in %s (or $SELLERDESK_BITEXT_DIR): the checkout is incomplete", corpus.BitextDir)
	}
	rows, _, err := corpus.LoadBitext(dir)
	if err != nil {
		t.Fatal(err)
	}
	var held []corpus.Example
	for _, r := range rows {
		if corpus.HeldOut(r.Text) {
			held = append(held, r)
		}
	}
	if len(held) < 1000 {
		t.Fatalf("only %d held-out rows", len(held))
	}
	return held
}

type tally struct{ n, ok int }

func (t tally) rate() float64 { return float64(t.ok) / float64(max(t.n, 1)) }

func TestHeldOutAccuracy(t *testing.T) {
	held := heldOut(t)
	d := New(Shop{})
	all, viaDraft := tally{}, tally{}
	per := map[string]*tally{}
	subset := map[string]*tally{"Q": {}, "Z": {}}
	for _, e := range held {
		got, _ := d.Classify(e.Text)
		ok := string(got) == e.Intent
		// Draft adds the closer rules and the low-confidence fallback to Other.
		viaDraft.n++
		if string(d.Draft(e.Text, Facts{}).Intent) == e.Intent {
			viaDraft.ok++
		}
		if per[e.Intent] == nil {
			per[e.Intent] = &tally{}
		}
		for _, tl := range []*tally{&all, per[e.Intent]} {
			tl.n++
			if ok {
				tl.ok++
			}
		}
		for tag, tl := range subset {
			if strings.Contains(e.Tags, tag) {
				tl.n++
				if ok {
					tl.ok++
				}
			}
		}
	}
	t.Logf("held-out accuracy %.1f%% (%d/%d); Q colloquial %.1f%% (%d); Z typos %.1f%% (%d)",
		100*all.rate(), all.ok, all.n, 100*subset["Q"].rate(), subset["Q"].n, 100*subset["Z"].rate(), subset["Z"].n)
	t.Logf("through Draft (closer rules, low confidence -> other): %.1f%% (%d/%d)", 100*viaDraft.rate(), viaDraft.ok, viaDraft.n)
	if viaDraft.rate() < floorHeldOut {
		t.Errorf("held-out accuracy through Draft %.3f below %.2f", viaDraft.rate(), floorHeldOut)
	}
	if all.rate() < floorHeldOut {
		t.Errorf("held-out accuracy %.3f below %.2f", all.rate(), floorHeldOut)
	}
	if r := subset["Q"].rate(); r < floorColloquialQ {
		t.Errorf("colloquial (Q) accuracy %.3f below %.2f", r, floorColloquialQ)
	}
	if r := subset["Z"].rate(); r < floorTyposZ {
		t.Errorf("typo (Z) accuracy %.3f below %.2f", r, floorTyposZ)
	}
	names := make([]string, 0, len(per))
	for in := range per {
		names = append(names, in)
	}
	sort.Strings(names)
	for _, in := range names {
		t.Logf("  %-22s recall %5.1f%% (%d)", in, 100*per[in].rate(), per[in].n)
		if per[in].rate() < floorPerIntent {
			t.Errorf("%s recall %.3f below %.2f", in, per[in].rate(), floorPerIntent)
		}
	}
}

// TestProbeAccuracy scores buyer messages written for the tests (not in
// the seeds, not Bitext): marketplace wording and Chinese. It needs no
// outside data, so it always runs.
func TestProbeAccuracy(t *testing.T) {
	f, err := os.Open("testdata/probes.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d := New(Shop{})
	all := tally{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		want, text, ok := strings.Cut(strings.TrimSpace(sc.Text()), "\t")
		if !ok || strings.HasPrefix(want, "#") {
			continue
		}
		if !Intent(want).Valid() {
			t.Fatalf("probe intent %q unknown", want)
		}
		all.n++
		if got := d.Draft(text, Facts{}).Intent; string(got) == want {
			all.ok++
		} else {
			t.Logf("miss: %q: got %s, want %s", text, got, want)
		}
	}
	t.Logf("probe accuracy %.1f%% (%d/%d)", 100*all.rate(), all.ok, all.n)
	if all.rate() < floorProbes {
		t.Errorf("probe accuracy %.3f below %.2f", all.rate(), floorProbes)
	}
}

// TestModelIsFresh: the embedded model was generated from the seeds and
// the Bitext file as they are now. Edit seeds/, then run go generate.
func TestModelIsFresh(t *testing.T) {
	m := loadModel().m
	_, seeds, err := corpus.LoadSeeds("seeds")
	if err != nil {
		t.Fatal(err)
	}
	dir, ok := corpus.FindBitext()
	if !ok {
		t.Fatalf("Bitext data not found in %s: the checkout is incomplete", corpus.BitextDir)
	}
	_, bitext, err := corpus.LoadBitext(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := corpus.Fingerprint(bitext, seeds)
	gotSeeds := m.Fingerprint[strings.Index(m.Fingerprint, "seeds="):]
	wantSeeds := want[strings.Index(want, "seeds="):]
	if gotSeeds != wantSeeds {
		t.Errorf("embedded model was trained on other seeds (%s, now %s): run go generate ./core/drafter", gotSeeds, wantSeeds)
	}
	if m.Fingerprint != want {
		t.Errorf("embedded model was trained on another Bitext file (%s, now %s): run go generate ./core/drafter", m.Fingerprint, want)
	}
}

func TestModelKnowsEveryIntent(t *testing.T) {
	m := loadModel()
	seen := map[Intent]bool{}
	for _, i := range m.intentOf {
		seen[Intents()[i]] = true
	}
	for _, in := range Intents() {
		if !seen[in] {
			t.Errorf("model has no class for %s", in)
		}
	}
	if len(Intents()) != len(distribution{}) {
		t.Fatalf("distribution has %d slots for %d intents", len(distribution{}), len(Intents()))
	}
	if got, want := fmt.Sprint(corpus.Intents), fmt.Sprint(Intents()); got != want {
		t.Errorf("corpus intents %s, drafter intents %s", got, want)
	}
}

// TestSeedsAreNotHeldOutRows keeps the seeds from leaking Bitext's
// evaluation rows into training.
func TestSeedsAreNotHeldOutRows(t *testing.T) {
	held := heldOut(t)
	seeds, _, err := corpus.LoadSeeds("seeds")
	if err != nil {
		t.Fatal(err)
	}
	texts := map[string]bool{}
	for _, e := range held {
		texts[strings.ToLower(strings.TrimSpace(e.Text))] = true
	}
	for _, s := range seeds {
		if texts[strings.ToLower(s.Text)] {
			t.Errorf("seed %q is a held-out Bitext row", s.Text)
		}
	}
}

// BenchmarkModelDecode is the one-time cost of reading the embedded model,
// paid by the first New.
func BenchmarkModelDecode(b *testing.B) {
	for b.Loop() {
		if _, err := modelfile.Decode(modelData); err != nil {
			b.Fatal(err)
		}
	}
}
