package io.github.chicorycache.autoconfigure.metrics;

import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import com.dylibso.chicory.wasm.WasmModule;
import io.github.chicorycache.ChicoryCompiler;
import io.github.chicorycache.CompilationSource;
import io.github.chicorycache.DirectoryCache;
import io.github.chicorycache.autoconfigure.endpoint.ChicoryCacheEndpoint;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.github.chicorycache.autoconfigure.endpoint.EndpointTestSupport.module;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link ChicoryCacheMeterBinder} and {@link ChicoryCompilerMeterBinder}.
 */
class ChicoryCacheMeterBinderTests {

	@TempDir
	Path temp;

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private DirectoryCache cache;

	private ChicoryCompiler compiler;

	/**
	 * The binders' clock: every read of a meter below is a scrape of its own, so that it
	 * sees the statistics at that moment.
	 */
	private final AtomicLong nanoTime = new AtomicLong();

	private final AtomicInteger cacheSnapshots = new AtomicInteger();

	private final AtomicInteger compilerSnapshots = new AtomicInteger();

	@BeforeEach
	void bind() {
		this.cache = DirectoryCache.builder(this.temp.resolve("cache")).withCleanupOnOpen(false).build();
		this.compiler = ChicoryCompiler.builder().withStoreQueueCapacity(0).withCache(this.cache).build();
		new ChicoryCacheMeterBinder(this.cache, snapshot(this.cache::stats, this.cacheSnapshots)).bindTo(this.registry);
		new ChicoryCompilerMeterBinder(this.compiler, snapshot(this.compiler::stats, this.compilerSnapshots))
			.bindTo(this.registry);
	}

	private <T> SharedSnapshot<T> snapshot(Supplier<T> stats, AtomicInteger snapshots) {
		return new SharedSnapshot<>(() -> {
			snapshots.incrementAndGet();
			return stats.get();
		}, this.nanoTime::get, SharedSnapshot.MAX_AGE);
	}

	/**
	 * Reads every measurement of every meter, as a registry does when it is scraped.
	 */
	private void scrape() {
		this.registry.getMeters().forEach((meter) -> meter.measure().forEach(Measurement::getValue));
	}

	@AfterEach
	void close() {
		this.cache.close();
	}

	@Test
	void aScrapeReadsOneSnapshotOfEachStatistics() {
		this.compiler.compile(module(1));
		this.cacheSnapshots.set(0);
		this.compilerSnapshots.set(0);
		scrape();
		assertThat(this.cacheSnapshots).hasValue(1);
		assertThat(this.compilerSnapshots).hasValue(1);
		// the next scrape reads the meters again: fresh statistics, soon or late
		scrape();
		assertThat(this.cacheSnapshots).hasValue(2);
		assertThat(this.compilerSnapshots).hasValue(2);
		this.nanoTime.addAndGet(SharedSnapshot.MAX_AGE.toNanos());
		scrape();
		assertThat(this.cacheSnapshots).hasValue(3);
		assertThat(this.compilerSnapshots).hasValue(3);
	}

	@Test
	void measurementsOfOneScrapeAgree() {
		WasmModule module = module(2);
		this.compiler.compile(module);
		assertThat(gets("miss")).isOne();
		// a compilation between two meters of one scrape shows in the next scrape
		this.compiler.clearMemory();
		this.compiler.compile(module);
		assertThat(getsInThisScrape("hit")).isZero();
		assertThat(getsInThisScrape("hit")).isOne();
		assertThat(getsInThisScrape("miss")).isOne();
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
		nextScrape();
		return getsInThisScrape(result);
	}

	private double getsInThisScrape(String result) {
		return this.registry.get("cache.gets").tags("cache", "chicory", "result", result).functionCounter().count();
	}

	private double counter(String name) {
		nextScrape();
		return this.registry.get(name).tag("cache", "chicory").functionCounter().count();
	}

	private double gauge(String name) {
		nextScrape();
		return this.registry.get(name).tag("cache", "chicory").gauge().value();
	}

	/**
	 * Lets the snapshot expire, so that the next read is a scrape of its own.
	 */
	private void nextScrape() {
		this.nanoTime.addAndGet(SharedSnapshot.MAX_AGE.toNanos());
	}

	private FunctionTimer compile(String source) {
		nextScrape();
		return this.registry.get("chicory.compile").tag("source", source).functionTimer();
	}

}
