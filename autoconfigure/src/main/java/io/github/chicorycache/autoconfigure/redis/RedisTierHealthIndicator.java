package io.github.chicorycache.autoconfigure.redis;

import java.util.Locale;

import io.github.chicorycache.CacheFault;
import io.github.chicorycache.redis.BreakerState;
import io.github.chicorycache.redis.RedisCacheTier;
import io.github.chicorycache.redis.RemoteCacheStats;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * {@link org.springframework.boot.health.contributor.HealthIndicator} for the Redis tier
 * of the Chicory compile cache, contributed as {@code chicoryCacheRemote}.
 * <p>
 * Always {@code UP}: without Redis, instances load from their local cache or compile, so
 * a Redis outage must not take them out of a load balancer. While the circuit breaker
 * skips Redis, the details say {@code degraded: true}.
 */
class RedisTierHealthIndicator extends AbstractHealthIndicator {

	private final RedisCacheTier tier;

	RedisTierHealthIndicator(RedisCacheTier tier) {
		super("Chicory cache Redis tier health check failed");
		this.tier = tier;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		RemoteCacheStats stats = this.tier.stats();
		boolean degraded = stats.breakerState() != BreakerState.CLOSED;
		builder.up()
			.withDetail("endpoint", stats.endpoint())
			.withDetail("publishing", stats.publishing())
			.withDetail("breaker", stats.breakerState().name().toLowerCase(Locale.ROOT))
			.withDetail("hits", stats.hits())
			.withDetail("misses", stats.misses())
			.withDetail("puts", stats.puts())
			.withDetail("rejected", stats.rejected())
			.withDetail("faults", stats.faults())
			.withDetail("degraded", degraded);
		if (degraded) {
			builder.withDetail("problem", "Redis at " + stats.endpoint() + " failed repeatedly and is skipped "
					+ "(lookups miss, publishes are dropped) until a probe succeeds");
		}
		CacheFault fault = stats.lastFault();
		if (fault != null) {
			builder.withDetail("lastFault",
					fault.kind().name().toLowerCase(Locale.ROOT) + " at " + fault.time() + ": " + fault.message());
		}
	}

}
