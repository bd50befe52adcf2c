package io.github.chicorycache.autoconfigure;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Chooses the cache directory when none is configured: {@code $XDG_CACHE_HOME/chicory},
 * else {@code ~/.cache/chicory}; when that cannot be written, a per-user directory under
 * {@code java.io.tmpdir} (logged).
 */
final class CacheDirectoryResolver {

	private static final Log logger = LogFactory.getLog(CacheDirectoryResolver.class);

	private final Map<String, String> environment;

	private final Properties systemProperties;

	CacheDirectoryResolver(Map<String, String> environment, Properties systemProperties) {
		this.environment = environment;
		this.systemProperties = systemProperties;
	}

	static CacheDirectoryResolver system() {
		return new CacheDirectoryResolver(System.getenv(), System.getProperties());
	}

	Path resolve(@Nullable Path configured) {
		if (configured != null) {
			return configured;
		}
		Path preferred = preferred();
		if (preferred != null && isWritable(preferred)) {
			return preferred;
		}
		String user = this.systemProperties.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
		Path fallback = Path.of(this.systemProperties.getProperty("java.io.tmpdir"), "chicory-cache-" + user);
		logger.info("Chicory cache directory " + ((preferred != null) ? preferred + " is not writable" : "is unknown")
				+ "; using " + fallback + " (set chicory.cache.directory to choose one)");
		return fallback;
	}

	private @Nullable Path preferred() {
		try {
			String xdg = this.environment.get("XDG_CACHE_HOME");
			if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
				return Path.of(xdg, "chicory");
			}
			String home = this.systemProperties.getProperty("user.home");
			return (home != null && !home.isBlank() && !home.equals("?")) ? Path.of(home, ".cache", "chicory") : null;
		}
		catch (InvalidPathException ex) {
			return null;
		}
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

}
