package io.github.chicorycache.directory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;

import io.github.chicorycache.CacheFault;
import io.github.chicorycache.CleanupResult;
import io.github.chicorycache.EvictionCause;
import io.github.chicorycache.spi.FaultRecorder;
import org.jspecify.annotations.Nullable;

/**
 * One maintenance pass over a cache directory, or its clearing. A pass sweeps orphan
 * temporary files, scans the entries, removes links where the cache keeps its directories
 * and corrects times in the future, carries out what the {@link EvictionPlanner} decides,
 * and sets the statistics to what is left on disk; in a read-only cache it only measures.
 * Passes are serialized by {@link BackgroundCleanup}.
 */
final class CleanupPass {

	private final DirectoryOptions options;

	private final DirectoryStatsCounter stats;

	private final FaultRecorder faults;

	private final EntryRemover remover;

	private final TempFileSweeper sweeper;

	private final DirectoryScanner scanner;

	/**
	 * Creates the pass.
	 * @param layout the layout
	 * @param options the options
	 * @param stats the statistics
	 * @param faults where failures are recorded
	 * @param remover removes entries
	 */
	CleanupPass(EntryLayout layout, DirectoryOptions options, DirectoryStatsCounter stats, FaultRecorder faults,
			EntryRemover remover) {
		this.options = options;
		this.stats = stats;
		this.faults = faults;
		this.remover = remover;
		this.sweeper = new TempFileSweeper(layout, options.tempFileMaxAge(), faults);
		this.scanner = new DirectoryScanner(layout, faults);
	}

	/**
	 * Runs a pass.
	 * @param stop tells the pass to give up without reconciling anything (a background
	 * pass of a closed cache)
	 * @return what the pass did, or {@code null} if it gave up
	 */
	@Nullable CleanupResult run(BooleanSupplier stop) {
		DirectoryStatsCounter.PutMark mark = this.stats.putMark();
		Instant startedAt = this.options.clock().instant();
		long start = System.nanoTime();
		boolean writable = !this.options.readOnly();
		// Checked before anything is removed: a pass of a closed cache removes nothing.
		if (stop.getAsBoolean()) {
			return null;
		}
		TempFileSweeper.Sweep sweep = this.sweeper.sweep(startedAt, writable);
		DirectoryScanner.Scan scan = this.scanner.scan(stop, startedAt);
		if (scan == null || stop.getAsBoolean()) {
			return null;
		}
		repair(scan, startedAt, writable);
		// Temporary files not swept yet take space too: they count toward the size.
		long entriesBefore = scan.entries().size();
		long bytesBefore = sweep.remainingBytes() + scan.entries().stream().mapToLong(EntryFile::size).sum();
		long entries = entriesBefore;
		long bytes = bytesBefore;
		Map<EvictionCause, Long> evicted = new EnumMap<>(EvictionCause.class);
		long bytesFreed = 0;
		List<EvictionPlanner.Eviction> plan = writable
				? EvictionPlanner.plan(scan.entries(), sweep.remainingBytes(), this.options.limits(), startedAt)
				: List.of();
		for (EvictionPlanner.Eviction eviction : plan) {
			if (stop.getAsBoolean()) {
				return null;
			}
			EntryFile file = eviction.entry();
			EntryRemover.Outcome outcome = this.remover.delete(file.path(), file.size(), eviction.cause());
			if (outcome == EntryRemover.Outcome.REMOVED) {
				evicted.merge(eviction.cause(), 1L, Long::sum);
				bytesFreed += file.size();
			}
			if (outcome != EntryRemover.Outcome.FAILED) {
				entries--;
				bytes -= file.size();
			}
		}
		CleanupResult result = new CleanupResult(startedAt, Duration.ofNanos(System.nanoTime() - start), entriesBefore,
				bytesBefore, evicted, bytesFreed, sweep.deleted(), entries, bytes);
		this.stats.recordCleanup(result, mark);
		return result;
	}

	/**
	 * Removes every entry of every namespace; what could not be removed stays counted.
	 * @return what was removed
	 * @throws IllegalStateException if the cache is read-only
	 */
	CleanupResult clear() {
		this.remover.requireWritable();
		DirectoryStatsCounter.PutMark mark = this.stats.putMark();
		Instant startedAt = this.options.clock().instant();
		long start = System.nanoTime();
		DirectoryScanner.Scan scan = Objects.requireNonNull(this.scanner.scan(() -> false, startedAt));
		long removed = 0;
		long bytesFreed = 0;
		long left = 0;
		long bytesLeft = 0;
		for (EntryFile file : scan.entries()) {
			EntryRemover.Outcome outcome = this.remover.delete(file.path(), -1, EvictionCause.MANUAL);
			if (outcome == EntryRemover.Outcome.REMOVED) {
				removed++;
				bytesFreed += file.size();
			}
			else if (outcome == EntryRemover.Outcome.FAILED) {
				left++;
				bytesLeft += file.size();
			}
		}
		this.stats.reconcile(left, bytesLeft, mark);
		long bytesBefore = scan.entries().stream().mapToLong(EntryFile::size).sum();
		return new CleanupResult(startedAt, Duration.ofNanos(System.nanoTime() - start), scan.entries().size(),
				bytesBefore, Map.of(EvictionCause.MANUAL, removed), bytesFreed, 0, left, bytesLeft);
	}

	/**
	 * Removes the links the scan found where the cache keeps its directories or entries
	 * (a link is never followed; removing it removes the link, never its target), and
	 * dates the entries it found in the future at the time of the pass, so that they age.
	 */
	private void repair(DirectoryScanner.Scan scan, Instant now, boolean writable) {
		for (Path link : scan.links()) {
			try {
				if (writable) {
					Files.deleteIfExists(link);
				}
				this.faults.record(CacheFault.Kind.CLEANUP, (writable ? "Removed " : "Ignored ") + link
						+ ", a symbolic link where the cache keeps its files (links are never followed)", null);
			}
			catch (IOException | RuntimeException ex) {
				this.faults.record(CacheFault.Kind.CLEANUP, "Could not remove the link " + link, ex);
			}
		}
		if (!writable) {
			return;
		}
		for (Path file : scan.futureDated()) {
			try {
				NoFollow.setLastModifiedTime(file, now);
			}
			catch (NoSuchFileException ex) {
				// evicted meanwhile
			}
			catch (IOException | RuntimeException ex) {
				this.faults.record(CacheFault.Kind.TOUCH, "Could not correct the time of " + file, ex);
			}
		}
	}

}
