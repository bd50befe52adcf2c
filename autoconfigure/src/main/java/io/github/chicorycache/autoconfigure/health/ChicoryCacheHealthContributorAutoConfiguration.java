package io.github.chicorycache.autoconfigure;

import io.github.chicorycache.DirectoryCache;
import io.github.chicorycache.actuate.ChicoryCacheHealthIndicator;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} for the {@link ChicoryCacheHealthIndicator}, contributed as
 * {@code chicoryCache}.
 *
 * @author chicory-cache
 */
@AutoConfiguration(after = ChicoryCacheAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(DirectoryCache.class)
public final class ChicoryCacheHealthContributorAutoConfiguration {

	// The enablement condition is on the method, not the class: its condition class is
	// in the optional spring-boot-health jar, and the conditions of a method are only
	// read once those of the class (that jar present) matched.
	@Bean
	@ConditionalOnEnabledHealthIndicator("chicorycache")
	@ConditionalOnMissingBean(name = "chicoryCacheHealthIndicator")
	ChicoryCacheHealthIndicator chicoryCacheHealthIndicator(DirectoryCache cache) {
		return new ChicoryCacheHealthIndicator(cache);
	}

}
