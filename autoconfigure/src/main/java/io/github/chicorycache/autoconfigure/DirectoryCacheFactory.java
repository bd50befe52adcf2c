package io.github.chicorycache.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;

import io.github.chicorycache.DirectoryCache;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Creates the {@link DirectoryCache} that the properties describe, turning a refused
 * directory into a startup failure that names the property.
 */
final class DirectoryCacheFactory {

	private DirectoryCacheFactory() {
	}

	static DirectoryCache create(ChicoryCacheProperties properties, CacheDirectoryResolver resolver) {
		Path directory = resolver.resolve(properties.getDirectory());
		DirectoryCache.Builder builder = DirectoryCache.builder(directory)
			.withMaxSizeBytes(properties.getMaxSize().toBytes())
			.withMaxAge(properties.getMaxAge())
			.withTempFileMaxAge(properties.getTempFileMaxAge())
			.withReadOnly(properties.isReadOnly())
			.withAllowSharedDirectory(properties.isAllowSharedDirectory());
		if (properties.getMaxEntries() != null) {
			builder.withMaxEntries(properties.getMaxEntries());
		}
		try {
			return builder.build();
		}
		catch (IllegalArgumentException ex) {
			String reason = ex.getMessage();
			if (!properties.isAllowSharedDirectory() && Files.isDirectory(directory)) {
				// A directory is refused only for its permissions.
				reason += " To accept it, set chicory.cache.allow-shared-directory=true.";
			}
			throw new InvalidConfigurationPropertyValueException("chicory.cache.directory", directory.toString(),
					reason);
		}
	}

}
