package sqlstore

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/sellerdesk/sellerdesk/core"
)

// fail turns a database error into a core error: lost races are Conflict,
// an unreachable or locked database is Unavailable, anything else Internal
// (its text goes to the log only). Messages never carry the URL or password.
func (db *DB) fail(err error, what string) error {
	if err == nil {
		return nil
	}
	var ce *core.Error
	if errors.As(err, &ce) {
		return err
	}
	e := func(code core.Code, msg string) error {
		return &core.Error{Code: code, Message: db.scrub(msg), Err: err}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return e(core.Unavailable, "The database did not answer in time — try again in a moment")
	}
	if pe := pq.As(err); pe != nil {
		switch {
		case pe.Code == pqerror.TRSerializationFailure, pe.Code == pqerror.TRDeadlockDetected:
			return e(core.Conflict, "Someone else changed the same orders at the same moment — look at them again and retry")
		case pe.Code == pqerror.UniqueViolation:
			return e(core.Conflict, "Someone else saved the same record at the same moment — look at it again and retry")
		case pe.Code.Class() == pqerror.ClassInvalidAuthorizationSpecification:
			return e(core.Unavailable, "The database is unreachable: it refused the login — check the user and password in database.url")
		case pe.Code == pqerror.InvalidCatalogName:
			return e(core.Unavailable, "The database is unreachable: the database named in database.url does not exist")
		case pe.Code.Class() == pqerror.ClassConnectionException, pe.Code == pqerror.TooManyConnections,
			pe.Code == pqerror.AdminShutdown, pe.Code == pqerror.CrashShutdown, pe.Code == pqerror.CannotConnectNow:
			return e(core.Unavailable, "The database is unreachable: "+pe.Message)
		}
		return core.WrapInternal(err, what)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff { // the primary result code
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return e(core.Unavailable, "The database file is busy (another program holds its lock) — try again in a moment")
		case sqlite3.SQLITE_CONSTRAINT:
			if c := se.Code(); c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY || c == sqlite3.SQLITE_CONSTRAINT_UNIQUE {
				return e(core.Conflict, "Someone else saved the same record at the same moment — look at it again and retry")
			}
		case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL, sqlite3.SQLITE_READONLY,
			sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_PERM, sqlite3.SQLITE_CORRUPT:
			return e(core.Unavailable, "The database file cannot be used: "+se.Error())
		}
		return core.WrapInternal(err, what)
	}
	var ne *net.OpError
	switch {
	case errors.As(err, &ne):
		return e(core.Unavailable, "The database is unreachable: "+ne.Error())
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET):
		return e(core.Unavailable, "The database is unreachable: "+err.Error())
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return e(core.Unavailable, "The database is unreachable: the connection was lost")
	}
	return core.WrapInternal(err, what)
}

// scrub removes the password from text that may quote a connection string.
func (db *DB) scrub(s string) string {
	for _, p := range db.secrets {
		if p != "" {
			s = strings.ReplaceAll(s, p, "xxxxx")
		}
	}
	return s
}
