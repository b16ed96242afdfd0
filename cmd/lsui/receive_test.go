package main

import (
	"net"
	"testing"
)

// TestListenURL: the address is printed as asked for, with the bound
// port; 0.0.0.0 never becomes [::].
func TestListenURL(t *testing.T) {
	for _, c := range []struct {
		scheme, host string
		addr         net.Addr
		want         string
	}{
		{"http", "0.0.0.0", &net.TCPAddr{IP: net.IPv6unspecified, Port: 8443}, "http://0.0.0.0:8443/ (every interface)"},
		{"http", "", &net.TCPAddr{IP: net.IPv6unspecified, Port: 8443}, "http://0.0.0.0:8443/ (every interface)"},
		{"https", "::", &net.TCPAddr{IP: net.IPv6unspecified, Port: 1}, "https://[::]:1/ (every interface)"},
		{"http", "127.0.0.1", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40123}, "http://127.0.0.1:40123/"},
		{"http", "localhost", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 9}, "http://localhost:9/"},
		{"https", "::1", &net.TCPAddr{IP: net.IPv6loopback, Port: 9}, "https://[::1]:9/"},
	} {
		if got := listenURL(c.scheme, c.host, c.addr); got != c.want {
			t.Errorf("listenURL(%q, %q, %v) = %q, want %q", c.scheme, c.host, c.addr, got, c.want)
		}
	}
}
