package dashboard

import (
	"fmt"
	"net"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"
)

// Command is `nativechaind dashboard`.
func Command() *cobra.Command {
	var cfg Config
	var listen string
	cmd := &cobra.Command{
		Use:   "dashboard",
		Short: "Serve the live web dashboard: rollups, batches, bridge, rewards and prover fleets",
		Long: `Serve one web page that shows the network at work, read-only, from public
interfaces only: the node's REST queries (--api), CometBFT RPC and its
websocket (--node), and the operators' /metrics and /v1/status (--operators).
The page reaches them through this process (same origin, proxied unchanged),
so the dashboard keeps running while the node restarts or an operator is
down, and the page says what it cannot reach.`,
		Example: `  nativechaind dashboard --node tcp://127.0.0.1:26657 --api http://127.0.0.1:1317 \
    --operators http://127.0.0.1:8480,http://127.0.0.1:8481 --listen 127.0.0.1:8090`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := New(cfg)
			if err != nil {
				return err
			}
			l, err := net.Listen("tcp", listen)
			if err != nil {
				return fmt.Errorf("--listen %s: %w", listen, err)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			fmt.Fprintf(cmd.OutOrStdout(), "dashboard on http://%s (node %s, REST %s, %d operators)\n", l.Addr(), s.node, s.api, len(s.operators))
			return s.Run(ctx, l)
		},
	}
	cmd.Flags().StringVar(&cfg.Node, "node", "tcp://127.0.0.1:26657", "CometBFT RPC address")
	cmd.Flags().StringVar(&cfg.API, "api", "http://127.0.0.1:1317", "the node's REST API address")
	cmd.Flags().StringSliceVar(&cfg.Operators, "operators", nil, "operator API addresses, comma separated")
	cmd.Flags().StringVar(&listen, "listen", "127.0.0.1:8090", "address to serve the page on")
	cmd.Flags().DurationVar(&cfg.FleetInterval, "fleet-interval", 5*time.Second, "how often to read the operators' metrics")
	return cmd
}
