package io.github.chicorycache.autoconfigure.redis;

import io.github.chicorycache.DirectoryCache;
import io.github.chicorycache.autoconfigure.ChicoryCacheAutoConfiguration;
import io.github.chicorycache.autoconfigure.endpoint.RemoteTierReporter;
import io.github.chicorycache.redis.RedisCacheTier;
import io.github.chicorycache.redis.TieredCache;
import io.lettuce.core.RedisClient;
import io.lettuce.core.resource.ClientResources;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} for the Redis fleet tier of the Chicory compile cache: with
 * {@code chicory.cache.redis.enabled=true}, a {@link RedisCacheTier} on the Redis of
 * Spring Boot's {@code spring.data.redis.*} connection, and a {@link TieredCache} of the
 * {@link DirectoryCache} in front of it, which the {@code ChicoryCompiler} uses (it is
 * the primary cache bean). With Actuator, the tier shows in the {@code chicorycache}
 * endpoint's {@code remote} object and as the {@code chicoryCacheRemote} health
 * contributor; with Micrometer, as meters.
 */
@AutoConfiguration(after = ChicoryCacheAutoConfiguration.class,
		afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnClass({ RedisCacheTier.class, RedisClient.class, DataRedisConnectionDetails.class })
@ConditionalOnBooleanProperty("chicory.cache.redis.enabled")
@ConditionalOnBean({ DataRedisConnectionDetails.class, DirectoryCache.class })
@EnableConfigurationProperties(ChicoryCacheRedisProperties.class)
public final class ChicoryCacheRedisAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RedisCacheTier chicoryRedisCacheTier(ChicoryCacheRedisProperties properties,
			DataRedisConnectionDetails connectionDetails, ObjectProvider<ClientResources> clientResources) {
		return RedisCacheTierFactory.create(properties, connectionDetails, clientResources.getIfUnique());
	}

	@Bean
	@Primary
	@ConditionalOnMissingBean
	TieredCache chicoryTieredCache(DirectoryCache directoryCache, RedisCacheTier redisCacheTier) {
		return redisCacheTier.over(directoryCache);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Endpoint.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		RemoteTierReporter chicoryCacheRemoteTierReporter(RedisCacheTier redisCacheTier) {
			return new RedisTierReporter(redisCacheTier);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
	@ConditionalOnEnabledHealthIndicator("chicorycache")
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "chicoryCacheRemoteHealthIndicator")
		HealthIndicator chicoryCacheRemoteHealthIndicator(RedisCacheTier redisCacheTier) {
			return new RedisTierHealthIndicator(redisCacheTier);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ MeterRegistry.class, MeterBinder.class })
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "chicoryCacheRemoteMeterBinder")
		MeterBinder chicoryCacheRemoteMeterBinder(RedisCacheTier redisCacheTier) {
			return new RedisTierMeterBinder(redisCacheTier);
		}

	}

}
