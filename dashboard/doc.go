// Package dashboard serves the live web dashboard of a nativechain network
// (`nativechaind dashboard`): one page, its assets embedded in the binary,
// that shows the rollups, the batches as they land, the bridge, the reward
// pool and the operators' prover fleets.
//
// It sits beside the chain, not inside it: a read-only process that uses only
// public interfaces. The page reads the node's REST (gRPC-gateway) queries
// and CometBFT RPC, and subscribes to the CometBFT websocket; the operators
// are read through their public /metrics and /v1/status. A browser cannot
// call those across origins (the node and the operators send no CORS
// headers), so this process proxies them unchanged under its own origin:
//
//	/rest/...          the node's REST API (GET only)
//	/rpc/...           CometBFT RPC (read-only routes, GET) and /rpc/websocket
//	/operator/N/...    operator N's /metrics, /v1/status and /health
//
// and adds /fleet.json, each operator's prover fleet read from its /metrics
// (queue depth, workers, rates from counter deltas), and /config.json, what
// the page needs to know about its upstreams. An unreachable upstream is a
// 502 with a JSON error naming it, which the page shows; the process itself
// stays up while the node restarts or an operator is down.
package dashboard
