package payments

import (
	"errors"
	"fmt"
	"math/big"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/paymentsv1"
)

// Replay applies a batch's posted data to accounts using only what the
// chain keeps (the data and the consumed inbox entries, in order, whose
// payloads give the executed forced transactions), as an
// exodus tool or an indexer would rebuild the state. It trusts the data
// (the proof already verified it) and returns the number of inbox entries
// the batch consumed.
func Replay(accounts map[uint32]*Account, data []byte, inbox []protocol.InboxEntry) (int, error) {
	records, err := DecodeData(data)
	if err != nil {
		return 0, err
	}
	account := func(i uint32) *Account {
		if accounts[i] == nil {
			accounts[i] = &Account{}
		}
		return accounts[i]
	}
	consumed := 0
	next := func() (protocol.InboxEntry, error) {
		if consumed >= len(inbox) {
			return protocol.InboxEntry{}, errors.New("payments: replay ran out of inbox entries")
		}
		consumed++
		return inbox[consumed-1], nil
	}
	for _, r := range records {
		switch r.Kind {
		case KindTransfer, KindWithdraw, KindSend:
			a := account(r.From)
			a.Balance.Sub(&a.Balance, new(big.Int).Add(r.Amount.Value(), r.Fee.Value()))
			a.Nonce++
			if r.Kind == KindTransfer {
				b := account(r.To)
				b.Balance.Add(&b.Balance, r.Amount.Value())
			}
		case KindCredit:
			e, err := next()
			if err != nil {
				return 0, err
			}
			b := account(r.To)
			if !b.Exists() {
				if b.Key, err = paymentsv1.ParseAddress(e.Recipient); err != nil {
					return 0, err
				}
			}
			b.Balance.Add(&b.Balance, e.Amount.BigInt())
		case KindSkip, KindBounce:
			e, err := next()
			if err != nil {
				return 0, err
			}
			if r.Forced {
				// an executed forced transaction: its effect is in the payload
				tx, err := DecodeForcedTx(e.Payload)
				if err != nil {
					return 0, err
				}
				a := account(tx.From)
				a.Balance.Sub(&a.Balance, new(big.Int).Add(tx.Amount.Value(), tx.Fee.Value()))
				a.Nonce++
				if tx.Kind == KindTransfer {
					b := account(tx.To)
					b.Balance.Add(&b.Balance, tx.Amount.Value())
				}
			}
		case KindBounceOut:
		default:
			return 0, fmt.Errorf("payments: replay: record kind %d", r.Kind)
		}
	}
	return consumed, nil
}
