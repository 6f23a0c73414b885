package core

import (
	"crypto/rand"
	"encoding/base32"
	"slices"
	"strings"
	"time"
)

// Role is what a member of staff may do. The zero Role may do nothing:
// access is denied by default.
type Role string

const (
	Owner  Role = "owner"  // everything, including large refunds
	Agent  Role = "agent"  // everyday order work
	Viewer Role = "viewer" // read-only
)

// ParseRole reads a role name.
func ParseRole(s string) (Role, bool) {
	switch r := Role(strings.ToLower(strings.TrimSpace(s))); r {
	case Owner, Agent, Viewer:
		return r, true
	}
	return "", false
}

// can reports whether the role may run a command of the given kind.
func (r Role) can(write bool) bool {
	switch r {
	case Owner, Agent:
		return true
	case Viewer:
		return !write
	}
	return false
}

// Actor is who asks the engine to do something, and from where.
type Actor struct {
	ID     string `json:"id"`     // platform identity, e.g. "slack:U024BE7LH"
	Name   string `json:"name"`   // display name for audit and messages
	Role   Role   `json:"role"`   // resolved by the adapter through Roles
	Source string `json:"source"` // console, slack, discord, web, system
}

// Roles maps chat identities (user ids, group or role ids, as the adapter
// writes them) to roles. Anyone not listed gets no role.
type Roles struct {
	Owners  []string `yaml:"owners"`
	Agents  []string `yaml:"agents"`
	Viewers []string `yaml:"viewers"`
}

// Resolve returns the strongest role any of ids holds.
func (m Roles) Resolve(ids ...string) Role {
	has := func(list []string) bool {
		for _, id := range ids {
			if id != "" && slices.Contains(list, id) {
				return true
			}
		}
		return false
	}
	switch {
	case has(m.Owners):
		return Owner
	case has(m.Agents):
		return Agent
	case has(m.Viewers):
		return Viewer
	}
	return ""
}

// Clock tells the time. Rules never call time.Now directly so tests can
// walk through deadlines.
type Clock interface {
	Now() time.Time
}

// SystemClock is the wall clock.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now() }

// IDs makes identifiers for returns, refunds and shipments.
type IDs interface {
	NewID(prefix string) string
}

// RandomIDs makes short random ids ("R-7KQ2M9XH") that are easy to type in chat.
type RandomIDs struct{}

// NewID returns prefix-XXXXXXXX with 40 random bits in Crockford-like base32.
func (RandomIDs) NewID(prefix string) string {
	var b [5]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	enc := base32.NewEncoding("0123456789ABCDEFGHJKMNPQRSTVWXYZ").WithPadding(base32.NoPadding)
	return prefix + "-" + enc.EncodeToString(b[:])
}

// SeeBuyerContact checks that a role may see a buyer's email, phone and
// address: agents and owners, who act on orders. Viewers see orders
// without them, and chat channels never show them.
func SeeBuyerContact(r Role) error {
	if r == Owner || r == Agent {
		return nil
	}
	return Errorf(Forbidden, "Buyer details are shown to agents and owners only.")
}

// ForRole returns o as role r may see it: for a role that may not see
// buyer contact details (SeeBuyerContact), a copy without the buyer's
// email and phone and the ship-to address; else o itself. The engine puts
// every result through it, so each desk (Slack, Discord, the console and
// its JSON) shows a viewer the same.
func (o *Order) ForRole(r Role) *Order {
	if o == nil || SeeBuyerContact(r) == nil {
		return o
	}
	c := *o
	c.Buyer = Buyer{Name: o.Buyer.Name}
	c.ShipTo = Address{}
	return &c
}
