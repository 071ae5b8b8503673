//go:build !linux

package h1proxy

import "net"

func socketFD(net.Conn) int { return -1 }

// clientGone cannot peek on this platform: a client that hangs up is
// noticed when its response is written.
func clientGone(int) bool { return false }

// alive cannot peek on this platform: an idle connection the node closed
// shows only when a request fails on it.
func (nc *nodeConn) alive() bool { return true }
