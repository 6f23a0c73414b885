package core

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestErrorCode(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want Code
	}{
		{"nil_has_no_code", nil, ""},
		{"plain_error_is_internal", errors.New("disk full"), Internal},
		{"core_error_keeps_code", Errorf(NotFound, "No order 1"), NotFound},
		{"field_error_keeps_code", FieldErrorf(Invalid, "tracking", "bad"), Invalid},
		{"wrapped_core_error_keeps_code", fmt.Errorf("saving: %w", Errorf(Conflict, "lost the race")), Conflict},
		{"twice_wrapped_core_error_keeps_code", fmt.Errorf("a: %w", fmt.Errorf("b: %w", Errorf(Forbidden, "no"))), Forbidden},
		{"joined_core_error_found", errors.Join(errors.New("x"), Errorf(Unavailable, "down")), Unavailable},
		{"wrap_internal_of_plain_error", WrapInternal(errors.New("pq: broken pipe"), "loading order"), Internal},
		{"wrap_internal_keeps_core_code", WrapInternal(Errorf(NotFound, "No order"), "loading order"), NotFound},
		{"already_done_is_a_conflict", AlreadyDone(), Conflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ErrorCode(tt.err); got != tt.want {
				t.Errorf("ErrorCode(%v) = %q, want %q", tt.err, got, tt.want)
			}
		})
	}
}

func TestErrorField(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"nil_has_no_field", nil, ""},
		{"plain_error_has_no_field", errors.New("x"), ""},
		{"errorf_has_no_field", Errorf(Invalid, "x"), ""},
		{"field_error_names_field", FieldErrorf(Invalid, "amount", "x"), "amount"},
		{"wrapped_field_error_names_field", fmt.Errorf("ctx: %w", FieldErrorf(Invalid, "date", "x")), "date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ErrorField(tt.err); got != tt.want {
				t.Errorf("ErrorField = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestErrorMessage(t *testing.T) {
	const secret = "pq: password authentication failed for user \"desk\" host=db.internal"
	tests := []struct {
		name    string
		err     error
		want    string // exact, when set
		has     []string
		hasNot  []string
		sameAsE bool // ErrorMessage equals err.Error()
	}{
		{name: "nil_is_empty", err: nil, want: ""},
		{name: "user_error_shown_as_written", err: FieldErrorf(Invalid, "tracking", "Tracking number 1Z999AA10123456785 fails UPS's check digit"), sameAsE: true},
		{name: "wrapped_user_error_shows_inner_message", err: fmt.Errorf("engine: %w", Errorf(Conflict, "Order 1 is already cancelled.")), want: "Order 1 is already cancelled."},
		{name: "plain_error_hidden", err: errors.New(secret), want: "Internal error. The details are in the bot's log.", hasNot: []string{"pq:", "password"}},
		{name: "wrapped_internal_hides_cause", err: WrapInternal(errors.New(secret), "loading order"),
			has: []string{"Internal error", "loading order", "bot's log"}, hasNot: []string{"pq:", "password", "db.internal"}},
		{name: "internal_without_message_is_generic", err: &Error{Code: Internal, Err: errors.New(secret)},
			want: "Internal error. The details are in the bot's log."},
		{name: "wrapped_plain_error_hidden", err: fmt.Errorf("save: %w", errors.New(secret)), hasNot: []string{"pq:", "password"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ErrorMessage(tt.err)
			if tt.sameAsE && got != tt.err.Error() {
				t.Errorf("ErrorMessage = %q, want %q", got, tt.err.Error())
			}
			if tt.want != "" || tt.err == nil {
				if got != tt.want {
					t.Errorf("ErrorMessage = %q, want %q", got, tt.want)
				}
			}
			for _, s := range tt.has {
				if !strings.Contains(got, s) {
					t.Errorf("ErrorMessage = %q, want it to contain %q", got, s)
				}
			}
			for _, s := range tt.hasNot {
				if strings.Contains(got, s) {
					t.Errorf("ErrorMessage = %q leaks %q", got, s)
				}
			}
		})
	}
}

func TestErrorTextAndUnwrap(t *testing.T) {
	cause := errors.New("connection reset")
	tests := []struct {
		name string
		err  *Error
		want string
	}{
		{"message_wins", &Error{Code: Invalid, Message: "bad date", Err: cause}, "bad date"},
		{"cause_when_no_message", &Error{Code: Internal, Err: cause}, "connection reset"},
		{"code_when_nothing_else", &Error{Code: NotFound}, "not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("unwrap_reaches_cause", func(t *testing.T) {
		err := WrapInternal(cause, "saving")
		if !errors.Is(err, cause) {
			t.Errorf("errors.Is(WrapInternal(cause), cause) = false")
		}
	})
	t.Run("wrap_internal_nil_is_nil", func(t *testing.T) {
		if err := WrapInternal(nil, "x"); err != nil {
			t.Errorf("WrapInternal(nil) = %v, want nil", err)
		}
	})
	t.Run("wrap_internal_keeps_core_error_as_is", func(t *testing.T) {
		in := FieldErrorf(NotFound, "order_id", "No order 1")
		if got := WrapInternal(in, "loading"); got != error(in) {
			t.Errorf("WrapInternal(*Error) = %v, want the same error back", got)
		}
	})
	t.Run("errorf_formats", func(t *testing.T) {
		e := Errorf(Conflict, "Order %s is %s", "1", "late")
		if e.Code != Conflict || e.Message != "Order 1 is late" || e.Field != "" {
			t.Errorf("Errorf = %+v", e)
		}
	})
}

func TestRolesResolve(t *testing.T) {
	roles := Roles{
		Owners:  []string{"slack:U1", "discord:role:owners"},
		Agents:  []string{"slack:U2", "slack:S-support"},
		Viewers: []string{"slack:U3", "slack:S-everyone"},
	}
	tests := []struct {
		name string
		ids  []string
		want Role
	}{
		{"owner_by_user", []string{"slack:U1"}, Owner},
		{"agent_by_user", []string{"slack:U2"}, Agent},
		{"viewer_by_user", []string{"slack:U3"}, Viewer},
		{"agent_by_group", []string{"slack:U9", "slack:S-support"}, Agent},
		{"strongest_wins_viewer_and_agent", []string{"slack:S-everyone", "slack:S-support"}, Agent},
		{"strongest_wins_order_does_not_matter", []string{"slack:U3", "slack:U2", "discord:role:owners"}, Owner},
		{"unknown_gets_no_role", []string{"slack:U404"}, ""},
		{"no_ids_gets_no_role", nil, ""},
		{"empty_id_never_matches", []string{""}, ""},
		{"ids_are_case_sensitive", []string{"SLACK:U1"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := roles.Resolve(tt.ids...); got != tt.want {
				t.Errorf("Resolve(%q) = %q, want %q", tt.ids, got, tt.want)
			}
		})
	}
	t.Run("empty_string_listed_does_not_grant", func(t *testing.T) {
		r := Roles{Owners: []string{""}}
		if got := r.Resolve(""); got != "" {
			t.Errorf("Resolve(\"\") with \"\" listed as owner = %q, want no role", got)
		}
	})
}

func TestRolePermissions(t *testing.T) {
	tests := []struct {
		name        string
		role        Role
		read, write bool
	}{
		{"owner_reads_and_writes", Owner, true, true},
		{"agent_reads_and_writes", Agent, true, true},
		{"viewer_reads_only", Viewer, true, false},
		{"zero_role_denied", "", false, false},
		{"unknown_role_denied", Role("admin"), false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.role.can(false); got != tt.read {
				t.Errorf("can(read) = %v, want %v", got, tt.read)
			}
			if got := tt.role.can(true); got != tt.write {
				t.Errorf("can(write) = %v, want %v", got, tt.write)
			}
			errR, errW := authorize(Actor{ID: "slack:U1", Role: tt.role}, "order", false), authorize(Actor{ID: "slack:U1", Role: tt.role}, "ship", true)
			if (errR == nil) != tt.read || (errW == nil) != tt.write {
				t.Errorf("authorize read=%v write=%v, want read ok %v, write ok %v", errR, errW, tt.read, tt.write)
			}
			for _, err := range []error{errR, errW} {
				if err != nil && ErrorCode(err) != Forbidden {
					t.Errorf("authorize code = %q, want forbidden", ErrorCode(err))
				}
			}
		})
	}
	t.Run("unmapped_refusal_names_who_and_what", func(t *testing.T) {
		err := authorize(Actor{ID: "slack:U404"}, "refund", true)
		if msg := ErrorMessage(err); !strings.Contains(msg, "slack:U404") || !strings.Contains(msg, "refund") {
			t.Errorf("message %q should name the identity and the command", msg)
		}
	})
	t.Run("viewer_refusal_names_role", func(t *testing.T) {
		err := authorize(Actor{ID: "slack:U3", Role: Viewer}, "ship", true)
		if msg := ErrorMessage(err); !strings.Contains(msg, "viewer") || !strings.Contains(msg, "ship") {
			t.Errorf("message %q should name the role and the command", msg)
		}
	})
}

func TestParseRole(t *testing.T) {
	tests := []struct {
		in   string
		want Role
		ok   bool
	}{
		{"owner", Owner, true},
		{" Agent ", Agent, true},
		{"VIEWER", Viewer, true},
		{"admin", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		t.Run("parse_"+strings.TrimSpace(strings.ToLower(tt.in)), func(t *testing.T) {
			got, ok := ParseRole(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("ParseRole(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// An internal error's cause is kept out of chat but logged for the
// operator, with the message and code.
func TestErrorLogValueCarriesTheCause(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	err := WrapInternal(errors.New("GET /gateway: 404 Not Found"), "The gateway did not open.")
	log.Warn("discord", "err", err)
	for _, want := range []string{`err.msg="The gateway did not open."`, "err.code=internal", `err.cause="GET /gateway: 404 Not Found"`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("log %q lacks %s", buf.String(), want)
		}
	}
	if got := ErrorMessage(err); strings.Contains(got, "404") {
		t.Errorf("the message for chat shows the cause: %q", got)
	}
}
