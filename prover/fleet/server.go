package fleet

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"syscall"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// ServerOptions configure an embedded NATS server.
type ServerOptions struct {
	// Dir holds JetStream's files (the operator's <home>/queue).
	Dir string
	// Listen is host:port; port 0 picks a free port.
	Listen string
	// FallbackToRandomPort, when Listen's port is taken, listens on a free
	// port instead of failing (the default listen address of an operator
	// that did not choose one: a second operator on the machine).
	FallbackToRandomPort bool
	Logger               *slog.Logger
}

// Server is an embedded NATS server with JetStream on disk.
type Server struct {
	ns *server.Server
	// FellBack is true when Listen's port was taken and a free port was
	// used instead.
	FellBack bool
}

// StartServer starts an embedded NATS server with JetStream stored under
// o.Dir and waits until it accepts connections.
func StartServer(o ServerOptions) (*Server, error) {
	host, portStr, err := net.SplitHostPort(o.Listen)
	if err != nil {
		return nil, fmt.Errorf("fleet: queue listen address %q: %w", o.Listen, err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil || port < 0 || port > 65535 {
		return nil, fmt.Errorf("fleet: queue listen address %q: bad port", o.Listen)
	}
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return nil, err
	}
	fellBack := false
	if port != 0 && portTaken(host, port) {
		if !o.FallbackToRandomPort {
			return nil, fmt.Errorf("fleet: queue listen address %s is in use (another operator on this machine?): set queue_listen in operator.json or pass --queue-listen (port 0 picks a free one)", o.Listen)
		}
		port, fellBack = 0, true
	}
	if port == 0 {
		port = server.RANDOM_PORT
	}
	ns, err := server.NewServer(&server.Options{
		ServerName: "nativechain-operator",
		Host:       host,
		Port:       port,
		JetStream:  true,
		StoreDir:   o.Dir,
		MaxPayload: MaxPayload,
		NoSigs:     true,
	})
	if err != nil {
		return nil, fmt.Errorf("fleet: embedded NATS server: %w", err)
	}
	log := o.Logger
	if log == nil {
		log = slog.Default()
	}
	ns.SetLogger(serverLogger{log.With("part", "nats")}, false, false)
	go ns.Start()
	if !ns.ReadyForConnections(30 * time.Second) {
		ns.Shutdown()
		return nil, fmt.Errorf("fleet: embedded NATS server on %s did not start in time", o.Listen)
	}
	return &Server{ns: ns, FellBack: fellBack}, nil
}

// portTaken reports whether host:port cannot be listened on now.
func portTaken(host string, port int) bool {
	ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
	if err != nil {
		return errors.Is(err, syscall.EADDRINUSE)
	}
	_ = ln.Close()
	return false
}

// URL is the client URL (nats://host:port) with the port actually bound.
func (s *Server) URL() string { return s.ns.ClientURL() }

// Shutdown stops the server and waits for it.
func (s *Server) Shutdown() {
	s.ns.Shutdown()
	s.ns.WaitForShutdown()
}

// serverLogger sends the server's warnings and errors to slog; its notices
// are debug lines.
type serverLogger struct{ log *slog.Logger }

func (l serverLogger) Noticef(format string, v ...any) { l.log.Debug(fmt.Sprintf(format, v...)) }
func (l serverLogger) Warnf(format string, v ...any)   { l.log.Warn(fmt.Sprintf(format, v...)) }
func (l serverLogger) Fatalf(format string, v ...any)  { l.log.Error(fmt.Sprintf(format, v...)) }
func (l serverLogger) Errorf(format string, v ...any)  { l.log.Error(fmt.Sprintf(format, v...)) }
func (l serverLogger) Debugf(format string, v ...any)  {}
func (l serverLogger) Tracef(format string, v ...any)  {}

// Connect connects to a NATS server for the fleet: it keeps reconnecting
// forever (an outage pauses proving; jobs stay in the stream) and retries
// a first connection that fails.
func Connect(url, name string, log *slog.Logger) (*nats.Conn, error) {
	if log == nil {
		log = slog.Default()
	}
	nc, err := nats.Connect(url,
		nats.Name(name),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(500*time.Millisecond),
		nats.RetryOnFailedConnect(true),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				log.Warn("queue disconnected; proving pauses until it is back", "url", url, "err", err)
			}
		}),
		nats.ReconnectHandler(func(c *nats.Conn) {
			log.Info("queue reconnected", "url", c.ConnectedUrl())
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("fleet: connect to %s: %w", url, err)
	}
	return nc, nil
}
