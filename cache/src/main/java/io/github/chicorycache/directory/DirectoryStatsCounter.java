package io.github.chicorycache.directory;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import io.github.chicorycache.CacheStats;
import io.github.chicorycache.CleanupResult;
import io.github.chicorycache.EvictionCause;
import io.github.chicorycache.spi.FaultRecorder;
import org.jspecify.annotations.Nullable;

/**
 * Not API: the statistics of a {@link io.github.chicorycache.DirectoryCache}, as
 * Caffeine's {@code ConcurrentStatsCounter} keeps them: record methods on contention-free
 * counters, and an immutable {@link #snapshot()}. Besides the counters, which only grow,
 * it keeps the current entry count and size, which follow this process's writes at once
 * and everyone's at the next cleanup pass.
 */
public final class DirectoryStatsCounter {

	private final LongAdder hits = new LongAdder();

	private final LongAdder misses = new LongAdder();

	private final LongAdder puts = new LongAdder();

	private final LongAdder putFailures = new LongAdder();

	private final LongAdder corruptEntries = new LongAdder();

	private final LongAdder bytesRead = new LongAdder();

	private final LongAdder bytesWritten = new LongAdder();

	private final Map<EvictionCause, LongAdder> evictions = new EnumMap<>(EvictionCause.class);

	private final AtomicLong entryCount = new AtomicLong();

	private final AtomicLong totalBytes = new AtomicLong();

	private final AtomicReference<@Nullable CleanupResult> lastCleanup = new AtomicReference<>();

	private final FaultRecorder faults;

	/**
	 * Creates a counter.
	 * @param faults the recorder whose count and last fault the snapshots include
	 */
	DirectoryStatsCounter(FaultRecorder faults) {
		this.faults = faults;
		for (EvictionCause cause : EvictionCause.values()) {
			this.evictions.put(cause, new LongAdder());
		}
	}

	void recordHit(long payloadBytes) {
		this.hits.increment();
		this.bytesRead.add(payloadBytes);
	}

	void recordMiss() {
		this.misses.increment();
	}

	void recordCorrupt() {
		this.corruptEntries.increment();
	}

	void recordPut(long entryBytes) {
		this.puts.increment();
		this.bytesWritten.add(entryBytes);
		this.entryCount.incrementAndGet();
		this.totalBytes.addAndGet(entryBytes);
	}

	void recordPutFailure() {
		this.putFailures.increment();
	}

	void recordEviction(EvictionCause cause, long entryBytes) {
		this.evictions.get(cause).increment();
		this.entryCount.updateAndGet((count) -> Math.max(0, count - 1));
		this.totalBytes.updateAndGet((total) -> Math.max(0, total - entryBytes));
	}

	/**
	 * Marks the puts counted so far, when a pass starts.
	 * @return the mark
	 */
	PutMark putMark() {
		return new PutMark(this.puts.sum(), this.bytesWritten.sum());
	}

	/**
	 * Sets the entry count and size to what a pass found on disk, plus the puts of this
	 * process since the pass started: its scan saw some of them and missed others, and
	 * counting one twice only brings the next pass sooner, where missing one could keep
	 * the cache over a limit.
	 * @param entries the entries found
	 * @param bytes their size
	 * @param since the mark taken when the pass started
	 */
	void reconcile(long entries, long bytes, PutMark since) {
		this.entryCount.set(entries + Math.max(0, this.puts.sum() - since.puts()));
		this.totalBytes.set(bytes + Math.max(0, this.bytesWritten.sum() - since.bytes()));
	}

	void recordCleanup(CleanupResult result, PutMark since) {
		reconcile(result.entriesAfter(), result.bytesAfter(), since);
		this.lastCleanup.set(result);
	}

	long entryCount() {
		return this.entryCount.get();
	}

	long totalBytes() {
		return this.totalBytes.get();
	}

	/**
	 * Returns an immutable snapshot of the statistics. Cheap: does not touch the disk.
	 * @return the statistics
	 */
	public CacheStats snapshot() {
		Map<EvictionCause, Long> evicted = new EnumMap<>(EvictionCause.class);
		this.evictions.forEach((cause, count) -> evicted.put(cause, count.sum()));
		return new CacheStats(this.hits.sum(), this.misses.sum(), this.puts.sum(), this.putFailures.sum(), evicted,
				this.corruptEntries.sum(), this.bytesRead.sum(), this.bytesWritten.sum(), this.faults.count(),
				this.entryCount.get(), this.totalBytes.get(), this.lastCleanup.get(), this.faults.last());
	}

	/**
	 * The puts counted when a pass started.
	 *
	 * @param puts the number of puts
	 * @param bytes their size
	 */
	record PutMark(long puts, long bytes) {
	}

}
