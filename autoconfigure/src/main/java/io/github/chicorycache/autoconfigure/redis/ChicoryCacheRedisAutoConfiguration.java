package io.github.chicorycache.autoconfigure.redis;

import io.github.chicorycache.DirectoryCache;
import io.github.chicorycache.autoconfigure.ChicoryCacheAutoConfiguration;
import io.github.chicorycache.redis.RedisCacheTier;
import io.github.chicorycache.redis.TieredCache;
import io.lettuce.core.RedisClient;
import io.lettuce.core.resource.ClientResources;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} for the Redis fleet tier of the Chicory compile cache: with
 * {@code chicory.cache.redis.enabled=true}, a {@link RedisCacheTier} on the Redis of
 * Spring Boot's {@code spring.data.redis.*} connection, and a {@link TieredCache} of the
 * {@link DirectoryCache} in front of it, which the {@code ChicoryCompiler} uses (it is
 * the primary cache bean).
 */
@AutoConfiguration(after = ChicoryCacheAutoConfiguration.class,
		afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnClass({ RedisCacheTier.class, RedisClient.class, DataRedisConnectionDetails.class })
@ConditionalOnBooleanProperty("chicory.cache.redis.enabled")
@EnableConfigurationProperties(ChicoryCacheRedisProperties.class)
public final class ChicoryCacheRedisAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean({ DataRedisConnectionDetails.class, DirectoryCache.class })
	RedisCacheTier chicoryRedisCacheTier(ChicoryCacheRedisProperties properties,
			DataRedisConnectionDetails connectionDetails, ObjectProvider<ClientResources> clientResources) {
		return RedisCacheTierFactory.create(properties, connectionDetails, clientResources.getIfUnique());
	}

	@Bean
	@Primary
	@ConditionalOnBean({ DirectoryCache.class, RedisCacheTier.class })
	@ConditionalOnMissingBean
	TieredCache chicoryTieredCache(DirectoryCache directoryCache, RedisCacheTier redisCacheTier) {
		return redisCacheTier.over(directoryCache);
	}

}
