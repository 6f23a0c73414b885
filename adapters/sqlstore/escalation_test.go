package sqlstore_test

import (
	"testing"

	"github.com/sellerdesk/sellerdesk/adapters/sqlstore/storetest"
	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/enginetest"
)

// Schedules and escalation, end to end, on each store.
func TestEscalationSQLite(t *testing.T) {
	enginetest.RunEscalation(t, func(t *testing.T) core.Store { return storetest.OpenSQLite(t) })
}

func TestEscalationPostgres(t *testing.T) {
	enginetest.RunEscalation(t, func(t *testing.T) core.Store { return storetest.OpenPostgres(t) })
}
