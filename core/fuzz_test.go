package core

import (
	"testing"
	"unicode/utf8"
)

// FuzzParse feeds arbitrary chat text to the parser: it must never panic,
// and whatever it accepts must print back to a line that parses the same.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"order 902-3159896-1390916", "orders late limit 10 page 2", "ship 1 ups 1Z999AA10123456784 MUG:2 date 2026-11-20",
		`ship 1 other:"Royal Mail" AB123 SKU:with:colons:3`, "cancel 1 buyer_canceled changed mind", "return 1 A:1 B:2 broken",
		"refund R-7KQ2M9XH full ok", "refund 1 12,50 late", "stock MUG set 5", "help ship", "/desk orders", `“quoted words”`, "'", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		cmd, err := Parse(line)
		if err != nil {
			if ErrorCode(err) != Invalid {
				t.Fatalf("Parse(%q) error code %s, want invalid", line, ErrorCode(err))
			}
			return
		}
		if !utf8.ValidString(line) {
			return // invalid bytes are replaced when printed back
		}
		again, err := Parse(cmd.String())
		if err != nil {
			t.Fatalf("Parse(%q) = %#v, but its String %q does not parse: %v", line, cmd, cmd.String(), err)
		}
		if again.String() != cmd.String() {
			t.Fatalf("round trip of %q: %q then %q", line, cmd.String(), again.String())
		}
	})
}
