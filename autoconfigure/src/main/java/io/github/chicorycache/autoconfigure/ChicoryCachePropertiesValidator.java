package io.github.chicorycache.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.env.Environment;

/**
 * Checks the {@link ChicoryCacheProperties} that bind but make no sense. A failure is an
 * {@link InvalidConfigurationPropertyValueException}, which Spring Boot reports with the
 * property's name as written in configuration files, the value as the user typed it (not
 * as converted: {@code 0}, not {@code 0B}) and where it came from; the other invalid
 * properties, if any, are listed in its reason.
 */
final class ChicoryCachePropertiesValidator {

	private static final String PREFIX = "chicory.cache.";

	private ChicoryCachePropertiesValidator() {
	}

	static void validate(ChicoryCacheProperties properties, Environment environment) {
		List<Problem> problems = new ArrayList<>();
		if (properties.getMaxSize().toBytes() <= 0) {
			problems.add(new Problem("max-size", "The maximum size must be positive, for example 512MB."));
		}
		Long maxEntries = properties.getMaxEntries();
		if (maxEntries != null && maxEntries <= 0) {
			problems.add(new Problem("max-entries",
					"The maximum number of entries must be positive; leave it unset for no limit."));
		}
		if (!isPositive(properties.getMaxAge())) {
			problems.add(new Problem("max-age",
					"The maximum age must be positive, for example 30d; leave it unset for no limit."));
		}
		if (properties.getMaxEntrySize().toBytes() <= 0) {
			problems
				.add(new Problem("max-entry-size", "The maximum size of an entry must be positive, for example 64MB."));
		}
		if (!isPositive(properties.getCleanupInterval())) {
			problems.add(new Problem("cleanup-interval", "The cleanup interval must be positive, for example 10m."));
		}
		if (!isPositive(properties.getTempFileMaxAge())) {
			problems.add(new Problem("temp-file-max-age",
					"The age of a crashed writer's temporary file must be positive, for example 1h."));
		}
		Integer maxFunctionsPerClass = properties.getCompiler().getMaxFunctionsPerClass();
		if (maxFunctionsPerClass != null && maxFunctionsPerClass <= 0) {
			problems.add(new Problem("compiler.max-functions-per-class",
					"The number of functions per class must be positive; leave it unset for Chicory's default."));
		}
		if (properties.getMemory().getMaxEntries() < 0) {
			problems.add(new Problem("memory.max-entries",
					"The number of modules kept in memory must not be negative (0 disables reuse)."));
		}
		if (properties.getMemory().getMaxSize().isNegative()) {
			problems.add(new Problem("memory.max-size",
					"The size of the compiled code kept in memory must not be negative."));
		}
		if (!problems.isEmpty()) {
			throw invalid(problems, environment);
		}
	}

	private static boolean isPositive(@Nullable Duration duration) {
		return duration == null || (!duration.isNegative() && !duration.isZero());
	}

	private static InvalidConfigurationPropertyValueException invalid(List<Problem> problems, Environment environment) {
		Problem first = problems.get(0);
		StringBuilder reason = new StringBuilder(first.reason());
		for (Problem other : problems.subList(1, problems.size())) {
			reason.append(String.format("%n%nAlso invalid: '%s' with the value '%s'. %s", PREFIX + other.property(),
					typed(environment, other.property()), other.reason()));
		}
		return new InvalidConfigurationPropertyValueException(PREFIX + first.property(),
				typed(environment, first.property()), reason.toString());
	}

	/**
	 * Returns the value of a property as written in the property source that the binder
	 * took it from, whatever form the name has there ({@code max-size}, {@code maxSize},
	 * {@code CHICORY_CACHE_MAXSIZE}).
	 */
	private static @Nullable Object typed(Environment environment, String property) {
		ConfigurationPropertyName name = ConfigurationPropertyName.of(PREFIX + property);
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			ConfigurationProperty found = source.getConfigurationProperty(name);
			if (found != null) {
				return found.getValue();
			}
		}
		return null;
	}

	private record Problem(String property, String reason) {
	}

}
