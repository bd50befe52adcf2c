package io.github.chicorycache.redis;

/**
 * The state of the circuit breaker that keeps a failing Redis from slowing compilations
 * down.
 */
public enum BreakerState {

	/**
	 * Redis answers: every operation goes to it.
	 */
	CLOSED,

	/**
	 * Redis failed repeatedly: operations skip it (a read is a miss, a publish is
	 * dropped) until the open time has passed.
	 */
	OPEN,

	/**
	 * The open time has passed: one operation probes Redis; its success closes the
	 * breaker, its failure opens it again.
	 */
	HALF_OPEN

}
