package io.github.chicorycache.autoconfigure.redis;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns an {@link InvalidRedisTierPropertyException} into one message that names the
 * property and the fix, without its value.
 */
class InvalidRedisTierPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidRedisTierPropertyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidRedisTierPropertyException cause) {
		return new FailureAnalysis(
				"The Chicory cache's Redis tier (chicory.cache.redis.enabled=true) cannot start: " + cause.getMessage(),
				cause.getAction(), cause);
	}

}
