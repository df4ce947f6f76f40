package keeper

import (
	"bytes"
	"context"
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/backend/witness"
	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/codec/address"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	"github.com/cosmos/cosmos-sdk/runtime"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/cosmos/cosmos-sdk/testutil"
	sdk "github.com/cosmos/cosmos-sdk/types"
	moduletestutil "github.com/cosmos/cosmos-sdk/types/module/testutil"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/rollups/testutil/batchprover"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// The numbers behind the gas constants and the "SubmitBatch vs raw gnark"
// row of docs/PERFORMANCE.md:
//
//	go test -run '^$' -bench 'SubmitBatch|RawGnark|Secp256k1' -count 6 ./x/rollups/keeper/

type benchBank struct{}

func (benchBank) SendCoinsFromAccountToModule(context.Context, sdk.AccAddress, string, sdk.Coins) error {
	return nil
}
func (benchBank) SendCoinsFromModuleToAccount(context.Context, string, sdk.AccAddress, sdk.Coins) error {
	return nil
}
func (benchBank) SendCoinsFromModuleToModule(context.Context, string, string, sdk.Coins) error {
	return nil
}

// benchHooks stand for the modules behind the hooks, doing nothing, so the
// benchmarks measure x/rollups alone.
type benchHooks struct{}

func (benchHooks) AfterBatchVerified(context.Context, types.VerifiedBatch) error { return nil }
func (benchHooks) AfterRollupFrozen(context.Context, string) error               { return nil }
func (benchHooks) BeforeRollupDeregistered(context.Context, string) error        { return nil }
func (benchHooks) AfterRewardFundsCollected(context.Context, sdk.Coins, string) error {
	return nil
}

type benchSetup struct {
	ctx    sdk.Context
	k      *Keeper
	msg    *types.MsgSubmitBatch
	vkRaw  []byte
	inputs []byte
}

// newBenchSetup registers a rollup and builds a valid batch 1 with
// dataBytes of data and a real proof from the test circuit.
func newBenchSetup(b *testing.B, dataBytes int) benchSetup {
	b.Helper()
	key := storetypes.NewKVStoreKey(types.StoreKey)
	ctx := testutil.DefaultContextWithDB(b, key, storetypes.NewTransientStoreKey("t")).Ctx.WithChainID("nativechain-bench-1")
	ac := address.NewBech32Codec("native")
	authority, _ := ac.BytesToString(authtypes.NewModuleAddress("gov"))
	operator, _ := ac.BytesToString(bytes.Repeat([]byte{7}, 20))
	cdc := moduletestutil.MakeTestEncodingConfig().Codec
	k := NewKeeper(cdc, runtime.NewKVStoreService(key), ac, benchBank{}, authority)
	k.SetHooks(benchHooks{})
	require.NoError(b, k.InitGenesis(ctx, types.DefaultGenesis()))

	p, err := batchprover.New()
	require.NoError(b, err)
	genesisRoot := protocol.DAHash([]byte("genesis"))
	require.NoError(b, k.registerRollup(ctx, &types.MsgRegisterRollup{
		Admin: operator, RollupId: "bench", VerifyingKey: p.VerifyingKey(),
		GenesisStateRoot: protocol.StateRootBytes(genesisRoot), Operators: []string{operator},
		Bond: sdk.NewCoin(sdk.DefaultBondDenom, sdkmath.NewInt(10_000_000)),
	}))

	data := bytes.Repeat([]byte{0xab}, dataBytes)
	newRoot := protocol.DAHash([]byte("root-1"))
	c := protocol.BatchCommitment{
		ChainID: ctx.ChainID(), RollupID: "bench", BatchIndex: 1,
		PrevStateRoot: genesisRoot, NewStateRoot: newRoot, DAHash: protocol.DAHash(data),
		InboxBefore: protocol.InboxAccumulatorGenesis(), InboxAfter: protocol.InboxAccumulatorGenesis(),
		OutboxHash: protocol.OutboxHash(nil), Submitter: bytes.Repeat([]byte{7}, 20),
	}
	proof, err := p.Prove(c)
	require.NoError(b, err)
	inputs, err := c.PublicInputs()
	require.NoError(b, err)
	in := inputs[0].Bytes()
	return benchSetup{
		ctx: ctx, k: k, vkRaw: p.VerifyingKey(), inputs: in[:],
		msg: &types.MsgSubmitBatch{
			Submitter: operator, RollupId: "bench", BatchIndex: 1,
			NewStateRoot: protocol.StateRootBytes(newRoot), Data: data, Proof: proof,
		},
	}
}

// BenchmarkSubmitBatch_Handler is the full message handler: stateless
// validation, state reads, DA and outbox hashing, public inputs, proof
// verification (never from the cache) and state writes.
func BenchmarkSubmitBatch_Handler(b *testing.B) {
	benchmarkHandler(b, 1024)
}

// BenchmarkSubmitBatch_HandlerNoData isolates the handler's fixed overhead:
// the same batch with no data, so no DA hashing.
func BenchmarkSubmitBatch_HandlerNoData(b *testing.B) {
	benchmarkHandler(b, 0)
}

// BenchmarkSubmitBatch_HandlerAfterProposal is the handler as FinalizeBlock
// runs it on a validator that already checked the block in
// ProcessProposal: the statement and the DA hash are cached.
func BenchmarkSubmitBatch_HandlerAfterProposal(b *testing.B) {
	s := newBenchSetup(b, 1024)
	srv := NewMsgServerImpl(s.k)
	for b.Loop() {
		ctx, _ := s.ctx.CacheContext()
		if _, err := srv.SubmitBatch(ctx, s.msg); err != nil {
			b.Fatal(err)
		}
	}
}

func benchmarkHandler(b *testing.B, dataBytes int) {
	s := newBenchSetup(b, dataBytes)
	srv := NewMsgServerImpl(s.k)
	for b.Loop() {
		s.k.cache.proofs = make(map[[32]byte]struct{}) // always verify
		s.k.cache.proofOrder = nil
		s.k.cache.daHashes = make(map[[32]byte]fr.Element) // and always hash the data
		s.k.cache.daOrder = nil
		ctx, _ := s.ctx.CacheContext()
		if _, err := srv.SubmitBatch(ctx, s.msg); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSubmitBatch_RawGnarkVerify is the reference: gnark's own
// groth16.Verify of the same proof, keys and inputs already decoded.
func BenchmarkSubmitBatch_RawGnarkVerify(b *testing.B) {
	s := newBenchSetup(b, 1024)
	vk := groth16.NewVerifyingKey(ecc.BN254)
	_, err := vk.ReadFrom(bytes.NewReader(s.vkRaw))
	require.NoError(b, err)
	proof := groth16.NewProof(ecc.BN254)
	_, err = proof.ReadFrom(bytes.NewReader(s.msg.Proof))
	require.NoError(b, err)
	w, err := witness.New(ecc.BN254.ScalarField())
	require.NoError(b, err)
	var el [32]byte
	copy(el[:], s.inputs)
	ch := make(chan any, 1)
	ch <- new(big.Int).SetBytes(el[:])
	close(ch)
	require.NoError(b, w.Fill(1, 0, ch))
	for b.Loop() {
		if err := groth16.Verify(proof, vk, w); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSecp256k1Verify is the SDK's reference for gas: one secp256k1
// signature verification costs 1000 gas (auth's SigVerifyCostSecp256k1).
func BenchmarkSecp256k1Verify(b *testing.B) {
	priv := secp256k1.GenPrivKeyFromSecret([]byte("bench"))
	msg := bytes.Repeat([]byte{1}, 256)
	sig, err := priv.Sign(msg)
	require.NoError(b, err)
	pub := priv.PubKey()
	for b.Loop() {
		if !pub.VerifySignature(msg, sig) {
			b.Fatal("signature does not verify")
		}
	}
}
