package io.github.chicorycache.autoconfigure.metrics;

import java.util.function.Supplier;

import io.github.chicorycache.CacheStats;
import io.github.chicorycache.DirectoryCache;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.cache.CacheMeterBinder;

/**
 * The standard cache meters ({@code cache.gets}, {@code cache.puts},
 * {@code cache.evictions}, {@code cache.size}) for a {@link DirectoryCache}, plus
 * {@code chicory.cache.size.bytes}. The counters are the cache's lifetime counters, which
 * the endpoint's {@code reset-stats} does not reset, so they never go backwards. All
 * meters of one scrape read one {@link DirectoryCache#stats() snapshot}.
 */
public class ChicoryCacheMeterBinder extends CacheMeterBinder<DirectoryCache> {

	/**
	 * Value of the {@code cache} tag.
	 */
	public static final String CACHE_NAME = "chicory";

	private final Supplier<CacheStats> size;

	private final Supplier<CacheStats> hits;

	private final Supplier<CacheStats> misses;

	private final Supplier<CacheStats> evictions;

	private final Supplier<CacheStats> puts;

	private final Supplier<CacheStats> bytes;

	public ChicoryCacheMeterBinder(DirectoryCache cache) {
		this(cache, new SharedSnapshot<>(cache::stats));
	}

	ChicoryCacheMeterBinder(DirectoryCache cache, SharedSnapshot<CacheStats> stats) {
		super(cache, CACHE_NAME, Tags.empty());
		this.size = stats.reader();
		this.hits = stats.reader();
		this.misses = stats.reader();
		this.evictions = stats.reader();
		this.puts = stats.reader();
		this.bytes = stats.reader();
	}

	@Override
	protected Long size() {
		return this.size.get().entryCount();
	}

	@Override
	protected long hitCount() {
		return this.hits.get().hits();
	}

	@Override
	protected Long missCount() {
		return this.misses.get().misses();
	}

	@Override
	protected Long evictionCount() {
		return this.evictions.get().evictionCount();
	}

	@Override
	protected long putCount() {
		return this.puts.get().puts();
	}

	@Override
	protected void bindImplementationSpecificMetrics(MeterRegistry registry) {
		DirectoryCache cache = getCache();
		if (cache == null) {
			return;
		}
		Gauge.builder("chicory.cache.size.bytes", cache, (directoryCache) -> this.bytes.get().totalBytes())
			.tags(getTagsWithCacheName())
			.baseUnit(BaseUnits.BYTES)
			.description("Total size of the Chicory cache entries on disk")
			.register(registry);
	}

}
