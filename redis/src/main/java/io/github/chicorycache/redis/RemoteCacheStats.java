package io.github.chicorycache.redis;

import java.util.Objects;

import io.github.chicorycache.CacheFault;
import org.jspecify.annotations.Nullable;

/**
 * An immutable snapshot of a {@link RedisCacheTier}'s statistics.
 * <p>
 * Counters cover this process since the tier was built and only grow; the statistics of
 * an interval are the difference of two snapshots ({@link #minus(RemoteCacheStats)}).
 * {@code endpoint}, {@code publishing}, {@code breakerState} and {@code lastFault}
 * describe the current state.
 *
 * @param hits lookups answered by Redis with an entry that passed verification
 * @param misses lookups not answered by Redis (absent, refused, or Redis unavailable)
 * @param puts entries published to Redis
 * @param rejected entries refused by verification: unsigned, altered, moved to another
 * key, or signed with an unknown key
 * @param droppedPublishes publishes given up because the queue was full or the breaker
 * open
 * @param oversizedEntries publishes skipped because the entry exceeds the maximum size
 * @param fleetWaits lookups that waited for another instance compiling the same module
 * @param fleetWaitHits waits that ended with that instance's entry
 * @param bytesRead payload bytes of hits
 * @param bytesWritten entry bytes published
 * @param faults failures absorbed (Redis unreachable, timed out, full, refused entries)
 * @param breakerOpenings how often the circuit breaker opened
 * @param breakerState the circuit breaker's state
 * @param endpoint where Redis is, without credentials
 * @param publishing whether this instance publishes (false: verify-only)
 * @param lastFault the last absorbed failure, or {@code null} if none happened
 */
public record RemoteCacheStats(long hits, long misses, long puts, long rejected, long droppedPublishes,
		long oversizedEntries, long fleetWaits, long fleetWaitHits, long bytesRead, long bytesWritten, long faults,
		long breakerOpenings, BreakerState breakerState, String endpoint, boolean publishing,
		@Nullable CacheFault lastFault) {

	public RemoteCacheStats {
		Objects.requireNonNull(breakerState, "breakerState");
		Objects.requireNonNull(endpoint, "endpoint");
	}

	/**
	 * Returns the counters of this snapshot minus those of an earlier one (never below
	 * zero); the state fields are this snapshot's.
	 * @param earlier an earlier snapshot of the same tier
	 * @return the statistics of the interval between the two snapshots
	 */
	public RemoteCacheStats minus(RemoteCacheStats earlier) {
		return new RemoteCacheStats(sub(this.hits, earlier.hits), sub(this.misses, earlier.misses),
				sub(this.puts, earlier.puts), sub(this.rejected, earlier.rejected),
				sub(this.droppedPublishes, earlier.droppedPublishes),
				sub(this.oversizedEntries, earlier.oversizedEntries), sub(this.fleetWaits, earlier.fleetWaits),
				sub(this.fleetWaitHits, earlier.fleetWaitHits), sub(this.bytesRead, earlier.bytesRead),
				sub(this.bytesWritten, earlier.bytesWritten), sub(this.faults, earlier.faults),
				sub(this.breakerOpenings, earlier.breakerOpenings), this.breakerState, this.endpoint, this.publishing,
				this.lastFault);
	}

	/**
	 * Returns the fraction of lookups that were hits, or {@code 0} before the first.
	 * @return the hit ratio between 0 and 1
	 */
	public double hitRatio() {
		long lookups = this.hits + this.misses;
		return (lookups == 0) ? 0 : (double) this.hits / lookups;
	}

	private static long sub(long a, long b) {
		return Math.max(0, a - b);
	}

}
