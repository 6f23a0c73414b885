package core

import (
	"errors"
	"strings"
	"testing"
)

// Valid numbers are the published examples of the tracking_number_data set
// (and of the UPU S10 standard) unless noted; refusals change one thing.
func TestValidateTracking(t *testing.T) {
	tests := []struct {
		name    string
		carrier Carrier
		in      string
		want    string // normalised result; "" when refused
		errHas  string // part of the refusal message
	}{
		// UPS
		{"ups_valid_ground", UPS, "1Z5R89390357567127", "1Z5R89390357567127", ""},
		{"ups_valid_letters_in_account", UPS, "1Z879E930346834440", "1Z879E930346834440", ""},
		{"ups_valid_letters_weighted", UPS, "1Z410E7W0392751591", "1Z410E7W0392751591", ""},
		{"ups_valid_surepost", UPS, "1ZXX3150YW44070023", "1ZXX3150YW44070023", ""},
		{"ups_valid_doc_example", UPS, "1Z999AA10123456784", "1Z999AA10123456784", ""},
		{"ups_lower_case_and_spaces_normalised", UPS, " 1z 8v92 a703-6720 3024 ", "1Z8V92A70367203024", ""},
		{"ups_bad_check_digit_refused", UPS, "1Z999AA10123456785", "", "fails UPS's check digit"},
		{"ups_all_ones_bad_check_digit_refused", UPS, "1Z1111111111111111", "", "fails UPS's check digit"},
		{"ups_letter_as_check_digit_refused", UPS, "1Z999AA1012345678X", "", "fails UPS's check digit"},
		{"ups_wrong_prefix_refused", UPS, "2Z5R89390357567127", "", "starts with 1Z and has 18 characters; 2Z5R89390357567127 starts with 2Z"},
		{"ups_wrong_second_letter_refused", UPS, "1A5R89390357567127", "", "1A5R89390357567127 starts with 1A"},
		{"ups_too_short_refused", UPS, "1Z999", "", "A UPS tracking number starts with 1Z and has 18 characters; 1Z999 has 5"},
		{"ups_too_long_refused", UPS, "1Z5R893903575671270", "", "has 19"},

		// USPS
		{"usps_valid_impb_22", USPS, "9400 1112 0108 0805 4830 16", "9400111201080805483016", ""},
		{"usps_valid_impb_22_priority", USPS, "9405803699300124287899", "9405803699300124287899", ""},
		{"usps_valid_impb_22_spaced_out", USPS, " 9 3 6 1   2 8 9 8   7 8 7 0   0 3 1 7   6 3 3 7   9 5 ", "9361289878700317633795", ""},
		{"usps_valid_impb_22_ai_95", USPS, "9505 5110 6960 5048 6006 24", "9505511069605048600624", ""},
		{"usps_valid_impb_26", USPS, "92748931507708513018050063", "92748931507708513018050063", ""},
		{"usps_valid_20_digit", USPS, "0307 1790 0005 2348 3741", "03071790000523483741", ""},
		{"usps_valid_20_digit_certified", USPS, "7112 3456 7891 2345 6787", "71123456789123456787", ""},
		{"usps_valid_20_digit_without_91", USPS, "7196-9010-7560-0307-7385", "71969010756003077385", ""},
		{"usps_420_zip5_prefix_stripped", USPS, "420 22153 9101026837331000039521", "9101026837331000039521", ""},
		{"usps_420_zip9_prefix_stripped", USPS, "4201002334249200190132607600833457", "9200190132607600833457", ""},
		{"usps_420_zip9_prefix_stripped_2", USPS, "4201028200009261290113185417468510", "9261290113185417468510", ""},
		{"usps_valid_s10_international", USPS, "ea 123 456 785 us", "EA123456785US", ""},
		{"usps_valid_s10_registered", USPS, "RB123456785US", "RB123456785US", ""},
		{"usps_bad_check_digit_refused", USPS, "9400 1112 0108 0805 4830 17", "", "fails USPS's check digit"},
		{"usps_20_digit_bad_check_digit_refused", USPS, "0307 1790 0005 2348 3742", "", "fails USPS's check digit"},
		{"usps_fedex_smartpost_20_refused", USPS, "61299998820821171811", "", "fails USPS's check digit"},
		{"usps_all_zeros_bad_check_digit_refused", USPS, "9200000000000000000000", "", "fails USPS's check digit"},
		{"usps_420_bad_check_digit_refused", USPS, "4201028200009261290113185417468511", "", "fails USPS's check digit"},
		{"usps_420_zeros_refused", USPS, "420000009200000000000000000000", "", "fails USPS's check digit"},
		{"usps_420_without_impb_refused", USPS, "420000000000000000000000000000", "", "After 420 and the ZIP code"},
		{"usps_30_digit_without_420_refused", USPS, "123221539101026837331000039521", "", "starts with 420"},
		{"usps_22_digit_wrong_prefix_refused", USPS, "8400111201080805483016", "", "starts with 91, 92, 93, 94 or 95; 8400111201080805483016 starts with 84"},
		{"usps_wrong_length_refused", USPS, "940011120108080548301", "", "has 21"},
		{"usps_s10_bad_check_digit_refused", USPS, "RB123456786US", "", "fails USPS's check digit"},
		{"usps_s10_foreign_post_refused", USPS, "RB123456785GB", "", "ends in GB"},
		{"usps_s10_wrong_length_refused", USPS, "RB12345678US", "", "has 12 characters"},
		{"usps_letters_in_digits_refused", USPS, "9400A11201080805483016", "", "mixes letters in"},

		// FedEx
		{"fedex_valid_express_12", FedEx, "986578788855", "986578788855", ""},
		{"fedex_valid_express_12_b", FedEx, "4771 7908 1230", "477179081230", ""},
		{"fedex_valid_express_12_c", FedEx, "799531274483", "799531274483", ""},
		{"fedex_valid_express_12_d", FedEx, "790535312317", "790535312317", ""},
		{"fedex_valid_express_12_e", FedEx, "974367662710", "974367662710", ""},
		{"fedex_valid_ground_15", FedEx, "0414 4176 0228 964", "041441760228964", ""},
		{"fedex_valid_ground_15_b", FedEx, "568283610012000", "568283610012000", ""},
		{"fedex_valid_ground_15_c", FedEx, " 5 6 8 2   8 3 6 1   0 0 1 2   7 3 4 ", "568283610012734", ""},
		{"fedex_valid_smartpost_20", FedEx, "61299998820821171811", "61299998820821171811", ""},
		{"fedex_valid_smartpost_22", FedEx, "9261292700768711948021", "9261292700768711948021", ""},
		{"fedex_valid_ground_96_22", FedEx, "96 1102 0987 6543 1234 5672", "9611020987654312345672", ""},
		{"fedex_express_bad_check_digit_refused", FedEx, "996578788855", "", "fails FedEx's check digit"},
		{"fedex_ground_bad_check_digit_refused", FedEx, "5682 8361 0012 732", "", "fails FedEx's check digit"},
		{"fedex_smartpost_bad_check_digit_refused", FedEx, "9261292700768711948020", "", "fails FedEx's check digit"},
		{"fedex_96_bad_check_digit_refused", FedEx, "9600000000000000000001", "", "fails FedEx's check digit"},
		{"fedex_22_digit_wrong_prefix_refused", FedEx, "9161292700768711948021", "", "starts with 92 or 96; 9161292700768711948021 starts with 91"},
		{"fedex_wrong_length_refused", FedEx, "98657878885", "", "12, 15, 20 or 22 digits; 98657878885 has 11"},
		{"fedex_letters_refused", FedEx, "1Z5R89390357567127", "", "has letters"},

		// DHL
		{"dhl_valid_express_10", DHL, "3318810025", "3318810025", ""},
		{"dhl_valid_express_10_b", DHL, "8487 1355 06", "8487135506", ""},
		{"dhl_valid_express_10_c", DHL, "3318810036", "3318810036", ""},
		{"dhl_valid_express_10_d", DHL, "1099255990", "1099255990", ""},
		{"dhl_valid_express_11", DHL, "73891051146", "73891051146", ""},
		{"dhl_valid_ecommerce_gm_16", DHL, "GM 2 9 5 117 32 25 1 7 44 9 4", "GM2951173225174494", ""},
		{"dhl_valid_ecommerce_gm_18", DHL, "gm295117494011169042", "GM295117494011169042", ""},
		{"dhl_valid_piece_jjd", DHL, "JJD0099999999", "JJD0099999999", ""},
		{"dhl_valid_piece_jvgl", DHL, "jvgl-0999999990", "JVGL0999999990", ""},
		{"dhl_valid_piece_jjd_18", DHL, "JJD 000 390 007 879 911 111", "JJD000390007879911111", ""}, // format from the brief, digits made up
		{"dhl_valid_s10_lx", DHL, "LX123456785DE", "LX123456785DE", ""},                             // UPU S10 example serial
		{"dhl_express_bad_check_digit_refused", DHL, "3318810010", "", "fails DHL's check digit"},
		{"dhl_express_bad_check_digit_refused_2", DHL, "3318810034", "", "fails DHL's check digit"},
		{"dhl_express_11_bad_check_digit_refused", DHL, "73891051149", "", "fails DHL's check digit"},
		{"dhl_s10_bad_check_digit_refused", DHL, "RX123456786DE", "", "fails DHL's check digit"},
		{"dhl_wrong_length_refused", DHL, "331881002", "", "has 10 digits; 331881002 has 9"},
		{"dhl_gm_wrong_length_refused", DHL, "GM295117322517449", "", "16 to 18 digits after GM; GM295117322517449 has 15"},
		{"dhl_wrong_prefix_refused", DHL, "GS295117494011169041", "", "starts with GS"},
		{"dhl_piece_wrong_prefix_refused", DHL, "XJD0099999998", "", "starts with XJ"},
		{"dhl_piece_wrong_length_refused", DHL, "JJD00999999", "", "doesn't fit"},

		// Other
		{"other_valid_royal_mail", Other, "ab 123 456 789 gb", "AB123456789GB", ""},
		{"other_valid_short", Other, "a-1b2", "A1B2", ""},
		{"other_too_short_refused", Other, "A1B", "", "4 to 40 letters and digits; A1B has 3"},
		{"other_too_long_refused", Other, strings.Repeat("A", 41), "", "has 41"},

		// Every carrier
		{"empty_refused", UPS, "", "", "Tracking number is missing"},
		{"whitespace_only_refused", FedEx, " \t\n ", "", "Tracking number is missing"},
		{"dashes_only_refused", Other, " - - ", "", "Tracking number is missing"},
		{"bad_character_named", UPS, "1Z999AA1#0123456784", "", "A UPS tracking number has only letters and digits, but this one has “#”"},
		{"bad_character_named_other", Other, "ABC/123", "", "A tracking number has only letters and digits, but this one has “/”"},
		{"invisible_character_named", USPS, "9400\u200b111201080805483016", "", "an invisible character (U+200B)"},
		{"non_ascii_letter_refused", DHL, "3318810025é", "", "“é”"},
		{"unicode_dash_removed", FedEx, "4771–7908–1230", "477179081230", ""},
		{"non_breaking_space_removed", DHL, "3318\u00a0810025", "3318810025", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ValidateTracking(tt.carrier, tt.in)
			if tt.errHas == "" {
				if err != nil {
					t.Fatalf("ValidateTracking(%s, %q) = %v, want %q", tt.carrier, tt.in, err, tt.want)
				}
				if got != tt.want {
					t.Fatalf("ValidateTracking(%s, %q) = %q, want %q", tt.carrier, tt.in, got, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("ValidateTracking(%s, %q) = %q, want refusal containing %q", tt.carrier, tt.in, got, tt.errHas)
			}
			if got != "" {
				t.Errorf("refusal returned %q, want empty", got)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not *Error", err)
			}
			if ErrorCode(err) != Invalid || ErrorField(err) != "tracking" {
				t.Errorf("code %q field %q, want %q %q", ErrorCode(err), ErrorField(err), Invalid, "tracking")
			}
			if !strings.Contains(err.Error(), tt.errHas) {
				t.Errorf("message %q does not contain %q", err.Error(), tt.errHas)
			}
			if tt.carrier != Other && !strings.Contains(err.Error(), "missing") && !strings.Contains(err.Error(), tt.carrier.DisplayName()) {
				t.Errorf("message %q does not name %s", err.Error(), tt.carrier.DisplayName())
			}
		})
	}
}

func TestValidateTrackingUnknownCarrier(t *testing.T) {
	_, err := ValidateTracking(Carrier("pigeon"), "1Z999AA10123456784")
	if ErrorCode(err) != Invalid || ErrorField(err) != "carrier" {
		t.Fatalf("got %v (code %q field %q), want Invalid on carrier", err, ErrorCode(err), ErrorField(err))
	}
}

func TestValidateTrackingLongInputShortened(t *testing.T) {
	_, err := ValidateTracking(FedEx, strings.Repeat("1", 500))
	if err == nil || len(err.Error()) > 200 {
		t.Fatalf("got %v, want a short refusal", err)
	}
}

func FuzzValidateTracking(f *testing.F) {
	for _, s := range []string{
		"1Z999AA10123456784", "1z 999 aa1 0123 4567 84", "9400 1112 0108 0805 4830 16",
		"4201002334249200190132607600833457", "EA123456785US", "986578788855",
		"9611020987654312345672", "3318810025", "GM2951173225174494", "JVGL0999999990",
		"", " - ", "\u200b", "\xff", "1Z", "420",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		for _, c := range Carriers() {
			got, err := ValidateTracking(c, in)
			if err != nil {
				if ErrorCode(err) != Invalid || ErrorField(err) != "tracking" {
					t.Fatalf("%s %q: error %v has code %q field %q", c, in, err, ErrorCode(err), ErrorField(err))
				}
				continue
			}
			again, err := ValidateTracking(c, got)
			if err != nil || again != got {
				t.Fatalf("%s %q: valid result %q re-validates to %q, %v", c, in, got, again, err)
			}
		}
	})
}
