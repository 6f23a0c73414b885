package drafter

import "testing"

func TestFirstNameNeverUsesContactData(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Jane Doe", "Jane"},
		{"张伟", "张伟"},
		{"jane.doe@example.com", ""},
		{"Jane 555-0100", ""},
		{"<script>", ""},
		{"  ", ""},
	}
	for _, tt := range tests {
		if got := firstName(tt.in); got != tt.want {
			t.Errorf("firstName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
