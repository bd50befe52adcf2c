package io.github.chicorycache.autoconfigure.redis;

import io.github.chicorycache.autoconfigure.endpoint.ChicoryCacheDescriptors.RemoteDescriptor;
import io.github.chicorycache.autoconfigure.endpoint.RemoteTierReporter;
import io.github.chicorycache.redis.RedisCacheTier;
import io.github.chicorycache.redis.RemoteCacheStats;

/**
 * Describes the {@link RedisCacheTier} in the {@code remote} object of the
 * {@code chicorycache} endpoint.
 */
class RedisTierReporter implements RemoteTierReporter {

	private final RedisCacheTier tier;

	RedisTierReporter(RedisCacheTier tier) {
		this.tier = tier;
	}

	@Override
	public RemoteDescriptor describe() {
		RemoteCacheStats stats = this.tier.stats();
		return RemoteDescriptor.of(stats.endpoint(), stats.publishing(), stats.breakerState(), stats.hits(),
				stats.misses(), stats.puts(), stats.rejected(), stats.droppedPublishes(), stats.fleetWaits(),
				stats.faults(), stats.lastFault());
	}

}
