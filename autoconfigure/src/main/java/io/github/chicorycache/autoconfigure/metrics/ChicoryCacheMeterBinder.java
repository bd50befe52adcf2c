package io.github.chicorycache.actuate;

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
 * the endpoint's {@code reset-stats} does not reset, so they never go backwards.
 *
 * @author chicory-cache
 */
public class ChicoryCacheMeterBinder extends CacheMeterBinder<DirectoryCache> {

	/**
	 * Value of the {@code cache} tag.
	 */
	public static final String CACHE_NAME = "chicory";

	public ChicoryCacheMeterBinder(DirectoryCache cache) {
		super(cache, CACHE_NAME, Tags.empty());
	}

	@Override
	protected Long size() {
		return getCache().stats().entryCount();
	}

	@Override
	protected long hitCount() {
		return getCache().stats().hits();
	}

	@Override
	protected Long missCount() {
		return getCache().stats().misses();
	}

	@Override
	protected Long evictionCount() {
		return getCache().stats().evictionCount();
	}

	@Override
	protected long putCount() {
		return getCache().stats().puts();
	}

	@Override
	protected void bindImplementationSpecificMetrics(MeterRegistry registry) {
		Gauge.builder("chicory.cache.size.bytes", getCache(), (cache) -> cache.stats().totalBytes())
			.tags(getTagsWithCacheName())
			.baseUnit(BaseUnits.BYTES)
			.description("Total size of the Chicory cache entries on disk")
			.register(registry);
	}

}
