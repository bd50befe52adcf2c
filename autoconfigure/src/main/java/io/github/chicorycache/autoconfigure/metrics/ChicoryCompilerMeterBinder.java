package io.github.chicorycache.actuate;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.github.chicorycache.ChicoryCompiler;
import io.github.chicorycache.CompilationSource;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The {@code chicory.compile} timer, tagged {@code source=memory|disk|compiler}, and the
 * {@code chicory.compile.recovered} counter of a {@link ChicoryCompiler}. Reads the
 * compiler's statistics, so no second code path observes compilations.
 *
 * @author chicory-cache
 */
public class ChicoryCompilerMeterBinder implements MeterBinder {

	private final ChicoryCompiler compiler;

	public ChicoryCompilerMeterBinder(ChicoryCompiler compiler) {
		this.compiler = compiler;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (CompilationSource source : CompilationSource.values()) {
			FunctionTimer
				.builder("chicory.compile", this.compiler, (compiler) -> compiler.stats().compilations(source),
						(compiler) -> compiler.stats().time(source).toNanos(), TimeUnit.NANOSECONDS)
				.tag("source", source.name().toLowerCase(Locale.ROOT))
				.description("Chicory module compilations, by where the compiled code came from")
				.register(registry);
		}
		FunctionCounter.builder("chicory.compile.recovered", this.compiler, (compiler) -> compiler.stats().recovered())
			.description("Damaged Chicory cache entries replaced by a fresh compilation")
			.register(registry);
	}

}
