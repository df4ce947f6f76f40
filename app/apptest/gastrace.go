package apptest

import (
	"context"
	"fmt"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/log/v2"
	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/baseapp"
	clienttx "github.com/cosmos/cosmos-sdk/client/tx"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	"github.com/cosmos/cosmos-sdk/x/auth/ante"
	authsigning "github.com/cosmos/cosmos-sdk/x/auth/signing"

	"github.com/nativechain/nativechain/app"
	crossrollupante "github.com/nativechain/nativechain/x/crossrollup/ante"
	rollupsante "github.com/nativechain/nativechain/x/rollups/ante"
)

// Gas tracing: a chain whose FinalizeBlock records every gas charge of
// every transaction it delivers, in order, with the store access each
// store charge pays for, so that a test can say where a transaction's gas
// goes. The recording changes nothing the chain computes: the recording
// meter passes every charge on to the meter the SDK's ante handler
// created, and the recording stores pass every access on to the block's
// stores. TestGasTable_AttributionIsComplete checks both against a chain
// running the untouched app: same gas used by every transaction, same app
// hash after every block.

// Charge is one ConsumeGas (or RefundGas) call on a transaction's meter.
type Charge struct {
	Amount     uint64
	Descriptor string
	Refund     bool
	// Ante is true for charges made while the ante handler ran (tx size,
	// signature, fee deduction, sequence), false for the messages'.
	Ante bool
	// Access is the store access a KV-store charge pays for; nil for the
	// charges modules make themselves (tx size, signature, proof...).
	Access *StoreAccess
}

// StoreAccess is one read, write, has, delete or iterator step on a
// module's KV store.
type StoreAccess struct {
	Store string // the store key's name, e.g. "acc", "bank", "rollups"
	Op    string // "read", "write", "has", "delete" or "iterate"
	Key   []byte
	// Value is the length of the value read or written.
	Value int
	// charges are the descriptors this access was charged, in order.
	charges []Charge
}

// TxGas is what one delivered transaction was charged.
type TxGas struct {
	Index   int // in its block
	Charges []Charge
	// GasUsed is the GasUsed of the transaction's ExecTxResult.
	GasUsed uint64
	// Err is the first charge the trace could not attribute, if any.
	Err error
}

// Sum is the total of the charges, refunds deducted.
func (g *TxGas) Sum() uint64 {
	var s uint64
	for _, c := range g.Charges {
		if c.Refund {
			s -= c.Amount
		} else {
			s += c.Amount
		}
	}
	return s
}

// GasTrace collects the charges of every transaction a traced chain
// delivers.
type GasTrace struct {
	// Txs holds every delivered transaction, block after block.
	Txs []*TxGas

	cur     *TxGas       // the transaction being delivered; nil otherwise
	ante    bool         // its ante handler is running
	pending []Charge     // store charges made before their access
	last    *StoreAccess // the access charges made after it belong to
}

// Last returns the last n delivered transactions.
func (g *GasTrace) Last(n int) []*TxGas { return g.Txs[len(g.Txs)-n:] }

// The gas KV store charges a flat cost before it reads, writes, checks or
// deletes a key, and per-byte costs after a read or an iterator step: a
// store charge belongs to the next access or to the last one.
var (
	chargedBeforeAccess = map[string]bool{
		storetypes.GasReadCostFlatDesc: true, storetypes.GasWriteCostFlatDesc: true,
		storetypes.GasWritePerByteDesc: true, storetypes.GasHasDesc: true, storetypes.GasDeleteDesc: true,
	}
	chargedAfterAccess = map[string]bool{
		storetypes.GasReadPerByteDesc: true, storetypes.GasValuePerByteDesc: true, storetypes.GasIterNextCostFlatDesc: true,
	}
	// wantCharges is the sequence the gas KV store charges for each kind
	// of access (iterator steps vary: they are not checked).
	wantCharges = map[string][]string{
		"read":   {storetypes.GasReadCostFlatDesc, storetypes.GasReadPerByteDesc, storetypes.GasReadPerByteDesc},
		"write":  {storetypes.GasWriteCostFlatDesc, storetypes.GasWritePerByteDesc, storetypes.GasWritePerByteDesc},
		"has":    {storetypes.GasHasDesc},
		"delete": {storetypes.GasDeleteDesc},
	}
)

func (g *GasTrace) begin(index int) {
	g.cur = &TxGas{Index: index}
	g.ante, g.pending, g.last = true, nil, nil
}

func (g *GasTrace) end(res *abci.ExecTxResult) {
	tx := g.cur
	g.cur = nil
	tx.GasUsed = uint64(res.GasUsed)
	if len(g.pending) > 0 && tx.Err == nil {
		tx.Err = fmt.Errorf("%d store charges never met their access (first: %s)", len(g.pending), g.pending[0].Descriptor)
	}
	if tx.Err == nil {
		tx.Err = checkAccesses(tx)
	}
	g.Txs = append(g.Txs, tx)
}

func (g *GasTrace) fail(err error) {
	if g.cur.Err == nil {
		g.cur.Err = err
	}
}

func (g *GasTrace) charge(amount uint64, descriptor string, refund bool) {
	if g.cur == nil {
		return
	}
	c := Charge{Amount: amount, Descriptor: descriptor, Refund: refund, Ante: g.ante}
	switch {
	case refund:
		g.cur.Charges = append(g.cur.Charges, c)
	case chargedBeforeAccess[descriptor]:
		g.pending = append(g.pending, c)
	case chargedAfterAccess[descriptor]:
		if g.last == nil {
			g.fail(fmt.Errorf("%s charge with no store access before it", descriptor))
		}
		c.Access = g.last
		g.attach(c)
	default:
		g.cur.Charges = append(g.cur.Charges, c)
	}
}

func (g *GasTrace) attach(c Charge) {
	if c.Access != nil {
		c.Access.charges = append(c.Access.charges, c)
	}
	g.cur.Charges = append(g.cur.Charges, c)
}

// access records a store access and gives it the charges made before it.
func (g *GasTrace) access(a *StoreAccess) {
	if g.cur == nil {
		return
	}
	for _, c := range g.pending {
		c.Access = a
		g.attach(c)
	}
	g.pending = nil
	g.last = a
}

// step makes an iterator position the access later charges belong to.
func (g *GasTrace) step(a *StoreAccess) {
	if g.cur == nil {
		return
	}
	if len(g.pending) > 0 {
		g.fail(fmt.Errorf("%s charge pending at an iterator step", g.pending[0].Descriptor))
	}
	g.last = a
}

// checkAccesses checks each read, write, has and delete got exactly the
// charges the gas KV store makes for it, with per-byte charges in the
// proportion of the key and value the recording store saw: a charge paid
// for an access the trace did not see would break one of them.
func checkAccesses(tx *TxGas) error {
	seen := map[*StoreAccess]bool{}
	for _, c := range tx.Charges {
		a := c.Access
		if a == nil || seen[a] {
			continue
		}
		seen[a] = true
		want, ok := wantCharges[a.Op]
		if !ok {
			continue
		}
		if len(a.charges) != len(want) {
			return fmt.Errorf("%s %s %x: %d charges, want %d", a.Store, a.Op, a.Key, len(a.charges), len(want))
		}
		for i, d := range want {
			if a.charges[i].Descriptor != d {
				return fmt.Errorf("%s %s %x: charge %d is %s, want %s", a.Store, a.Op, a.Key, i, a.charges[i].Descriptor, d)
			}
		}
		if len(want) == 3 && a.charges[1].Amount*uint64(a.Value) != a.charges[2].Amount*uint64(len(a.Key)) {
			return fmt.Errorf("%s %s %x: per-byte charges %d and %d for a %d-byte key and a %d-byte value",
				a.Store, a.Op, a.Key, a.charges[1].Amount, a.charges[2].Amount, len(a.Key), a.Value)
		}
	}
	return nil
}

// recordingMeter passes every charge to the meter the ante handler made
// and records it.
type recordingMeter struct {
	storetypes.GasMeter
	trace *GasTrace
}

func (m recordingMeter) ConsumeGas(amount storetypes.Gas, descriptor string) {
	m.trace.charge(amount, descriptor, false)
	m.GasMeter.ConsumeGas(amount, descriptor)
}

func (m recordingMeter) RefundGas(amount storetypes.Gas, descriptor string) {
	m.trace.charge(amount, descriptor, true)
	m.GasMeter.RefundGas(amount, descriptor)
}

// recordingSetUp is the SDK's SetUpContextDecorator, whose fresh gas meter
// is wrapped in a recordingMeter while a transaction is being traced.
type recordingSetUp struct{ trace *GasTrace }

func (d recordingSetUp) AnteHandle(ctx sdk.Context, tx sdk.Tx, simulate bool, next sdk.AnteHandler) (sdk.Context, error) {
	return ante.NewSetUpContextDecorator().AnteHandle(ctx, tx, simulate, func(ctx sdk.Context, tx sdk.Tx, simulate bool) (sdk.Context, error) {
		if d.trace.cur != nil {
			ctx = ctx.WithGasMeter(recordingMeter{GasMeter: ctx.GasMeter(), trace: d.trace})
		}
		return next(ctx, tx, simulate)
	})
}

// tracedAnteHandler is the app's ante handler (app.setAnteHandler: the
// SDK's ante.NewAnteHandler decorators, then x/rollups' and
// x/crossrollup's) with the first decorator recording. If the two drift
// apart, the twin check of TestGasTable_AttributionIsComplete fails.
func tracedAnteHandler(a *app.NativeApp, trace *GasTrace) sdk.AnteHandler {
	sdkAnte := sdk.ChainAnteDecorators(
		recordingSetUp{trace: trace},
		ante.NewExtensionOptionsDecorator(nil),
		ante.NewValidateBasicDecorator(),
		ante.NewTxTimeoutHeightDecorator(),
		ante.NewValidateMemoDecorator(a.AccountKeeper),
		ante.NewConsumeGasForTxSizeDecorator(a.AccountKeeper),
		ante.NewDeductFeeDecorator(a.AccountKeeper, a.BankKeeper, nil, nil),
		ante.NewSetPubKeyDecorator(a.AccountKeeper),
		ante.NewValidateSigCountDecorator(a.AccountKeeper),
		ante.NewSigGasConsumeDecorator(a.AccountKeeper, ante.DefaultSigVerificationGasConsumer),
		ante.NewSigVerificationDecorator(a.AccountKeeper, a.TxConfig().SignModeHandler()),
		ante.NewIncrementSequenceDecorator(a.AccountKeeper),
	)
	batchAnte := sdk.ChainAnteDecorators(
		crossrollupante.NewBundleDecorator(a.CrossRollupKeeper),
		rollupsante.NewBatchProofDecorator(a.RollupsKeeper, a.BatchCheckStores()...),
	)
	return func(ctx sdk.Context, tx sdk.Tx, simulate bool) (sdk.Context, error) {
		defer func() { trace.ante = false }()
		ctx, err := sdkAnte(ctx, tx, simulate)
		if err != nil {
			return ctx, err
		}
		return batchAnte(ctx, tx, simulate)
	}
}

// tracingRunner is the SDK's default sequential tx runner, except that it
// traces each delivery and hands it the block's store behind recording
// wrappers (the store it would use anyway).
type tracingRunner struct {
	decode sdk.TxDecoder
	trace  *GasTrace
}

func (r tracingRunner) Run(ctx context.Context, ms storetypes.MultiStore, txs [][]byte, deliverTx sdk.DeliverTxFunc) ([]*abci.ExecTxResult, error) {
	results := make([]*abci.ExecTxResult, 0, len(txs))
	for i, raw := range txs {
		memTx, err := r.decode(raw)
		if err != nil {
			results = append(results, sdkerrors.ResponseExecTxResultWithEvents(sdkerrors.ErrTxDecode, 0, 0, nil, false))
			continue
		}
		r.trace.begin(i)
		res := deliverTx(raw, memTx, recordingMultiStore{MultiStore: ms, trace: r.trace}, i, nil)
		r.trace.end(res)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		results = append(results, res)
	}
	return results, nil
}

// NewTracedChain is NewChain for an app that traces the gas of every
// transaction it delivers into the returned trace.
func NewTracedChain(t testing.TB, appState []byte, accounts []*Account) (*Chain, *GasTrace) {
	t.Helper()
	db := dbm.NewMemDB()
	trace := &GasTrace{}
	nativeApp := app.New(log.NewNopLogger(), db, false, simtestutil.NewAppOptionsWithFlagHome(t.TempDir()), baseapp.SetChainID(ChainID))
	nativeApp.SetAnteHandler(tracedAnteHandler(nativeApp, trace))
	nativeApp.SetBlockSTMTxRunner(tracingRunner{decode: nativeApp.TxConfig().TxDecoder(), trace: trace})
	require.NoError(t, nativeApp.LoadLatestVersion())
	return startChain(t, nativeApp, db, appState, accounts), trace
}

// SignTxNoMemo is SignTx with an empty memo (SignTx's is random), so a
// transaction's size, and the gas charged for it, is the same on every run.
func (c *Chain) SignTxNoMemo(from *Account, msgs ...sdk.Msg) []byte {
	c.T.Helper()
	txCfg := c.App.TxConfig()
	b := txCfg.NewTxBuilder()
	require.NoError(c.T, b.SetMsgs(msgs...))
	b.SetFeeAmount(sdk.NewCoins(sdk.NewCoin(app.BondDenom, sdkmath.NewInt(10_000))))
	b.SetGasLimit(1_000_000)
	mode := signing.SignMode_SIGN_MODE_DIRECT
	// The signer infos go in first: they are part of the signed bytes.
	require.NoError(c.T, b.SetSignatures(signing.SignatureV2{
		PubKey: from.PrivKey.PubKey(), Data: &signing.SingleSignatureData{SignMode: mode}, Sequence: from.Seq,
	}))
	sig, err := clienttx.SignWithPrivKey(context.Background(), mode, authsigning.SignerData{
		Address: from.Address.String(), ChainID: ChainID, AccountNumber: from.Number, Sequence: from.Seq, PubKey: from.PrivKey.PubKey(),
	}, b, from.PrivKey, txCfg, from.Seq)
	require.NoError(c.T, err)
	require.NoError(c.T, b.SetSignatures(sig))
	bz, err := txCfg.TxEncoder()(b.GetTx())
	require.NoError(c.T, err)
	from.Seq++
	return bz
}
