package io.github.chicorycache.directory;

import java.time.Duration;
import java.time.Instant;

/**
 * How the cache treats modification times in the future (clock skew on a shared volume, a
 * restored backup): a time more than {@link #TOLERANCE} ahead of the scan that sees it is
 * taken for the time of that scan (and the file's time rewritten where the cache may
 * write), so that such entries and temporary files age like any other instead of never.
 */
final class ClockSkew {

	/**
	 * How far in the future a time may be before it is distrusted: more than the skew of
	 * clocks kept by NTP, less than anything that would pin an entry.
	 */
	static final Duration TOLERANCE = Duration.ofMinutes(1);

	private ClockSkew() {
	}

	/**
	 * Returns whether a time is too far in the future to be trusted.
	 * @param time a file's time
	 * @param now the time of the scan
	 * @return whether the time is more than the tolerance ahead
	 */
	static boolean inFuture(Instant time, Instant now) {
		return time.isAfter(now.plus(TOLERANCE));
	}

	/**
	 * Returns the time to use for a file's time.
	 * @param time a file's time
	 * @param now the time of the scan
	 * @return the time itself, or {@code now} if it is too far in the future
	 */
	static Instant effective(Instant time, Instant now) {
		return inFuture(time, now) ? now : time;
	}

}
