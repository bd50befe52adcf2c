package io.github.chicorycache.redis;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The breaker on a manual clock: it opens after the threshold of consecutive failures,
 * skips calls while open, lets exactly one probe through once the open time has passed,
 * and closes or opens again on the probe's outcome.
 */
class CircuitBreakerTests {

	private final AtomicLong now = new AtomicLong(1_000);

	private final CircuitBreaker breaker = new CircuitBreaker(3, Duration.ofSeconds(10), this.now::get);

	@Test
	void startsClosedAndLetsCallsThrough() {
		assertThat(this.breaker.state()).isEqualTo(BreakerState.CLOSED);
		assertThat(this.breaker.tryAcquire()).isTrue();
		assertThat(this.breaker.tryAcquire()).isTrue();
		assertThat(this.breaker.openings()).isZero();
	}

	@Test
	void opensAfterTheThresholdOfConsecutiveFailures() {
		assertThat(this.breaker.onFailure()).isFalse();
		assertThat(this.breaker.onFailure()).isFalse();
		assertThat(this.breaker.state()).isEqualTo(BreakerState.CLOSED);
		assertThat(this.breaker.onFailure()).as("the third failure opens it").isTrue();
		assertThat(this.breaker.state()).isEqualTo(BreakerState.OPEN);
		assertThat(this.breaker.tryAcquire()).isFalse();
		assertThat(this.breaker.openings()).isOne();
	}

	@Test
	void aSuccessResetsTheCount() {
		this.breaker.onFailure();
		this.breaker.onFailure();
		this.breaker.onSuccess();
		this.breaker.onFailure();
		this.breaker.onFailure();
		assertThat(this.breaker.state()).isEqualTo(BreakerState.CLOSED);
	}

	@Test
	void staysOpenUntilTheOpenTimeHasPassed() {
		open();
		this.now.addAndGet(Duration.ofSeconds(10).toNanos() - 1);
		assertThat(this.breaker.tryAcquire()).isFalse();
		assertThat(this.breaker.state()).isEqualTo(BreakerState.OPEN);
	}

	@Test
	void halfOpenLetsExactlyOneProbeThrough() {
		open();
		this.now.addAndGet(Duration.ofSeconds(10).toNanos());
		assertThat(this.breaker.tryAcquire()).as("the probe").isTrue();
		assertThat(this.breaker.state()).isEqualTo(BreakerState.HALF_OPEN);
		assertThat(this.breaker.tryAcquire()).as("a second call while probing").isFalse();
	}

	@Test
	void aSuccessfulProbeClosesTheBreaker() {
		open();
		this.now.addAndGet(Duration.ofSeconds(10).toNanos());
		assertThat(this.breaker.tryAcquire()).isTrue();
		this.breaker.onSuccess();
		assertThat(this.breaker.state()).isEqualTo(BreakerState.CLOSED);
		assertThat(this.breaker.tryAcquire()).isTrue();
		assertThat(this.breaker.tryAcquire()).isTrue();
	}

	@Test
	void aFailedProbeOpensTheBreakerForAnotherPeriod() {
		open();
		this.now.addAndGet(Duration.ofSeconds(10).toNanos());
		assertThat(this.breaker.tryAcquire()).isTrue();
		assertThat(this.breaker.onFailure()).as("one failure is enough when half-open").isTrue();
		assertThat(this.breaker.state()).isEqualTo(BreakerState.OPEN);
		assertThat(this.breaker.openings()).isEqualTo(2);
		this.now.addAndGet(Duration.ofSeconds(5).toNanos());
		assertThat(this.breaker.tryAcquire()).isFalse();
		this.now.addAndGet(Duration.ofSeconds(5).toNanos());
		assertThat(this.breaker.tryAcquire()).isTrue();
	}

	@Test
	void anAbandonedProbeLetsTheNextOneThrough() {
		open();
		this.now.addAndGet(Duration.ofSeconds(10).toNanos());
		assertThat(this.breaker.tryAcquire()).isTrue();
		this.breaker.onAbandoned();
		assertThat(this.breaker.state()).isEqualTo(BreakerState.HALF_OPEN);
		assertThat(this.breaker.tryAcquire()).isTrue();
	}

	@Test
	void refusesAThresholdBelowOne() {
		assertThatIllegalArgumentException().isThrownBy(() -> new CircuitBreaker(0, Duration.ofSeconds(1), () -> 0));
	}

	private void open() {
		for (int i = 0; i < 3; i++) {
			this.breaker.onFailure();
		}
		assertThat(this.breaker.state()).isEqualTo(BreakerState.OPEN);
	}

}
