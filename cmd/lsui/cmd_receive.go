package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/lsui/lsui/internal/payload"
	"github.com/lsui/lsui/internal/sanitize"
)

// receiveOptions are `lsui receive`'s own flags.
type receiveOptions struct {
	listen  string
	dir     string
	tlsCert string
	tlsKey  string
	maxSize int64
}

// defaultReceiveAddr is loopback: a receiver reachable from the network
// must be asked for by address.
const defaultReceiveAddr = "127.0.0.1:8443"

func newReceiveCommand(e *env) *cobra.Command {
	var f receiveOptions
	cmd := &cobra.Command{
		Use:   "receive --dir DIR [--listen ADDR] [--tls-cert FILE --tls-key FILE] [--max-size BYTES]",
		Short: "accept uploaded payloads over HTTP(S), check them and store them per server",
		Args:  cobra.NoArgs,
		PreRunE: func(cmd *cobra.Command, args []string) error {
			return f.check()
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return status(runReceive(e, f))
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&f.listen, "listen", defaultReceiveAddr, "listen on `ADDR` (host:port; loopback unless you say otherwise)")
	fs.StringVar(&f.dir, "dir", "", "store payloads under `DIR`/<server id>/")
	fs.StringVar(&f.tlsCert, "tls-cert", "", "serve HTTPS with the certificate in PEM `FILE`")
	fs.StringVar(&f.tlsKey, "tls-key", "", "the private key for --tls-cert, PEM `FILE`")
	fs.Int64Var(&f.maxSize, "max-size", payload.DefaultMaxReceive, "largest payload accepted, in `BYTES`")
	return longRunning(takes(cmd))
}

// check refuses flags that cannot work, before anything listens.
func (f receiveOptions) check() error {
	switch {
	case f.dir == "":
		return usagef("--dir DIR is required: where the payloads are stored")
	case (f.tlsCert == "") != (f.tlsKey == ""):
		return usagef("--tls-cert and --tls-key go together")
	case f.maxSize <= 0:
		return usagef("--max-size must be a positive number of bytes")
	}
	_, port, err := net.SplitHostPort(f.listen)
	if err != nil {
		return usagef("--listen %s: want host:port, like %s", sanitize.Line(f.listen), defaultReceiveAddr)
	}
	if n, err := strconv.Atoi(port); port != "" && (err != nil || n < 0 || n > 65535) {
		if _, lookErr := net.LookupPort("tcp", port); err == nil || lookErr != nil {
			return usagef("--listen %s: port %s is not a port number (0 to 65535; 0 picks a free one)", sanitize.Line(f.listen), sanitize.Line(port))
		}
	}
	return nil
}

func runReceive(e *env, f receiveOptions) int {
	host, _, _ := net.SplitHostPort(f.listen)
	var tlsConfig *tls.Config
	if f.tlsCert != "" {
		for _, pem := range []struct{ flag, path string }{{"--tls-cert", f.tlsCert}, {"--tls-key", f.tlsKey}} {
			if _, err := os.Stat(pem.path); err != nil {
				return fail(e, "receive", fmt.Errorf("%s %s: %w", pem.flag, pem.path, plainReason(err)))
			}
		}
		cert, err := tls.LoadX509KeyPair(f.tlsCert, f.tlsKey)
		if err != nil {
			return fail(e, "receive", fmt.Errorf("--tls-cert/--tls-key: %w", err))
		}
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	if err := os.MkdirAll(f.dir, 0o755); err != nil {
		return fail(e, "receive", err)
	}
	ip := net.ParseIP(host)
	loopback := host == "localhost" || (ip != nil && ip.IsLoopback())
	if !loopback && tlsConfig == nil {
		fmt.Fprintln(e.stderr, "warning: plain http on a non-loopback address: lsui upload only posts over https "+
			"(put a TLS proxy in front, or pass --tls-cert and --tls-key)")
	}

	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		return fail(e, "receive", err)
	}
	ln = payload.LimitConnections(ln, payload.DefaultMaxConnections)
	srv := &http.Server{
		Handler:           payload.NewReceiver(f.dir, payload.ReceiverOptions{MaxSize: f.maxSize, Log: e.stderr}),
		TLSConfig:         tlsConfig,
		ReadHeaderTimeout: 10 * time.Second,
		// A whole payload over a slow link; beyond that the client is stuck.
		ReadTimeout:  15 * time.Minute,
		WriteTimeout: 16 * time.Minute,
		IdleTimeout:  2 * time.Minute,
		ErrorLog:     log.New(e.stderr, "lsui receive: ", 0),
	}
	scheme := "http"
	if tlsConfig != nil {
		scheme = "https"
	}
	fmt.Fprintf(e.stderr, "lsui receive: listening on %s://%s/, storing in %s (Ctrl+C stops)\n", scheme, ln.Addr(), f.dir)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	served := make(chan error, 1)
	go func() {
		if tlsConfig != nil {
			served <- srv.ServeTLS(ln, "", "") // the certificate is in TLSConfig
		} else {
			served <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-served:
		return fail(e, "receive", err)
	case <-ctx.Done():
	}
	// Requests in flight get time to finish; a payload half received is
	// only a spool file, removed when its handler returns.
	fmt.Fprintln(e.stderr, "lsui receive: stopping")
	shutdown, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		srv.Close()
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fail(e, "receive", err)
	}
	return exitOK
}
