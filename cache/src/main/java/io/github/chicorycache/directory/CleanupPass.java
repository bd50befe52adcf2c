package io.github.chicorycache.directory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;

import io.github.chicorycache.CacheLimits;
import io.github.chicorycache.CleanupResult;
import io.github.chicorycache.EvictionCause;
import io.github.chicorycache.spi.FaultRecorder;
import org.jspecify.annotations.Nullable;

/**
 * Not API: one maintenance pass over a cache directory, or its clearing. A pass deletes
 * orphan temporary files, scans the entries, carries out what the {@link EvictionPlanner}
 * decides, and reconciles the statistics with what is on disk; in a read-only cache it
 * only reconciles. Passes are serialized by {@link BackgroundCleanup}.
 */
public final class CleanupPass {

	private final CacheLimits limits;

	private final boolean readOnly;

	private final Clock clock;

	private final DirectoryStatsCounter stats;

	private final EntryRemover remover;

	private final TempFileSweeper sweeper;

	private final DirectoryScanner scanner;

	/**
	 * Creates the pass.
	 * @param layout the layout
	 * @param limits the limits
	 * @param tempFileMaxAge the age after which a temporary file is an orphan
	 * @param readOnly whether the cache only reads
	 * @param clock the clock
	 * @param stats the statistics
	 * @param faults where failures are recorded
	 * @param remover removes entries
	 */
	public CleanupPass(EntryLayout layout, CacheLimits limits, Duration tempFileMaxAge, boolean readOnly, Clock clock,
			DirectoryStatsCounter stats, FaultRecorder faults, EntryRemover remover) {
		this.limits = limits;
		this.readOnly = readOnly;
		this.clock = clock;
		this.stats = stats;
		this.remover = remover;
		this.sweeper = new TempFileSweeper(layout, tempFileMaxAge, faults);
		this.scanner = new DirectoryScanner(layout, faults);
	}

	/**
	 * Runs a pass.
	 * @param stop tells the pass to give up without reconciling anything (a background
	 * pass of a closed cache)
	 * @return what the pass did, or {@code null} if it gave up
	 */
	@Nullable CleanupResult run(BooleanSupplier stop) {
		Instant startedAt = this.clock.instant();
		long start = System.nanoTime();
		long tempFilesDeleted = this.readOnly ? 0 : this.sweeper.sweep(startedAt);
		List<EntryFile> files = this.scanner.scan(stop);
		if (files == null) {
			return null;
		}
		long entriesBefore = files.size();
		long bytesBefore = files.stream().mapToLong(EntryFile::size).sum();
		long entries = entriesBefore;
		long bytes = bytesBefore;
		Map<EvictionCause, Long> evicted = new EnumMap<>(EvictionCause.class);
		long bytesFreed = 0;
		List<EvictionPlanner.Eviction> plan = this.readOnly ? List.of()
				: EvictionPlanner.plan(files, this.limits, startedAt);
		for (EvictionPlanner.Eviction eviction : plan) {
			if (stop.getAsBoolean()) {
				return null;
			}
			EntryFile file = eviction.entry();
			if (this.remover.delete(file.path(), file.size(), eviction.cause())) {
				evicted.merge(eviction.cause(), 1L, Long::sum);
				bytesFreed += file.size();
			}
			entries--;
			bytes -= file.size();
		}
		CleanupResult result = new CleanupResult(startedAt, Duration.ofNanos(System.nanoTime() - start), entriesBefore,
				bytesBefore, evicted, bytesFreed, tempFilesDeleted, entries, bytes);
		this.stats.recordCleanup(result);
		return result;
	}

	/**
	 * Removes every entry of every namespace.
	 * @return what was removed
	 * @throws IllegalStateException if the cache is read-only
	 */
	CleanupResult clear() {
		this.remover.requireWritable();
		Instant startedAt = this.clock.instant();
		long start = System.nanoTime();
		List<EntryFile> files = Objects.requireNonNull(this.scanner.scan(() -> false));
		long removed = 0;
		long bytesFreed = 0;
		for (EntryFile file : files) {
			if (this.remover.delete(file.path(), -1, EvictionCause.MANUAL)) {
				removed++;
				bytesFreed += file.size();
			}
		}
		this.stats.reconcile(0, 0);
		long bytesBefore = files.stream().mapToLong(EntryFile::size).sum();
		return new CleanupResult(startedAt, Duration.ofNanos(System.nanoTime() - start), files.size(), bytesBefore,
				Map.of(EvictionCause.MANUAL, removed), bytesFreed, 0, 0, 0);
	}

}
