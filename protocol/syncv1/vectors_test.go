package syncv1

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var updateVectors = flag.Bool("update", false, "rewrite testdata/offer_vectors.json from the offers built here")

type offerVector struct {
	Name        string `json:"name"`
	EncodingHex string `json:"encoding_hex"`
	// SignBytesSHA256 is sha256(tag || 0x00 || encoding), which is the ID.
	SignBytesSHA256 string `json:"sign_bytes_sha256"`
	ID              string `json:"id"`
}

const vectorsPath = "testdata/offer_vectors.json"

func vectorOffers(t *testing.T) []struct {
	name string
	o    Offer
} {
	caller := validOffer(t)
	intent := validOffer(t)
	intent.Role, intent.RollupID, intent.Submitter = RoleExchange, "exchange", testLeader
	intent.ProofSHA256 = make([]byte, 32)
	dest := validOffer(t)
	dest.Role, dest.RollupID, dest.Provisional, dest.Outbox = RoleDestination, "payments-usdc", nil, nil
	dest.InboxFrom, dest.InboxConsumed = 0, 0
	return []struct {
		name string
		o    Offer
	}{{"proven caller offer", caller}, {"exchange intent", intent}, {"destination, nothing consumed", dest}}
}

// TestOfferVectors pins the encoding: a change of layout fails here.
// Regenerate with: go test ./protocol/syncv1 -run TestOfferVectors -update
func TestOfferVectors(t *testing.T) {
	var built []offerVector
	for _, v := range vectorOffers(t) {
		enc := mustEncode(t, v.o)
		id := v.o.ID()
		built = append(built, offerVector{Name: v.name, EncodingHex: hex.EncodeToString(enc),
			SignBytesSHA256: hex.EncodeToString(id[:]), ID: hex.EncodeToString(id[:])})
	}
	if *updateVectors {
		bz, err := json.MarshalIndent(built, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.FromSlash(vectorsPath), append(bz, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bz, err := os.ReadFile(filepath.FromSlash(vectorsPath))
	if err != nil {
		t.Fatal(err)
	}
	var stored []offerVector
	if err := json.Unmarshal(bz, &stored); err != nil {
		t.Fatal(err)
	}
	if len(stored) != len(built) {
		t.Fatalf("%d stored vectors, %d built", len(stored), len(built))
	}
	for i, s := range stored {
		if s != built[i] {
			t.Fatalf("vector %q changed:\nstored %+v\nbuilt  %+v", s.Name, s, built[i])
		}
		enc, err := hex.DecodeString(s.EncodingHex)
		if err != nil {
			t.Fatal(err)
		}
		o, err := DecodeOffer(enc)
		if err != nil {
			t.Fatalf("vector %q does not decode: %v", s.Name, err)
		}
		id := o.ID()
		if !bytes.Equal(id[:], mustHex(t, s.ID)) {
			t.Fatalf("vector %q: decoded offer's ID differs", s.Name)
		}
	}
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
