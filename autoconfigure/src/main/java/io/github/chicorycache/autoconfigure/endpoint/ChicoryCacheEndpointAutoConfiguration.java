package io.github.chicorycache.autoconfigure.endpoint;

import io.github.chicorycache.ChicoryCompiler;
import io.github.chicorycache.DirectoryCache;
import io.github.chicorycache.autoconfigure.ChicoryCacheAutoConfiguration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the {@link ChicoryCacheEndpoint}
 * and its web extension.
 */
@AutoConfiguration(after = ChicoryCacheAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(ChicoryCompiler.class)
@ConditionalOnAvailableEndpoint(ChicoryCacheEndpoint.class)
public final class ChicoryCacheEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ChicoryCacheEndpoint chicoryCacheEndpoint(ChicoryCompiler compiler, ObjectProvider<DirectoryCache> cache,
			ObjectProvider<RemoteTierReporter> remote) {
		return new ChicoryCacheEndpoint(compiler, cache.getIfUnique(), remote.getIfUnique());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(ChicoryCacheEndpoint.class)
	@ConditionalOnAvailableEndpoint(exposure = EndpointExposure.WEB)
	ChicoryCacheEndpointWebExtension chicoryCacheEndpointWebExtension(ChicoryCacheEndpoint endpoint) {
		return new ChicoryCacheEndpointWebExtension(endpoint);
	}

}
