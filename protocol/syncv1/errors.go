package syncv1

import (
	"errors"
	"fmt"
)

// Errors of the sync-v1 encodings and the predictor. Each refusal wraps one
// of them with context; test with errors.Is.
var (
	// ErrOfferMalformed: truncated input, a length prefix past the end,
	// trailing bytes.
	ErrOfferMalformed = errors.New("syncv1: malformed offer encoding")
	// ErrOfferNonCanonical: bytes that decode but do not re-encode
	// identically (a non-minimal varint).
	ErrOfferNonCanonical = errors.New("syncv1: non-canonical offer encoding")
	// ErrOfferTooLarge: the encoding or one of its fields is over its bound.
	ErrOfferTooLarge = errors.New("syncv1: offer too large")
	// ErrOfferVersion: a version other than Version.
	ErrOfferVersion = errors.New("syncv1: unknown offer version")
	// ErrOfferRole: a role other than caller, exchange, destination.
	ErrOfferRole = errors.New("syncv1: unknown offer role")
	// ErrOfferInvalid: a field fails Validate (length, range, order).
	ErrOfferInvalid = errors.New("syncv1: invalid offer")

	// ErrWouldBounce: the chain would bounce a message of the outbox
	// (spec 4.1); the leader refuses the offer (409 would_bounce).
	ErrWouldBounce = errors.New("syncv1: message would bounce")
	// ErrPredictorFacts: the facts given to NewPredictor are unusable (a
	// duplicate rollup id, an accumulator that is not a field element) or
	// Apply's source rollup is not among them.
	ErrPredictorFacts = errors.New("syncv1: bad predictor facts")
	// ErrPredictorOutbox: an outbox entry fails protocol's Validate (the
	// chain would refuse the whole batch).
	ErrPredictorOutbox = errors.New("syncv1: invalid outbox entry")
)

func wrap(sentinel error, format string, args ...any) error {
	return fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...))
}
