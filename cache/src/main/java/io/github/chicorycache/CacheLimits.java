package io.github.chicorycache;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The bounds of a {@link DirectoryCache}.
 *
 * @param maxSizeBytes the maximum total size of all entry files, in bytes
 * @param maxEntries the maximum number of entries
 * @param maxAge the time after which an unused entry is evicted, or {@code null} for no
 * limit
 */
public record CacheLimits(long maxSizeBytes, long maxEntries, @Nullable Duration maxAge) {

	/**
	 * Default maximum size: 1 GiB.
	 */
	public static final long DEFAULT_MAX_SIZE_BYTES = 1024L * 1024 * 1024;

	public CacheLimits {
		if (maxSizeBytes <= 0) {
			throw new IllegalArgumentException("maxSizeBytes must be positive, was " + maxSizeBytes);
		}
		if (maxEntries <= 0) {
			throw new IllegalArgumentException("maxEntries must be positive, was " + maxEntries);
		}
		if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
			throw new IllegalArgumentException("maxAge must be positive, was " + maxAge);
		}
	}

	/**
	 * Returns the default limits: 1 GiB, any number of entries, no age limit.
	 * @return the default limits
	 */
	public static CacheLimits defaults() {
		return new CacheLimits(DEFAULT_MAX_SIZE_BYTES, Long.MAX_VALUE, null);
	}

	CacheLimits withMaxAge(@Nullable Duration maxAge) {
		return new CacheLimits(this.maxSizeBytes, this.maxEntries, maxAge);
	}

}
