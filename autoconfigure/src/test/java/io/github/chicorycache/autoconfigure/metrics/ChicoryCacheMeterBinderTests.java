package io.github.chicorycache.actuate;

import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import com.dylibso.chicory.wasm.WasmModule;
import io.github.chicorycache.ChicoryCompiler;
import io.github.chicorycache.CompilationSource;
import io.github.chicorycache.DirectoryCache;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.github.chicorycache.actuate.EndpointTestSupport.module;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link ChicoryCacheMeterBinder} and {@link ChicoryCompilerMeterBinder}.
 *
 * @author chicory-cache
 */
class ChicoryCacheMeterBinderTests {

	@TempDir
	Path temp;

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private DirectoryCache cache;

	private ChicoryCompiler compiler;

	@BeforeEach
	void bind() {
		this.cache = DirectoryCache.builder(this.temp.resolve("cache")).withCleanupOnOpen(false).build();
		this.compiler = ChicoryCompiler.builder().withCache(this.cache).build();
		new ChicoryCacheMeterBinder(this.cache).bindTo(this.registry);
		new ChicoryCompilerMeterBinder(this.compiler).bindTo(this.registry);
	}

	@AfterEach
	void close() {
		this.cache.close();
	}

	@Test
	void allMetersStartAtZero() {
		assertThat(gets("hit")).isZero();
		assertThat(gets("miss")).isZero();
		assertThat(counter("cache.puts")).isZero();
		assertThat(counter("cache.evictions")).isZero();
		assertThat(gauge("cache.size")).isZero();
		assertThat(gauge("chicory.cache.size.bytes")).isZero();
		for (String source : new String[] { "memory", "disk", "compiler" }) {
			assertThat(compile(source).count()).isZero();
		}
		assertThat(this.registry.get("chicory.compile.recovered").functionCounter().count()).isZero();
	}

	@Test
	void cacheMetersFollowHitsMissesPutsAndEvictions() {
		WasmModule first = module(1);
		WasmModule second = module(2);
		this.compiler.compile(first);
		this.compiler.compile(second);
		this.compiler.clearMemory();
		this.compiler.compile(first);
		this.compiler.compile(first);
		assertThat(gets("miss")).isEqualTo(2);
		assertThat(gets("hit")).isEqualTo(1);
		assertThat(counter("cache.puts")).isEqualTo(2);
		assertThat(gauge("cache.size")).isEqualTo(2);
		assertThat(gauge("chicory.cache.size.bytes")).isEqualTo(this.cache.stats().totalBytes()).isPositive();
		assertThat(this.cache.namespace(this.compiler.namespace()).evict(second.digest())).isTrue();
		assertThat(counter("cache.evictions")).isEqualTo(1);
		assertThat(gauge("cache.size")).isEqualTo(1);
		this.cache.clear();
		assertThat(counter("cache.evictions")).isEqualTo(2);
		assertThat(gauge("cache.size")).isZero();
		assertThat(gauge("chicory.cache.size.bytes")).isZero();
		new ChicoryCacheEndpoint(this.compiler, this.cache).action("reset-stats");
		assertThat(gets("hit")).isEqualTo(1);
		assertThat(counter("cache.evictions")).isEqualTo(2);
	}

	@Test
	void resettingTheStatisticsDoesNotMakeCountersGoBackwards() {
		WasmModule module = module(4);
		this.compiler.compile(module);
		this.compiler.clearMemory();
		this.compiler.compile(module);
		ChicoryCacheEndpoint endpoint = new ChicoryCacheEndpoint(this.compiler, this.cache);
		endpoint.action("reset-stats");
		assertThat(Objects.requireNonNull(endpoint.report().stats()).hits()).isZero();
		assertThat(Objects.requireNonNull(endpoint.report().stats()).puts()).isZero();
		assertThat(gets("hit")).isEqualTo(1);
		assertThat(gets("miss")).isEqualTo(1);
		assertThat(counter("cache.puts")).isEqualTo(1);
		this.compiler.clearMemory();
		this.compiler.compile(module);
		assertThat(Objects.requireNonNull(endpoint.report().stats()).hits()).isOne();
		assertThat(gets("hit")).isEqualTo(2);
	}

	@Test
	void compileTimerCountsCompilationsBySource() {
		WasmModule module = module(3);
		this.compiler.compile(module);
		this.compiler.compile(module);
		this.compiler.compile(module);
		this.compiler.clearMemory();
		this.compiler.compile(module);
		assertThat(compile("compiler").count()).isEqualTo(1);
		assertThat(compile("memory").count()).isEqualTo(2);
		assertThat(compile("disk").count()).isEqualTo(1);
		assertThat(compile("compiler").totalTime(TimeUnit.NANOSECONDS)).isPositive();
		assertThat(compile("compiler").totalTime(TimeUnit.NANOSECONDS))
			.isCloseTo(this.compiler.stats().time(CompilationSource.COMPILER).toNanos(), within(1.0));
	}

	@Test
	void cacheMetersAreTaggedWithTheCacheName() {
		assertThat(this.registry.get("cache.gets").tag("cache", "chicory").functionCounters()).hasSize(2);
		assertThat(this.registry.get("chicory.cache.size.bytes").tag("cache", "chicory").gauge()).isNotNull();
		assertThat(this.registry.get("chicory.compile").functionTimers()).hasSize(CompilationSource.values().length);
	}

	private double gets(String result) {
		return this.registry.get("cache.gets").tags("cache", "chicory", "result", result).functionCounter().count();
	}

	private double counter(String name) {
		return this.registry.get(name).tag("cache", "chicory").functionCounter().count();
	}

	private double gauge(String name) {
		return this.registry.get(name).tag("cache", "chicory").gauge().value();
	}

	private FunctionTimer compile(String source) {
		return this.registry.get("chicory.compile").tag("source", source).functionTimer();
	}

}
