package operator

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/prover/rollupkit"
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

// The prover fleet's settings: one in-process worker on the embedded
// queue, none on an external one unless workers says so.
func TestConfig_ProverFleetDefaults(t *testing.T) {
	home := t.TempDir()
	require.NoError(t, DefaultConfig("pay", "carol").Save(home))
	c, err := LoadConfig(home)
	require.NoError(t, err)
	require.Equal(t, ProverFleet, c.ProverMode())
	require.Equal(t, 1, c.InProcessWorkers())
	require.Empty(t, c.QueueListen, "absent: the default address, or a free port when it is taken")

	c.QueueURL = "nats://10.0.0.5:4222"
	require.Zero(t, c.InProcessWorkers())
	two := 2
	c.Workers = &two
	require.Equal(t, 2, c.InProcessWorkers())

	for _, bad := range []string{`"prover":"gpu"`, `"workers":-1`} {
		require.NoError(t, os.WriteFile(filepath.Join(home, ConfigFile), []byte(`{"rollup_id":"pay","key":"carol",`+bad+`}`), 0o600))
		_, err := LoadConfig(home)
		require.Error(t, err, bad)
	}
}

// ack_wait: absent is the fleet's default (0 here); a duration of at
// least 1 s is taken; anything else is refused at load.
func TestConfig_AckWait(t *testing.T) {
	home := t.TempDir()
	require.NoError(t, DefaultConfig("pay", "carol").Save(home))
	c, err := LoadConfig(home)
	require.NoError(t, err)
	d, err := c.WorkerAckWait()
	require.NoError(t, err)
	require.Zero(t, d, "absent: the fleet's default")

	require.NoError(t, os.WriteFile(filepath.Join(home, ConfigFile), []byte(`{"rollup_id":"pay","key":"carol","ack_wait":"3s"}`), 0o600))
	c, err = LoadConfig(home)
	require.NoError(t, err)
	d, err = c.WorkerAckWait()
	require.NoError(t, err)
	require.Equal(t, 3*time.Second, d)

	for _, bad := range []string{`"ack_wait":"soon"`, `"ack_wait":"500ms"`, `"ack_wait":"-3s"`} {
		require.NoError(t, os.WriteFile(filepath.Join(home, ConfigFile), []byte(`{"rollup_id":"pay","key":"carol",`+bad+`}`), 0o600))
		_, err := LoadConfig(home)
		require.ErrorContains(t, err, "ack_wait", bad)
	}
}

// claim_accrued_min: a new operator.json claims at the default; an older
// one without the field gets the default too; "0" turns auto-claim off;
// anything but a non-negative integer is refused at load.
func TestConfig_ClaimAccruedMin(t *testing.T) {
	home := t.TempDir()
	require.NoError(t, DefaultConfig("pay", "carol").Save(home))
	c, err := LoadConfig(home)
	require.NoError(t, err)
	require.Equal(t, "1000000", c.ClaimAccruedMin)
	v, err := c.ClaimAccruedMinAmount()
	require.NoError(t, err)
	require.Equal(t, "1000000", v.String())

	for in, want := range map[string]string{``: "1000000", `,"claim_accrued_min":"0"`: "0", `,"claim_accrued_min":"25"`: "25"} {
		require.NoError(t, os.WriteFile(filepath.Join(home, ConfigFile), []byte(`{"rollup_id":"pay","key":"carol"`+in+`}`), 0o600))
		c, err := LoadConfig(home)
		require.NoError(t, err, in)
		v, err := c.ClaimAccruedMinAmount()
		require.NoError(t, err, in)
		require.Equal(t, want, v.String(), in)
	}

	for _, bad := range []string{`"claim_accrued_min":"-1"`, `"claim_accrued_min":"1.5"`, `"claim_accrued_min":"1unat"`, `"claim_accrued_min":"lots"`} {
		require.NoError(t, os.WriteFile(filepath.Join(home, ConfigFile), []byte(`{"rollup_id":"pay","key":"carol",`+bad+`}`), 0o600))
		_, err := LoadConfig(home)
		require.ErrorContains(t, err, "claim_accrued_min", bad)
	}
}

// The config names the rollup kind (absent: payments, as every config
// written before kinds existed); an unknown kind is a typed error listing
// the registered ones.
func TestConfig_KindSelectsTheRollup(t *testing.T) {
	c := DefaultConfig("pay", "carol")
	require.Equal(t, "payments", c.Kind)
	r, err := c.Rollup()
	require.NoError(t, err)
	require.Equal(t, "payments", r.Kind().Name())
	require.Equal(t, 24, r.Summary().Depth)

	c.Kind = ""
	require.Equal(t, DefaultKind, c.KindName(), "an old config without kind runs payments")
	_, err = c.Rollup()
	require.NoError(t, err)

	c.Kind = "orderbook"
	_, err = c.Rollup()
	require.ErrorIs(t, err, rollupkit.ErrUnknownKind)
	require.ErrorContains(t, err, "payments")

	c.Kind, c.Circuit = "payments", "test"
	_, err = c.Rollup()
	require.ErrorContains(t, err, "runs the payments circuit")

	d, err := DefaultConfigFor("payments", "pay", "carol")
	require.NoError(t, err)
	require.Equal(t, DefaultConfig("pay", "carol"), d, "the kind's defaults are payments' production params")
	_, err = DefaultConfigFor("nope", "pay", "carol")
	require.ErrorIs(t, err, rollupkit.ErrUnknownKind)
}
