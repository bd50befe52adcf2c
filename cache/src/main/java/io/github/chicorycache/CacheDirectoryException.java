package io.github.chicorycache;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Thrown when a {@link DirectoryCache} refuses its directory: the cache holds bytecode
 * that the application executes, so a directory that someone else could write is not
 * used. The {@link #reason() reason} says what is wrong and {@link Reason#fix()} what to
 * do about it.
 */
public class CacheDirectoryException extends IllegalArgumentException {

	private static final long serialVersionUID = 1L;

	private final transient Path directory;

	private final Reason reason;

	/**
	 * Creates an exception.
	 * @param directory the refused directory
	 * @param reason why it was refused
	 * @param message the full message, naming the directory and what was found
	 */
	public CacheDirectoryException(Path directory, Reason reason, String message) {
		super(message);
		this.directory = Objects.requireNonNull(directory, "directory");
		this.reason = Objects.requireNonNull(reason, "reason");
	}

	/**
	 * Returns the refused directory.
	 * @return the directory
	 */
	public Path directory() {
		return this.directory;
	}

	/**
	 * Returns why the directory was refused.
	 * @return the reason
	 */
	public Reason reason() {
		return this.reason;
	}

	/**
	 * Why a directory is refused.
	 */
	public enum Reason {

		/**
		 * The path exists and is not a directory.
		 */
		NOT_A_DIRECTORY("Choose a directory, or remove what is at that path."),

		/**
		 * The directory is writable by group or others.
		 */
		SHARED_PERMISSIONS("Restrict it to its owner (chmod 700), or explicitly allow a shared directory."),

		/**
		 * The directory belongs to another user (other than root).
		 */
		FOREIGN_OWNER("Use a directory of your own (or chown it), or explicitly allow a shared directory."),

		/**
		 * A directory below the root (a namespace, algorithm or shard directory) belongs
		 * to another user or is writable by others, and is not ours to fix.
		 */
		UNSAFE_SUBDIRECTORY("Remove that directory (the cache recreates it) or explicitly allow a shared directory.");

		private final String fix;

		Reason(String fix) {
			this.fix = fix;
		}

		/**
		 * Returns what to do about it, in a sentence.
		 * @return the fix
		 */
		public String fix() {
			return this.fix;
		}

		/**
		 * Returns whether allowing a shared directory accepts the directory.
		 * @return whether {@code allowSharedDirectory} helps
		 */
		public boolean allowSharedDirectoryHelps() {
			return this != NOT_A_DIRECTORY;
		}

	}

}
