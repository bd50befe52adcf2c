package io.github.chicorycache.redis;

import java.time.Instant;

import io.github.chicorycache.CacheFault;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Snapshots subtract counter by counter and keep the later state.
 */
class RemoteCacheStatsTests {

	@Test
	void minusSubtractsCountersAndKeepsTheLaterState() {
		CacheFault fault = new CacheFault(CacheFault.Kind.READ, "timed out", Instant.EPOCH);
		RemoteCacheStats earlier = new RemoteCacheStats(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, BreakerState.CLOSED,
				"redis://a:1/0", true, null);
		RemoteCacheStats later = new RemoteCacheStats(11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, BreakerState.OPEN,
				"redis://a:1/0", true, fault);
		RemoteCacheStats interval = later.minus(earlier);
		assertThat(interval).isEqualTo(new RemoteCacheStats(10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10,
				BreakerState.OPEN, "redis://a:1/0", true, fault));
		assertThat(earlier.minus(later).hits()).as("never below zero").isZero();
	}

	@Test
	void hitRatio() {
		RemoteCacheStats none = new RemoteCacheStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, BreakerState.CLOSED, "e",
				false, null);
		assertThat(none.hitRatio()).isZero();
		RemoteCacheStats some = new RemoteCacheStats(3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, BreakerState.CLOSED, "e",
				false, null);
		assertThat(some.hitRatio()).isEqualTo(0.75);
	}

}
