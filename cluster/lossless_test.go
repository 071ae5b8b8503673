package cluster

// lostEvents returns the keys (announced in order, the i-th when i+1 events
// had been announced) that a node neither received nor covered with an
// "all" received after the event was announced.
func lostEvents(log []receipt, entity string, keys []string) []string {
	got := map[string]bool{}
	var allAt int64 = -1 // the latest announce count an all was received at
	for _, r := range log {
		switch {
		case r.IsAll():
			allAt = max(allAt, r.announced)
		case r.Entity == entity:
			got[r.Key] = true
		}
	}
	var lost []string
	for i, k := range keys {
		if !got[k] && allAt < int64(i+1) {
			lost = append(lost, k)
		}
	}
	return lost
}
