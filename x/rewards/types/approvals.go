package types

import (
	"crypto/sha256"

	"github.com/nativechain/nativechain/protocol"
)

// Validate checks an approval statelessly: a valid rollup id and a sha256
// key hash. The rollup need not exist yet, nor run that key: the approval
// applies to batches verified under the key, whenever that is.
func (a ApprovedRollupKey) Validate() error {
	return validateApproval(a.RollupId, a.VkHash)
}

func validateApproval(rollupID string, vkHash []byte) error {
	if err := protocol.ValidateRollupID(rollupID); err != nil {
		return ErrInvalidApproval.Wrapf("rollup id %q: %s", rollupID, err)
	}
	if len(vkHash) != sha256.Size {
		return ErrInvalidApproval.Wrapf("vk hash of %q must be %d bytes (sha256 of the verifying key), got %d", rollupID, sha256.Size, len(vkHash))
	}
	return nil
}
