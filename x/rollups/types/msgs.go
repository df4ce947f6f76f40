package types

import (
	"cosmossdk.io/core/address"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
)

var (
	_ sdk.Msg = (*MsgUpdateParams)(nil)
	_ sdk.Msg = (*MsgRegisterRollup)(nil)
	_ sdk.Msg = (*MsgSubmitBatch)(nil)
	_ sdk.Msg = (*MsgUpdateOperators)(nil)
	_ sdk.Msg = (*MsgUpdateVerifyingKey)(nil)
	_ sdk.Msg = (*MsgDeregisterRollup)(nil)
)

// MaxProofBytes bounds a batch proof before it is parsed: a Groth16 BN254
// proof in gnark's compressed encoding with at most one commitment.
const MaxProofBytes = 196

// Rollup id rules: 3-32 characters of [a-z0-9-], starting with a letter and
// not ending with '-'. Short, readable, and safe in URLs and file names.
const (
	MinRollupIDLen  = 3
	MaxRollupIDName = 32
)

// ValidateRollupName checks a rollup id against the registration rules,
// which are stricter than the commitment's encoding bound.
func ValidateRollupName(id string) error {
	if len(id) < MinRollupIDLen || len(id) > MaxRollupIDName {
		return protocol.ErrInvalidRollupID.Wrapf("%q: length must be %d-%d", id, MinRollupIDLen, MaxRollupIDName)
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 'a' && c <= 'z':
		case (c >= '0' && c <= '9') || c == '-':
			if i == 0 {
				return protocol.ErrInvalidRollupID.Wrapf("%q: must start with a letter", id)
			}
		default:
			return protocol.ErrInvalidRollupID.Wrapf("%q: only a-z, 0-9 and '-' are allowed", id)
		}
	}
	if id[len(id)-1] == '-' {
		return protocol.ErrInvalidRollupID.Wrapf("%q: must not end with '-'", id)
	}
	return nil
}

func validateAccount(ac address.Codec, role, addr string) error {
	if _, err := ac.StringToBytes(addr); err != nil {
		return ErrUnauthorized.Wrapf("invalid %s address %q: %s", role, addr, err)
	}
	return nil
}

// ValidateOperators checks an operator set: 1..max distinct valid addresses.
func ValidateOperators(ac address.Codec, operators []string, maxOperators uint64) error {
	if len(operators) == 0 {
		return ErrInvalidOperators.Wrap("at least one operator is required")
	}
	if uint64(len(operators)) > maxOperators {
		return ErrInvalidOperators.Wrapf("%d operators, at most %d", len(operators), maxOperators)
	}
	seen := make(map[string]struct{}, len(operators))
	for _, op := range operators {
		bz, err := ac.StringToBytes(op)
		if err != nil {
			return ErrInvalidOperators.Wrapf("operator %q: %s", op, err)
		}
		if _, dup := seen[string(bz)]; dup {
			return ErrInvalidOperators.Wrapf("operator %q listed twice", op)
		}
		seen[string(bz)] = struct{}{}
	}
	return nil
}

// Validate checks the message statelessly. Handlers call it first, with the
// chain's address codec (never the global bech32 config).
func (m *MsgUpdateParams) Validate(ac address.Codec) error {
	if err := validateAccount(ac, "authority", m.Authority); err != nil {
		return err
	}
	return m.Params.Validate()
}

// Validate checks the message statelessly; limits that depend on params are
// checked by the keeper.
func (m *MsgRegisterRollup) Validate(ac address.Codec) error {
	if err := validateAccount(ac, "admin", m.Admin); err != nil {
		return err
	}
	if err := ValidateRollupName(m.RollupId); err != nil {
		return err
	}
	if len(m.VerifyingKey) == 0 {
		return ErrInvalidVerifyingKey.Wrap("empty verifying key")
	}
	if _, err := protocol.ParseStateRoot(m.GenesisStateRoot); err != nil {
		return err
	}
	if err := ValidateOperators(ac, m.Operators, MaxOperatorsLimit); err != nil {
		return err
	}
	if err := m.Bond.Validate(); err != nil {
		return ErrInsufficientBond.Wrap(err.Error())
	}
	if m.MaxBatchDataBytes > MaxBatchDataBytesLimit {
		return ErrInvalidBatchLimit.Wrapf("%d exceeds the chain's hard limit %d", m.MaxBatchDataBytes, MaxBatchDataBytesLimit)
	}
	return m.ExitLayout.Validate()
}

// Validate checks the message statelessly: sizes and encodings only. The
// keeper checks everything that depends on state.
func (m *MsgSubmitBatch) Validate(ac address.Codec) error {
	if err := validateAccount(ac, "submitter", m.Submitter); err != nil {
		return err
	}
	if err := ValidateRollupName(m.RollupId); err != nil {
		return err
	}
	if m.BatchIndex == 0 {
		return ErrWrongBatchIndex.Wrap("batch indices start at 1")
	}
	if _, err := protocol.ParseStateRoot(m.NewStateRoot); err != nil {
		return err
	}
	if uint64(len(m.Data)) > MaxBatchDataBytesLimit {
		return ErrBatchDataTooLarge.Wrapf("%d bytes exceeds the chain's hard limit %d", len(m.Data), MaxBatchDataBytesLimit)
	}
	if len(m.Proof) == 0 || len(m.Proof) > MaxProofBytes {
		return ErrInvalidProof.Wrapf("proof is %d bytes, want 1..%d", len(m.Proof), MaxProofBytes)
	}
	return nil
}

// Validate checks the message statelessly.
func (m *MsgUpdateOperators) Validate(ac address.Codec) error {
	if err := validateAccount(ac, "admin", m.Admin); err != nil {
		return err
	}
	if err := ValidateRollupName(m.RollupId); err != nil {
		return err
	}
	return ValidateOperators(ac, m.Operators, MaxOperatorsLimit)
}

// Validate checks the message statelessly.
func (m *MsgUpdateVerifyingKey) Validate(ac address.Codec) error {
	if err := validateAccount(ac, "admin", m.Admin); err != nil {
		return err
	}
	if err := ValidateRollupName(m.RollupId); err != nil {
		return err
	}
	if len(m.VerifyingKey) == 0 {
		return ErrInvalidVerifyingKey.Wrap("empty verifying key")
	}
	return nil
}

// Validate checks the message statelessly.
func (m *MsgDeregisterRollup) Validate(ac address.Codec) error {
	if err := validateAccount(ac, "admin", m.Admin); err != nil {
		return err
	}
	return ValidateRollupName(m.RollupId)
}

var _ sdk.Msg = (*MsgForceInclude)(nil)

// Validate checks a forced inclusion statelessly: a sender, a rollup id and
// a non-empty L2 transaction within the payload bound of the encoding.
func (m *MsgForceInclude) Validate(ac address.Codec) error {
	if _, err := ac.StringToBytes(m.Sender); err != nil {
		return protocol.ErrInvalidInboxEntry.Wrapf("invalid sender %q: %s", m.Sender, err)
	}
	if err := ValidateRollupName(m.RollupId); err != nil {
		return err
	}
	if len(m.L2Tx) == 0 {
		return protocol.ErrInvalidInboxEntry.Wrap("empty L2 transaction")
	}
	if len(m.L2Tx) > protocol.MaxPayloadLen {
		return protocol.ErrPayloadTooLarge.Wrapf("%d bytes, max %d", len(m.L2Tx), protocol.MaxPayloadLen)
	}
	return nil
}
