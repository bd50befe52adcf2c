package io.github.chicorycache.autoconfigure.redis;

import io.github.chicorycache.redis.BreakerState;
import io.github.chicorycache.redis.RedisCacheTier;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.cache.CacheMeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * The standard cache meters of the Redis tier ({@code cache.gets} with
 * {@code result=hit|miss}, {@code cache.puts}, tagged {@code cache=chicory.remote}) plus
 * {@code chicory.cache.remote.rejected}, {@code .faults}, {@code .publishes.dropped},
 * {@code .fleet.waits} and the {@code chicory.cache.remote.breaker.open} gauge (1 while
 * Redis is skipped). The counters only grow.
 */
class RedisTierMeterBinder extends CacheMeterBinder<RedisCacheTier> {

	/**
	 * Value of the {@code cache} tag.
	 */
	static final String CACHE_NAME = "chicory.remote";

	RedisTierMeterBinder(RedisCacheTier tier) {
		super(tier, CACHE_NAME, Tags.empty());
	}

	@Override
	protected @Nullable Long size() {
		return null;
	}

	@Override
	protected long hitCount() {
		return tier().stats().hits();
	}

	@Override
	protected Long missCount() {
		return tier().stats().misses();
	}

	@Override
	protected @Nullable Long evictionCount() {
		return null;
	}

	@Override
	protected long putCount() {
		return tier().stats().puts();
	}

	@Override
	protected void bindImplementationSpecificMetrics(MeterRegistry registry) {
		RedisCacheTier tier = tier();
		counter(registry, tier, "chicory.cache.remote.rejected", "Redis entries refused by verification",
				(t) -> t.stats().rejected());
		counter(registry, tier, "chicory.cache.remote.faults", "Failures of the Redis tier absorbed",
				(t) -> t.stats().faults());
		counter(registry, tier, "chicory.cache.remote.publishes.dropped", "Publishes to Redis given up",
				(t) -> t.stats().droppedPublishes());
		counter(registry, tier, "chicory.cache.remote.fleet.waits",
				"Lookups that waited for another instance compiling the same module", (t) -> t.stats().fleetWaits());
		Gauge
			.builder("chicory.cache.remote.breaker.open", tier,
					(t) -> (t.stats().breakerState() == BreakerState.CLOSED) ? 0 : 1)
			.tags(getTagsWithCacheName())
			.description("1 while the circuit breaker skips Redis")
			.register(registry);
	}

	private void counter(MeterRegistry registry, RedisCacheTier tier, String name, String description,
			java.util.function.ToDoubleFunction<RedisCacheTier> count) {
		FunctionCounter.builder(name, tier, count)
			.tags(getTagsWithCacheName())
			.description(description)
			.register(registry);
	}

	private RedisCacheTier tier() {
		RedisCacheTier tier = getCache();
		if (tier == null) {
			throw new IllegalStateException("The Redis tier is gone");
		}
		return tier;
	}

}
