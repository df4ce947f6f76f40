package operator

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtbytes "github.com/cometbft/cometbft/libs/bytes"
	"github.com/cometbft/cometbft/p2p"
	rpcclient "github.com/cometbft/cometbft/rpc/client"
	coretypes "github.com/cometbft/cometbft/rpc/core/types"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/client"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	txtypes "github.com/cosmos/cosmos-sdk/types/tx"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	authsigning "github.com/cosmos/cosmos-sdk/x/auth/signing"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/nativechain/nativechain/app"
	"github.com/nativechain/nativechain/app/apptest"
	crossrolluptypes "github.com/nativechain/nativechain/x/crossrollup/types"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// bundleFixture is a real in-process app whose genesis accounts' keys sit
// in one in-memory keyring, and a CometChain per account (no node: the
// tests drive the node-free parts and the app itself).
type bundleFixture struct {
	chain  *apptest.Chain
	kr     keyring.Keyring
	txCfg  client.TxConfig
	chains []*CometChain
}

func newBundleFixture(t *testing.T, n int) *bundleFixture {
	t.Helper()
	c := apptest.Setup(t, n)
	kr := keyring.NewInMemory(c.App.AppCodec())
	clientCtx := client.Context{}.WithTxConfig(c.App.TxConfig()).WithCodec(c.App.AppCodec()).
		WithInterfaceRegistry(c.App.InterfaceRegistry()).WithKeyring(kr)
	f := &bundleFixture{chain: c, kr: kr, txCfg: c.App.TxConfig()}
	for i, a := range c.Accounts {
		name := fmt.Sprintf("op%d", i)
		require.NoError(t, kr.ImportPrivKeyHex(name, hex.EncodeToString(a.PrivKey.Bytes()), "secp256k1"))
		cc, err := NewCometChain(clientCtx, name, "0.001"+app.BondDenom, 1.3)
		require.NoError(t, err)
		require.Equal(t, a.Address, cc.Submitter())
		f.chains = append(f.chains, cc)
	}
	return f
}

func (f *bundleFixture) addr(i int) string { return f.chain.Accounts[i].Address.String() }

func (f *bundleFixture) batch(i int, index uint64) *types.MsgSubmitBatch {
	return &types.MsgSubmitBatch{Submitter: f.addr(i), RollupId: fmt.Sprintf("rollup-%d", i), BatchIndex: index,
		NewStateRoot: make([]byte, 32), Data: []byte{byte(i), byte(index)}, Proof: []byte("proof")}
}

func (f *bundleFixture) pubKeys(idx ...int) map[string][]byte {
	out := map[string][]byte{}
	for _, i := range idx {
		out[f.addr(i)] = f.chain.Accounts[i].PrivKey.PubKey().Bytes()
	}
	return out
}

func (f *bundleFixture) accountNumbers() map[string]uint64 {
	out := map[string]uint64{}
	for _, a := range f.chain.Accounts {
		out[a.Address.String()] = a.Number
	}
	return out
}

// env answers sequences from the app's committed state; the simulation is
// a stub (the test batches carry no valid proofs).
func (f *bundleFixture) env(gasUsed uint64) bundleEnv {
	return bundleEnv{
		sequence: func(addr sdk.AccAddress) (uint64, error) {
			acc := f.chain.App.AccountKeeper.GetAccount(f.chain.Context(), addr)
			if acc == nil {
				return 0, errors.New("no account")
			}
			return acc.GetSequence(), nil
		},
		simulate: func([]byte) (uint64, error) { return gasUsed, nil },
	}
}

// signAll has every signer of bz sign it, in parallel.
func (f *bundleFixture) signAll(t *testing.T, bz []byte, signers []string) map[string][]byte {
	t.Helper()
	nums := f.accountNumbers()
	sigs := make(map[string][]byte, len(signers))
	var mu sync.Mutex
	var wg sync.WaitGroup
	errs := make([]error, len(signers))
	for k, s := range signers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			addr, err := sdk.AccAddressFromBech32(s)
			if err != nil {
				errs[k] = err
				return
			}
			sig, err := signBundleWith(context.Background(), f.txCfg, f.kr, addr, apptest.ChainID, nums[s], bz)
			errs[k] = err
			mu.Lock()
			sigs[s] = sig
			mu.Unlock()
		}()
	}
	wg.Wait()
	require.NoError(t, errors.Join(errs...))
	return sigs
}

// withSigs is bz with sigs in signer order and nothing verified: the
// bytes a cheating leader could broadcast.
func withSigs(t *testing.T, bz []byte, signers []string, sigs map[string][]byte) []byte {
	t.Helper()
	var raw txtypes.TxRaw
	require.NoError(t, raw.Unmarshal(bz))
	raw.Signatures = nil
	for _, s := range signers {
		raw.Signatures = append(raw.Signatures, sigs[s])
	}
	out, err := raw.Marshal()
	require.NoError(t, err)
	return out
}

// verifyEach checks every signature of signed on its own; nil where it
// verifies.
func (f *bundleFixture) verifyEach(t *testing.T, signed []byte) []error {
	t.Helper()
	tx, err := decodeBundleTx(f.txCfg, signed)
	require.NoError(t, err)
	signers, err := tx.GetSigners()
	require.NoError(t, err)
	nums := f.accountNumbers()
	out := make([]error, len(signers))
	for i, s := range signers {
		data, sig, err := bundleSignerData(tx, i, apptest.ChainID, nums[sdk.AccAddress(s).String()])
		require.NoError(t, err)
		out[i] = authsigning.VerifySignature(context.Background(), sig.PubKey, data, sig.Data, f.txCfg.SignModeHandler(), tx.(authsigning.V2AdaptableTx).GetSigningTxData())
	}
	return out
}

// ante runs the app's whole ante handler (the SDK's: fees, keys,
// signatures, sequences; then the batch and bundle checks, which act in
// CheckTx only) on signed, in a throwaway deliver context.
func (f *bundleFixture) ante(t *testing.T, signed []byte) error {
	t.Helper()
	tx, err := f.txCfg.TxDecoder()(signed)
	require.NoError(t, err)
	ctx, _ := f.chain.Context().WithIsCheckTx(false).CacheContext()
	_, err = f.chain.App.AnteHandler()(ctx, tx, false)
	return err
}

func TestBundle_ParallelDirectSignaturesPassTheAnteHandler(t *testing.T) {
	f := newBundleFixture(t, 3)
	leader := f.chains[1] // the exchange: its batch sits between the caller's and the destination's
	batches := []*types.MsgSubmitBatch{f.batch(0, 7), f.batch(1, 3), f.batch(2, 9)}
	height := uint64(f.chain.App.LastBlockHeight())

	bz, gasUsed, err := leader.buildBundle(f.env(100_000), batches, f.pubKeys(0, 1, 2), height+5, "sync:r1/4")
	require.NoError(t, err)
	require.Equal(t, uint64(100_000), gasUsed)

	info, err := leader.InspectBundle(bz)
	require.NoError(t, err)
	require.Equal(t, []string{f.addr(0), f.addr(1), f.addr(2)}, info.Signers, "the message's signer order")
	require.Equal(t, []uint64{0, 0, 0}, info.Sequences)
	require.Equal(t, f.addr(1), info.FeePayer)
	require.Equal(t, height+5, info.TimeoutHeight)
	require.Equal(t, "sync:r1/4", info.Memo)
	require.Equal(t, uint64(130_000), info.GasLimit, "simulated × 1.3")
	require.Equal(t, sdk.NewCoins(sdk.NewCoin(app.BondDenom, sdkmath.NewInt(130))), info.Fee, "gas × 0.001unat")
	require.Zero(t, info.OtherMsgs)
	require.Len(t, info.Batches, 3)
	for i := range batches {
		require.Equal(t, batches[i].String(), info.Batches[i].String())
	}

	// Unsigned, it passes the ante handler's simulation (keys and sequences
	// checked, signatures not) and reaches the batches, refused there.
	_, _, err = f.chain.App.Simulate(bz)
	require.Error(t, err)
	for _, ante := range []error{sdkerrors.ErrUnauthorized, sdkerrors.ErrWrongSequence, sdkerrors.ErrNoSignatures, sdkerrors.ErrInvalidPubKey} {
		require.NotErrorIs(t, err, ante)
	}

	sigs := f.signAll(t, bz, info.Signers)
	signed, err := assembleBundle(context.Background(), f.txCfg, apptest.ChainID, f.accountNumbers(), bz, sigs)
	require.NoError(t, err)
	require.NoError(t, f.ante(t, signed), "the app's ante handler accepts the assembled bundle")

	again, err := inspectBundle(f.txCfg, signed)
	require.NoError(t, err)
	require.Equal(t, info, again, "signing changes nothing a member checked")

	// One bad signature: the assembler refuses it, and so would the chain.
	bad := map[string][]byte{}
	for k, v := range sigs {
		bad[k] = v
	}
	bad[f.addr(2)] = append([]byte(nil), sigs[f.addr(2)]...)
	bad[f.addr(2)][5] ^= 1
	_, err = assembleBundle(context.Background(), f.txCfg, apptest.ChainID, f.accountNumbers(), bz, bad)
	require.ErrorIs(t, err, ErrBundleSignature)
	require.ErrorIs(t, f.ante(t, withSigs(t, bz, info.Signers, bad)), sdkerrors.ErrUnauthorized)

	// A missing or an extra signature is refused before anything is sent.
	delete(bad, f.addr(2))
	_, err = assembleBundle(context.Background(), f.txCfg, apptest.ChainID, f.accountNumbers(), bz, bad)
	require.ErrorIs(t, err, ErrBundleSignature)
	bad[f.addr(2)], bad["extra"] = sigs[f.addr(2)], sigs[f.addr(2)]
	_, err = assembleBundle(context.Background(), f.txCfg, apptest.ChainID, f.accountNumbers(), bz, bad)
	require.ErrorIs(t, err, ErrBundleSignature)
}

// Every DIRECT signature covers the whole auth_info: the leader cannot
// change one member's sequence, the fee or who pays after anyone signed.
func TestBundle_ChangedSequenceOrFeePayerInvalidatesEverySignature(t *testing.T) {
	f := newBundleFixture(t, 3)
	leader := f.chains[1]
	batches := []*types.MsgSubmitBatch{f.batch(0, 1), f.batch(1, 1), f.batch(2, 1)}
	base := unsignedBundle{Batches: batches, PubKeys: f.pubKeys(0, 1, 2),
		Sequences: map[string]uint64{f.addr(0): 0, f.addr(1): 0, f.addr(2): 0},
		FeePayer:  leader.Submitter(), GasLimit: 200_000, Fee: sdk.NewCoins(sdk.NewCoin(app.BondDenom, sdkmath.NewInt(200))),
		TimeoutHeight: 100, Memo: "sync:r1/1"}
	bz, err := buildUnsignedBundle(f.txCfg, base)
	require.NoError(t, err)
	signers := []string{f.addr(0), f.addr(1), f.addr(2)}
	sigs := f.signAll(t, bz, signers)
	require.Equal(t, []error{nil, nil, nil}, f.verifyEach(t, withSigs(t, bz, signers, sigs)))

	otherSeq := base
	otherSeq.Sequences = map[string]uint64{f.addr(0): 0, f.addr(1): 0, f.addr(2): 1}
	otherPayer := base
	otherPayer.FeePayer = f.chain.Accounts[0].Address
	otherFee := base
	otherFee.Fee = sdk.NewCoins(sdk.NewCoin(app.BondDenom, sdkmath.NewInt(201)))
	for name, u := range map[string]unsignedBundle{"sequence": otherSeq, "fee payer": otherPayer, "fee": otherFee} {
		changed, err := buildUnsignedBundle(f.txCfg, u)
		require.NoError(t, err)
		for i, err := range f.verifyEach(t, withSigs(t, changed, signers, sigs)) {
			require.Error(t, err, "%s changed: signature %d still verifies", name, i)
		}
		_, err = assembleBundle(context.Background(), f.txCfg, apptest.ChainID, f.accountNumbers(), changed, sigs)
		require.ErrorIs(t, err, ErrBundleSignature, name)
	}

	// And a signature is bound to the signer's account number and the chain.
	nums := f.accountNumbers()
	nums[f.addr(0)] = 42
	_, err = assembleBundle(context.Background(), f.txCfg, apptest.ChainID, nums, bz, sigs)
	require.ErrorIs(t, err, ErrBundleSignature)
	_, err = assembleBundle(context.Background(), f.txCfg, "other-chain", f.accountNumbers(), bz, sigs)
	require.ErrorIs(t, err, ErrBundleSignature)
}

// Two batches by one submitter make one signer (the SDK's Tx.GetSigners
// keeps the first appearance), so one signature.
func TestBundle_SignersAreDeduplicated(t *testing.T) {
	f := newBundleFixture(t, 2)
	leader := f.chains[0]
	batches := []*types.MsgSubmitBatch{f.batch(0, 1), f.batch(1, 1), f.batch(0, 2)}
	bz, _, err := leader.buildBundle(f.env(50_000), batches, f.pubKeys(0, 1), 0, "")
	require.NoError(t, err)
	info, err := inspectBundle(f.txCfg, bz)
	require.NoError(t, err)
	require.Equal(t, []string{f.addr(0), f.addr(1)}, info.Signers)
	require.Len(t, info.Batches, 3)

	signed, err := assembleBundle(context.Background(), f.txCfg, apptest.ChainID, f.accountNumbers(), bz, f.signAll(t, bz, info.Signers))
	require.NoError(t, err)
	require.NoError(t, f.ante(t, signed))
}

func TestBundle_BuildRefusesBadKeysAndAnOutsideFeePayer(t *testing.T) {
	f := newBundleFixture(t, 3)
	batches := []*types.MsgSubmitBatch{f.batch(0, 1), f.batch(1, 1)}

	_, _, err := f.chains[0].buildBundle(f.env(1), batches, f.pubKeys(0), 0, "")
	require.ErrorIs(t, err, ErrBundleMalformed, "no key for a signer")

	wrong := f.pubKeys(0)
	wrong[f.addr(1)] = f.chain.Accounts[2].PrivKey.PubKey().Bytes()
	_, _, err = f.chains[0].buildBundle(f.env(1), batches, wrong, 0, "")
	require.ErrorIs(t, err, ErrBundleMalformed, "another account's key")

	short := f.pubKeys(0, 1)
	short[f.addr(1)] = short[f.addr(1)][:20]
	_, _, err = f.chains[0].buildBundle(f.env(1), batches, short, 0, "")
	require.ErrorIs(t, err, ErrBundleMalformed, "not a compressed key")

	_, _, err = f.chains[2].buildBundle(f.env(1), batches, f.pubKeys(0, 1), 0, "")
	require.ErrorIs(t, err, ErrBundleMalformed, "the leader must submit a batch to pay")

	_, _, err = f.chains[0].buildBundle(f.env(1), []*types.MsgSubmitBatch{f.batch(0, 1), nil}, f.pubKeys(0), 0, "")
	require.ErrorIs(t, err, ErrBundleMalformed)

	simErr := &CheckTxError{Codespace: "simulation", Log: "bad proof"}
	env := f.env(1)
	env.simulate = func([]byte) (uint64, error) { return 0, simErr }
	_, _, err = f.chains[0].buildBundle(env, batches, f.pubKeys(0, 1), 0, "")
	require.ErrorIs(t, err, simErr)
}

func TestBundle_InspectCountsOtherMessagesAndRefusesJunk(t *testing.T) {
	f := newBundleFixture(t, 2)
	txb := f.txCfg.NewTxBuilder()
	require.NoError(t, txb.SetMsgs(
		&crossrolluptypes.MsgSubmitBundle{Batches: []*types.MsgSubmitBatch{f.batch(0, 1), f.batch(1, 1)}},
		banktypes.NewMsgSend(f.chain.Accounts[0].Address, f.chain.Accounts[1].Address, sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 1)))))
	bz, err := f.txCfg.TxEncoder()(txb.GetTx())
	require.NoError(t, err)
	_, err = f.chains[0].InspectBundle(bz)
	require.ErrorIs(t, err, ErrBundleMalformed, "no signer infos")
	var infos []signing.SignatureV2
	for _, a := range f.chain.Accounts {
		infos = append(infos, signing.SignatureV2{PubKey: a.PrivKey.PubKey(), Data: &signing.SingleSignatureData{SignMode: bundleSignMode}, Sequence: 4})
	}
	require.NoError(t, txb.SetSignatures(infos...))
	bz, err = f.txCfg.TxEncoder()(txb.GetTx())
	require.NoError(t, err)
	info, err := f.chains[0].InspectBundle(bz)
	require.NoError(t, err)
	require.Equal(t, 1, info.OtherMsgs)
	require.Equal(t, []uint64{4, 4}, info.Sequences)

	txb = f.txCfg.NewTxBuilder()
	require.NoError(t, txb.SetMsgs(banktypes.NewMsgSend(f.chain.Accounts[0].Address, f.chain.Accounts[1].Address, nil)))
	bz, err = f.txCfg.TxEncoder()(txb.GetTx())
	require.NoError(t, err)
	_, err = f.chains[0].InspectBundle(bz)
	require.ErrorIs(t, err, ErrBundleMalformed, "no bundle")

	for _, junk := range [][]byte{nil, {0xff}, []byte("not a transaction")} {
		_, err = f.chains[0].InspectBundle(junk)
		require.ErrorIs(t, err, ErrBundleMalformed)
		_, err = signBundleWith(context.Background(), f.txCfg, f.kr, f.chain.Accounts[0].Address, apptest.ChainID, 0, junk)
		require.ErrorIs(t, err, ErrBundleMalformed)
	}

	// A key that signs no batch cannot sign the bundle.
	bz, _, err = f.chains[0].buildBundle(f.env(1), []*types.MsgSubmitBatch{f.batch(0, 1)}, f.pubKeys(0), 0, "")
	require.NoError(t, err)
	_, err = signBundleWith(context.Background(), f.txCfg, f.kr, f.chain.Accounts[1].Address, apptest.ChainID, 1, bz)
	require.ErrorIs(t, err, ErrBundleMalformed)
}

func TestArbitrary_SignatureVerifiesOnlyForItsMessageAndKey(t *testing.T) {
	f := newBundleFixture(t, 2)
	msg := []byte("nativechain/sync-offer/v1\x00offer bytes")
	sig, pub, err := f.chains[0].SignArbitrary(msg)
	require.NoError(t, err)
	require.Len(t, pub, 33)

	addr, err := VerifyArbitrary(pub, msg, sig)
	require.NoError(t, err)
	require.Equal(t, f.addr(0), addr)

	tampered := append([]byte(nil), msg...)
	tampered[len(tampered)-1] ^= 1
	_, err = VerifyArbitrary(pub, tampered, sig)
	require.ErrorIs(t, err, ErrBundleSignature)

	_, other, err := f.chains[1].SignArbitrary(msg)
	require.NoError(t, err)
	_, err = VerifyArbitrary(other, msg, sig)
	require.ErrorIs(t, err, ErrBundleSignature)

	_, err = VerifyArbitrary(pub[:32], msg, sig)
	require.ErrorIs(t, err, ErrBundleMalformed)
	_, err = VerifyArbitrary(pub, msg, sig[:10])
	require.ErrorIs(t, err, ErrBundleSignature)
}

// A bundle comes from another operator: a shape the SDK's decoder accepts
// but its getters panic on is refused, never a crash.
func TestBundle_MalformedAuthInfoIsRefusedWithoutPanic(t *testing.T) {
	f := newBundleFixture(t, 2)
	bz, _, err := f.chains[0].buildBundle(f.env(1), []*types.MsgSubmitBatch{f.batch(0, 1), f.batch(1, 1)}, f.pubKeys(0, 1), 0, "")
	require.NoError(t, err)
	mutate := func(change func(*txtypes.AuthInfo, *txtypes.TxRaw)) []byte {
		var raw txtypes.TxRaw
		require.NoError(t, raw.Unmarshal(bz))
		var ai txtypes.AuthInfo
		require.NoError(t, ai.Unmarshal(raw.AuthInfoBytes))
		change(&ai, &raw)
		var err error
		raw.AuthInfoBytes, err = ai.Marshal()
		require.NoError(t, err)
		out, err := raw.Marshal()
		require.NoError(t, err)
		return out
	}
	shortKey, err := codectypes.NewAnyWithValue(&secp256k1.PubKey{Key: make([]byte, 20)})
	require.NoError(t, err)
	cases := map[string][]byte{
		"no fee": mutate(func(ai *txtypes.AuthInfo, _ *txtypes.TxRaw) { ai.Fee = nil }),
		"empty multi": mutate(func(ai *txtypes.AuthInfo, _ *txtypes.TxRaw) {
			ai.SignerInfos[1].ModeInfo = &txtypes.ModeInfo{Sum: &txtypes.ModeInfo_Multi_{}}
		}),
		"no mode info":    mutate(func(ai *txtypes.AuthInfo, _ *txtypes.TxRaw) { ai.SignerInfos[1].ModeInfo = nil }),
		"no public key":   mutate(func(ai *txtypes.AuthInfo, _ *txtypes.TxRaw) { ai.SignerInfos[0].PublicKey = nil }),
		"short key":       mutate(func(ai *txtypes.AuthInfo, _ *txtypes.TxRaw) { ai.SignerInfos[0].PublicKey = shortKey }),
		"signature count": mutate(func(_ *txtypes.AuthInfo, raw *txtypes.TxRaw) { raw.Signatures = raw.Signatures[:1] }),
		"one signer info": mutate(func(ai *txtypes.AuthInfo, raw *txtypes.TxRaw) {
			ai.SignerInfos, raw.Signatures = ai.SignerInfos[:1], raw.Signatures[:1]
		}),
	}
	for name, bad := range cases {
		require.NotPanics(t, func() {
			_, err = signBundleWith(context.Background(), f.txCfg, f.kr, f.chain.Accounts[0].Address, apptest.ChainID, 0, bad)
			require.ErrorIs(t, err, ErrBundleMalformed, name)
			_, err = assembleBundle(context.Background(), f.txCfg, apptest.ChainID, f.accountNumbers(), bad, map[string][]byte{f.addr(0): {1}, f.addr(1): {2}})
			require.Error(t, err, name)
			_, err = inspectBundle(f.txCfg, bad)
			require.ErrorIs(t, err, ErrBundleMalformed, name)
		}, name)
	}
}

// appRPC is a CometBFT RPC client answered by the in-process app: status,
// ABCI queries (gRPC routes, the tx service's Simulate included) and
// CheckTx. What it does not implement panics (nil embedded interface).
type appRPC struct {
	client.CometRPC
	chain *apptest.Chain
}

func (r appRPC) Status(context.Context) (*coretypes.ResultStatus, error) {
	return &coretypes.ResultStatus{NodeInfo: p2p.DefaultNodeInfo{Network: apptest.ChainID},
		SyncInfo: coretypes.SyncInfo{LatestBlockHeight: r.chain.App.LastBlockHeight()}}, nil
}

func (r appRPC) ABCIQueryWithOptions(ctx context.Context, path string, data cmtbytes.HexBytes, opts rpcclient.ABCIQueryOptions) (*coretypes.ResultABCIQuery, error) {
	res, err := r.chain.App.Query(ctx, &abci.RequestQuery{Path: path, Data: data, Height: opts.Height, Prove: opts.Prove})
	if err != nil {
		return nil, err
	}
	return &coretypes.ResultABCIQuery{Response: *res}, nil
}

func (r appRPC) BroadcastTxSync(_ context.Context, tx cmttypes.Tx) (*coretypes.ResultBroadcastTx, error) {
	res, err := r.chain.App.CheckTx(&abci.RequestCheckTx{Tx: tx, Type: abci.CheckTxType_New})
	if err != nil {
		return nil, err
	}
	return &coretypes.ResultBroadcastTx{Code: res.Code, Data: res.Data, Log: res.Log, Codespace: res.Codespace, Hash: tx.Hash()}, nil
}

// withNode points every fixture chain at the app through appRPC.
func (f *bundleFixture) withNode(t *testing.T) {
	t.Helper()
	for i, cc := range f.chains {
		clientCtx := cc.clientCtx.WithClient(appRPC{chain: f.chain}).WithAccountRetriever(authtypes.AccountRetriever{})
		if i == 0 {
			f.chain.App.RegisterTxService(clientCtx)
		}
		cc.clientCtx = clientCtx
		cc.factory = cc.factory.WithAccountRetriever(clientCtx.AccountRetriever)
	}
}

// The public methods end to end against the real app: the leader's
// Simulate runs the batches (refused here: they carry no valid proofs); the
// members sign with their queried account numbers; the assembled bundle
// passes CheckTx's signature checks and is refused by the bundle checks
// after them.
func TestBundle_PublicMethodsAgainstTheApp(t *testing.T) {
	f := newBundleFixture(t, 3)
	f.withNode(t)
	ctx := context.Background()
	leader := f.chains[1]
	batches := []*types.MsgSubmitBatch{f.batch(0, 7), f.batch(1, 3), f.batch(2, 9)}
	height := uint64(f.chain.App.LastBlockHeight())

	_, _, err := leader.BuildBundle(ctx, batches, f.pubKeys(0, 1, 2), height+5, "sync:r1/4")
	var refused *CheckTxError
	require.ErrorAs(t, err, &refused)
	require.Equal(t, "simulation", refused.Codespace)
	require.NotContains(t, refused.Log, "signature")
	require.NotContains(t, refused.Log, "sequence")
	require.Contains(t, refused.Log, "failed to execute message", "the unsigned bundle passed the ante handler")

	bz, _, err := leader.buildBundle(f.env(100_000), batches, f.pubKeys(0, 1, 2), height+5, "sync:r1/4")
	require.NoError(t, err)
	_, err = leader.SimulateBundle(ctx, bz)
	require.ErrorAs(t, err, &refused)
	require.Equal(t, "simulation", refused.Codespace)

	sigs := map[string][]byte{}
	for i, cc := range f.chains {
		sig, err := cc.SignBundle(ctx, bz)
		require.NoError(t, err)
		sigs[f.addr(i)] = sig
	}
	_, err = leader.BroadcastBundle(ctx, bz, sigs)
	require.ErrorAs(t, err, &refused)
	require.NotEqual(t, "sdk", refused.Codespace, "signatures, keys, sequences and fee passed: %s", refused.Log)
	require.Contains(t, refused.Log, "unknown rollup")

	sigs[f.addr(0)] = sigs[f.addr(2)]
	_, err = leader.BroadcastBundle(ctx, bz, sigs)
	require.ErrorIs(t, err, ErrBundleSignature, "a bad signature is caught before broadcasting")
}

// A leader may build a bundle that a member's own allowance pays for (a
// fee granter) or that uses no sequence (unordered): InspectBundle reports
// both, and a member refuses to sign (checkBundle).
func TestBundle_GranterAndUnorderedAreSeenAndRefused(t *testing.T) {
	f := newBundleFixture(t, 2)
	leader := f.chains[1]
	u := unsignedBundle{Batches: []*types.MsgSubmitBatch{f.batch(0, 1), f.batch(1, 1)}, PubKeys: f.pubKeys(0, 1),
		Sequences: map[string]uint64{f.addr(0): 0, f.addr(1): 0}, FeePayer: leader.Submitter(), GasLimit: 200_000,
		Fee: sdk.NewCoins(sdk.NewCoin(app.BondDenom, sdkmath.NewInt(200))), TimeoutHeight: 100}
	bz, err := buildUnsignedBundle(f.txCfg, u)
	require.NoError(t, err)
	for name, change := range map[string]func(client.TxBuilder){
		"a fee granter": func(b client.TxBuilder) { b.SetFeeGranter(f.chain.Accounts[0].Address) },
		"unordered":     func(b client.TxBuilder) { b.SetUnordered(true) },
	} {
		t.Run(name, func(t *testing.T) {
			tx, err := f.txCfg.TxDecoder()(bz)
			require.NoError(t, err)
			b, err := f.txCfg.WrapTxBuilder(tx)
			require.NoError(t, err)
			change(b)
			changed, err := f.txCfg.TxEncoder()(b.GetTx())
			require.NoError(t, err)
			info, err := inspectBundle(f.txCfg, changed)
			require.NoError(t, err)
			require.True(t, info.FeeGranter != "" || info.Unordered, "%+v", info)
			mark := &syncMark{Leader: info.FeePayer, ExpiryHeight: 100}
			require.ErrorIs(t, checkBundle(info, u.Batches[0], mark, f.addr(0)), errBundleRefused)
		})
	}
}
