package io.github.chicorycache.redis;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Stops calling Redis after repeated failures, so that a server that is down or slow
 * costs a compilation nothing but a skipped lookup. After {@code failureThreshold}
 * consecutive failures it opens; once {@code openDuration} has passed it lets one probe
 * through (half-open): the probe's success closes it, its failure opens it again. Only
 * failures to reach Redis count: an error reply (a full server, a refused command) is
 * Redis answering.
 */
final class CircuitBreaker {

	private final int failureThreshold;

	private final long openNanos;

	private final LongSupplier nanoTime;

	private BreakerState state = BreakerState.CLOSED;

	private int consecutiveFailures;

	private long openedAt;

	private boolean probing;

	private long openings;

	/**
	 * Creates a closed breaker.
	 * @param failureThreshold consecutive failures that open it, at least 1
	 * @param openDuration how long it stays open before a probe
	 * @param nanoTime the monotonic clock ({@link System#nanoTime()} outside tests)
	 */
	CircuitBreaker(int failureThreshold, Duration openDuration, LongSupplier nanoTime) {
		if (failureThreshold < 1) {
			throw new IllegalArgumentException("failureThreshold must be at least 1, was " + failureThreshold);
		}
		if (openDuration.isNegative()) {
			throw new IllegalArgumentException("openDuration must not be negative, was " + openDuration);
		}
		this.failureThreshold = failureThreshold;
		this.openNanos = openDuration.toNanos();
		this.nanoTime = nanoTime;
	}

	/**
	 * Asks to call Redis. A caller that gets {@code true} must report the outcome with
	 * {@link #onSuccess()} or {@link #onFailure()}.
	 * @return whether the call may go ahead
	 */
	synchronized boolean tryAcquire() {
		switch (this.state) {
			case CLOSED:
				return true;
			case OPEN:
				if (this.nanoTime.getAsLong() - this.openedAt < this.openNanos) {
					return false;
				}
				this.state = BreakerState.HALF_OPEN;
				this.probing = true;
				return true;
			default:
				if (this.probing) {
					return false;
				}
				this.probing = true;
				return true;
		}
	}

	/**
	 * Reports that Redis answered.
	 */
	synchronized void onSuccess() {
		this.state = BreakerState.CLOSED;
		this.consecutiveFailures = 0;
		this.probing = false;
	}

	/**
	 * Reports that Redis could not be reached or did not answer in time.
	 * @return whether this failure opened the breaker
	 */
	synchronized boolean onFailure() {
		this.probing = false;
		if (this.state == BreakerState.HALF_OPEN
				|| (this.state == BreakerState.CLOSED && ++this.consecutiveFailures >= this.failureThreshold)) {
			open();
			return true;
		}
		return false;
	}

	/**
	 * Reports that a call let through ended without telling whether Redis works (for
	 * example, the caller was interrupted): a half-open breaker lets the next probe
	 * through.
	 */
	synchronized void onAbandoned() {
		this.probing = false;
	}

	private void open() {
		this.state = BreakerState.OPEN;
		this.openedAt = this.nanoTime.getAsLong();
		this.consecutiveFailures = 0;
		this.openings++;
	}

	/**
	 * Returns the current state.
	 * @return the state
	 */
	synchronized BreakerState state() {
		return this.state;
	}

	/**
	 * Returns how many times the breaker opened.
	 * @return the count
	 */
	synchronized long openings() {
		return this.openings;
	}

}
