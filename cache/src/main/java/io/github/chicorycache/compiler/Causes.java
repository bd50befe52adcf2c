package io.github.chicorycache.compiler;

import org.jspecify.annotations.Nullable;

/**
 * Not API: the failure that reached us wrapped (by reflection, or by a task that ran on
 * another thread), given back as it was thrown, so that callers see it as if the work had
 * run on their thread.
 */
final class Causes {

	private Causes() {
	}

	/**
	 * Returns the unchecked cause of a wrapper to throw, throws an {@link Error} cause,
	 * and wraps a checked one.
	 * @param cause the cause the wrapper carried
	 * @return the exception to throw
	 */
	static RuntimeException unwrapped(@Nullable Throwable cause) {
		if (cause instanceof RuntimeException runtime) {
			return runtime;
		}
		if (cause instanceof Error error) {
			throw error;
		}
		return new IllegalStateException(cause);
	}

}
