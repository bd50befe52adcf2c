package io.github.chicorycache.redis;

/**
 * Redis did not serve a command: unreachable, too slow, refused it, or skipped while the
 * circuit breaker is open. The tier turns it into a miss or a dropped publish.
 */
final class RedisUnavailableException extends Exception {

	private static final long serialVersionUID = 1L;

	RedisUnavailableException(String message) {
		super(message, null, false, false);
	}

}
