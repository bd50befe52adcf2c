package io.github.chicorycache;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Objects;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * The directory a cache uses when none is configured: {@code $XDG_CACHE_HOME/chicory},
 * else {@code ~/.cache/chicory}; when that cannot be written, a per-user directory under
 * {@code java.io.tmpdir} (logged).
 * <p>
 * The per-user directory has a predictable name in a directory that everybody can write,
 * so it is only used when it does not exist yet or is a real directory owned by the user
 * of this process. Otherwise someone else created it, possibly filled with bytecode that
 * the application would run, and a fresh private directory is used instead.
 * <p>
 * Resolving creates nothing but that private directory; {@link DirectoryCache} creates
 * the cache directory (owner-only) when it opens.
 */
public final class DefaultCacheDirectory {

	private final Function<String, @Nullable String> lookup;

	private DefaultCacheDirectory(Function<String, @Nullable String> lookup) {
		this.lookup = Objects.requireNonNull(lookup, "lookup");
	}

	/**
	 * Resolves the default directory from the process environment
	 * ({@code XDG_CACHE_HOME}) and the system properties ({@code user.home},
	 * {@code user.name}, {@code java.io.tmpdir}).
	 * @return the directory
	 * @throws IllegalStateException if only the temporary directory is left and no
	 * private directory can be created there
	 */
	public static Path resolve() {
		return resolve((name) -> {
			String value = System.getenv(name);
			return (value != null) ? value : System.getProperty(name);
		});
	}

	/**
	 * Resolves the default directory with the values that a lookup gives for
	 * {@code XDG_CACHE_HOME}, {@code user.home}, {@code user.name} and
	 * {@code java.io.tmpdir}, for example those of an application's environment.
	 * @param lookup the value of a variable or property, or {@code null} if unset
	 * @return the directory
	 * @throws IllegalStateException if only the temporary directory is left and no
	 * private directory can be created there
	 */
	public static Path resolve(Function<String, @Nullable String> lookup) {
		return new DefaultCacheDirectory(lookup).resolveDirectory();
	}

	private Path resolveDirectory() {
		Path preferred = preferred();
		if (preferred != null && isWritable(preferred)) {
			return preferred;
		}
		Path fallback = fallback();
		logger().log(Level.INFO, () -> "Chicory cache directory "
				+ ((preferred != null) ? preferred + " is not writable" : "is unknown") + "; using " + fallback);
		return fallback;
	}

	private @Nullable Path preferred() {
		try {
			String xdg = this.lookup.apply("XDG_CACHE_HOME");
			if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
				return Path.of(xdg, "chicory");
			}
			String home = this.lookup.apply("user.home");
			return (home != null && !home.isBlank() && !home.equals("?")) ? Path.of(home, ".cache", "chicory") : null;
		}
		catch (InvalidPathException ex) {
			return null;
		}
	}

	private Path fallback() {
		String name = this.lookup.apply("user.name");
		String user = ((name != null && !name.isBlank()) ? name : "user").replaceAll("[^A-Za-z0-9._-]", "_");
		String tmp = this.lookup.apply("java.io.tmpdir");
		Path tmpdir = Path.of((tmp != null && !tmp.isBlank()) ? tmp : System.getProperty("java.io.tmpdir"));
		Path fallback = tmpdir.resolve("chicory-cache-" + user);
		if (!Files.exists(fallback, LinkOption.NOFOLLOW_LINKS) || isOwnDirectory(tmpdir, fallback)) {
			return fallback;
		}
		try {
			Path own = Files.createTempDirectory(tmpdir, "chicory-cache-" + user + "-", ownerOnly(tmpdir));
			logger().log(Level.WARNING, "Chicory cache directory " + fallback
					+ " is not a directory owned by this user; using " + own
					+ " instead, which is not kept across restarts (configure a cache directory to keep entries)");
			return own;
		}
		catch (IOException | RuntimeException ex) {
			throw new IllegalStateException("Chicory cache directory " + fallback
					+ " is not a directory owned by this user, and no private directory could be created in " + tmpdir
					+ "; configure a cache directory", ex);
		}
	}

	/**
	 * Returns whether a path is a directory (not a link to one) owned by the user of this
	 * process, found by comparing with the owner of a file that this process creates.
	 */
	private static boolean isOwnDirectory(Path tmpdir, Path directory) {
		if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
			return false;
		}
		try {
			UserPrincipal owner = Files.getOwner(directory, LinkOption.NOFOLLOW_LINKS);
			Path probe = Files.createTempFile(tmpdir, "chicory-cache-owner-", ".tmp");
			try {
				return owner.equals(Files.getOwner(probe, LinkOption.NOFOLLOW_LINKS));
			}
			finally {
				Files.deleteIfExists(probe);
			}
		}
		catch (IOException | UnsupportedOperationException ex) {
			// Ownership is unknown on this file system; the cache still refuses a
			// directory that others can write.
			return true;
		}
	}

	private static FileAttribute<?>[] ownerOnly(Path directory) {
		return directory.getFileSystem().supportedFileAttributeViews().contains("posix")
				? new FileAttribute<?>[] {
						PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")) }
				: new FileAttribute<?>[0];
	}

	/**
	 * Returns whether a directory exists and is writable, or could be created: its
	 * nearest existing ancestor is a writable directory.
	 */
	static boolean isWritable(Path directory) {
		Path candidate = directory.toAbsolutePath();
		while (candidate != null && !Files.exists(candidate)) {
			candidate = candidate.getParent();
		}
		return candidate != null && Files.isDirectory(candidate) && Files.isWritable(candidate);
	}

	/**
	 * Looked up when something is logged, not when this class loads: a logger initializes
	 * the logging system, which costs a fresh JVM tens of milliseconds on the way to its
	 * first module.
	 */
	private static Logger logger() {
		return System.getLogger(DefaultCacheDirectory.class.getName());
	}

}
