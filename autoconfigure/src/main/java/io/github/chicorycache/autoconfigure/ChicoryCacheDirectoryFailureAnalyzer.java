package io.github.chicorycache.autoconfigure;

import io.github.chicorycache.CacheDirectoryException;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;

/**
 * A {@link FailureAnalyzer} for a cache directory that the cache refused
 * ({@link CacheDirectoryException}): says why, where the directory was configured, and
 * what to change.
 */
class ChicoryCacheDirectoryFailureAnalyzer extends AbstractFailureAnalyzer<CacheDirectoryException> {

	static final String DIRECTORY = "chicory.cache.directory";

	static final String ALLOW_SHARED_DIRECTORY = "chicory.cache.allow-shared-directory";

	private final @Nullable Environment environment;

	ChicoryCacheDirectoryFailureAnalyzer(@Nullable Environment environment) {
		this.environment = environment;
	}

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, CacheDirectoryException cause) {
		StringBuilder description = new StringBuilder(
				String.format("The Chicory cache refused its directory:%n%n%s%n%n", cause.getMessage()));
		ConfigurationProperty configured = configuredDirectory();
		if (configured != null) {
			description.append("It is set by '").append(DIRECTORY).append("'");
			if (configured.getOrigin() != null) {
				description.append(" (originating from '").append(configured.getOrigin()).append("')");
			}
			description.append('.');
		}
		else {
			description.append("It is the default directory ('").append(DIRECTORY).append("' is not set).");
		}
		StringBuilder action = new StringBuilder(cause.reason().fix());
		action.append(String.format("%n%nTo use another directory, set '%s'.", DIRECTORY));
		if (cause.reason().allowSharedDirectoryHelps()) {
			action.append(String.format(" To accept this one as it is, set '%s' to true: anyone who can write "
					+ "there can then run code in this application.", ALLOW_SHARED_DIRECTORY));
		}
		return new FailureAnalysis(description.toString(), action.toString(), cause);
	}

	private @Nullable ConfigurationProperty configuredDirectory() {
		if (!(this.environment instanceof ConfigurableEnvironment)) {
			return null;
		}
		ConfigurationPropertyName name = ConfigurationPropertyName.of(DIRECTORY);
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(this.environment)) {
			ConfigurationProperty property = source.getConfigurationProperty(name);
			if (property != null) {
				return property;
			}
		}
		return null;
	}

}
