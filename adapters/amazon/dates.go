package amazon

import (
	"strings"
	"time"
)

// parseDate reads the date forms seen in order reports: ISO-8601 with an
// offset or Z ("2009-01-01T10:50:49-08:00", fractional seconds allowed,
// "+0000" too), and, for files re-saved by a spreadsheet, the same without
// an offset ("2009-01-01T10:50:49", "2009-01-01 10:50:49") or a bare date,
// which are read in loc.
func parseDate(s string, loc *time.Location) (time.Time, bool) {
	if len(s) == 10 {
		t, err := time.ParseInLocation(time.DateOnly, s, loc)
		return t, err == nil
	}
	if len(s) < 19 || s[10] != 'T' && s[10] != ' ' {
		return time.Time{}, false
	}
	layouts := &dateLayoutsT
	if s[10] == ' ' {
		layouts = &dateLayoutsSpace
	}
	rest := s[19:] // after the seconds: fraction and zone
	if rest == "" || rest[0] == '.' && strings.IndexAny(rest, "Z+-") < 0 {
		t, err := time.ParseInLocation(layouts[0], s, loc)
		return t, err == nil
	}
	t, err := time.Parse(layouts[1], s)
	if err != nil {
		t, err = time.Parse(layouts[2], s)
	}
	return t, err == nil
}

// Layouts for "T" and " " between date and time: without a zone, with
// "-07:00" or Z, with "-0700". Fractional seconds need no layout of their own.
var (
	dateLayoutsT     = [3]string{"2006-01-02T15:04:05", "2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05Z0700"}
	dateLayoutsSpace = [3]string{"2006-01-02 15:04:05", "2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05Z0700"}
)

// dateCache remembers the last date read from one column: the rows of a
// multi-item order repeat the same dates, and parsing is a good share of the
// time spent on a row.
type dateCache struct {
	s  string
	t  time.Time
	ok bool
}

// parse reads s, in UTC: the offset Amazon writes is the marketplace's and
// means nothing to the engine, and results must not depend on the zone of
// the machine running the import (time.Parse picks Local for a matching
// offset).
func (c *dateCache) parse(s string, loc *time.Location) (time.Time, bool) {
	if s == c.s && c.s != "" {
		return c.t, c.ok
	}
	c.t, c.ok = parseDate(s, loc)
	c.t = c.t.UTC()
	c.s = s
	return c.t, c.ok
}
