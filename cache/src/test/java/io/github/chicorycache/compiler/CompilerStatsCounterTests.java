package io.github.chicorycache.compiler;

import java.time.Clock;
import java.time.Duration;

import io.github.chicorycache.CompilationEvent;
import io.github.chicorycache.CompilationSource;
import io.github.chicorycache.CompilerStats;
import io.github.chicorycache.spi.FaultRecorder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of {@link CompilerStatsCounter}.
 */
class CompilerStatsCounterTests {

	private final FaultRecorder faults = new FaultRecorder(Clock.systemUTC(), CompilerStatsCounterTests.class);

	@Test
	void countsTimesAndEstimatesTheTimeSaved() {
		CompilerStatsCounter counter = new CompilerStatsCounter();
		assertThat(counter.snapshot(new CompiledModuleMemory.Usage(0, 0), this.faults, 0).timeSaved()).isNull();
		counter.recordCompilation(event(CompilationSource.COMPILER, 100, 1000));
		counter.recordCompilation(event(CompilationSource.DISK, 10, 1000));
		counter.recordCompilation(event(CompilationSource.MEMORY, 1, 1000));
		counter.recordRecovered();
		counter.recordFailure();
		CompilerStats stats = counter.snapshot(new CompiledModuleMemory.Usage(3, 4096), this.faults, 0);
		assertThat(stats.compilations(CompilationSource.COMPILER)).isOne();
		assertThat(stats.compilations(CompilationSource.DISK)).isOne();
		assertThat(stats.compilations(CompilationSource.MEMORY)).isOne();
		assertThat(stats.time(CompilationSource.COMPILER)).isEqualTo(Duration.ofMillis(100));
		assertThat(stats.recovered()).isOne();
		assertThat(stats.failures()).isOne();
		assertThat(stats.memoryEntries()).isEqualTo(3);
		assertThat(stats.memoryBytes()).isEqualTo(4096);
		// 2000 bytes reused at 0.1 ms per byte avoided 200 ms, of which the hits took 11
		assertThat(stats.timeSaved()).isEqualTo(Duration.ofMillis(189));
	}

	@Test
	void snapshotsAreMonotonic() {
		CompilerStatsCounter counter = new CompilerStatsCounter();
		CompilerStats before = counter.snapshot(new CompiledModuleMemory.Usage(0, 0), this.faults, 0);
		counter.recordCompilation(event(CompilationSource.DISK, 5, 10));
		CompilerStats after = counter.snapshot(new CompiledModuleMemory.Usage(0, 0), this.faults, 0);
		assertThat(after.minus(before).compilations(CompilationSource.DISK)).isOne();
		assertThat(before.compilations(CompilationSource.DISK)).isZero();
	}

	private static CompilationEvent event(CompilationSource source, long millis, long bytes) {
		return new CompilationEvent("sha-256:abc=", "ns", source, Duration.ofMillis(millis), bytes, false, false);
	}

}
