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
@ConditionalOnBean(ChicoryCompiler.class)
public final class ChicoryCacheEndpointAutoConfiguration {

	// The availability condition is on the method, not the class: its condition class is
	// in the optional Actuator jar, and the conditions of a method are only read once
	// those of the class (Actuator present) matched.
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint(ChicoryCacheEndpoint.class)
	ChicoryCacheEndpoint chicoryCacheEndpoint(ChicoryCompiler compiler, ObjectProvider<DirectoryCache> cache) {
		return new ChicoryCacheEndpoint(compiler, cache.getIfUnique());
	}

}
