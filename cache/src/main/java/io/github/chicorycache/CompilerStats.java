package io.github.chicorycache;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * An immutable snapshot of a {@link ChicoryCompiler}'s statistics in this JVM.
 *
 * @param compilations number of compilations by source
 * @param time total time spent by source
 * @param recovered damaged cache entries that were replaced by a fresh compilation
 * @param failures calls that failed because the module could not be compiled, callers
 * that waited for another thread's failed compilation of the same module included
 * @param memoryEntries compiled modules held for in-JVM reuse
 * @param memoryBytes size of the compiled code held for in-JVM reuse
 * @param timeSaved estimated compile time saved by disk and memory hits, from the compile
 * speed observed in this JVM, or {@code null} before the first compilation
 * @param faults failures of the cache that the compiler absorbed (reads and writes of a
 * {@code Cache} that threw, entries that could not be invalidated)
 * @param lastFault the last of those, or {@code null} if none happened
 * @param droppedStores compiled modules that were not stored because the store queue was
 * full (or {@code close()} ran out of time); they are compiled again on a later start
 */
public record CompilerStats(Map<CompilationSource, Long> compilations, Map<CompilationSource, Duration> time,
		long recovered, long failures, long memoryEntries, long memoryBytes, @Nullable Duration timeSaved, long faults,
		@Nullable CacheFault lastFault, long droppedStores) {

	public CompilerStats {
		compilations = Map.copyOf(compilations);
		time = Map.copyOf(time);
	}

	/**
	 * Creates a snapshot without dropped stores, as before stores left the caller's
	 * thread.
	 * @param compilations number of compilations by source
	 * @param time total time spent by source
	 * @param recovered damaged cache entries that were replaced by a fresh compilation
	 * @param failures calls that failed because the module could not be compiled
	 * @param memoryEntries compiled modules held for in-JVM reuse
	 * @param memoryBytes size of the compiled code held for in-JVM reuse
	 * @param timeSaved estimated compile time saved, or {@code null}
	 * @param faults failures of the cache that the compiler absorbed
	 * @param lastFault the last of those, or {@code null}
	 */
	public CompilerStats(Map<CompilationSource, Long> compilations, Map<CompilationSource, Duration> time,
			long recovered, long failures, long memoryEntries, long memoryBytes, @Nullable Duration timeSaved,
			long faults, @Nullable CacheFault lastFault) {
		this(compilations, time, recovered, failures, memoryEntries, memoryBytes, timeSaved, faults, lastFault, 0);
	}

	/**
	 * Returns the number of compilations from a source.
	 * @param source the source
	 * @return the count
	 */
	public long compilations(CompilationSource source) {
		return this.compilations.getOrDefault(source, 0L);
	}

	/**
	 * Returns the total time spent on compilations from a source.
	 * @param source the source
	 * @return the time
	 */
	public Duration time(CompilationSource source) {
		return this.time.getOrDefault(source, Duration.ZERO);
	}

	/**
	 * Returns the counters and times of this snapshot minus those of an earlier one
	 * (never below zero); the state fields ({@code memoryEntries}, {@code memoryBytes},
	 * {@code timeSaved}, {@code lastFault}) are this snapshot's.
	 * @param earlier an earlier snapshot of the same compiler
	 * @return the statistics of the interval between the two snapshots
	 */
	public CompilerStats minus(CompilerStats earlier) {
		Map<CompilationSource, Long> counts = new EnumMap<>(CompilationSource.class);
		Map<CompilationSource, Duration> times = new EnumMap<>(CompilationSource.class);
		for (CompilationSource source : CompilationSource.values()) {
			counts.put(source, Math.max(0, compilations(source) - earlier.compilations(source)));
			Duration difference = time(source).minus(earlier.time(source));
			times.put(source, difference.isNegative() ? Duration.ZERO : difference);
		}
		return new CompilerStats(counts, times, Math.max(0, this.recovered - earlier.recovered),
				Math.max(0, this.failures - earlier.failures), this.memoryEntries, this.memoryBytes, this.timeSaved,
				Math.max(0, this.faults - earlier.faults), this.lastFault,
				Math.max(0, this.droppedStores - earlier.droppedStores));
	}

}
