package corpus

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestEveryBitextIntentMapsToADrafterIntent(t *testing.T) {
	if len(BitextIntent) != 27 {
		t.Errorf("%d Bitext intents mapped, want 27", len(BitextIntent))
	}
	for b, ours := range BitextIntent {
		if !slices.Contains(Intents, ours) {
			t.Errorf("%s maps to unknown intent %s", b, ours)
		}
	}
}

func TestBuyersLoadWithFamiliesAndLanguages(t *testing.T) {
	exs, raw, err := LoadBuyers("../../" + BuyersDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) == 0 {
		t.Fatal("no buyer bytes")
	}
	per := map[string]int{}
	for _, e := range exs {
		if e.Family == "" || e.Lang == "" {
			t.Fatalf("%q has no family or language", e.Text)
		}
		per[e.Lang+" "+e.Intent]++
	}
	for _, lang := range []string{"en", "de", "fr", "it", "es", "ja", "zh"} {
		for _, in := range Intents {
			if per[lang+" "+in] < 10 {
				t.Errorf("only %d %s messages for %s", per[lang+" "+in], lang, in)
			}
		}
	}
}

func TestTestFamiliesHoldOutAboutAQuarterOfEveryIntent(t *testing.T) {
	exs, _, err := LoadBuyers("../../" + BuyersDir)
	if err != nil {
		t.Fatal(err)
	}
	held := TestFamilies(exs)
	fams := map[string]map[string]bool{}
	for _, e := range exs {
		if fams[e.Intent] == nil {
			fams[e.Intent] = map[string]bool{}
		}
		fams[e.Intent][e.Family] = true
	}
	for _, in := range Intents {
		n, h := len(fams[in]), 0
		for f := range fams[in] {
			if held[f] {
				h++
			}
		}
		if h == 0 || h > (n+2)/3 {
			t.Errorf("%s: %d of %d families held out", in, h, n)
		}
	}
	again := TestFamilies(exs)
	if fmt.Sprint(again) != fmt.Sprint(held) {
		t.Error("the split is not stable")
	}
}

func TestLoadBuyersRefusesAFamilyWithTwoIntents(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "en.tsv"), []byte("f1\ttrack_order\twhere\nf1\tother\thi\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadBuyers(dir); err == nil {
		t.Error("a family with two intents accepted")
	}
	if err := os.WriteFile(filepath.Join(dir, "en.tsv"), []byte("track_order\twhere\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadBuyers(dir); err == nil {
		t.Error("a line without a family accepted")
	}
}

func TestLoadSeedsRefusesUnknownIntent(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x.tsv"), []byte("# c\ntrack_order\twhere\nrefund\tmoney\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadSeeds(dir); err == nil {
		t.Error("unknown intent accepted")
	}
}

func TestSeedsLoad(t *testing.T) {
	seeds, raw, err := LoadSeeds("../../seeds")
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) == 0 {
		t.Fatal("no seed bytes")
	}
	per := map[string]int{}
	for _, s := range seeds {
		per[s.Intent]++
	}
	for _, in := range Intents {
		if per[in] < 5 {
			t.Errorf("only %d seeds for %s", per[in], in)
		}
	}
}

// Rounds load in the order they were written, r9b before r10a, so a new
// round never renumbers (and so re-splits) an older one's families.
func TestRoundsLoadInNumberOrder(t *testing.T) {
	paths := []string{"r10a/en.tsv", "r9b/en.tsv", "r5a/zh.tsv", "r10b/de.tsv", "r5a/de.tsv", "r7a/en.tsv", "r100a/en.tsv", "r010c/en.tsv"}
	slices.SortFunc(paths, compareRounds)
	want := []string{"r5a/de.tsv", "r5a/zh.tsv", "r7a/en.tsv", "r9b/en.tsv", "r10a/en.tsv", "r10b/de.tsv", "r010c/en.tsv", "r100a/en.tsv"}
	if !slices.Equal(paths, want) {
		t.Errorf("rounds sort as %v, want %v", paths, want)
	}
}
