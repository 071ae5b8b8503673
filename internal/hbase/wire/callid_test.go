package wire

import "testing"

// Call ids wrap after 2^32 calls without reusing 0, the fatal id, or an id
// whose call still waits for its answer.
func TestCallIDsWrapPastBusyOnes(t *testing.T) {
	c := &Conn{pending: map[uint32]*pendingCall{1: {id: 1}, 2: {id: 2}}}
	c.nextID = fatalCallID - 2
	var got []uint32
	for range 2 {
		id, err := c.nextCallID()
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, id)
	}
	if got[0] != 0xFFFFFFFE || got[1] != 3 {
		t.Fatalf("ids %#x; want 0xfffffffe then 3 (skipping the fatal id, 0, and the busy 1 and 2)", got)
	}
}
