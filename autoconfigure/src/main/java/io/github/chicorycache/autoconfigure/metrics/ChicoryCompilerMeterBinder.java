package io.github.chicorycache.autoconfigure.metrics;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.github.chicorycache.ChicoryCompiler;
import io.github.chicorycache.CompilationSource;
import io.github.chicorycache.CompilerStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The {@code chicory.compile} timer, tagged {@code source=memory|disk|remote|compiler},
 * and the {@code chicory.compile.recovered} counter of a {@link ChicoryCompiler}. Reads
 * the compiler's statistics, one {@link ChicoryCompiler#stats() snapshot} per scrape, so
 * no second code path observes compilations.
 */
public class ChicoryCompilerMeterBinder implements MeterBinder {

	private final ChicoryCompiler compiler;

	private final Map<CompilationSource, Supplier<CompilerStats>> counts = new EnumMap<>(CompilationSource.class);

	private final Map<CompilationSource, Supplier<CompilerStats>> times = new EnumMap<>(CompilationSource.class);

	private final Supplier<CompilerStats> recovered;

	public ChicoryCompilerMeterBinder(ChicoryCompiler compiler) {
		this(compiler, new SharedSnapshot<>(compiler::stats));
	}

	ChicoryCompilerMeterBinder(ChicoryCompiler compiler, SharedSnapshot<CompilerStats> stats) {
		this.compiler = compiler;
		for (CompilationSource source : CompilationSource.values()) {
			this.counts.put(source, stats.reader());
			this.times.put(source, stats.reader());
		}
		this.recovered = stats.reader();
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (CompilationSource source : CompilationSource.values()) {
			Supplier<CompilerStats> count = this.counts.get(source);
			Supplier<CompilerStats> time = this.times.get(source);
			FunctionTimer
				.builder("chicory.compile", this.compiler, (compiler) -> count.get().compilations(source),
						(compiler) -> time.get().time(source).toNanos(), TimeUnit.NANOSECONDS)
				.tag("source", source.name().toLowerCase(Locale.ROOT))
				.description("Chicory module compilations, by where the compiled code came from")
				.register(registry);
		}
		FunctionCounter
			.builder("chicory.compile.recovered", this.compiler, (compiler) -> this.recovered.get().recovered())
			.description("Damaged Chicory cache entries replaced by a fresh compilation")
			.register(registry);
	}

}
