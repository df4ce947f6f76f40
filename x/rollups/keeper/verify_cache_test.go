package keeper

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
)

// The DA-hash cache only skips work: every answer, hit or miss, before and
// after eviction, equals protocol.DAHash.
func TestVerifyCache_DAHashEqualsDirectHashAcrossEviction(t *testing.T) {
	c := newVerifyCache()
	data := func(i int) []byte { return []byte(fmt.Sprintf("batch data %d", i)) }
	for i := 0; i < maxCachedDAHashes+10; i++ {
		require.Equal(t, protocol.DAHash(data(i)), c.daHash(data(i)))
	}
	require.Len(t, c.daHashes, maxCachedDAHashes, "the cache stays bounded")
	for _, i := range []int{0, 5, maxCachedDAHashes + 9} { // evicted and cached
		require.Equal(t, protocol.DAHash(data(i)), c.daHash(data(i)))
	}
	require.Equal(t, protocol.DAHash(nil), c.daHash(nil))
}
