package io.github.chicorycache.autoconfigure;

import java.nio.file.Path;

import io.github.chicorycache.CacheDirectoryException;
import io.github.chicorycache.DefaultCacheDirectory;
import io.github.chicorycache.DirectoryCache;

import org.springframework.core.env.Environment;

/**
 * Creates the {@link DirectoryCache} that the properties describe, in the default
 * directory that the environment gives unless one is configured. A directory that the
 * cache refuses fails startup with a {@link CacheDirectoryException}, which
 * {@link ChicoryCacheDirectoryFailureAnalyzer} explains.
 */
final class DirectoryCacheFactory {

	private DirectoryCacheFactory() {
	}

	static DirectoryCache create(ChicoryCacheProperties properties, Environment environment) {
		Path configured = properties.getDirectory();
		Path directory = (configured != null) ? configured : DefaultCacheDirectory.resolve(environment::getProperty);
		DirectoryCache.Builder builder = DirectoryCache.builder(directory)
			.withMaxSizeBytes(properties.getMaxSize().toBytes())
			.withMaxAge(properties.getMaxAge())
			.withMaxEntrySizeBytes(properties.getMaxEntrySize().toBytes())
			.withTempFileMaxAge(properties.getTempFileMaxAge())
			.withReadOnly(properties.isReadOnly())
			.withAllowSharedDirectory(properties.isAllowSharedDirectory())
			// DirectoryCacheCleanupScheduler runs the first pass when the context starts.
			.withCleanupOnOpen(false);
		if (properties.getMaxEntries() != null) {
			builder.withMaxEntries(properties.getMaxEntries());
		}
		return builder.build();
	}

}
