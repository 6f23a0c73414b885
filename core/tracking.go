package core

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ValidateTracking checks a tracking number for the carrier and returns it normalised
// (upper-case, spaces and dashes removed). A failure is an *Error with code Invalid, Field "tracking",
// and a message a seller understands that names the carrier and what was wrong, e.g.
// "Tracking number 1Z999AA10123456785 fails UPS's check digit — check the last character" or
// "A UPS tracking number starts with 1Z and has 18 characters; 1Z999 has 5".
//
// Formats and check digits follow the carriers' published label specifications
// as collected in the public tracking_number_data set. A USPS number with a
// 420+ZIP routing prefix is returned without the prefix.
func ValidateTracking(c Carrier, number string) (string, error) {
	switch c {
	case UPS, USPS, FedEx, DHL, Other:
	default:
		names := make([]string, 0, len(Carriers()))
		for _, k := range Carriers() {
			names = append(names, string(k))
		}
		return "", FieldErrorf(Invalid, "carrier", "Unknown carrier %q; use one of %s", string(c), strings.Join(names, ", "))
	}
	n, err := normaliseTracking(c, number)
	if err != nil {
		return "", err
	}
	switch c {
	case UPS:
		return upsTracking(n)
	case USPS:
		return uspsTracking(n)
	case FedEx:
		return fedexTracking(n)
	case DHL:
		return dhlTracking(n)
	}
	if len(n) < 4 || len(n) > 40 {
		return "", trackingErrorf("A tracking number has 4 to 40 letters and digits; %s has %d", shown(n), len(n))
	}
	return n, nil
}

// normaliseTracking upper-cases and drops the spaces and dashes that labels
// and e-mails use to group digits. Only ASCII letters are upper-cased so that
// look-alike letters (Kelvin sign, dotless i) are refused rather than folded.
func normaliseTracking(c Carrier, s string) (string, error) {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) || unicode.Is(unicode.Pd, r):
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			return "", trackingErrorf("%s has only letters and digits, but this one has %s", aNumber(c), describeRune(r))
		}
	}
	if b.Len() == 0 {
		return "", trackingErrorf("Tracking number is missing")
	}
	return b.String(), nil
}

func upsTracking(n string) (string, error) {
	const want = "A UPS tracking number starts with 1Z and has 18 characters"
	if len(n) >= 2 && n[:2] != "1Z" {
		return "", trackingErrorf("%s; %s starts with %s", want, shown(n), n[:2])
	}
	if len(n) != 18 {
		return "", trackingErrorf("%s; %s has %d", want, shown(n), len(n))
	}
	// UPS's mod-10: letters count as (position in alphabet + 2) mod 10 and
	// every second character of the 15 after 1Z is doubled.
	if !isDigit(n[17]) || mod10(n[2:17], 1, 2) != n[17] {
		return "", checkDigitError(UPS, n)
	}
	return n, nil
}

func uspsTracking(n string) (string, error) {
	if isLetter(n[0]) {
		return uspsS10(n)
	}
	if !allDigits(n) {
		return "", trackingErrorf("A USPS tracking number has only digits, unless it is international (2 letters, 9 digits and US, like EA123456785US); %s mixes letters in", shown(n))
	}
	switch len(n) {
	case 20:
		// Older 20-digit numbers are either complete or an IMpb number with its
		// leading application identifier 91 left off; the check digit covers it.
		if mod10(n[:19], 3, 1) == n[19] || mod10("91"+n[:19], 3, 1) == n[19] {
			return n, nil
		}
		return "", checkDigitError(USPS, n)
	case 22, 26:
		if !impbPrefix(n) {
			return "", trackingErrorf("A %d-digit USPS tracking number starts with 91, 92, 93, 94 or 95; %s starts with %s", len(n), shown(n), n[:2])
		}
		if !impbCheck(n) {
			return "", checkDigitError(USPS, n)
		}
		return n, nil
	case 30, 34, 38:
		return uspsRouted(n)
	}
	return "", trackingErrorf("A USPS tracking number has 20, 22 or 26 digits (30 to 38 with the 420 ZIP code prefix); %s has %d", shown(n), len(n))
}

// uspsRouted strips the IMpb routing prefix, 420 and a 5- or 9-digit ZIP code,
// from the 22- or 26-digit tracking number that follows it. A 34-digit number
// can be either ZIP+4 and 22 digits or ZIP and 26 digits; both are tried.
func uspsRouted(n string) (string, error) {
	if n[:3] != "420" {
		return "", trackingErrorf("A %d-digit USPS tracking number starts with 420 and the ZIP code; %s starts with %s", len(n), shown(n), n[:3])
	}
	var tails []string
	switch len(n) {
	case 30:
		tails = []string{n[8:]}
	case 34:
		tails = []string{n[12:], n[8:]}
	case 38:
		tails = []string{n[12:]}
	}
	prefixed := false
	for _, t := range tails {
		if impbPrefix(t) {
			prefixed = true
			if impbCheck(t) {
				return t, nil
			}
		}
	}
	if prefixed {
		return "", checkDigitError(USPS, n)
	}
	return "", trackingErrorf("After 420 and the ZIP code, a USPS tracking number starts with 91, 92, 93, 94 or 95; %s doesn't", shown(n))
}

// uspsS10 checks an international number in the UPU S10 form USPS issues.
func uspsS10(n string) (string, error) {
	if !isS10(n) {
		return "", trackingErrorf("A USPS international tracking number has 2 letters, 9 digits and 2 letters, like EA123456785US; %s %s", shown(n), s10Mismatch(n))
	}
	if n[11:] != "US" {
		return "", trackingErrorf("A USPS international tracking number ends in US; %s ends in %s, so it belongs to another postal service: choose Other", shown(n), n[11:])
	}
	if s10Check(n[2:10]) != n[10] {
		return "", checkDigitError(USPS, n)
	}
	return n, nil
}

func fedexTracking(n string) (string, error) {
	if !allDigits(n) {
		return "", trackingErrorf("A FedEx tracking number has only digits (12, 15, 20 or 22 of them); %s has letters", shown(n))
	}
	ok := false
	switch len(n) {
	case 12:
		// Express: weights 1, 3, 7 repeating from the right, sum mod 11 (10 counts as 0).
		ok = fedexExpressCheck(n[:11]) == n[11]
	case 15:
		// Ground: mod 10 with weights 3 and 1 from the right.
		ok = mod10(n[:14], 3, 1) == n[14]
	case 20:
		// SmartPost / Ground Economy: an IMpb number shown without its 92.
		ok = mod10("92"+n[:19], 3, 1) == n[19]
	case 22:
		switch n[:2] {
		case "92":
			// SmartPost / Ground Economy full IMpb barcode.
			ok = impbCheck(n)
		case "96":
			// Ground barcode: 96, 2-digit SCNC, 3-digit service code, then the
			// 15-digit Ground number with its own check digit.
			ok = mod10(n[7:21], 3, 1) == n[21]
		default:
			return "", trackingErrorf("A 22-digit FedEx tracking number starts with 92 or 96; %s starts with %s", shown(n), n[:2])
		}
	default:
		return "", trackingErrorf("A FedEx tracking number has 12, 15, 20 or 22 digits; %s has %d", shown(n), len(n))
	}
	if !ok {
		return "", checkDigitError(FedEx, n)
	}
	return n, nil
}

func dhlTracking(n string) (string, error) {
	if allDigits(n) {
		// Express waybill: the number before the check digit, mod 7. 11-digit
		// waybills follow the same rule.
		if len(n) != 10 && len(n) != 11 {
			return "", trackingErrorf("A DHL Express waybill number has 10 digits; %s has %d", shown(n), len(n))
		}
		if mod7(n[:len(n)-1]) != n[len(n)-1] {
			return "", checkDigitError(DHL, n)
		}
		return n, nil
	}
	switch {
	case strings.HasPrefix(n, "GM"):
		// eCommerce (Global Mail) number; no check digit is published.
		if d := n[2:]; !allDigits(d) || len(d) < 16 || len(d) > 18 {
			return "", trackingErrorf("A DHL eCommerce number starting with GM has 16 to 18 digits after GM; %s %s", shown(n), digitsMismatch(d))
		}
		return n, nil
	case strings.HasPrefix(n, "LX"), strings.HasPrefix(n, "RX"):
		// Postal items handed to a post office: UPU S10 with its check digit.
		if !isS10(n) {
			return "", trackingErrorf("A DHL number starting with %s has 2 letters, 9 digits and 2 letters, like %s123456785DE; %s %s", n[:2], n[:2], shown(n), s10Mismatch(n))
		}
		if s10Check(n[2:10]) != n[10] {
			return "", checkDigitError(DHL, n)
		}
		return n, nil
	case n[0] == 'J':
		// Express piece ID (licence plate): J, 2 or 3 letters, then digits;
		// no check digit is published.
		i := 1
		for i < len(n) && i <= 4 && isLetter(n[i]) {
			i++
		}
		d := n[i:]
		if i < 3 || i > 4 || !allDigits(d) || (len(d) != 9 && len(d) != 10 && len(d) != 18) {
			return "", trackingErrorf("A DHL piece number is J and 2 or 3 more letters (like JJD or JVGL) followed by 9, 10 or 18 digits; %s doesn't fit that", shown(n))
		}
		return n, nil
	}
	return "", trackingErrorf("A DHL tracking number is a 10-digit waybill number or starts with GM, LX, RX, JJD or JVGL; %s starts with %s", shown(n), n[:min(2, len(n))])
}

// mod10 returns the check digit that rounds the weighted sum of body up to a
// multiple of 10, weighting body's last character by right and alternating
// with other leftwards. Letters, which only UPS uses, count as UPS counts
// them: A=2, B=3 … I=0, J=1 … (alphabet position + 2) mod 10.
func mod10(body string, right, other int) byte {
	sum, w := 0, right
	for i := len(body) - 1; i >= 0; i-- {
		v := int(body[i] - '0')
		if isLetter(body[i]) {
			v = int(body[i]-'A'+2) % 10
		}
		sum += v * w
		w = right + other - w
	}
	return byte('0' + (10-sum%10)%10)
}

// impbCheck is the USPS Intelligent Mail package barcode check (Publication
// 199): mod 10, weights 3 and 1 from the right, check digit last.
func impbCheck(n string) bool { return mod10(n[:len(n)-1], 3, 1) == n[len(n)-1] }

// impbPrefix reports whether n starts with an IMpb application identifier 91–95.
func impbPrefix(n string) bool { return len(n) >= 2 && n[0] == '9' && n[1] >= '1' && n[1] <= '5' }

func fedexExpressCheck(body string) byte {
	weights := [3]int{1, 3, 7}
	sum := 0
	for i := len(body) - 1; i >= 0; i-- {
		sum += int(body[i]-'0') * weights[(len(body)-1-i)%3]
	}
	return byte('0' + sum%11%10)
}

// mod7 is DHL Express's check: the digits before it as a number, mod 7.
func mod7(body string) byte {
	r := 0
	for i := 0; i < len(body); i++ {
		r = (r*10 + int(body[i]-'0')) % 7
	}
	return byte('0' + r)
}

// isS10 reports whether n has the UPU S10 shape: 2 letters, 9 digits, 2 letters.
func isS10(n string) bool {
	return len(n) == 13 && isLetter(n[0]) && isLetter(n[1]) && allDigits(n[2:11]) && isLetter(n[11]) && isLetter(n[12])
}

// s10Check is the UPU S10 check digit over the 8-digit serial: weights
// 8 6 4 2 3 5 9 7, then 11 minus the sum mod 11, with 10 → 0 and 11 → 5.
func s10Check(serial string) byte {
	weights := [8]int{8, 6, 4, 2, 3, 5, 9, 7}
	sum := 0
	for i := 0; i < 8; i++ {
		sum += int(serial[i]-'0') * weights[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return '0'
	case 11:
		return '5'
	default:
		return byte('0' + c)
	}
}

func s10Mismatch(n string) string {
	if len(n) != 13 {
		return fmt.Sprintf("has %d characters", len(n))
	}
	return "doesn't follow that pattern"
}

func digitsMismatch(d string) string {
	if !allDigits(d) {
		return "has letters after GM"
	}
	return fmt.Sprintf("has %d", len(d))
}

func checkDigitError(c Carrier, n string) *Error {
	return trackingErrorf("Tracking number %s fails %s's check digit — check it against the label for a mistyped character", shown(n), c.DisplayName())
}

func trackingErrorf(format string, args ...any) *Error {
	return FieldErrorf(Invalid, "tracking", format, args...)
}

// aNumber starts a sentence about the carrier's tracking numbers.
func aNumber(c Carrier) string {
	if c == Other {
		return "A tracking number"
	}
	return "A " + c.DisplayName() + " tracking number"
}

// shown keeps a pasted paragraph from flooding the message.
func shown(n string) string {
	if len(n) > 40 {
		return n[:37] + "…"
	}
	return n
}

func describeRune(r rune) string {
	switch {
	case r == utf8.RuneError:
		return "an unreadable character"
	case unicode.IsPrint(r):
		return fmt.Sprintf("“%c”", r)
	}
	return fmt.Sprintf("an invisible character (U+%04X)", r)
}

func isDigit(b byte) bool  { return b >= '0' && b <= '9' }
func isLetter(b byte) bool { return b >= 'A' && b <= 'Z' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}
