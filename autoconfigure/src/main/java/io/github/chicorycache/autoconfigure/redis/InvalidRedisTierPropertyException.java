package io.github.chicorycache.autoconfigure.redis;

/**
 * A {@code chicory.cache.redis.*} property that keeps the Redis tier from starting: a
 * missing or weak secret, conflicting or malformed keys. Unlike Spring Boot's
 * {@code InvalidConfigurationPropertyValueException}, its failure analysis never shows
 * the property's value, which is a secret.
 */
class InvalidRedisTierPropertyException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String property;

	private final String action;

	InvalidRedisTierPropertyException(String property, String problem, String action) {
		super(problem);
		this.property = property;
		this.action = action;
	}

	String getProperty() {
		return this.property;
	}

	String getAction() {
		return this.action;
	}

}
