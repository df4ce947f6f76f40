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

	"github.com/nativechain/nativechain/protocol/paymentsv1"
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
func (c *Client) Account(ctx context.Context, pk payments.PublicKey) (payments.AccountView, error) {
	var a payments.AccountView
	return a, c.do(ctx, http.MethodGet, fmt.Sprintf("/v1/accounts/%x", pk.Address()), nil, &a)
}

// Submit is POST /v1/tx.
func (c *Client) Submit(ctx context.Context, tx payments.WireTx) (operator.SubmitResult, error) {
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

// SigningDomain is what a signature binds besides the transaction itself:
// the chain, the rollup and the rollup's denom. The wallet takes them from
// sources the operator does not control (the chain id from the node or
// client.toml, the rollup id from the user, the denom from the rollup's
// record on the chain) and refuses an operator that reports others: the
// operator's API is plain HTTP, and a signature for another rollup would
// be drawn on the user's account there.
type SigningDomain struct {
	ChainID, RollupID, Denom string
}

// Validate checks that every part is set.
func (d SigningDomain) Validate() error {
	if d.ChainID == "" || d.RollupID == "" || d.Denom == "" {
		return fmt.Errorf("signing domain: chain id %q, rollup id %q and denom %q must all be set", d.ChainID, d.RollupID, d.Denom)
	}
	return nil
}

// CheckOperator refuses an operator status that disagrees with d.
func (d SigningDomain) CheckOperator(st operator.Status) error {
	for _, f := range []struct{ name, ours, theirs string }{
		{"chain id", d.ChainID, st.ChainID}, {"rollup id", d.RollupID, st.RollupID}, {"denom", d.Denom, st.Denom},
	} {
		if f.ours != f.theirs {
			return fmt.Errorf("%w: it reports %s %q, the chain and command line say %q", ErrOperatorMismatch, f.name, f.theirs, f.ours)
		}
	}
	return nil
}

// Draft is an unsigned transaction; the sender's index and nonce come from
// the operator.
type Draft struct {
	Kind payments.RecordKind
	// To is a transfer's recipient key: signed, so the payment can only
	// reach the account that holds it.
	To payments.PublicKey
	// ToIndex is the recipient's index, if known; otherwise it is looked
	// up at the operator (a wrong answer makes the transfer invalid, it
	// cannot redirect it).
	ToIndex    *uint32
	Amount     *big.Int
	Fee        *big.Int
	Recipient  []byte // withdraw: L1 address bytes; send: L2 address on DestRollup
	DestRollup string
	Payload    []byte
}

// Unsigned is a transaction ready to sign, with the domain it will be
// signed for.
type Unsigned struct {
	Tx     payments.Tx
	Domain SigningDomain
	Sender payments.PublicKey
}

// Summary lists everything the signature covers, for the user to check
// before signing.
func (u *Unsigned) Summary() string {
	var b strings.Builder
	kind := map[payments.RecordKind]string{payments.KindTransfer: "transfer", payments.KindWithdraw: "withdraw", payments.KindSend: "send"}[u.Tx.Kind]
	fmt.Fprintf(&b, "signing   %s on chain %s, rollup %s\n", kind, u.Domain.ChainID, u.Domain.RollupID)
	fmt.Fprintf(&b, "from      account %d, key %x\n", u.Tx.From, u.Sender.Address())
	switch u.Tx.Kind {
	case payments.KindTransfer:
		fmt.Fprintf(&b, "to        key %x (account %d)\n", u.Tx.ToKey.Address(), u.Tx.To)
	case payments.KindWithdraw:
		fmt.Fprintf(&b, "to        L1 address %x\n", u.Tx.Recipient)
	case payments.KindSend:
		fmt.Fprintf(&b, "to        L2 address %x on rollup %s\n", u.Tx.Recipient, u.Tx.DestRollupID)
		if len(u.Tx.Payload) > 0 {
			fmt.Fprintf(&b, "payload   %x\n", u.Tx.Payload)
		}
	}
	fmt.Fprintf(&b, "amount    %s%s\nfee       %s%s\nnonce     %d\n", u.Tx.Amount.Value(), u.Domain.Denom, u.Tx.Fee.Value(), u.Domain.Denom, u.Tx.Nonce)
	return b.String()
}

// Sign signs with k (the sender's key) and encodes for the API.
func (u *Unsigned) Sign(k *payments.PrivateKey) (payments.WireTx, error) {
	if k.Public != u.Sender {
		return payments.WireTx{}, errors.New("wallet: signing with another key than the sender's")
	}
	u.Tx.Sign(k, paymentsv1.Domain(u.Domain.ChainID, u.Domain.RollupID), u.Domain.Denom)
	return payments.ToWire(u.Tx), nil
}

// Prepare checks that the operator serves dom, looks up the sender's index
// and nonce (and the recipient's index), and encodes the amounts. Nothing
// the operator answers can change what the signature commits to beyond the
// sender's own index and nonce: the domain is dom, a transfer's recipient
// is d.To's key.
func (c *Client) Prepare(ctx context.Context, sender payments.PublicKey, dom SigningDomain, d Draft) (*Unsigned, error) {
	if err := dom.Validate(); err != nil {
		return nil, err
	}
	st, err := c.Status(ctx)
	if err != nil {
		return nil, err
	}
	if err := dom.CheckOperator(st); err != nil {
		return nil, err
	}
	from, err := c.Account(ctx, sender)
	if err != nil {
		return nil, fmt.Errorf("sender: %w", err)
	}
	tx := payments.Tx{Kind: d.Kind, From: from.Index, Nonce: from.PendingNonce, Recipient: d.Recipient,
		DestRollupID: d.DestRollup, Payload: d.Payload}
	if d.Kind == payments.KindTransfer {
		if d.To == (payments.PublicKey{}) {
			return nil, errors.New("a transfer needs the recipient's key (its name or L2 address)")
		}
		tx.ToKey = d.To
		if d.ToIndex != nil {
			tx.To = *d.ToIndex
		} else {
			to, err := c.Account(ctx, d.To)
			if err != nil {
				return nil, fmt.Errorf("recipient: %w", err)
			}
			tx.To = to.Index
		}
	}
	if tx.Amount, err = payments.EncodeAmount(d.Amount); err != nil {
		return nil, fmt.Errorf("amount %s: not representable (at most 9 significant digits: mantissa < 2^28 times a power of ten)", d.Amount)
	}
	fee := d.Fee
	if fee == nil {
		fee = new(big.Int)
	}
	if tx.Fee, err = payments.EncodeFee(fee); err != nil {
		return nil, fmt.Errorf("fee %s: not representable (a mantissa below 256 times a power of ten)", fee)
	}
	bal, _ := new(big.Int).SetString(from.PendingBalance, 10)
	if need := new(big.Int).Add(d.Amount, fee); bal != nil && need.Cmp(bal) > 0 {
		return nil, fmt.Errorf("insufficient L2 balance: amount + fee = %s%s, available %s%s", need, dom.Denom, bal, dom.Denom)
	}
	return &Unsigned{Tx: tx, Domain: dom, Sender: sender}, nil
}
