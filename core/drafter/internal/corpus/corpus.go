// Package corpus reads the intent model's training material: Bitext's
// customer-service dataset (core/drafter/data/bitext), the hand-written
// seeds in core/drafter/seeds and the hand-written buyer messages in seven
// languages in core/drafter/data/buyers (read by the generator and the
// tests, never embedded in the binary). It also decides, once and for
// everyone, which phrasing families of buyer messages are held out from
// training, so the generator never trains on a family the accuracy test
// scores.
package corpus

import (
	"bufio"
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/sellerdesk/sellerdesk/core/drafter/internal/features"
)

// Intents are the drafter's intent names, in the order the API lists them.
var Intents = []string{
	"track_order", "delivery_time", "cancel_order", "change_address",
	"return_request", "refund_status", "damaged_or_wrong_item", "invoice",
	"payment_issue", "complaint", "human_agent", "no_response_needed", "other",
}

// BitextIntent maps each of Bitext's 27 intents onto a drafter intent.
//
// Decisions worth stating: get_refund ("I want my money back") and
// check_refund_policy ("in which cases can I ask for a refund") both become
// return_request, because in the seller order flow money comes back through
// a return (or a damaged-item claim) and the answer a buyer needs is the
// return window and how to ask; track_refund ("I'm waiting for a refund of
// $40, was it processed") is refund_status, answered from the refunds that
// exist. review (feedback) is filed with complaint: both are answered by a
// person reading what the buyer thinks. change_order and place_order are
// other: sellerdesk cannot edit a marketplace order and buying happens on
// the marketplace.
var BitextIntent = map[string]string{
	"track_order":              "track_order",
	"delivery_period":          "delivery_time",
	"delivery_options":         "delivery_time",
	"cancel_order":             "cancel_order",
	"check_cancellation_fee":   "cancel_order",
	"change_shipping_address":  "change_address",
	"set_up_shipping_address":  "change_address",
	"get_refund":               "return_request",
	"check_refund_policy":      "return_request",
	"track_refund":             "refund_status",
	"get_invoice":              "invoice",
	"check_invoice":            "invoice",
	"payment_issue":            "payment_issue",
	"check_payment_methods":    "payment_issue",
	"complaint":                "complaint",
	"review":                   "complaint",
	"contact_human_agent":      "human_agent",
	"contact_customer_service": "human_agent",
	"create_account":           "other",
	"delete_account":           "other",
	"edit_account":             "other",
	"recover_password":         "other",
	"registration_problems":    "other",
	"switch_account":           "other",
	"newsletter_subscription":  "other",
	"place_order":              "other",
	"change_order":             "other",
}

// BitextFile is the file the model is trained and evaluated on: Bitext's v1
// training sample, 6,480 rows, 27 intents.
const BitextFile = "bitext_cs_train_v1_6480.csv"

// Example is one labelled utterance. Label is the training class: a Bitext
// intent for Bitext rows, a drafter intent for seeds.
type Example struct {
	Text   string
	Label  string
	Intent string // the drafter intent Label maps to
	Tags   string // Bitext's variation flags (Q colloquial, Z typos, ...); "seed" for seeds, "buyer" for buyer messages
	Lang   string // ISO 639-1 of a buyer message (from its file name); empty for Bitext and seeds
	Family string // phrasing family of a buyer message, shared by its paraphrases and translations
}

// BitextDir is where the repository keeps Bitext's file, with its licence
// and source, relative to the module root.
const BitextDir = "core/drafter/data/bitext"

// FindBitext finds the Bitext folder: $SELLERDESK_BITEXT_DIR when set, else
// BitextDir under the module root (the nearest parent of the working
// directory holding go.mod). ok is false only outside a checkout.
func FindBitext() (dir string, ok bool) {
	if d := os.Getenv("SELLERDESK_BITEXT_DIR"); d != "" {
		return d, true
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			c := filepath.Join(d, filepath.FromSlash(BitextDir))
			if _, err := os.Stat(filepath.Join(c, BitextFile)); err != nil {
				return "", false
			}
			return c, true
		}
		if filepath.Dir(d) == d {
			return "", false
		}
	}
}

// LoadBitext reads the v1 file from dir (header-keyed, so column order does
// not matter) and returns every row with its drafter intent.
func LoadBitext(dir string) ([]Example, []byte, error) {
	raw, err := os.ReadFile(filepath.Join(dir, BitextFile))
	if err != nil {
		return nil, nil, err
	}
	r := csv.NewReader(bytes.NewReader(raw))
	head, err := r.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", BitextFile, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	for _, c := range []string{"instruction", "intent", "tags"} {
		if _, ok := col[c]; !ok {
			return nil, nil, fmt.Errorf("%s: no %q column", BitextFile, c)
		}
	}
	var out []Example
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", BitextFile, err)
		}
		label := rec[col["intent"]]
		intent, ok := BitextIntent[label]
		if !ok {
			return nil, nil, fmt.Errorf("%s: intent %q has no mapping", BitextFile, label)
		}
		out = append(out, Example{Text: rec[col["instruction"]], Label: label, Intent: intent, Tags: rec[col["tags"]]})
	}
	return out, raw, nil
}

// BuyersDir is where the repository keeps the hand-written buyer messages,
// relative to core/drafter.
const BuyersDir = "data/buyers"

// LoadBuyers reads every <lang>.tsv file in dir and in its round
// directories (dir/<round>/<lang>.tsv): lines
// "family<TAB>intent<TAB>message", # comments and blank lines ignored. The
// file name is the language. A family id may repeat across files (a
// translation is the same family) but its intent may not differ.
func LoadBuyers(dir string) ([]Example, []byte, error) {
	var out []Example
	intentOf := map[string]string{}
	all, err := readTSV(dir, "buyer message", func(file string, n int, line string) error {
		parts := strings.SplitN(line, "\t", 3)
		if len(parts) != 3 || strings.TrimSpace(parts[2]) == "" || parts[0] == "" {
			return fmt.Errorf("%s:%d: want family<TAB>intent<TAB>message", file, n)
		}
		family, intent, text := parts[0], parts[1], strings.TrimSpace(parts[2])
		if !slices.Contains(Intents, intent) {
			return fmt.Errorf("%s:%d: unknown intent %q", file, n, intent)
		}
		if prev, ok := intentOf[family]; ok && prev != intent {
			return fmt.Errorf("%s:%d: family %s is %s here and %s elsewhere", file, n, family, intent, prev)
		}
		intentOf[family] = intent
		lang := strings.TrimSuffix(filepath.Base(file), ".tsv")
		out = append(out, Example{Text: text, Label: intent, Intent: intent, Tags: "buyer", Lang: lang, Family: family})
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return out, all, nil
}

// readTSV calls line with every line of every *.tsv file in dir (files in
// name order), then of every *.tsv file one directory down (a later round of
// writing, read after the files before it so that the families already
// there keep their numbers), that is neither blank nor a # comment, and
// returns the files' bytes, each after its name (what a fingerprint hashes).
func readTSV(dir, what string, line func(file string, n int, line string) error) ([]byte, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.tsv"))
	if err != nil {
		return nil, err
	}
	rounds, err := filepath.Glob(filepath.Join(dir, "*", "*.tsv"))
	if err != nil {
		return nil, err
	}
	if len(files)+len(rounds) == 0 {
		return nil, fmt.Errorf("no %s files in %s", what, dir)
	}
	slices.Sort(files)
	// Rounds in the order they were written (r9b before r10a), so that a
	// new round's families number after every older one's and the split of
	// the older ones never moves.
	slices.SortFunc(rounds, func(a, b string) int { return compareRounds(filepath.ToSlash(a), filepath.ToSlash(b)) })
	var all bytes.Buffer
	for _, f := range append(files, rounds...) {
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		name, err := filepath.Rel(dir, f)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&all, "%s\n", filepath.ToSlash(name))
		all.Write(raw)
		sc := bufio.NewScanner(bytes.NewReader(raw))
		for n := 1; sc.Scan(); n++ {
			l := strings.TrimSpace(sc.Text())
			if l == "" || strings.HasPrefix(l, "#") {
				continue
			}
			if err := line(f, n, l); err != nil {
				return nil, err
			}
		}
	}
	return all.Bytes(), nil
}

// compareRounds orders paths as text, except that runs of digits compare
// as numbers: r9b/en.tsv before r10a/en.tsv.
func compareRounds(a, b string) int {
	for a != "" && b != "" {
		da, db := leadingDigits(a), leadingDigits(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if c := cmp.Or(cmp.Compare(len(na), len(nb)), strings.Compare(na, nb)); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return cmp.Compare(a[0], b[0])
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

func leadingDigits(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

// TestFamilies names the phrasing families held out from training. Within
// each intent, families are numbered in the order they first appear in exs
// (files in name order), and numbers 1, 5, 9, … are held out: about one
// family in four of every intent, never the first (usually the plainest
// wording), the same on every machine. A family is held out in every
// language at once, so no test message has a translation in training.
func TestFamilies(exs []Example) map[string]bool {
	seen := map[string]bool{}
	count := map[string]int{}
	held := map[string]bool{}
	for _, e := range exs {
		if e.Family == "" || seen[e.Family] {
			continue
		}
		seen[e.Family] = true
		if count[e.Intent]%4 == 1 {
			held[e.Family] = true
		}
		count[e.Intent]++
	}
	return held
}

// LoadSeeds reads every *.tsv file in dir: lines "intent<TAB>text", with #
// comments and blank lines ignored; a text "a | b | c" is three examples.
// Seeds are labelled with drafter intents and always trained on.
func LoadSeeds(dir string) ([]Example, []byte, error) {
	var out []Example
	all, err := readTSV(dir, "seed", func(file string, n int, line string) error {
		intent, text, ok := strings.Cut(line, "\t")
		text = strings.TrimSpace(text)
		if !ok || text == "" {
			return fmt.Errorf("%s:%d: want intent<TAB>text", file, n)
		}
		if !slices.Contains(Intents, intent) {
			return fmt.Errorf("%s:%d: unknown intent %q", file, n, intent)
		}
		// "a | b | c" is three examples: glossary lines list many short
		// wordings of one intent.
		lang := SeedLanguage(filepath.Base(file))
		for _, alt := range strings.Split(text, " | ") {
			if alt = strings.TrimSpace(alt); alt != "" {
				out = append(out, Example{Text: alt, Label: intent, Intent: intent, Tags: "seed", Lang: lang})
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return out, all, nil
}

// Languages are the seven the drafter reads and answers.
var Languages = []string{"en", "de", "fr", "it", "es", "ja", "zh"}

// SeedLanguage is the language of a seed file named <lang>.tsv or
// <kind>-<lang>.tsv, "" when the file mixes languages (intl.tsv).
func SeedLanguage(name string) string {
	name = strings.TrimSuffix(name, ".tsv")
	if i := strings.LastIndex(name, "-"); i >= 0 {
		name = name[i+1:]
	}
	if slices.Contains(Languages, name) {
		return name
	}
	return ""
}

// Fingerprint identifies the training inputs, so a test can tell that the
// embedded model is stale (seeds or buyer messages edited, generator not
// rerun): short hashes of the Bitext file, the seed files, the buyer
// files and the concept lexicon the features read (edited, it changes what
// the model sees), "bitext=… seeds=… buyers=… concepts=…".
func Fingerprint(bitext, seeds, buyers []byte) string {
	return "bitext=" + shortHash(bitext) + " seeds=" + shortHash(seeds) + " buyers=" + shortHash(buyers) +
		" concepts=" + shortHash([]byte(features.Lexicon()))
}

func shortHash(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:8])
}
