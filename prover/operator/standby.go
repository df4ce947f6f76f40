package operator

// A standby operator keeps its state current by following the batches the
// other operators land, and starts building and submitting only when the
// rollup has been silent for TakeoverAfterBlocks blocks while there is work
// waiting: transactions in its own mempool, unconsumed inbox messages, or
// batches it built before. It then submits like a primary until another
// operator's batch lands again (commitFollowed puts it back to standby).

// submitting reports whether the pipeline may build and submit batches now.
func (f *follower) submitting() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return !f.opts.Standby || f.takenOver
}

// updateStandby is run by the follower at each new block. Caller holds the
// builder's mu.
func (f *follower) updateStandby() {
	if !f.opts.Standby {
		return
	}
	mempool, inFlight := f.store.mempoolSize(), f.store.inFlight()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.takenOver {
		return
	}
	work := mempool > 0 || inFlight > 0 || f.rollup.InboxSize > f.rollup.InboxConsumed
	if !work {
		f.workSince = 0
		return
	}
	if f.workSince == 0 {
		f.workSince = f.height
	}
	// Silence counts from the last batch, or from when the work appeared if
	// that is later: a rollup idle for an hour is not a dead primary.
	quietSince := max(f.rollup.LastBatchHeight, f.workSince)
	if f.height-quietSince < f.opts.TakeoverAfterBlocks {
		return
	}
	f.takenOver = true
	f.metrics.takeovers.Inc()
	f.log.Warn("no batch from the other operators: taking over", "height", f.height, "last_batch_height", f.rollup.LastBatchHeight,
		"work_since", f.workSince, "takeover_after_blocks", f.opts.TakeoverAfterBlocks,
		"mempool", mempool, "inbox_pending", f.rollup.InboxSize-f.rollup.InboxConsumed)
	f.builder.wake()
}
