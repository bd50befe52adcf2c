package io.github.chicorycache;

import java.time.Instant;

/**
 * A failure that the cache absorbed instead of breaking a compilation.
 *
 * @param kind what the cache was doing
 * @param message a description, including the file and the cause
 * @param time when it happened
 */
public record CacheFault(Kind kind, String message, Instant time) {

	/**
	 * What the cache was doing when the fault happened.
	 */
	public enum Kind {

		/**
		 * Opening or creating the cache directory.
		 */
		OPEN,

		/**
		 * Reading an entry.
		 */
		READ,

		/**
		 * Storing an entry.
		 */
		WRITE,

		/**
		 * Refreshing an entry's last-access time.
		 */
		TOUCH,

		/**
		 * Deleting an entry or a temporary file.
		 */
		DELETE,

		/**
		 * Reading an entry that failed verification.
		 */
		CORRUPT,

		/**
		 * Scanning the directory during cleanup.
		 */
		CLEANUP,

		/**
		 * Waiting for another caller's compilation of the same module, which did not
		 * finish in time (it may be stuck reading the cache); the waiter compiled the
		 * module itself.
		 */
		TIMEOUT

	}

}
