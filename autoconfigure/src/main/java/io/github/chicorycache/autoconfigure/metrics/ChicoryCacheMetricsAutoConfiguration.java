package io.github.chicorycache.autoconfigure.metrics;

import io.github.chicorycache.ChicoryCompiler;
import io.github.chicorycache.DirectoryCache;
import io.github.chicorycache.autoconfigure.ChicoryCacheAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the Chicory cache and compiler
 * meters, bound to every meter registry as {@link MeterBinder} beans.
 */
@AutoConfiguration(after = ChicoryCacheAutoConfiguration.class)
@ConditionalOnClass({ MeterRegistry.class, MeterBinder.class })
@ConditionalOnBean(ChicoryCompiler.class)
public final class ChicoryCacheMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ChicoryCompilerMeterBinder chicoryCompilerMeterBinder(ChicoryCompiler compiler) {
		return new ChicoryCompilerMeterBinder(compiler);
	}

	@Bean
	@ConditionalOnBean(DirectoryCache.class)
	@ConditionalOnMissingBean
	ChicoryCacheMeterBinder chicoryCacheMeterBinder(DirectoryCache cache) {
		return new ChicoryCacheMeterBinder(cache);
	}

}
