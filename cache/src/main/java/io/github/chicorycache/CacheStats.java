package io.github.chicorycache;

import java.util.EnumMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * An immutable snapshot of a {@link DirectoryCache}'s statistics.
 * <p>
 * Counters cover this process since the cache was opened and only grow; the statistics of
 * an interval are the difference of two snapshots ({@link #minus(CacheStats)}), as in
 * Caffeine. {@code entryCount}, {@code totalBytes}, {@code lastCleanup} and
 * {@code lastFault} describe the current state rather than count events: they follow this
 * process's writes at once and another process's writes at the next cleanup pass.
 *
 * @param hits gets answered from the cache
 * @param misses gets not answered, including corrupt and unreadable entries
 * @param puts entries stored
 * @param putFailures stores that failed (the compilation went on without caching)
 * @param evictions entries evicted, by cause
 * @param corruptEntries entries found damaged when read
 * @param bytesRead payload bytes returned by hits
 * @param bytesWritten entry bytes written
 * @param faults absorbed I/O failures of any kind
 * @param entryCount entries in the directory
 * @param totalBytes bytes of entry files in the directory, and of temporary files not
 * swept yet (as of the last cleanup pass)
 * @param lastCleanup the last cleanup pass, or {@code null} if none completed
 * @param lastFault the last absorbed failure, or {@code null} if none happened
 */
public record CacheStats(long hits, long misses, long puts, long putFailures, Map<EvictionCause, Long> evictions,
		long corruptEntries, long bytesRead, long bytesWritten, long faults, long entryCount, long totalBytes,
		@Nullable CleanupResult lastCleanup, @Nullable CacheFault lastFault) {

	/**
	 * Statistics of a cache that did nothing yet.
	 */
	public static final CacheStats ZERO = new CacheStats(0, 0, 0, 0, Map.of(), 0, 0, 0, 0, 0, 0, null, null);

	public CacheStats {
		evictions = Map.copyOf(evictions);
	}

	/**
	 * Returns the counters of this snapshot minus those of an earlier one (never below
	 * zero); the state fields ({@code entryCount}, {@code totalBytes},
	 * {@code lastCleanup}, {@code lastFault}) are this snapshot's.
	 * @param earlier an earlier snapshot of the same cache
	 * @return the statistics of the interval between the two snapshots
	 */
	public CacheStats minus(CacheStats earlier) {
		Map<EvictionCause, Long> evicted = new EnumMap<>(EvictionCause.class);
		this.evictions.forEach((cause, count) -> evicted.put(cause, Math.max(0, count - earlier.evictions(cause))));
		return new CacheStats(sub(this.hits, earlier.hits), sub(this.misses, earlier.misses),
				sub(this.puts, earlier.puts), sub(this.putFailures, earlier.putFailures), evicted,
				sub(this.corruptEntries, earlier.corruptEntries), sub(this.bytesRead, earlier.bytesRead),
				sub(this.bytesWritten, earlier.bytesWritten), sub(this.faults, earlier.faults), this.entryCount,
				this.totalBytes, this.lastCleanup, this.lastFault);
	}

	private static long sub(long a, long b) {
		return Math.max(0, a - b);
	}

	/**
	 * Returns the number of evictions for a cause.
	 * @param cause the cause
	 * @return the number of evictions
	 */
	public long evictions(EvictionCause cause) {
		return this.evictions.getOrDefault(cause, 0L);
	}

	/**
	 * Returns the number of evictions for any cause.
	 * @return the number of evictions
	 */
	public long evictionCount() {
		return this.evictions.values().stream().mapToLong(Long::longValue).sum();
	}

	/**
	 * Returns the fraction of gets that were hits, or {@code 0} before the first get.
	 * @return the hit ratio between 0 and 1
	 */
	public double hitRatio() {
		long gets = this.hits + this.misses;
		return (gets == 0) ? 0 : (double) this.hits / gets;
	}

}
