package io.github.chicorycache.autoconfigure.health;

import io.github.chicorycache.DirectoryCache;
import io.github.chicorycache.autoconfigure.ChicoryCacheAutoConfiguration;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the
 * {@link ChicoryCacheHealthIndicator}, contributed as {@code chicoryCache}.
 */
@AutoConfiguration(after = ChicoryCacheAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(DirectoryCache.class)
@ConditionalOnEnabledHealthIndicator("chicorycache")
public final class ChicoryCacheHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "chicoryCacheHealthIndicator")
	ChicoryCacheHealthIndicator chicoryCacheHealthIndicator(DirectoryCache cache) {
		return new ChicoryCacheHealthIndicator(cache);
	}

}
