package slackapp

import (
	"context"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/sellerdesk/sellerdesk/core"
)

const (
	userPrefix  = "slack:"       // slack:U024BE7LH
	groupPrefix = "slack:group:" // slack:group:S0614TZR7, a user group
	// groupsFresh is how long the user-group membership list is reused.
	groupsFresh = 5 * time.Minute
	// groupsStale is how long an old list still counts when Slack can't be
	// reached; after that, group roles are not granted until it answers.
	groupsStale = time.Hour
)

// actor is the Slack user as the engine knows them. The role comes from
// config through core.Roles, by user id and by the user groups they are in.
func (a *App) actor(ctx context.Context, userID, name string) core.Actor {
	id := userPrefix + userID
	if name == "" {
		name = userID
	}
	ids := []string{id}
	if a.usesGroups && userID != "" {
		for _, g := range a.groupsOf(ctx, userID) {
			ids = append(ids, groupPrefix+g)
		}
	}
	return core.Actor{ID: id, Name: name, Role: a.cfg.Roles.Resolve(ids...), Source: "slack"}
}

// groupCache keeps usergroups.list (with members) for a few minutes:
// resolving a role must not cost a Web API call per click.
type groupCache struct {
	mu     sync.Mutex
	at     time.Time
	byUser map[string][]string
}

func (a *App) groupsOf(ctx context.Context, userID string) []string {
	c := &a.groups
	c.mu.Lock()
	defer c.mu.Unlock()
	now := a.now()
	if c.byUser == nil || now.Sub(c.at) >= groupsFresh {
		groups, err := a.api.GetUserGroupsContext(ctx, slack.GetUserGroupsOptionIncludeUsers(true))
		switch {
		case err == nil:
			c.byUser, c.at = map[string][]string{}, now
			for _, g := range groups {
				for _, u := range g.Users {
					c.byUser[u] = append(c.byUser[u], g.ID)
				}
			}
		case c.byUser != nil && now.Sub(c.at) < groupsStale:
			a.log.Warn("slack usergroups.list failed; using the list from before", "err", err, "age", now.Sub(c.at).Round(time.Second))
		default:
			a.log.Warn("slack usergroups.list failed; group roles are not granted until it answers", "err", err)
			return nil
		}
	}
	return c.byUser[userID]
}
