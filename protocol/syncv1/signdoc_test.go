package syncv1_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	txtypes "github.com/cosmos/cosmos-sdk/types/tx"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/syncv1"
)

func elem(v uint64) []byte {
	e := fr.NewElement(v)
	return protocol.FieldElementBytes(e)
}

// Spec 3.1: no offer signature is ever a transaction signature.
// The sign bytes start with 'n' (0x6e): as protobuf, field 13 of wire type
// 6, which does not exist; as JSON, not a value.
func TestOffer_SignBytesAreNotASignDoc(t *testing.T) {
	o := syncv1.Offer{
		Version: syncv1.Version, ChainID: "nativechain-1", Leader: "native1leader0000qqqq", Round: 1, ExpiryHeight: 10,
		Role: syncv1.RoleCaller, RollupID: "payments", BatchIndex: 1,
		PrevStateRoot: elem(1), NewStateRoot: elem(2), DAHash: elem(3), InboxBefore: elem(4), InboxAfter: elem(5),
		Submitter: "native1submitter0000qqqq", ProofSHA256: bytes.Repeat([]byte{1}, 32),
	}
	offerSB, err := o.SignBytes()
	if err != nil {
		t.Fatal(err)
	}
	for name, sb := range map[string][]byte{"offer": offerSB} {
		var doc txtypes.SignDoc
		if err := doc.Unmarshal(sb); err == nil {
			t.Fatalf("%s sign bytes decode as a SignDoc: %+v", name, doc)
		}
		var aux txtypes.SignDocDirectAux
		if err := aux.Unmarshal(sb); err == nil {
			t.Fatalf("%s sign bytes decode as a SignDocDirectAux", name)
		}
		var anyJSON any
		if err := json.Unmarshal(sb, &anyJSON); err == nil {
			t.Fatalf("%s sign bytes decode as JSON", name)
		}
	}
}
