package core

import (
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Code classifies an error so every adapter can map it to its platform
// (HTTP status, ephemeral message, exit status) without parsing text.
type Code string

const (
	NotFound    Code = "not_found"
	Invalid     Code = "invalid"
	Conflict    Code = "conflict"
	Forbidden   Code = "forbidden"
	Unavailable Code = "unavailable"
	Internal    Code = "internal"
	// RateLimited: too many tries in a while (buyer verification); the
	// error's Wait says how long until a try is accepted again.
	RateLimited Code = "rate_limited"
)

// Error is the one error type of sellerdesk. Message is written for the
// person in the chat: it names the field and says what was wrong.
type Error struct {
	Code    Code
	Field   string // the argument or setting at fault, when there is one
	Message string
	Err     error         // underlying cause, logged but never shown
	Wait    time.Duration // RateLimited: how long until a try is accepted again
}

func (e *Error) Error() string {
	if e.Message != "" {
		return e.Message
	}
	if e.Err != nil {
		return e.Err.Error()
	}
	return string(e.Code)
}

func (e *Error) Unwrap() error { return e.Err }

// LogValue logs the message with its code and, for the operator, the
// cause a person in the chat is never shown ("the details are in the
// bot's log"). Causes carry no secrets: the store scrubs the database
// password, and adapters never put tokens in errors.
func (e *Error) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("msg", e.Error()), slog.String("code", string(e.Code))}
	if e.Err != nil && e.Message != "" {
		attrs = append(attrs, slog.String("cause", e.Err.Error()))
	}
	return slog.GroupValue(attrs...)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldErrorf is Errorf for a mistake in one named field, so that forms
// (Slack modals, Discord modals, web forms) can show it on that field.
func FieldErrorf(code Code, field, format string, args ...any) *Error {
	return &Error{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// WrapInternal marks an unexpected failure. Its text is logged, never shown.
func WrapInternal(err error, what string) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return &Error{Code: Internal, Message: what, Err: err}
}

// ErrorCode returns the code of any error; unknown errors are Internal.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// ErrorMessage returns the text safe to show a user. Internal errors get a
// generic sentence: their detail may hold SQL or secrets and goes to the log.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Code != Internal {
		return e.Error()
	}
	if errors.As(err, &e) && e.Message != "" {
		return "Internal error: " + e.Message + ". The details are in the bot's log."
	}
	return "Internal error. The details are in the bot's log."
}

// ErrorField returns the field an error is about, or "".
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// ErrorWait returns how long a RateLimited error asks to wait, or 0.
func ErrorWait(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.Wait
	}
	return 0
}

func asError(err error, target **Error) bool { return errors.As(err, target) }

// AlreadyDone is the answer to a request that arrives a second time (a
// replayed signed request, a form submitted twice): each request is done
// once, at its first arrival, so the repeat changes nothing. Meaning it
// again takes a new request.
func AlreadyDone() error {
	return Errorf(Conflict, "Already done: this exact request arrived before and sellerdesk does each request once, so nothing changed now. To do it again, type the command (or open the form) again.")
}
