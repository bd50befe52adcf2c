package io.github.chicorycache;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * What one cleanup pass of a {@link DirectoryCache} found and did.
 *
 * @param startedAt when the pass started
 * @param duration how long it took
 * @param entriesBefore entries found on disk
 * @param bytesBefore bytes found on disk: entries, and temporary files the pass did not
 * delete
 * @param evicted entries evicted, by cause
 * @param bytesFreed bytes freed by evictions
 * @param tempFilesDeleted orphan temporary files deleted
 * @param entriesAfter entries left
 * @param bytesAfter bytes left, temporary files included
 */
public record CleanupResult(Instant startedAt, Duration duration, long entriesBefore, long bytesBefore,
		Map<EvictionCause, Long> evicted, long bytesFreed, long tempFilesDeleted, long entriesAfter, long bytesAfter) {

	public CleanupResult {
		evicted = Map.copyOf(evicted);
	}

	/**
	 * Returns the number of entries evicted for any cause.
	 * @return the number of evicted entries
	 */
	public long evictedTotal() {
		return this.evicted.values().stream().mapToLong(Long::longValue).sum();
	}

}
