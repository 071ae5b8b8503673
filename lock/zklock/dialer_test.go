package zklock

import (
	"errors"
	"net"
	"sync"
	"time"
)

// faultDialer dials real servers and can cut every connection it made and
// refuse new ones, or just drop the current ones, to inject faults
// between a Locker and ZooKeeper.
type faultDialer struct {
	mu    sync.Mutex
	cut   bool
	conns map[net.Conn]struct{}
	dials int
}

func newFaultDialer() *faultDialer { return &faultDialer{conns: make(map[net.Conn]struct{})} }

var errCut = errors.New("faultDialer: connection cut by the test")

func (d *faultDialer) Dial(network, address string, timeout time.Duration) (net.Conn, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cut {
		return nil, errCut
	}
	c, err := net.DialTimeout(network, address, timeout)
	if err != nil {
		return nil, err
	}
	d.dials++
	d.conns[c] = struct{}{}
	return c, nil
}

// DropAll closes every open connection; new dials still succeed.
func (d *faultDialer) DropAll() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for c := range d.conns {
		_ = c.Close()
	}
	clear(d.conns)
}

// Cut closes every connection and refuses new dials until Heal.
func (d *faultDialer) Cut() {
	d.mu.Lock()
	d.cut = true
	d.mu.Unlock()
	d.DropAll()
}

func (d *faultDialer) Heal() {
	d.mu.Lock()
	d.cut = false
	d.mu.Unlock()
}

func (d *faultDialer) Dials() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.dials
}
