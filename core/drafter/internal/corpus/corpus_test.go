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

func TestHeldOutIsStableAndAboutAFifth(t *testing.T) {
	if HeldOut("where is my order") != HeldOut("  Where is my ORDER ") {
		t.Error("case and spaces change the split")
	}
	n := 0
	for i := range 10000 {
		if HeldOut(fmt.Sprintf("message %d", i)) {
			n++
		}
	}
	if n < 1800 || n > 2200 {
		t.Errorf("%d of 10000 held out, want about 2000", n)
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
