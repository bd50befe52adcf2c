package io.github.chicorycache.redis;

import java.util.concurrent.atomic.LongAdder;

import io.github.chicorycache.spi.FaultRecorder;

/**
 * The counters behind {@link RemoteCacheStats}: cheap to update from any thread, read
 * into a snapshot without locking.
 */
final class RemoteStatsCounter {

	final LongAdder hits = new LongAdder();

	final LongAdder misses = new LongAdder();

	final LongAdder puts = new LongAdder();

	final LongAdder rejected = new LongAdder();

	final LongAdder droppedPublishes = new LongAdder();

	final LongAdder oversizedEntries = new LongAdder();

	final LongAdder fleetWaits = new LongAdder();

	final LongAdder fleetWaitHits = new LongAdder();

	final LongAdder bytesRead = new LongAdder();

	final LongAdder bytesWritten = new LongAdder();

	RemoteCacheStats snapshot(FaultRecorder faults, CircuitBreaker breaker, String endpoint, boolean publishing) {
		return new RemoteCacheStats(this.hits.sum(), this.misses.sum(), this.puts.sum(), this.rejected.sum(),
				this.droppedPublishes.sum(), this.oversizedEntries.sum(), this.fleetWaits.sum(),
				this.fleetWaitHits.sum(), this.bytesRead.sum(), this.bytesWritten.sum(), faults.count(),
				breaker.openings(), breaker.state(), endpoint, publishing, faults.last());
	}

}
