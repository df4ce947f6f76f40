package operator

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// M4: a new operator.json bounds the mempool; an older one without the
// fields gets the same defaults, not an open mempool.
func TestConfig_MempoolLimits(t *testing.T) {
	home := t.TempDir()
	c := DefaultConfig("pay", "carol")
	require.NoError(t, c.Save(home))
	got, err := LoadConfig(home)
	require.NoError(t, err)
	fee, err := got.MinFeeAmount()
	require.NoError(t, err)
	require.Equal(t, "1", fee.String())
	require.Equal(t, 64, got.MaxPendingPerAccount)
	require.Equal(t, 10000, got.MaxMempool)

	require.NoError(t, os.WriteFile(filepath.Join(home, ConfigFile), []byte(`{"rollup_id":"pay","key":"carol"}`), 0o600))
	old, err := LoadConfig(home)
	require.NoError(t, err)
	fee, err = old.MinFeeAmount()
	require.NoError(t, err)
	require.Nil(t, fee, "absent: Options apply DefaultMinFee")
	o := Options{MinFee: fee, MaxPendingPerAccount: old.MaxPendingPerAccount, MaxMempool: old.MaxMempool}.withDefaults()
	require.Equal(t, "1", o.MinFee.String())
	require.Equal(t, 64, o.MaxPendingPerAccount)

	for _, bad := range []string{`"min_fee":"-1"`, `"min_fee":"1.5"`, `"max_pending_per_account":-1`} {
		require.NoError(t, os.WriteFile(filepath.Join(home, ConfigFile), []byte(`{"rollup_id":"pay","key":"carol",`+bad+`}`), 0o600))
		_, err := LoadConfig(home)
		require.Error(t, err, bad)
	}
}
