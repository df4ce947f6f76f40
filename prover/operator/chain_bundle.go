package operator

import (
	"context"
	"errors"
	"fmt"
	"math/big"

	signingv1beta1 "cosmossdk.io/api/cosmos/tx/signing/v1beta1"
	"cosmossdk.io/math"
	"google.golang.org/protobuf/types/known/anypb"

	"github.com/cosmos/cosmos-sdk/client"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	sdk "github.com/cosmos/cosmos-sdk/types"
	txtypes "github.com/cosmos/cosmos-sdk/types/tx"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	authsigning "github.com/cosmos/cosmos-sdk/x/auth/signing"
	txsigning "github.com/cosmos/cosmos-sdk/x/tx/signing"

	crossrolluptypes "github.com/nativechain/nativechain/x/crossrollup/types"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// A bundle (docs/spec/sync-calls.md §5) is one transaction carrying one
// MsgSubmitBundle whose signers are its batches' submitters. The leader
// fixes the whole AuthInfo first (every signer's public key and sequence,
// fee, gas, fee payer = the leader); every member then signs the same
// SIGN_MODE_DIRECT sign doc (body bytes, auth_info bytes, chain id) with
// its own account number. The signatures are independent of each other, so
// they are gathered in parallel, and each covers every sequence and who
// pays. (The SDK's client/tx.Sign refuses a second DIRECT signer, "txs
// signed with CLI can have maximum 1 DIRECT signer": the sign bytes are
// computed here with the same handler map the ante handler verifies with.)

var (
	// ErrBundleMalformed is a bundle transaction, or the input to build
	// one, that is not what a bundle must be.
	ErrBundleMalformed = errors.New("operator: malformed bundle")
	// ErrBundleSignature is a missing, extra or invalid bundle signature.
	ErrBundleSignature = errors.New("operator: bundle signature")
)

// bundleSignMode is the sign mode of every bundle signer.
const bundleSignMode = signing.SignMode_SIGN_MODE_DIRECT

// BundleInfo is what a member checks in a bundle before signing it.
type BundleInfo struct {
	Batches []*types.MsgSubmitBatch
	// Signers are the bech32 signers in the transaction's signer order
	// (the batches' submitters, first appearance).
	Signers []string
	// Sequences are the signer infos' sequences, in Signers' order.
	Sequences     []uint64
	FeePayer      string
	TimeoutHeight uint64
	Memo          string
	GasLimit      uint64
	Fee           sdk.Coins
	// OtherMsgs counts the messages besides the one bundle.
	OtherMsgs int
	// FeeGranter is the fee granter ("" none): a granter other than the
	// payer would pay from an allowance (x/feegrant), a member's perhaps.
	FeeGranter string
	// Unordered: the transaction uses no sequence (replay protection by
	// timeout timestamp instead).
	Unordered bool
	// Extensions counts the body's extension options, critical or not.
	Extensions int
}

// SignArbitrary signs msg with the submitter's keyring key (secp256k1; the
// key hashes msg with SHA-256) and returns the signature and the compressed
// public key. It is for domain-separated bytes that are never a SignDoc
// (sync offers); VerifyArbitrary checks it.
func (c *CometChain) SignArbitrary(msg []byte) (sig, pubKey []byte, err error) {
	rec, err := c.clientCtx.Keyring.KeyByAddress(c.from)
	if err != nil {
		return nil, nil, err
	}
	// A Ledger signs only what it can display as a sign doc.
	if rec.GetLocal() == nil {
		return nil, nil, fmt.Errorf("operator: key %q is not a local key: it cannot sign arbitrary bytes", rec.Name)
	}
	sig, pk, err := c.clientCtx.Keyring.Sign(rec.Name, msg, bundleSignMode)
	if err != nil {
		return nil, nil, err
	}
	spk, ok := pk.(*secp256k1.PubKey)
	if !ok {
		return nil, nil, fmt.Errorf("operator: key %q is %T, not secp256k1", rec.Name, pk)
	}
	return sig, spk.Bytes(), nil
}

// VerifyArbitrary checks sig over msg by the compressed secp256k1 pubKey
// and returns the key's account address (bech32, the chain's prefix).
func VerifyArbitrary(pubKey, msg, sig []byte) (string, error) {
	pk, err := compressedSecp256k1(pubKey)
	if err != nil {
		return "", err
	}
	if !pk.VerifySignature(msg, sig) {
		return "", fmt.Errorf("%w: does not verify with key %X", ErrBundleSignature, pubKey)
	}
	return sdk.AccAddress(pk.Address()).String(), nil
}

func compressedSecp256k1(bz []byte) (*secp256k1.PubKey, error) {
	if len(bz) != secp256k1.PubKeySize || (bz[0] != 2 && bz[0] != 3) {
		return nil, fmt.Errorf("%w: public key is %d bytes, want a %d-byte compressed secp256k1 key", ErrBundleMalformed, len(bz), secp256k1.PubKeySize)
	}
	return &secp256k1.PubKey{Key: append([]byte(nil), bz...)}, nil
}

// unsignedBundle is everything the leader fixes before anyone signs.
type unsignedBundle struct {
	Batches []*types.MsgSubmitBatch
	// PubKeys are the signers' compressed secp256k1 keys by bech32 address.
	PubKeys map[string][]byte
	// Sequences are the signers' account sequences by bech32 address.
	Sequences     map[string]uint64
	FeePayer      sdk.AccAddress
	GasLimit      uint64
	Fee           sdk.Coins
	TimeoutHeight uint64
	Memo          string
}

// bundleSigners are the signers of a MsgSubmitBundle of batches as the
// chain orders them (each submitter once, first appearance; the SDK's
// Tx.GetSigners).
func bundleSigners(txCfg client.TxConfig, batches []*types.MsgSubmitBatch) ([]sdk.AccAddress, error) {
	if len(batches) == 0 {
		return nil, fmt.Errorf("%w: no batches", ErrBundleMalformed)
	}
	for i, b := range batches {
		if b == nil {
			return nil, fmt.Errorf("%w: batch %d is nil", ErrBundleMalformed, i)
		}
	}
	txb := txCfg.NewTxBuilder()
	if err := txb.SetMsgs(&crossrolluptypes.MsgSubmitBundle{Batches: batches}); err != nil {
		return nil, err
	}
	raw, err := txb.GetTx().GetSigners()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBundleMalformed, err)
	}
	out := make([]sdk.AccAddress, len(raw))
	for i, s := range raw {
		out[i] = s
	}
	return out, nil
}

// buildUnsignedBundle encodes the unsigned bundle transaction: one
// MsgSubmitBundle, a SIGN_MODE_DIRECT signer info with key and sequence
// for every signer in signer order, empty signatures. The fee payer must
// be one of the signers (so the signer list is the batches' submitters and
// nothing else).
func buildUnsignedBundle(txCfg client.TxConfig, u unsignedBundle) ([]byte, error) {
	signers, err := bundleSigners(txCfg, u.Batches)
	if err != nil {
		return nil, err
	}
	payerSigns := false
	sigs := make([]signing.SignatureV2, len(signers))
	for i, s := range signers {
		addr := s.String()
		payerSigns = payerSigns || s.Equals(u.FeePayer)
		bz, ok := u.PubKeys[addr]
		if !ok {
			return nil, fmt.Errorf("%w: no public key for signer %s", ErrBundleMalformed, addr)
		}
		pk, err := compressedSecp256k1(bz)
		if err != nil {
			return nil, fmt.Errorf("signer %s: %w", addr, err)
		}
		if !sdk.AccAddress(pk.Address()).Equals(s) {
			return nil, fmt.Errorf("%w: the public key given for %s is %s's", ErrBundleMalformed, addr, sdk.AccAddress(pk.Address()))
		}
		seq, ok := u.Sequences[addr]
		if !ok {
			return nil, fmt.Errorf("%w: no sequence for signer %s", ErrBundleMalformed, addr)
		}
		sigs[i] = signing.SignatureV2{PubKey: pk, Data: &signing.SingleSignatureData{SignMode: bundleSignMode}, Sequence: seq}
	}
	if !payerSigns {
		return nil, fmt.Errorf("%w: fee payer %s submits none of the batches", ErrBundleMalformed, u.FeePayer)
	}
	txb := txCfg.NewTxBuilder()
	if err := txb.SetMsgs(&crossrolluptypes.MsgSubmitBundle{Batches: u.Batches}); err != nil {
		return nil, err
	}
	txb.SetMemo(u.Memo)
	txb.SetTimeoutHeight(u.TimeoutHeight)
	txb.SetGasLimit(u.GasLimit)
	txb.SetFeeAmount(u.Fee)
	txb.SetFeePayer(u.FeePayer)
	if err := txb.SetSignatures(sigs...); err != nil {
		return nil, err
	}
	return txCfg.TxEncoder()(txb.GetTx())
}

// decodeBundleTx decodes a bundle transaction for signing or checking.
// Its shape is checked first: the SDK's decoder accepts a transaction with
// no fee or a multisig mode info without its content, on which the
// wrapper's getters panic, and the bytes come from another operator.
func decodeBundleTx(txCfg client.TxConfig, txBytes []byte) (authsigning.Tx, error) {
	if err := checkBundleShape(txBytes); err != nil {
		return nil, err
	}
	tx, err := txCfg.TxDecoder()(txBytes)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBundleMalformed, err)
	}
	stx, ok := tx.(authsigning.Tx)
	if !ok {
		return nil, fmt.Errorf("%w: %T is not a signing tx", ErrBundleMalformed, tx)
	}
	if _, ok := tx.(authsigning.V2AdaptableTx); !ok {
		return nil, fmt.Errorf("%w: %T has no signing data", ErrBundleMalformed, tx)
	}
	return stx, nil
}

// checkBundleShape requires a fee and, for every signer info, a public
// key, a single-signer mode info and one signature entry (empty while
// unsigned).
func checkBundleShape(txBytes []byte) error {
	var raw txtypes.TxRaw
	if err := raw.Unmarshal(txBytes); err != nil {
		return fmt.Errorf("%w: %w", ErrBundleMalformed, err)
	}
	var authInfo txtypes.AuthInfo
	if err := authInfo.Unmarshal(raw.AuthInfoBytes); err != nil {
		return fmt.Errorf("%w: auth info: %w", ErrBundleMalformed, err)
	}
	if authInfo.Fee == nil {
		return fmt.Errorf("%w: no fee", ErrBundleMalformed)
	}
	if len(raw.Signatures) != len(authInfo.SignerInfos) {
		return fmt.Errorf("%w: %d signatures for %d signer infos", ErrBundleMalformed, len(raw.Signatures), len(authInfo.SignerInfos))
	}
	for i, si := range authInfo.SignerInfos {
		if si == nil || si.PublicKey == nil || si.ModeInfo == nil || si.ModeInfo.GetSingle() == nil {
			return fmt.Errorf("%w: signer info %d is not a single signer with a public key", ErrBundleMalformed, i)
		}
	}
	return nil
}

// inspectBundle decodes txBytes (signed or not) into what a member checks.
func inspectBundle(txCfg client.TxConfig, txBytes []byte) (BundleInfo, error) {
	tx, err := decodeBundleTx(txCfg, txBytes)
	if err != nil {
		return BundleInfo{}, err
	}
	var info BundleInfo
	found := false
	for _, m := range tx.GetMsgs() {
		if b, ok := m.(*crossrolluptypes.MsgSubmitBundle); ok && !found {
			info.Batches, found = b.Batches, true
			continue
		}
		info.OtherMsgs++
	}
	if !found {
		return BundleInfo{}, fmt.Errorf("%w: no MsgSubmitBundle", ErrBundleMalformed)
	}
	signers, err := tx.GetSigners()
	if err != nil {
		return BundleInfo{}, fmt.Errorf("%w: %w", ErrBundleMalformed, err)
	}
	sigs, err := tx.GetSignaturesV2()
	if err != nil {
		return BundleInfo{}, fmt.Errorf("%w: %w", ErrBundleMalformed, err)
	}
	if len(sigs) != len(signers) {
		return BundleInfo{}, fmt.Errorf("%w: %d signer infos for %d signers", ErrBundleMalformed, len(sigs), len(signers))
	}
	for i, s := range signers {
		// Each signer info carries its signer's secp256k1 key, one DIRECT signer.
		if _, _, err := bundleSignerData(tx, i, "", 0); err != nil {
			return BundleInfo{}, err
		}
		info.Signers = append(info.Signers, sdk.AccAddress(s).String())
		info.Sequences = append(info.Sequences, sigs[i].Sequence)
	}
	info.FeePayer = sdk.AccAddress(tx.FeePayer()).String()
	info.TimeoutHeight = tx.GetTimeoutHeight()
	info.Memo = tx.GetMemo()
	info.GasLimit = tx.GetGas()
	info.Fee = tx.GetFee()
	if g, ok := tx.(interface{ FeeGranter() []byte }); ok && len(g.FeeGranter()) > 0 {
		info.FeeGranter = sdk.AccAddress(g.FeeGranter()).String()
	}
	if u, ok := tx.(interface{ GetUnordered() bool }); ok {
		info.Unordered = u.GetUnordered()
	}
	if e, ok := tx.(interface {
		GetExtensionOptions() []*codectypes.Any
		GetNonCriticalExtensionOptions() []*codectypes.Any
	}); ok {
		info.Extensions = len(e.GetExtensionOptions()) + len(e.GetNonCriticalExtensionOptions())
	}
	return info, nil
}

// bundleSignerData is signer i's SignerData: its key and sequence as the
// transaction's signer info holds them, with accountNumber and chainID.
func bundleSignerData(tx authsigning.Tx, i int, chainID string, accountNumber uint64) (txsigning.SignerData, signing.SignatureV2, error) {
	signers, err := tx.GetSigners()
	if err != nil {
		return txsigning.SignerData{}, signing.SignatureV2{}, fmt.Errorf("%w: %w", ErrBundleMalformed, err)
	}
	sigs, err := tx.GetSignaturesV2()
	if err != nil {
		return txsigning.SignerData{}, signing.SignatureV2{}, fmt.Errorf("%w: %w", ErrBundleMalformed, err)
	}
	if len(sigs) != len(signers) || i >= len(sigs) {
		return txsigning.SignerData{}, signing.SignatureV2{}, fmt.Errorf("%w: %d signer infos for %d signers", ErrBundleMalformed, len(sigs), len(signers))
	}
	sig := sigs[i]
	addr := sdk.AccAddress(signers[i])
	// A key of the wrong length makes Address panic.
	if pk, ok := sig.PubKey.(*secp256k1.PubKey); !ok || len(pk.Key) != secp256k1.PubKeySize || !sdk.AccAddress(pk.Address()).Equals(addr) {
		return txsigning.SignerData{}, signing.SignatureV2{}, fmt.Errorf("%w: signer info %d does not carry %s's public key", ErrBundleMalformed, i, addr)
	}
	single, ok := sig.Data.(*signing.SingleSignatureData)
	if !ok || single.SignMode != bundleSignMode {
		return txsigning.SignerData{}, signing.SignatureV2{}, fmt.Errorf("%w: signer info %d is not a single SIGN_MODE_DIRECT signer", ErrBundleMalformed, i)
	}
	anyPk, err := codectypes.NewAnyWithValue(sig.PubKey)
	if err != nil {
		return txsigning.SignerData{}, signing.SignatureV2{}, err
	}
	return txsigning.SignerData{
		Address:       addr.String(),
		ChainID:       chainID,
		AccountNumber: accountNumber,
		Sequence:      sig.Sequence,
		PubKey:        &anypb.Any{TypeUrl: anyPk.TypeUrl, Value: anyPk.Value},
	}, sig, nil
}

// signerIndex is addr's position in tx's signer order.
func signerIndex(tx authsigning.Tx, addr sdk.AccAddress) (int, error) {
	signers, err := tx.GetSigners()
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrBundleMalformed, err)
	}
	for i, s := range signers {
		if addr.Equals(sdk.AccAddress(s)) {
			return i, nil
		}
	}
	return 0, fmt.Errorf("%w: %s is not a signer of the bundle", ErrBundleMalformed, addr)
}

// signBundleWith signs txBytes as signer addr with kr's key: the
// SIGN_MODE_DIRECT sign bytes of the transaction's body and auth_info
// bytes as received, chainID and accountNumber. The sequence is the one
// the leader put in addr's signer info.
func signBundleWith(ctx context.Context, txCfg client.TxConfig, kr keyring.Keyring, addr sdk.AccAddress, chainID string, accountNumber uint64, txBytes []byte) ([]byte, error) {
	tx, err := decodeBundleTx(txCfg, txBytes)
	if err != nil {
		return nil, err
	}
	i, err := signerIndex(tx, addr)
	if err != nil {
		return nil, err
	}
	data, sig, err := bundleSignerData(tx, i, chainID, accountNumber)
	if err != nil {
		return nil, err
	}
	signBytes, err := txCfg.SignModeHandler().GetSignBytes(ctx, signingv1beta1.SignMode_SIGN_MODE_DIRECT, data, tx.(authsigning.V2AdaptableTx).GetSigningTxData())
	if err != nil {
		return nil, err
	}
	out, pk, err := kr.SignByAddress(addr, signBytes, bundleSignMode)
	if err != nil {
		return nil, err
	}
	if !pk.Equals(sig.PubKey) {
		return nil, fmt.Errorf("%w: the bundle names another public key for %s than the keyring's", ErrBundleMalformed, addr)
	}
	return out, nil
}

// assembleBundle puts sigs (bech32 signer -> signature) into txBytes in
// signer order, keeping the body and auth_info bytes everyone signed, and
// verifies each with the SDK's verification (the ante handler's) under
// chainID and the signer's account number.
func assembleBundle(ctx context.Context, txCfg client.TxConfig, chainID string, accountNumbers map[string]uint64, txBytes []byte, sigs map[string][]byte) ([]byte, error) {
	tx, err := decodeBundleTx(txCfg, txBytes)
	if err != nil {
		return nil, err
	}
	signers, err := tx.GetSigners()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBundleMalformed, err)
	}
	if len(sigs) != len(signers) {
		return nil, fmt.Errorf("%w: %d signatures for %d signers", ErrBundleSignature, len(sigs), len(signers))
	}
	var raw txtypes.TxRaw
	if err := raw.Unmarshal(txBytes); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBundleMalformed, err)
	}
	raw.Signatures = make([][]byte, len(signers))
	for i, s := range signers {
		addr := sdk.AccAddress(s).String()
		sig, ok := sigs[addr]
		if !ok {
			return nil, fmt.Errorf("%w: none from %s", ErrBundleSignature, addr)
		}
		raw.Signatures[i] = sig
	}
	signed, err := raw.Marshal()
	if err != nil {
		return nil, err
	}
	if err := verifyBundle(ctx, txCfg, chainID, accountNumbers, signed); err != nil {
		return nil, err
	}
	return signed, nil
}

// verifyBundle checks every signature of a signed bundle as the ante
// handler does (authsigning.VerifySignature with the tx config's sign mode
// handler).
func verifyBundle(ctx context.Context, txCfg client.TxConfig, chainID string, accountNumbers map[string]uint64, signed []byte) error {
	tx, err := decodeBundleTx(txCfg, signed)
	if err != nil {
		return err
	}
	signers, err := tx.GetSigners()
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBundleMalformed, err)
	}
	txData := tx.(authsigning.V2AdaptableTx).GetSigningTxData()
	for i, s := range signers {
		addr := sdk.AccAddress(s).String()
		num, ok := accountNumbers[addr]
		if !ok {
			return fmt.Errorf("%w: no account number for %s", ErrBundleMalformed, addr)
		}
		data, sig, err := bundleSignerData(tx, i, chainID, num)
		if err != nil {
			return err
		}
		if err := authsigning.VerifySignature(ctx, sig.PubKey, data, sig.Data, txCfg.SignModeHandler(), txData); err != nil {
			return fmt.Errorf("%w: %s's: %w", ErrBundleSignature, addr, err)
		}
	}
	return nil
}

// bundleFee is ceil(gasPrice × gas) per denom, as the SDK's tx factory
// computes it.
func bundleFee(gasPrices sdk.DecCoins, gas uint64) sdk.Coins {
	gasDec := math.LegacyNewDecFromBigInt(new(big.Int).SetUint64(gas))
	var fee sdk.Coins
	for _, gp := range gasPrices {
		fee = fee.Add(sdk.NewCoin(gp.Denom, gp.Amount.Mul(gasDec).Ceil().RoundInt()))
	}
	return fee
}

// adjustedGas is gasUsed × the gas adjustment, as tx.CalculateGas does.
func adjustedGas(gasUsed uint64, adjustment float64) uint64 {
	return uint64(adjustment * float64(gasUsed))
}

// bundleEnv is what building a bundle asks the chain: signers' current
// sequences and a simulation. CometChain asks its node; tests a real app.
type bundleEnv struct {
	sequence func(addr sdk.AccAddress) (uint64, error)
	simulate func(txBytes []byte) (uint64, error)
}

// buildBundle is BuildBundle over env: an unsigned bundle with the
// signers' current sequences, simulated (with a one-unit fee so the fee
// deduction is counted), then rebuilt with gas = simulated × adjustment and
// fee = gas × gas price.
func (c *CometChain) buildBundle(env bundleEnv, batches []*types.MsgSubmitBatch, pubKeys map[string][]byte, timeoutHeight uint64, memo string) ([]byte, uint64, error) {
	txCfg := c.clientCtx.TxConfig
	signers, err := bundleSigners(txCfg, batches)
	if err != nil {
		return nil, 0, err
	}
	seqs := make(map[string]uint64, len(signers))
	for _, s := range signers {
		seq, err := env.sequence(s)
		if err != nil {
			return nil, 0, fmt.Errorf("account of %s: %w", s, err)
		}
		seqs[s.String()] = seq
	}
	u := unsignedBundle{Batches: batches, PubKeys: pubKeys, Sequences: seqs, FeePayer: c.from, TimeoutHeight: timeoutHeight, Memo: memo}
	prices := c.factory.GasPrices()
	for _, gp := range prices {
		u.Fee = u.Fee.Add(sdk.NewCoin(gp.Denom, math.OneInt()))
	}
	sim, err := buildUnsignedBundle(txCfg, u)
	if err != nil {
		return nil, 0, err
	}
	gasUsed, err := env.simulate(sim)
	if err != nil {
		return nil, 0, err
	}
	u.GasLimit = adjustedGas(gasUsed, c.factory.GasAdjustment())
	u.Fee = bundleFee(prices, u.GasLimit)
	bz, err := buildUnsignedBundle(txCfg, u)
	if err != nil {
		return nil, 0, err
	}
	return bz, gasUsed, nil
}

// BuildBundle returns the unsigned transaction carrying one
// MsgSubmitBundle{batches}, paid by c's submitter (who must submit one of
// the batches): a SIGN_MODE_DIRECT signer info for every signer in signer
// order with its key from pubKeys (bech32 address -> compressed secp256k1
// key) and its current account sequence; gas from a Simulate of the
// transaction times the gas adjustment, fee at c's gas price. It returns
// the encoded transaction and the simulated gas used.
func (c *CometChain) BuildBundle(ctx context.Context, batches []*types.MsgSubmitBatch, pubKeys map[string][]byte, timeoutHeight uint64, memo string) ([]byte, uint64, error) {
	env := bundleEnv{
		sequence: func(addr sdk.AccAddress) (uint64, error) {
			_, seq, err := c.clientCtx.AccountRetriever.GetAccountNumberSequence(c.clientCtx.WithCmdContext(ctx), addr)
			return seq, err
		},
		simulate: func(txBytes []byte) (uint64, error) { return c.SimulateBundle(ctx, txBytes) },
	}
	return c.buildBundle(env, batches, pubKeys, timeoutHeight, memo)
}

// SimulateBundle runs Simulate on the unsigned bundle (its sequences as in
// it: signatures are not checked in simulation, sequences are) and returns
// the gas used; a refusal is a CheckTxError with Codespace "simulation".
func (c *CometChain) SimulateBundle(ctx context.Context, txBytes []byte) (uint64, error) {
	res, err := txtypes.NewServiceClient(c.clientCtx.WithCmdContext(ctx)).Simulate(ctx, &txtypes.SimulateRequest{TxBytes: txBytes})
	if err != nil {
		return 0, classifySimulation(err)
	}
	if res.GasInfo == nil {
		return 0, errors.New("simulate: no gas info in the answer")
	}
	return res.GasInfo.GasUsed, nil
}

// InspectBundle decodes an unsigned (or signed) bundle transaction into
// what a member checks before signing.
func (c *CometChain) InspectBundle(txBytes []byte) (BundleInfo, error) {
	return inspectBundle(c.clientCtx.TxConfig, txBytes)
}

// SignBundle signs the bundle with c's key: the SIGN_MODE_DIRECT sign doc
// of its body and auth_info, the chain id and c's account number. The
// sequence is the one in c's signer info: it neither queries nor changes
// it.
func (c *CometChain) SignBundle(ctx context.Context, txBytes []byte) ([]byte, error) {
	chainID, err := c.ChainID(ctx)
	if err != nil {
		return nil, err
	}
	num, _, err := c.clientCtx.AccountRetriever.GetAccountNumberSequence(c.clientCtx.WithCmdContext(ctx), c.from)
	if err != nil {
		return nil, fmt.Errorf("account of %s: %w", c.from, err)
	}
	return signBundleWith(ctx, c.clientCtx.TxConfig, c.clientCtx.Keyring, c.from, chainID, num, txBytes)
}

// BroadcastBundle puts sigs (bech32 signer -> signature) into the bundle in
// signer order, checks each verifies with its signer's account number and
// broadcasts it (sync); it returns the hash once CheckTx accepted it, a
// CheckTxError if CheckTx refused it.
func (c *CometChain) BroadcastBundle(ctx context.Context, txBytes []byte, sigs map[string][]byte) (string, error) {
	chainID, err := c.ChainID(ctx)
	if err != nil {
		return "", err
	}
	tx, err := decodeBundleTx(c.clientCtx.TxConfig, txBytes)
	if err != nil {
		return "", err
	}
	signers, err := tx.GetSigners()
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrBundleMalformed, err)
	}
	nums := make(map[string]uint64, len(signers))
	for _, s := range signers {
		num, _, err := c.clientCtx.AccountRetriever.GetAccountNumberSequence(c.clientCtx.WithCmdContext(ctx), s)
		if err != nil {
			return "", fmt.Errorf("account of %s: %w", sdk.AccAddress(s), err)
		}
		nums[sdk.AccAddress(s).String()] = num
	}
	signed, err := assembleBundle(ctx, c.clientCtx.TxConfig, chainID, nums, txBytes, sigs)
	if err != nil {
		return "", err
	}
	return c.broadcastSigned(ctx, signed)
}

// VerifyBundleSignature checks one member's signature of the unsigned
// bundle txBytes, as the ante handler will (its account number from the
// chain, the signer info's key and sequence), so that a leader stores only
// signatures that verify.
func (c *CometChain) VerifyBundleSignature(ctx context.Context, txBytes []byte, signer string, sig []byte) error {
	chainID, err := c.ChainID(ctx)
	if err != nil {
		return err
	}
	addr, err := sdk.AccAddressFromBech32(signer)
	if err != nil {
		return fmt.Errorf("%w: signer %q: %w", ErrBundleSignature, signer, err)
	}
	num, _, err := c.clientCtx.AccountRetriever.GetAccountNumberSequence(c.clientCtx.WithCmdContext(ctx), addr)
	if err != nil {
		return fmt.Errorf("account of %s: %w", signer, err)
	}
	return verifyBundleSignature(ctx, c.clientCtx.TxConfig, chainID, num, txBytes, addr, sig)
}

// verifyBundleSignature is VerifyBundleSignature's check with the account
// number given.
func verifyBundleSignature(ctx context.Context, txCfg client.TxConfig, chainID string, accountNumber uint64, txBytes []byte, signer sdk.AccAddress, sig []byte) error {
	tx, err := decodeBundleTx(txCfg, txBytes)
	if err != nil {
		return err
	}
	i, err := signerIndex(tx, signer)
	if err != nil {
		return err
	}
	data, sv, err := bundleSignerData(tx, i, chainID, accountNumber)
	if err != nil {
		return err
	}
	sv.Data = &signing.SingleSignatureData{SignMode: bundleSignMode, Signature: sig}
	txData := tx.(authsigning.V2AdaptableTx).GetSigningTxData()
	if err := authsigning.VerifySignature(ctx, sv.PubKey, data, sv.Data, txCfg.SignModeHandler(), txData); err != nil {
		return fmt.Errorf("%w: %s's: %w", ErrBundleSignature, signer, err)
	}
	return nil
}
