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
	"syscall"
	"time"

	"github.com/lsui/lsui/internal/payload"
	"github.com/lsui/lsui/internal/sanitize"
)

// receiveFlags are `lsui receive`'s own flags.
type receiveFlags struct {
	listen  string
	dir     string
	tlsCert string
	tlsKey  string
	maxSize int64
}

// defaultReceiveAddr is loopback: a receiver reachable from the network
// must be asked for by address.
const defaultReceiveAddr = "127.0.0.1:8443"

func init() {
	var f receiveFlags
	register(&command{
		name:        "receive",
		longRunning: true,
		summary:     "accept uploaded payloads over HTTP(S), check them and store them per server",
		usage:       "--dir DIR [--listen ADDR] [--tls-cert FILE --tls-key FILE] [--max-size BYTES]",
		flags: func(fs *flagSet) {
			fs.StringVar(&f.listen, "listen", defaultReceiveAddr, "listen on `ADDR` (host:port; loopback unless you say otherwise)")
			fs.StringVar(&f.dir, "dir", "", "store payloads under `DIR`/<server id>/")
			fs.StringVar(&f.tlsCert, "tls-cert", "", "serve HTTPS with the certificate in PEM `FILE`")
			fs.StringVar(&f.tlsKey, "tls-key", "", "the private key for --tls-cert, PEM `FILE`")
			fs.Int64Var(&f.maxSize, "max-size", payload.DefaultMaxReceive, "largest payload accepted, in `BYTES`")
		},
		run: func(e *env, o *options, args []string) int { return runReceive(e, args, f) },
	})
}

func runReceive(e *env, args []string, f receiveFlags) int {
	usage := func(msg string) int {
		fmt.Fprintf(e.stderr, "lsui receive: %s\n", msg)
		return exitUsage
	}
	switch {
	case len(args) > 0:
		return usage(fmt.Sprintf("unexpected argument %q", sanitize.Line(args[0])))
	case f.dir == "":
		return usage("--dir DIR is required: where the payloads are stored")
	case (f.tlsCert == "") != (f.tlsKey == ""):
		return usage("--tls-cert and --tls-key go together")
	case f.maxSize <= 0:
		return usage("--max-size must be a positive number of bytes")
	}
	host, _, err := net.SplitHostPort(f.listen)
	if err != nil {
		return usage(fmt.Sprintf("--listen %s: want host:port, like %s", sanitize.Line(f.listen), defaultReceiveAddr))
	}
	if err := os.MkdirAll(f.dir, 0o755); err != nil {
		return fail(e, "receive", err)
	}
	var tlsConfig *tls.Config
	if f.tlsCert != "" {
		cert, err := tls.LoadX509KeyPair(f.tlsCert, f.tlsKey)
		if err != nil {
			return fail(e, "receive", fmt.Errorf("--tls-cert/--tls-key: %w", err))
		}
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
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
