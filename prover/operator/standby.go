package operator

// A standby operator keeps its state current by following the batches the
// other operators land, and starts building and submitting only when the
// rollup has been silent for TakeoverAfterBlocks blocks while there is work
// waiting: transactions in its own mempool, unconsumed inbox messages, or
// batches it built before. It then submits like a primary until another
// operator's batch lands again (follow puts it back to standby).

// submitting reports whether the pipeline may build and submit batches now.
// Caller holds mu.
func (o *Operator) submitting() bool {
	return !o.opts.Standby || o.takenOver
}

// updateStandby is run by the watcher at each new block. Caller holds mu.
func (o *Operator) updateStandby() {
	if !o.opts.Standby || o.takenOver {
		return
	}
	work := len(o.mempool) > 0 || len(o.records) > 0 || o.rollup.InboxSize > o.rollup.InboxConsumed
	if !work {
		o.workSince = 0
		return
	}
	if o.workSince == 0 {
		o.workSince = o.height
	}
	// Silence counts from the last batch, or from when the work appeared if
	// that is later: a rollup idle for an hour is not a dead primary.
	quietSince := max(o.rollup.LastBatchHeight, o.workSince)
	if o.height-quietSince < o.opts.TakeoverAfterBlocks {
		return
	}
	o.takenOver = true
	o.metrics.takeovers.Inc()
	o.log.Warn("no batch from the other operators: taking over", "height", o.height, "last_batch_height", o.rollup.LastBatchHeight,
		"work_since", o.workSince, "takeover_after_blocks", o.opts.TakeoverAfterBlocks,
		"mempool", len(o.mempool), "inbox_pending", o.rollup.InboxSize-o.rollup.InboxConsumed)
	signal(o.wakeBuild)
}
