package operator

import (
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/nativechain/nativechain/prover/circuits"
	"github.com/nativechain/nativechain/prover/rollupkit"
)

// ConfigFile is the name of the operator's configuration in its home.
const ConfigFile = "operator.json"

// Config is <operator home>/operator.json, written by `operator init`.
// The L1 side (node, chain id, keyring) comes from the usual --home and
// client.toml of nativechaind.
type Config struct {
	RollupID string `json:"rollup_id"`
	Key      string `json:"key"` // L1 keyring key that registers and submits
	// Kind is the rollup kind (prover/rollupkit registry: "payments", ...);
	// absent: DefaultKind. Circuit is the kind's circuit, Params its
	// params (payments: depth, slots, denom).
	Kind          string            `json:"kind,omitempty"`
	Circuit       string            `json:"circuit"`
	Params        map[string]string `json:"params"`
	KeysDir       string            `json:"keys_dir,omitempty"`
	APIListen     string            `json:"api_listen"`
	BatchTimeout  string            `json:"batch_timeout"`
	MaxInFlight   int               `json:"max_in_flight"`
	GasPrices     string            `json:"gas_prices"`
	GasAdjustment float64           `json:"gas_adjustment"`
	PollInterval  string            `json:"poll_interval"`
	// Standby makes this daemon a second operator of the rollup: it follows
	// the batches others land and submits only after TakeoverAfterBlocks
	// blocks without a batch while it has work (docs/operator-guide.md,
	// "Running two operators").
	Standby             bool  `json:"standby,omitempty"`
	TakeoverAfterBlocks int64 `json:"takeover_after_blocks,omitempty"`
	// MinFee is the smallest fee (in the rollup's denom, decimal) the API
	// accepts; absent: DefaultMinFee. MaxPendingPerAccount caps one
	// sender's unverified transactions, MaxMempool all of them; 0 or
	// absent: the defaults.
	MinFee               string `json:"min_fee,omitempty"`
	MaxPendingPerAccount int    `json:"max_pending_per_account,omitempty"`
	MaxMempool           int    `json:"max_mempool,omitempty"`
	// The prover fleet (docs/operator-guide.md, "Prover fleet"). Prover
	// is "fleet" (the default: proving jobs go through a NATS JetStream
	// work queue) or "inline" (this process proves, no queue). QueueURL
	// names an external NATS server (nats://HOST:PORT); empty, the
	// operator runs an embedded one with its files in <home>/queue,
	// listening on QueueListen (default DefaultQueueListen; port 0 picks a
	// free one, which `operator status` shows). Workers is the number of
	// prover workers in the operator process: absent, 1 with the embedded
	// server and 0 with QueueURL. AckWait is the in-process workers'
	// ack deadline (a Go duration; absent: 30 s): a job not marked in
	// progress for this long goes to another worker. The workers of one
	// key hash share it (the last to start sets it).
	Prover      string `json:"prover,omitempty"`
	QueueURL    string `json:"queue_url,omitempty"`
	QueueListen string `json:"queue_listen,omitempty"`
	Workers     *int   `json:"workers,omitempty"`
	AckWait     string `json:"ack_wait,omitempty"`
	// ClaimAccruedMin: the daemon claims the fees its batches withdrew to
	// its L1 address (accrued in x/crossrollup's escrow) once the accrued
	// amount of a denom reaches this, an integer in base units (e.g.
	// "1000000" unat); "0" turns auto-claim off; absent:
	// DefaultClaimAccruedMin (docs/operator-guide.md, "Fees").
	ClaimAccruedMin string `json:"claim_accrued_min,omitempty"`
	// Sync turns on synchronous cross-rollup calls (docs/spec/sync-calls.md;
	// docs/operator-guide.md, "Synchronous calls"); absent: off.
	Sync *SyncConfig `json:"sync,omitempty"`
}

// SyncConfig is operator.json's "sync" section.
type SyncConfig struct {
	// Lead: this operator leads rounds for its rollup (an exchange).
	Lead bool `json:"lead,omitempty"`
	// Peers: rollup id → the operator API URL of the rollups this one
	// composes with and whether it leads.
	Peers map[string]SyncPeerConfig `json:"peers"`
	// RoundBlocks, OfferWindow ("1s"), KeepBlocks, MaxCallers,
	// ProbationRounds: SyncOptions; absent: the defaults.
	RoundBlocks     int64  `json:"round_blocks,omitempty"`
	OfferWindow     string `json:"offer_window,omitempty"`
	KeepBlocks      int64  `json:"keep_blocks,omitempty"`
	MaxCallers      int    `json:"max_callers,omitempty"`
	ProbationRounds uint64 `json:"probation_rounds,omitempty"`
}

// SyncPeerConfig is one peer of SyncConfig.
type SyncPeerConfig struct {
	URL   string `json:"url"`
	Leads bool   `json:"leads,omitempty"`
}

// SyncOptions is the "sync" section as Options (nil when absent); fault
// is the test-only misbehaviour (SyncOptions.Fault).
func (c Config) SyncOptions(fault string) (*SyncOptions, error) {
	if c.Sync == nil {
		if fault != "" {
			return nil, fmt.Errorf("a sync fault %q without a \"sync\" section", fault)
		}
		return nil, nil
	}
	so := &SyncOptions{Lead: c.Sync.Lead, Peers: map[string]SyncPeer{}, RoundBlocks: c.Sync.RoundBlocks, KeepBlocks: c.Sync.KeepBlocks,
		MaxCallers: c.Sync.MaxCallers, ProbationRounds: c.Sync.ProbationRounds, Fault: fault}
	for id, p := range c.Sync.Peers {
		if id == c.RollupID || p.URL == "" {
			return nil, fmt.Errorf("sync.peers[%q]: want another rollup's operator URL", id)
		}
		so.Peers[id] = SyncPeer{URL: p.URL, Leads: p.Leads}
	}
	if c.Sync.OfferWindow != "" {
		d, err := time.ParseDuration(c.Sync.OfferWindow)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("sync.offer_window %q: want a positive duration", c.Sync.OfferWindow)
		}
		so.OfferWindow = d
	}
	d := so.withDefaults()
	if err := d.validate(); err != nil {
		return nil, err
	}
	return so, nil
}

// DefaultClaimAccruedMin is claim_accrued_min when operator.json has none.
const DefaultClaimAccruedMin = 1000000

// ClaimAccruedMinAmount parses claim_accrued_min (its default when absent;
// zero: auto-claim off).
func (c Config) ClaimAccruedMinAmount() (*big.Int, error) {
	if c.ClaimAccruedMin == "" {
		return big.NewInt(DefaultClaimAccruedMin), nil
	}
	v, ok := new(big.Int).SetString(c.ClaimAccruedMin, 10)
	if !ok || v.Sign() < 0 {
		return nil, fmt.Errorf("claim_accrued_min %q: want a non-negative integer amount in base units (0: no auto-claim)", c.ClaimAccruedMin)
	}
	return v, nil
}

// WorkerAckWait parses ack_wait (0 when absent: the fleet's default).
func (c Config) WorkerAckWait() (time.Duration, error) {
	if c.AckWait == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(c.AckWait)
	if err != nil {
		return 0, fmt.Errorf("ack_wait: %w", err)
	}
	if d < time.Second {
		return 0, fmt.Errorf("ack_wait %s: want at least 1s", c.AckWait)
	}
	return d, nil
}

// DefaultQueueListen is where the embedded queue listens unless
// queue_listen says otherwise. When it is taken (a second operator on the
// machine) and queue_listen is absent, a free port is used instead.
const DefaultQueueListen = "127.0.0.1:4222"

// Prover modes of Config.Prover.
const (
	ProverFleet  = "fleet"
	ProverInline = "inline"
)

// ProverMode is Config.Prover with its default.
func (c Config) ProverMode() string {
	if c.Prover == "" {
		return ProverFleet
	}
	return c.Prover
}

// InProcessWorkers is Config.Workers with its default: 1 on the embedded
// queue, 0 on an external one.
func (c Config) InProcessWorkers() int {
	if c.Workers != nil {
		return *c.Workers
	}
	if c.QueueURL != "" {
		return 0
	}
	return 1
}

// DefaultKind is the rollup kind of a config that names none.
const DefaultKind = "payments"

// KindName is Config.Kind with its default.
func (c Config) KindName() string {
	if c.Kind == "" {
		return DefaultKind
	}
	return c.Kind
}

// Rollup looks the configured kind up in the rollupkit registry
// (rollupkit.ErrUnknownKind lists the registered ones), fills in its
// circuit's default params and binds the kind to them.
func (c Config) Rollup() (rollupkit.Rollup, error) {
	k, err := rollupkit.Lookup(c.KindName())
	if err != nil {
		return nil, err
	}
	if c.Circuit != "" && c.Circuit != k.Circuit() {
		return nil, fmt.Errorf("circuit %q: the %s kind runs the %s circuit", c.Circuit, k.Name(), k.Circuit())
	}
	d, err := circuits.Lookup(k.Circuit())
	if err != nil {
		return nil, err
	}
	full, err := d.Resolve(circuits.Params(c.Params))
	if err != nil {
		return nil, err
	}
	return k.Configure(full)
}

// DefaultConfigFor is what `operator init --kind` writes: DefaultConfig
// with the kind, its circuit and the circuit's default params.
func DefaultConfigFor(kind, rollupID, key string) (Config, error) {
	k, err := rollupkit.Lookup(kind)
	if err != nil {
		return Config{}, err
	}
	d, err := circuits.Lookup(k.Circuit())
	if err != nil {
		return Config{}, err
	}
	c := DefaultConfig(rollupID, key)
	c.Kind, c.Circuit, c.Params = k.Name(), k.Circuit(), map[string]string{}
	for _, p := range d.Params {
		c.Params[p.Name] = p.Default
	}
	return c, nil
}

// DefaultConfig is what `operator init` writes unless told otherwise: the
// payments kind at its production params.
func DefaultConfig(rollupID, key string) Config {
	return Config{
		RollupID: rollupID, Key: key, Kind: DefaultKind, Circuit: "payments",
		Params:    map[string]string{"depth": "24", "slots": "16", "denom": "unat"},
		APIListen: "127.0.0.1:8480", BatchTimeout: "2s", MaxInFlight: 3,
		GasPrices: "0.001unat", GasAdjustment: 1.5, PollInterval: "500ms",
		MinFee: strconv.Itoa(DefaultMinFee), MaxPendingPerAccount: DefaultMaxPendingPerAccount, MaxMempool: DefaultMaxMempool,
		ClaimAccruedMin: strconv.Itoa(DefaultClaimAccruedMin),
	}
}

// MinFeeAmount parses min_fee (nil when absent: the default applies).
func (c Config) MinFeeAmount() (*big.Int, error) {
	if c.MinFee == "" {
		return nil, nil
	}
	v, ok := new(big.Int).SetString(c.MinFee, 10)
	if !ok || v.Sign() < 0 {
		return nil, fmt.Errorf("min_fee %q: want a non-negative integer in the rollup's denom", c.MinFee)
	}
	return v, nil
}

// Durations parses the configured durations.
func (c Config) Durations() (batchTimeout, poll time.Duration, err error) {
	if batchTimeout, err = time.ParseDuration(c.BatchTimeout); err != nil {
		return 0, 0, fmt.Errorf("batch_timeout: %w", err)
	}
	if poll, err = time.ParseDuration(c.PollInterval); err != nil {
		return 0, 0, fmt.Errorf("poll_interval: %w", err)
	}
	return batchTimeout, poll, nil
}

// LoadConfig reads home/operator.json.
func LoadConfig(home string) (Config, error) {
	bz, err := os.ReadFile(filepath.Join(home, ConfigFile))
	if os.IsNotExist(err) {
		return Config{}, fmt.Errorf("no %s in %s: run 'nativechaind operator init' first", ConfigFile, home)
	}
	if err != nil {
		return Config{}, err
	}
	var c Config
	if err := json.Unmarshal(bz, &c); err != nil {
		return Config{}, fmt.Errorf("%s: %w", filepath.Join(home, ConfigFile), err)
	}
	if c.RollupID == "" || c.Key == "" {
		return Config{}, fmt.Errorf("%s: rollup_id and key are required", filepath.Join(home, ConfigFile))
	}
	if _, err := c.MinFeeAmount(); err != nil {
		return Config{}, fmt.Errorf("%s: %w", filepath.Join(home, ConfigFile), err)
	}
	if _, err := c.ClaimAccruedMinAmount(); err != nil {
		return Config{}, fmt.Errorf("%s: %w", filepath.Join(home, ConfigFile), err)
	}
	if c.MaxPendingPerAccount < 0 || c.MaxMempool < 0 {
		return Config{}, fmt.Errorf("%s: max_pending_per_account and max_mempool may not be negative", filepath.Join(home, ConfigFile))
	}
	if m := c.ProverMode(); m != ProverFleet && m != ProverInline {
		return Config{}, fmt.Errorf("%s: prover %q: want %q or %q", filepath.Join(home, ConfigFile), c.Prover, ProverFleet, ProverInline)
	}
	if c.Workers != nil && *c.Workers < 0 {
		return Config{}, fmt.Errorf("%s: workers may not be negative", filepath.Join(home, ConfigFile))
	}
	if _, err := c.WorkerAckWait(); err != nil {
		return Config{}, fmt.Errorf("%s: %w", filepath.Join(home, ConfigFile), err)
	}
	if c.TakeoverAfterBlocks < 0 || c.Standby && c.TakeoverAfterBlocks == 0 {
		return Config{}, fmt.Errorf("%s: a standby needs takeover_after_blocks > 0 (got %d)", filepath.Join(home, ConfigFile), c.TakeoverAfterBlocks)
	}
	return c, nil
}

// Save writes home/operator.json.
func (c Config) Save(home string) error {
	if err := os.MkdirAll(home, 0o700); err != nil {
		return err
	}
	bz, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(home, ConfigFile), append(bz, '\n'), 0o600)
}
