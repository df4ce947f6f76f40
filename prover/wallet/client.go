// Package wallet is the client side of the payments rollup: L2 key files
// and a client of the operator's HTTP API (docs/operator-api.md) that
// builds, signs and submits transactions. `nativechaind l2 ...` is built on
// it.
package wallet

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"strings"
	"time"

	"github.com/nativechain/nativechain/prover/operator"
	"github.com/nativechain/nativechain/prover/payments"
)

// Client talks to one operator.
type Client struct {
	BaseURL string
	HTTP    *http.Client
}

// NewClient returns a client of the operator at baseURL
// (e.g. http://127.0.0.1:8080).
func NewClient(baseURL string) *Client {
	return &Client{BaseURL: strings.TrimRight(baseURL, "/"), HTTP: &http.Client{Timeout: 15 * time.Second}}
}

// ErrUnreachable wraps transport failures.
var ErrUnreachable = errors.New("operator unreachable")

func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		bz, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(bz)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := c.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("%w at %s (is 'nativechaind operator start' running? --operator sets the URL): %v", ErrUnreachable, c.BaseURL, err)
	}
	defer res.Body.Close()
	bz, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return err
	}
	if res.StatusCode >= 300 {
		var e struct {
			Error *operator.APIError `json:"error"`
		}
		if json.Unmarshal(bz, &e) == nil && e.Error != nil {
			return e.Error
		}
		return fmt.Errorf("operator answered %s: %s", res.Status, strings.TrimSpace(string(bz)))
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(bz, out)
}

// Status is GET /v1/status.
func (c *Client) Status(ctx context.Context) (operator.Status, error) {
	var s operator.Status
	return s, c.do(ctx, http.MethodGet, "/v1/status", nil, &s)
}

// Account is GET /v1/accounts/{address}.
func (c *Client) Account(ctx context.Context, pk payments.PublicKey) (operator.AccountView, error) {
	var a operator.AccountView
	return a, c.do(ctx, http.MethodGet, fmt.Sprintf("/v1/accounts/%x", pk.Address()), nil, &a)
}

// Submit is POST /v1/tx.
func (c *Client) Submit(ctx context.Context, tx operator.WireTx) (operator.SubmitResult, error) {
	var r operator.SubmitResult
	return r, c.do(ctx, http.MethodPost, "/v1/tx", tx, &r)
}

// Tx is GET /v1/tx/{id}.
func (c *Client) Tx(ctx context.Context, id string) (operator.TxStatus, error) {
	var s operator.TxStatus
	return s, c.do(ctx, http.MethodGet, "/v1/tx/"+id, nil, &s)
}

// WaitFinal polls until the transaction is verified on L1 or rejected.
func (c *Client) WaitFinal(ctx context.Context, id string) (operator.TxStatus, error) {
	for {
		s, err := c.Tx(ctx, id)
		if err == nil && (s.Status == "verified" || s.Status == "rejected") {
			return s, nil
		}
		if err != nil && !errors.Is(err, ErrUnreachable) {
			return s, err
		}
		select {
		case <-ctx.Done():
			return s, fmt.Errorf("transaction %s not final yet (last status %q): %w", id, s.Status, ctx.Err())
		case <-time.After(300 * time.Millisecond):
		}
	}
}

// Draft is an unsigned transaction; the sender's index and nonce come from
// the operator.
type Draft struct {
	Kind       payments.RecordKind
	To         payments.PublicKey // transfers: the recipient's key (its index is looked up)
	ToIndex    *uint32            // transfers: the recipient's index, if known instead
	Amount     *big.Int
	Fee        *big.Int
	Recipient  []byte // withdraw: L1 address bytes; send: L2 address on DestRollup
	DestRollup string
	Payload    []byte
}

// Prepare looks up the sender (and recipient), encodes the amounts and
// signs with k for the operator's chain and rollup.
func (c *Client) Prepare(ctx context.Context, k *payments.PrivateKey, d Draft) (operator.WireTx, error) {
	st, err := c.Status(ctx)
	if err != nil {
		return operator.WireTx{}, err
	}
	from, err := c.Account(ctx, k.Public)
	if err != nil {
		return operator.WireTx{}, fmt.Errorf("sender: %w", err)
	}
	tx := payments.Tx{Kind: d.Kind, From: from.Index, Nonce: from.PendingNonce, Recipient: d.Recipient,
		DestRollupID: d.DestRollup, Payload: d.Payload}
	if d.Kind == payments.KindTransfer {
		if d.ToIndex != nil {
			tx.To = *d.ToIndex
		} else {
			to, err := c.Account(ctx, d.To)
			if err != nil {
				return operator.WireTx{}, fmt.Errorf("recipient: %w", err)
			}
			tx.To = to.Index
		}
	}
	if tx.Amount, err = payments.EncodeAmount(d.Amount); err != nil {
		return operator.WireTx{}, fmt.Errorf("amount %s: not representable (at most 9 significant digits: mantissa < 2^28 times a power of ten)", d.Amount)
	}
	fee := d.Fee
	if fee == nil {
		fee = new(big.Int)
	}
	if tx.Fee, err = payments.EncodeFee(fee); err != nil {
		return operator.WireTx{}, fmt.Errorf("fee %s: not representable (a mantissa below 256 times a power of ten)", fee)
	}
	bal, _ := new(big.Int).SetString(from.PendingBalance, 10)
	if need := new(big.Int).Add(d.Amount, fee); bal != nil && need.Cmp(bal) > 0 {
		return operator.WireTx{}, fmt.Errorf("insufficient L2 balance: amount + fee = %s%s, available %s%s", need, st.Denom, bal, st.Denom)
	}
	tx.Sign(k, payments.Domain(st.ChainID, st.RollupID), st.Denom)
	return operator.ToWire(tx), nil
}
