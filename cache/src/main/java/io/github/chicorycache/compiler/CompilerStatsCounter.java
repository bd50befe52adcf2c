package io.github.chicorycache.compiler;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import io.github.chicorycache.CompilationEvent;
import io.github.chicorycache.CompilationSource;
import io.github.chicorycache.CompilerStats;
import io.github.chicorycache.spi.FaultRecorder;
import org.jspecify.annotations.Nullable;

/**
 * Not API: the statistics of a {@link io.github.chicorycache.ChicoryCompiler}, as
 * monotonic counters that compilations update concurrently without contention, and
 * {@link #snapshot} turns into an immutable {@link CompilerStats}. Taking a snapshot only
 * sums counters: it never does maintenance.
 */
public final class CompilerStatsCounter {

	private final Map<CompilationSource, LongAdder> counts = new EnumMap<>(CompilationSource.class);

	private final Map<CompilationSource, LongAdder> nanos = new EnumMap<>(CompilationSource.class);

	private final LongAdder compiledBytes = new LongAdder();

	private final LongAdder compileNanos = new LongAdder();

	private final LongAdder reusedBytes = new LongAdder();

	private final LongAdder recovered = new LongAdder();

	private final LongAdder failures = new LongAdder();

	/**
	 * Creates a counter at zero.
	 */
	public CompilerStatsCounter() {
		for (CompilationSource source : CompilationSource.values()) {
			this.counts.put(source, new LongAdder());
			this.nanos.put(source, new LongAdder());
		}
	}

	/**
	 * Records a compilation that gave the caller a machine factory.
	 * @param event the compilation
	 */
	public void recordCompilation(CompilationEvent event) {
		long eventNanos = event.duration().toNanos();
		this.counts.get(event.source()).increment();
		this.nanos.get(event.source()).add(eventNanos);
		if (event.source() == CompilationSource.COMPILER && event.bytes() > 0) {
			this.compiledBytes.add(event.bytes());
			this.compileNanos.add(eventNanos);
		}
		else if (event.source() != CompilationSource.COMPILER) {
			this.reusedBytes.add(event.bytes());
		}
	}

	/**
	 * Records a damaged cache entry that was replaced by a fresh compilation.
	 */
	public void recordRecovered() {
		this.recovered.increment();
	}

	/**
	 * Records a call that failed because the module could not be compiled.
	 */
	public void recordFailure() {
		this.failures.increment();
	}

	/**
	 * Returns the statistics so far.
	 * @param memory the usage of the in-JVM memory
	 * @param faults the cache failures the compiler absorbed
	 * @param droppedStores the stores dropped by the entry writer
	 * @return the snapshot
	 */
	public CompilerStats snapshot(CompiledModuleMemory.Usage memory, FaultRecorder faults, long droppedStores) {
		Map<CompilationSource, Long> compilations = new EnumMap<>(CompilationSource.class);
		Map<CompilationSource, Duration> time = new EnumMap<>(CompilationSource.class);
		for (CompilationSource source : CompilationSource.values()) {
			compilations.put(source, this.counts.get(source).sum());
			time.put(source, Duration.ofNanos(this.nanos.get(source).sum()));
		}
		return new CompilerStats(compilations, time, this.recovered.sum(), this.failures.sum(), memory.entries(),
				memory.bytes(), timeSaved(), faults.count(), faults.last(), droppedStores);
	}

	/**
	 * Estimates the compile time that hits saved, from the compile speed observed in this
	 * JVM, minus the time the hits took.
	 */
	private @Nullable Duration timeSaved() {
		long bytes = this.compiledBytes.sum();
		if (bytes == 0) {
			return null;
		}
		double nanosPerByte = (double) this.compileNanos.sum() / bytes;
		long avoided = (long) (nanosPerByte * this.reusedBytes.sum());
		long spent = this.nanos.get(CompilationSource.DISK).sum() + this.nanos.get(CompilationSource.REMOTE).sum()
				+ this.nanos.get(CompilationSource.MEMORY).sum();
		return Duration.ofNanos(Math.max(0, avoided - spent));
	}

}
