package drafter

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core/drafter/internal/corpus"
	"github.com/sellerdesk/sellerdesk/core/drafter/internal/modelfile"
)

// The evaluation: go test ./core/drafter -run Eval -v prints the tables
// the README quotes. It only scores the embedded model; training is
// ./gen's, which never reads a held-out family (corpus.TestFamilies) nor
// the blind set (blindSet).
//
// Floors sit a little under the figures measured when the model was last
// generated (see README.md), so a regression fails CI while a retrain may
// move a message or two.
var (
	// With rounds r25-r32 and the other veto at 0.08: 94.8%, en 95.2%,
	// every other language 94.2-95.2%; the r17-r18a boundary pairs 89.6%,
	// rounds r29-r31 94.8%, r32 95.9% (TestEvalFamilySplit prints each
	// period).
	floorFamily = map[string]float64{"en": 0.945, "de": 0.94, "fr": 0.935, "it": 0.935, "es": 0.93, "ja": 0.94, "zh": 0.935}
	// Blind set 12, written after the model of rounds r25-r32 and read once
	// with it: 99.7% (343/344; en 100%, es 97.7%, the rest 100%). Blind
	// set 11 (dev12.tsv) read 98.7-99.2% over six readings.
	floorBlind = map[string]float64{"en": 0.97, "de": 0.97, "fr": 0.97, "it": 0.97, "es": 0.97, "ja": 0.97, "zh": 0.97}
	// fr 97.6% and zh 97.2% (207 and 206 of 212) since the model without
	// Bitext and rounds r14-r15: one and two messages from 0.98.
	floorDev = map[string]float64{"en": 0.98, "de": 0.98, "fr": 0.97, "it": 0.97, "es": 0.98, "ja": 0.98, "zh": 0.97}
)

const (
	floorFamilyAll = 0.94
	floorBlindAll  = 0.98
	floorDevAll    = 0.98
	floorProbes    = 0.85
	// Out-of-scope messages (TestEvalOutOfScope) read as an action intent
	// at any confidence, and offered an action (an action intent, main or
	// further, at or above actionThreshold), per set. The issue asks for
	// under 1% reaching an action intent, and the floors are that bound.
	// Out-of-scope set 13 (blind, 267), written after the model of rounds
	// r25-r32 and read once with it: 0.4% read as an action (1) and
	// offered. Set 12 read 0 to 0.7% over five readings; set 11 2.9% and
	// 2.5% (five of its seven were one scenario in five languages). The
	// development sets 5-12 read 0.2% and offer 0.2%; the other-labelled
	// evaluation messages read 0.7% and offer 0.5%.
	maxOutOfScopeRead            = 0.01
	maxDevOutOfScopeRead         = 0.01
	maxOutOfScopeOffered         = 0.01
	maxLabelledOutOfScopeRead    = 0.01
	maxLabelledOutOfScopeOffered = 0.01
	minActionPrecision           = 0.95  // action intents at or above actionThreshold that are right
	maxCalibrationError          = 0.05  // expected calibration error on held-out families
	minMultiRecall               = 0.80  // labelled intents of mixed messages found
	maxExtraIntents              = 0.075 // single-intent messages given a wrong further intent
	minPhotosFound               = 0.90
)

// The evaluation sets in testdata/. blindSet and oosBlindSet are the
// newest blind sets: written by an author who read only the label
// definitions, labelled before any model read them, never trained or tuned
// on. The development sets were blind sets once; once read they are kept as
// regression checks (devFiles, oosDevSets).
const (
	blindSet    = "testdata/blind12.tsv"
	oosBlindSet = "testdata/oos13.tsv"
	multiSet    = "testdata/multi.tsv"
)

// oosDevSets were blind out-of-scope sets once: set 6 was read once, as
// totals, with the model of commit c9a7faa (2.6% read as an action, 2.6%
// offered one); its misses were then read, and set 7 written. Set 7 was
// read blind with the model of commit 068176c (4.7% read, 0.4% offered),
// its misses never; set 8 was written after, read three times as totals
// (models b813534 and 4f9e7ee, then the model of rounds r19-r24), its
// misses never; set 9 was written after, read once as totals (the model
// of rounds r19-r24, commit 1f565f2: 1.8% read, 0.4% offered), its misses
// never; set 10 was written after, read three times as totals (models of
// rounds r25-r26, r25-r27, r25-r28: 0 of 275 read as an action each
// time), its misses never; set 11 was written after, read twice as totals
// (model of rounds r25-r28: 2.9% read as an action, 1.5% offered; model
// of rounds r25-r29: 2.5% and 1.1%), then its misses were read (five were
// one scenario in five languages, a friend's word that refunds are quick);
// set 12 was written before they were, and read five times as totals
// (models of rounds r25-r29 to r25-r32: 0 to 0.7% read as an action), its
// misses never; set 13 was written after the model of rounds r25-r32.
var oosDevSets = []string{"testdata/oos5.tsv", "testdata/oos6.tsv", "testdata/oos7.tsv", "testdata/oos8.tsv", "testdata/oos9.tsv", "testdata/oos10.tsv", "testdata/oos11.tsv", "testdata/oos12.tsv"}

var devFiles = []string{"testdata/dev.tsv", "testdata/dev2.tsv", "testdata/dev3.tsv", "testdata/dev4.tsv", "testdata/dev5.tsv", "testdata/dev6.tsv", "testdata/dev7.tsv", "testdata/dev8.tsv", "testdata/dev9.tsv", "testdata/dev10.tsv", "testdata/dev11.tsv", "testdata/dev12.tsv"}

// languages are the seven the drafter reads and answers.
var languages = []string{"en", "de", "fr", "it", "es", "ja", "zh"}

// labelled is one evaluation message.
type labelled struct {
	lang    string
	intents []Intent // the first is the main one
	photos  bool
	text    string
	family  string // held-out families only
}

// heldOutFamilies are the buyer messages of the families the generator
// never trains on.
func heldOutFamilies(t testing.TB) []labelled {
	t.Helper()
	exs, _, err := corpus.LoadBuyers(corpus.BuyersDir)
	if err != nil {
		t.Fatal(err)
	}
	held := corpus.TestFamilies(exs)
	var out []labelled
	for _, e := range exs {
		if held[e.Family] {
			out = append(out, labelled{lang: e.Lang, intents: []Intent{Intent(e.Intent)}, text: e.Text, family: e.Family})
		}
	}
	if len(out) < 300 {
		t.Fatalf("only %d held-out messages", len(out))
	}
	return out
}

// loadLabelled reads lang<TAB>labels<TAB>message lines; labels are intents
// joined by "+", the first the main one, and "photos" when the buyer says
// photos are attached.
func loadLabelled(t testing.TB, path string) []labelled {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []labelled
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.SplitN(line, "\t", 3)
		if len(parts) != 3 || !slices.Contains(languages, parts[0]) {
			t.Fatalf("%s:%d: want lang<TAB>intent[+intent][+photos]<TAB>message", path, n)
		}
		l := labelled{lang: parts[0], text: parts[2]}
		for _, lab := range strings.Split(parts[1], "+") {
			if lab == "photos" {
				l.photos = true
				continue
			}
			if !Intent(lab).Valid() {
				t.Fatalf("%s:%d: unknown intent %q", path, n, lab)
			}
			l.intents = append(l.intents, Intent(lab))
		}
		out = append(out, l)
	}
	return out
}

type tally struct{ n, ok int }

func (t *tally) add(ok bool) {
	t.n++
	if ok {
		t.ok++
	}
}

func (t tally) rate() float64 { return float64(t.ok) / float64(max(t.n, 1)) }

func (t tally) String() string { return fmt.Sprintf("%5.1f%% (%d/%d)", 100*t.rate(), t.ok, t.n) }

// accuracy reads every message as Draft does and tallies the main intent
// per language and per intent, logging the table and the misses; right
// says, per message, whether it was read right.
func accuracy(t *testing.T, name string, msgs []labelled) (all tally, perLang map[string]*tally, right []bool) {
	d := New(Shop{})
	perLang = map[string]*tally{}
	perIntent := map[Intent]*tally{}
	var misses []string
	for _, m := range msgs {
		got := d.read(m.text, DetectLanguage(m.text)).Primary()
		// A mixed message is read right when its main intent is any of
		// the ones it carries; that each is found is TestEvalMultiIntent's.
		ok := slices.Contains(m.intents, got.Intent)
		right = append(right, ok)
		all.add(ok)
		get(perLang, m.lang).add(ok)
		get(perIntent, m.intents[0]).add(ok)
		if !ok {
			misses = append(misses, fmt.Sprintf("  miss %s %s: %q read as %s (%.2f)", m.lang, m.intents[0], m.text, got.Intent, got.Confidence))
		}
	}
	t.Logf("%s: main intent right %s", name, all)
	for _, l := range languages {
		if tl := perLang[l]; tl != nil {
			t.Logf("  %-3s %s", l, tl)
		}
	}
	for _, in := range Intents() {
		if tl := perIntent[in]; tl != nil {
			t.Logf("  %-22s %s", in, tl)
		}
	}
	if showMisses() {
		for _, m := range misses {
			t.Log(m)
		}
	}
	return all, perLang, right
}

// showMisses: misses are printed only on request (DRAFTER_EVAL_MISSES=1):
// a set whose misses have been read is no longer blind, so a plain -v run
// must not show them.
func showMisses() bool { return os.Getenv("DRAFTER_EVAL_MISSES") != "" }

func get[K comparable](m map[K]*tally, k K) *tally {
	if m[k] == nil {
		m[k] = &tally{}
	}
	return m[k]
}

func checkFloors(t *testing.T, name string, all tally, perLang map[string]*tally, floorAll float64, floors map[string]float64) {
	if all.rate() < floorAll {
		t.Errorf("%s: accuracy %.3f below %.2f", name, all.rate(), floorAll)
	}
	for _, l := range languages {
		tl := perLang[l]
		if tl == nil || tl.n < 20 {
			t.Errorf("%s: too few %s messages", name, l)
			continue
		}
		if tl.rate() < floors[l] {
			t.Errorf("%s: %s accuracy %.3f below %.2f", name, l, tl.rate(), floors[l])
		}
	}
}

// TestEvalFamilySplit scores the phrasing families held out from training,
// in every language.
func TestEvalFamilySplit(t *testing.T) {
	msgs := heldOutFamilies(t)
	all, perLang, right := accuracy(t, "held-out families", msgs)
	checkFloors(t, "held-out families", all, perLang, floorFamilyAll, floorFamily)
	// Rounds r17-r18a were written as pairs on the boundaries the model
	// misses most (praise against sarcasm, …), and rounds r19 on were
	// written after them, with six English messages a family; rounds
	// r29-r31 were written after blind set 11, and r32 on after the model of
	// r25-r31: the held-out families of each period are shown apart.
	// A period runs from its first round to the next period's.
	periods := []struct {
		name  string
		first int
	}{{"rounds before r17", 0}, {"rounds r17-r18a (boundary pairs)", 17}, {"rounds r19-r28", 19}, {"rounds r29-r31", 29}, {"rounds r32 on", 32}}
	parts := map[string]map[string]*tally{}
	for i, m := range msgs {
		var round int
		fmt.Sscanf(m.family, "r%d", &round) // the first families have no round: 0
		var period string
		for _, p := range periods {
			if round >= p.first {
				period = p.name
			}
		}
		if parts[period] == nil {
			parts[period] = map[string]*tally{}
		}
		get(parts[period], "all").add(right[i])
		get(parts[period], m.lang).add(right[i])
	}
	for _, p := range periods {
		part := parts[p.name]
		if part == nil {
			continue
		}
		line := fmt.Sprintf("held-out families of %s: %s;", p.name, part["all"])
		for _, l := range languages {
			if tl := part[l]; tl != nil {
				line += fmt.Sprintf(" %s %.1f%%", l, 100*tl.rate())
			}
		}
		t.Log(line)
	}
}

// TestEvalBlind scores the blind set: messages written after the model was
// trained, labelled before it first read them, never trained or tuned on.
func TestEvalBlind(t *testing.T) {
	all, perLang, _ := accuracy(t, "blind set", loadLabelled(t, blindSet))
	checkFloors(t, "blind set", all, perLang, floorBlindAll, floorBlind)
}

// TestEvalDev scores the earlier blind sets, written after the models of
// commits 3a2c8d3, 261f320, 1fd2b61, 537e6ca and 3d7d691 (87.6%, 84.0%,
// 90.9%, 84.4% and 95.2% then, see README.md) and since used to develop the model: no
// longer blind, kept as a regression check.
func TestEvalDev(t *testing.T) {
	all, perLang, _ := accuracy(t, "development sets", devSets(t))
	checkFloors(t, "development sets", all, perLang, floorDevAll, floorDev)
}

func devSets(t testing.TB) []labelled { return loadSets(t, devFiles) }

// loadSets reads the labelled sets in paths, one after the other.
func loadSets(t testing.TB, paths []string) []labelled {
	var out []labelled
	for _, f := range paths {
		out = append(out, loadLabelled(t, f)...)
	}
	return out
}

// TestEvalOutOfScope: messages that ask for nothing on an order (chit-chat,
// product and account questions, spam) must not be read as an action. The
// out-of-scope sets (oosBlindSet, the newest, and oosDevSets, blind once;
// both written blind, many using order words in another sense) and every
// other-labelled message of the held-out families, development and blind
// sets.
func TestEvalOutOfScope(t *testing.T) {
	d := New(Shop{})
	labelledSets := append(heldOutFamilies(t), devSets(t)...)
	labelledSets = append(labelledSets, loadLabelled(t, blindSet)...)
	for _, set := range []struct {
		name          string
		msgs          []labelled
		min           int
		read, offered float64
	}{
		{"out-of-scope blind set " + oosBlindSet, loadLabelled(t, oosBlindSet), 250, maxOutOfScopeRead, maxOutOfScopeOffered},
		{"out-of-scope development sets", loadSets(t, oosDevSets), 500, maxDevOutOfScopeRead, maxOutOfScopeOffered},
		{"other-labelled evaluation messages", labelledSets, 60, maxLabelledOutOfScopeRead, maxLabelledOutOfScopeOffered},
	} {
		var primary, offered tally
		for _, m := range set.msgs {
			if m.intents[0] != Other {
				continue
			}
			r := d.read(m.text, DetectLanguage(m.text))
			p := r.Primary()
			primary.add(p.Intent.Action())
			act := false
			for _, s := range r.Intents {
				act = act || s.Intent.Action() && s.Confidence >= actionThreshold
			}
			offered.add(act)
			if p.Intent.Action() && showMisses() {
				t.Logf("  %s: read as %s (%.2f): %q", set.name, p.Intent, p.Confidence, m.text)
			}
		}
		t.Logf("%s: read as an action intent: %s; offered an action (at or above the threshold): %s", set.name, primary, offered)
		if primary.n < set.min {
			t.Fatalf("%s: only %d out-of-scope messages", set.name, primary.n)
		}
		if primary.rate() >= set.read {
			t.Errorf("%s: %.1f%% read as an action, want under %.1f%%", set.name, 100*primary.rate(), 100*set.read)
		}
		if offered.rate() >= set.offered {
			t.Errorf("%s: %.1f%% offered an action, want under %.1f%%", set.name, 100*offered.rate(), 100*set.offered)
		}
	}
}

// TestEvalCalibration: on the held-out families, a confidence is the
// chance of being right, and action intents at or above actionThreshold
// are rarely wrong (there and on the blind set).
func TestEvalCalibration(t *testing.T) {
	d := New(Shop{})
	t.Logf("temperature %.2f", loadModel().m.Temperature)
	for _, set := range []struct {
		name string
		msgs []labelled
		max  float64
	}{{"held-out families", heldOutFamilies(t), maxCalibrationError}, {"blind set", loadLabelled(t, blindSet), 1}} {
		var bins [10]struct {
			n          int
			conf, hits float64
		}
		for _, m := range set.msgs {
			p := d.read(m.text, DetectLanguage(m.text)).Primary()
			b := &bins[min(int(p.Confidence*10), 9)]
			b.n++
			b.conf += p.Confidence
			if slices.Contains(m.intents, p.Intent) {
				b.hits++
			}
		}
		t.Logf("%s by confidence: messages, mean confidence, accuracy", set.name)
		var ece float64
		for i, b := range bins {
			if b.n == 0 {
				continue
			}
			ece += math.Abs(b.conf-b.hits) / float64(len(set.msgs))
			t.Logf("  %.1f-%.1f: %4d  %.2f  %.2f", float64(i)/10, float64(i+1)/10, b.n, b.conf/float64(b.n), b.hits/float64(b.n))
		}
		t.Logf("%s: expected calibration error %.3f", set.name, ece)
		if ece > set.max {
			t.Errorf("%s: expected calibration error %.3f above %.2f", set.name, ece, set.max)
		}
	}
	for _, set := range []struct {
		name string
		msgs []labelled
	}{{"held-out families", heldOutFamilies(t)}, {"blind set", loadLabelled(t, blindSet)}} {
		var above, below tally
		for _, m := range set.msgs {
			p := d.read(m.text, DetectLanguage(m.text)).Primary()
			if !p.Intent.Action() {
				continue
			}
			if p.Confidence >= actionThreshold {
				above.add(slices.Contains(m.intents, p.Intent))
			} else {
				below.add(slices.Contains(m.intents, p.Intent))
			}
		}
		t.Logf("%s: action intents at or above actionThreshold %.2f right %s; below it (the draft asks the buyer to confirm) right %s",
			set.name, actionThreshold, above, below)
		if above.rate() < minActionPrecision {
			t.Errorf("%s: action intents above the threshold right %.3f, want at least %.2f", set.name, above.rate(), minActionPrecision)
		}
	}
}

// TestEvalLanguages: DetectLanguage names each of the seven languages on
// messages it was not built from (held-out families, the development and
// blind sets).
func TestEvalLanguages(t *testing.T) {
	msgs := append(heldOutFamilies(t), devSets(t)...)
	msgs = append(msgs, loadLabelled(t, blindSet)...)
	msgs = append(msgs, loadLabelled(t, multiSet)...)
	per := map[string]*tally{}
	for _, m := range msgs {
		got := DetectLanguage(m.text)
		get(per, m.lang).add(got == m.lang)
		if got != m.lang && showMisses() {
			t.Logf("  %s read as %s: %q", m.lang, got, m.text)
		}
	}
	for _, l := range languages {
		t.Logf("  %-3s %s", l, per[l])
		if per[l].rate() < 0.97 {
			t.Errorf("%s detected %.3f of the time, want at least 0.97", l, per[l].rate())
		}
	}
}

// TestEvalMultiIntent: mixed messages are read on each point, photos are
// noticed, and single messages are not given intents they do not carry.
func TestEvalMultiIntent(t *testing.T) {
	d := New(Shop{})
	// found: the reading carries the intent; answered: the draft answers
	// it (weigh keeps it), not only a staff note that names it.
	var found, answered, photos, falsePhotos tally
	for _, path := range append([]string{multiSet, blindSet}, devFiles...) {
		for _, m := range loadLabelled(t, path) {
			r := d.read(m.text, DetectLanguage(m.text))
			if len(m.intents) > 1 {
				kept, _ := d.weigh(r, "en")
				for _, in := range m.intents {
					found.add(r.has(in))
					answered.add(Reading{Intents: kept}.has(in))
					if !r.has(in) && showMisses() {
						t.Logf("  %s: %s not found in %q (read %v)", path, in, m.text, r.Intents)
					}
				}
			}
			if m.photos {
				photos.add(r.Photos)
			} else {
				falsePhotos.add(r.Photos)
			}
		}
	}
	var extra tally
	for _, m := range heldOutFamilies(t) {
		r := d.read(m.text, DetectLanguage(m.text))
		wrong := false
		for _, s := range r.Intents[1:] {
			wrong = wrong || s.Intent != m.intents[0]
		}
		extra.add(wrong)
		if wrong && showMisses() {
			t.Logf("  extra intent: %q (%s) read %v", m.text, m.intents[0], r.Intents)
		}
	}
	t.Logf("intents of mixed messages found: %s, answered by the draft: %s; photos noticed: %s; photos imagined: %s; single messages given a further intent: %s",
		found, answered, photos, falsePhotos, extra)
	if found.n < 30 || found.rate() < minMultiRecall {
		t.Errorf("mixed messages: %s intents found, want at least %.0f%% of 30 or more", found, 100*minMultiRecall)
	}
	if photos.rate() < minPhotosFound || falsePhotos.ok > 0 {
		t.Errorf("photos noticed %s, imagined %s", photos, falsePhotos)
	}
	if extra.rate() > maxExtraIntents {
		t.Errorf("%s single messages given a further intent, want at most %.0f%%", extra, 100*maxExtraIntents)
	}
}

// TestEvalSetsNeverTrainedOn: no held-out or blind message is, once folded,
// a text the generator trains on (a seed, a Bitext row or a training
// family's message), and no blind message is in the buyer files at all.
func TestEvalSetsNeverTrainedOn(t *testing.T) {
	norm := func(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }
	train := map[string]bool{}
	seeds, _, err := corpus.LoadSeeds("seeds")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range seeds {
		train[norm(e.Text)] = true
	}
	dir, ok := corpus.FindBitext()
	if !ok {
		t.Fatalf("Bitext data not found in %s: the checkout is incomplete", corpus.BitextDir)
	}
	bitext, _, err := corpus.LoadBitext(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range bitext {
		train[norm(e.Text)] = true
	}
	buyers, _, err := corpus.LoadBuyers(corpus.BuyersDir)
	if err != nil {
		t.Fatal(err)
	}
	held := corpus.TestFamilies(buyers)
	inBuyers := map[string]bool{}
	for _, e := range buyers {
		inBuyers[norm(e.Text)] = true
		if !held[e.Family] {
			train[norm(e.Text)] = true
		}
	}
	for _, m := range heldOutFamilies(t) {
		if train[norm(m.text)] {
			t.Errorf("held-out message %q is also trained on", m.text)
		}
	}
	// Every labelled set in testdata, the named ones and any blind set
	// written but not yet read (probes.tsv has its own format).
	paths, err := filepath.Glob("testdata/*.tsv")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range slices.DeleteFunc(paths, func(p string) bool { return filepath.Base(p) == "probes.tsv" }) {
		for _, m := range loadLabelled(t, path) {
			if train[norm(m.text)] || inBuyers[norm(m.text)] {
				t.Errorf("%s message %q is in the training data", path, m.text)
			}
		}
	}
}

// TestProbeAccuracy scores the older probe messages (marketplace wording and
// Chinese, written for the tests) through Draft.
func TestProbeAccuracy(t *testing.T) {
	f, err := os.Open("testdata/probes.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d := New(Shop{})
	var all tally
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		want, text, ok := strings.Cut(strings.TrimSpace(sc.Text()), "\t")
		if !ok || strings.HasPrefix(want, "#") {
			continue
		}
		if !Intent(want).Valid() {
			t.Fatalf("probe intent %q unknown", want)
		}
		got := d.Draft(text, Facts{}).Intent
		all.add(string(got) == want)
		if string(got) != want {
			t.Logf("miss: %q: got %s, want %s", text, got, want)
		}
	}
	t.Logf("probe accuracy %s", all)
	if all.rate() < floorProbes {
		t.Errorf("probe accuracy %.3f below %.2f", all.rate(), floorProbes)
	}
}

// TestModelIsFresh: the embedded model was generated from the seeds, the
// buyer messages and the Bitext file as they are now. Edit them, then run
// go generate.
func TestModelIsFresh(t *testing.T) {
	m := loadModel().m
	_, seeds, err := corpus.LoadSeeds("seeds")
	if err != nil {
		t.Fatal(err)
	}
	_, buyers, err := corpus.LoadBuyers(corpus.BuyersDir)
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
	if want := corpus.Fingerprint(bitext, seeds, buyers); m.Fingerprint != want {
		t.Errorf("embedded model was trained on other data (%s, now %s): run go generate ./core/drafter", m.Fingerprint, want)
	}
	if m.Temperature <= 0 {
		t.Errorf("embedded model has no calibration temperature")
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
	// The reading's classes (closers.ClassesOf, which gen scores with too)
	// and Intent.Action name the same actions.
	classes := loadModel().classes
	for i, in := range Intents() {
		if classes.Action[i] != in.Action() {
			t.Errorf("%s: an action to closers.ClassesOf: %v, to Intent.Action: %v", in, classes.Action[i], in.Action())
		}
	}
	if Intents()[classes.Other] != Other || Intents()[classes.Closer] != NoResponseNeeded {
		t.Errorf("classes %+v: other and the closer misplaced", classes)
	}
}

// TestModelSize keeps the embedded model well inside the binary budget.
func TestModelSize(t *testing.T) {
	t.Logf("embedded model: %d bytes gzipped", len(modelData))
	if len(modelData) > 20<<20 {
		t.Errorf("embedded model is %d bytes, over 20 MB", len(modelData))
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

// BenchmarkRead is the model's reading alone (closers, whole message,
// clauses, photos) over every buyer message: p99 over calls, and over
// messages of the fastest of five reads of each (see BenchmarkDraft).
func BenchmarkRead(b *testing.B) {
	rows, _, err := corpus.LoadBuyers(corpus.BuyersDir)
	if err != nil {
		b.Fatal(err)
	}
	d := New(Shop{})
	var all []time.Duration
	best := make([]time.Duration, len(rows))
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		m := rows[i%len(rows)].Text
		start := time.Now()
		d.read(m, DetectLanguage(m))
		took := time.Since(start)
		all = append(all, took)
		if k := i % len(rows); best[k] == 0 || took < best[k] {
			best[k] = took
		}
		i++
	}
	p99 := func(ds []time.Duration) float64 {
		ds = slices.Clone(ds)
		slices.Sort(ds)
		return float64(ds[min(len(ds)-1, len(ds)*99/100)]) / float64(time.Millisecond)
	}
	b.ReportMetric(p99(all), "p99-ms")
	if i >= 5*len(rows) {
		b.ReportMetric(p99(best), "p99-best-of-5-ms")
	}
}
