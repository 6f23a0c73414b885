package sqlstore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/sellerdesk/sellerdesk/adapters/sqlstore"
	"github.com/sellerdesk/sellerdesk/core"
)

// The database, its WAL and its shared-memory file hold buyer names, emails
// and addresses: a fresh database is created readable by its owner only,
// whatever the process's umask (0 would otherwise give 0644 or wider).
// Not parallel: the umask is the whole process's.
func TestSQLiteFilesArePrivate(t *testing.T) {
	for _, umask := range []int{0o000, 0o022, 0o077} {
		t.Run(fmt.Sprintf("umask_%03o", umask), func(t *testing.T) {
			old := syscall.Umask(umask)
			defer syscall.Umask(old)
			path := filepath.Join(t.TempDir(), "shop.db")
			db, err := sqlstore.Open(context.Background(), "sqlite:"+path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			err = db.Update(context.Background(), func(tx core.Tx) error {
				return tx.SaveStocks(context.Background(), []core.Stock{{SKU: "MUG", Available: 3}})
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{path, path + "-wal", path + "-shm"} {
				st, err := os.Stat(f)
				if err != nil {
					t.Fatalf("%s: %v", filepath.Base(f), err)
				}
				if mode := st.Mode().Perm(); mode != 0o600 {
					t.Errorf("%s has mode %#o, want 0600", filepath.Base(f), mode)
				}
			}
		})
	}
}
