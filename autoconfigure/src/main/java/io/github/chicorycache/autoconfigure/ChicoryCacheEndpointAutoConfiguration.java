package io.github.chicorycache.autoconfigure;

import io.github.chicorycache.ChicoryCompiler;
import io.github.chicorycache.DirectoryCache;
import io.github.chicorycache.actuate.ChicoryCacheEndpoint;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} for the {@link ChicoryCacheEndpoint}.
 *
 * @author chicory-cache
 */
@AutoConfiguration(after = ChicoryCacheAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnAvailableEndpoint(ChicoryCacheEndpoint.class)
@ConditionalOnBean(ChicoryCompiler.class)
public final class ChicoryCacheEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ChicoryCacheEndpoint chicoryCacheEndpoint(ChicoryCompiler compiler, ObjectProvider<DirectoryCache> cache) {
		return new ChicoryCacheEndpoint(compiler, cache.getIfUnique());
	}

}
