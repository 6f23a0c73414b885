package sqlstore_test

import (
	"testing"

	"github.com/sellerdesk/sellerdesk/adapters/sqlstore/storetest"
	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/enginetest"
)

// The order rules, end to end, on each store.
func TestEngineSQLite(t *testing.T) {
	enginetest.Run(t, func(t *testing.T) core.Store { return storetest.OpenSQLite(t) })
}

func TestEnginePostgres(t *testing.T) {
	enginetest.Run(t, func(t *testing.T) core.Store { return storetest.OpenPostgres(t) })
}
