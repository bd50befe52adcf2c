package io.github.chicorycache;

import java.util.EnumMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * An immutable snapshot of a {@link DirectoryCache}'s statistics.
 * <p>
 * Counters cover this process since the cache was opened or
 * {@link DirectoryCache#resetStats() reset}. {@code entryCount} and {@code totalBytes}
 * describe the whole directory: they follow this process's writes at once and another
 * process's writes at the next cleanup pass.
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
 * @param totalBytes bytes of entry files in the directory
 * @param lastCleanup the last cleanup pass, or {@code null} if none completed
 * @param lastFault the last absorbed failure, or {@code null} if none happened
 */
public record CacheStats(long hits, long misses, long puts, long putFailures, Map<EvictionCause, Long> evictions,
		long corruptEntries, long bytesRead, long bytesWritten, long faults, long entryCount, long totalBytes,
		@Nullable CleanupResult lastCleanup, @Nullable CacheFault lastFault) {

	static final CacheStats ZERO = new CacheStats(0, 0, 0, 0, Map.of(), 0, 0, 0, 0, 0, 0, null, null);

	public CacheStats {
		evictions = Map.copyOf(evictions);
	}

	/**
	 * Returns these statistics with the counters of a baseline taken off; the state of
	 * the directory (entries, size, last cleanup, last fault) is this snapshot's.
	 */
	CacheStats since(CacheStats baseline) {
		Map<EvictionCause, Long> evicted = new EnumMap<>(EvictionCause.class);
		this.evictions.forEach((cause, count) -> evicted.put(cause, count - baseline.evictions(cause)));
		return new CacheStats(this.hits - baseline.hits, this.misses - baseline.misses, this.puts - baseline.puts,
				this.putFailures - baseline.putFailures, evicted, this.corruptEntries - baseline.corruptEntries,
				this.bytesRead - baseline.bytesRead, this.bytesWritten - baseline.bytesWritten,
				this.faults - baseline.faults, this.entryCount, this.totalBytes, this.lastCleanup, this.lastFault);
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
