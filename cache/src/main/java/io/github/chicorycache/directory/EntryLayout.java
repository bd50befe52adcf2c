package io.github.chicorycache.directory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

import io.github.chicorycache.CacheKey;

/**
 * Not API: where the files of a {@link io.github.chicorycache.DirectoryCache} live, and
 * the guard that keeps every path inside its root.
 * <p>
 * The entry of key {@code <algorithm>:<digest>} is
 * {@code [<namespace>/]<algorithm>/<shard>/<name>.jar}: the digest in URL-safe base64
 * without padding, lower case, its first two characters the shard and the rest the name
 * (the layout of upstream's {@code DirectoryCache}). Temporary files live in
 * {@value #TEMP_DIRECTORY}.
 */
public final class EntryLayout {

	/**
	 * Name of the directory, under the root, that holds temporary files.
	 */
	public static final String TEMP_DIRECTORY = ".tmp";

	private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9][a-z0-9._+-]{0,127}");

	private static final Pattern ALGORITHM = Pattern.compile("[a-z0-9-]{1," + CacheKey.MAX_ALGORITHM_LENGTH + "}");

	private static final Pattern SHARD = Pattern.compile("[a-z0-9_-]{2}");

	private static final Pattern NAME = Pattern.compile("[a-z0-9_-]*\\.jar");

	private final Path root;

	private final Path tempDirectory;

	/**
	 * Creates the layout of a root.
	 * @param root the absolute, normalized root
	 */
	EntryLayout(Path root) {
		this.root = root;
		this.tempDirectory = root.resolve(TEMP_DIRECTORY);
	}

	/**
	 * Returns the root directory.
	 * @return the root
	 */
	public Path root() {
		return this.root;
	}

	Path tempDirectory() {
		return this.tempDirectory;
	}

	/**
	 * Checks a namespace name: it becomes a directory name, so it must be one plain,
	 * lower-case path segment.
	 * @param name the name
	 * @return the name
	 * @throws IllegalArgumentException if the name is not a valid namespace
	 */
	public static String validateNamespace(String name) {
		Objects.requireNonNull(name, "name");
		if (!NAMESPACE.matcher(name).matches()) {
			throw new IllegalArgumentException(
					"Namespace '" + name + "' must match " + NAMESPACE.pattern() + " (lower case, no separators)");
		}
		return name;
	}

	/**
	 * Returns the path of a key's entry.
	 * @param namespace the namespace, empty for the root namespace
	 * @param key the key
	 * @return the absolute path
	 * @throws IllegalArgumentException if the path would leave the root
	 */
	Path entryPath(String namespace, CacheKey key) {
		Path path = namespace.isEmpty() ? this.root : this.root.resolve(namespace);
		for (String segment : relativePath(key)) {
			path = path.resolve(segment);
		}
		// Validation of key and namespace already excludes separators and dots; this is
		// the last line of defence should either ever be loosened.
		if (!path.normalize().startsWith(this.root.normalize()) || path.getNameCount() <= this.root.getNameCount()) {
			throw new IllegalArgumentException("Cache key '" + key + "' resolves outside the cache directory");
		}
		return path;
	}

	/**
	 * Returns the path of a key's entry relative to its namespace directory:
	 * {@code <algorithm>/<first two chars>/<rest>.jar}.
	 * @param key the key
	 * @return the relative path segments
	 */
	static String[] relativePath(CacheKey key) {
		String name = key.fileSafe().substring(key.algorithm().length() + 1).toLowerCase(Locale.ROOT);
		return new String[] { key.algorithm(), name.substring(0, 2), name.substring(2) + ".jar" };
	}

	/**
	 * Returns whether a path relative to the root has the exact shape of an entry,
	 * {@code [<namespace>/]<algorithm>/<shard>/<name>.jar}, so that cleanup, eviction and
	 * {@code clear()} never touch files that the cache did not write, should the
	 * directory hold anything else.
	 * @param relative the path relative to the root
	 * @return whether it is an entry's path
	 */
	static boolean isEntryPath(Path relative) {
		int depth = relative.getNameCount();
		if (depth != 3 && depth != 4) {
			return false;
		}
		int first = depth - 3;
		if (depth == 4 && !NAMESPACE.matcher(relative.getName(0).toString()).matches()) {
			return false;
		}
		return ALGORITHM.matcher(relative.getName(first).toString()).matches()
				&& SHARD.matcher(relative.getName(first + 1).toString()).matches()
				&& NAME.matcher(relative.getName(first + 2).toString()).matches();
	}

	/**
	 * Returns whether a path relative to the root is where the cache keeps a directory:
	 * {@value #TEMP_DIRECTORY}, a namespace, an algorithm or a shard directory.
	 * @param relative the path relative to the root
	 * @return whether it is a directory of the cache
	 */
	static boolean isDirectoryPath(Path relative) {
		int depth = relative.getNameCount();
		String first = relative.getName(0).toString();
		if (depth == 1) {
			return first.equals(TEMP_DIRECTORY) || NAMESPACE.matcher(first).matches()
					|| ALGORITHM.matcher(first).matches();
		}
		String second = relative.getName(1).toString();
		if (depth == 2) {
			return (NAMESPACE.matcher(first).matches() && ALGORITHM.matcher(second).matches())
					|| (ALGORITHM.matcher(first).matches() && SHARD.matcher(second).matches());
		}
		return depth == 3 && NAMESPACE.matcher(first).matches() && ALGORITHM.matcher(second).matches()
				&& SHARD.matcher(relative.getName(2).toString()).matches();
	}

	/**
	 * Returns the directories between the root and a file below it, outermost first: the
	 * levels that must each be a real directory before the file is used.
	 * @param file a file below the root
	 * @return the directories, excluding the root
	 */
	List<Path> directoriesOf(Path file) {
		Path relative = this.root.relativize(file);
		List<Path> directories = new ArrayList<>(relative.getNameCount());
		for (int i = 1; i < relative.getNameCount(); i++) {
			directories.add(this.root.resolve(relative.subpath(0, i)));
		}
		return directories;
	}

	/**
	 * Returns the namespace of an entry file.
	 * @param file the absolute path of an entry
	 * @return the namespace, empty for the root namespace
	 */
	String namespaceOf(Path file) {
		Path relative = this.root.relativize(file);
		return (relative.getNameCount() == 4) ? relative.getName(0).toString() : "";
	}

	/**
	 * Returns a file's path relative to the root with {@code /} separators, as shown to
	 * users.
	 * @param file the absolute path
	 * @return the relative path
	 */
	String relativeName(Path file) {
		return this.root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
	}

}
