package io.github.chicorycache.autoconfigure;

import com.dylibso.chicory.compiler.Cache;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import io.github.chicorycache.ChicoryCompiler;
import io.github.chicorycache.CompilationListener;
import io.github.chicorycache.DirectoryCache;
import io.github.chicorycache.MachineFactoryCompilerCustomizer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.core.io.support.ResourcePatternResolver;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the Chicory compile cache: a
 * {@link DirectoryCache} from the {@code chicory.cache.*} properties, a
 * {@link ChicoryCompiler} using it, periodic cleanup, a log line per module loaded, and
 * warm-up.
 */
@AutoConfiguration
@ConditionalOnClass(MachineFactoryCompiler.class)
@EnableConfigurationProperties(ChicoryCacheProperties.class)
public final class ChicoryCacheAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(Cache.class)
	@ConditionalOnBooleanProperty(name = "chicory.cache.enabled", matchIfMissing = true)
	DirectoryCache chicoryDirectoryCache(ChicoryCacheProperties properties, Environment environment) {
		ChicoryCachePropertiesValidator.validate(properties, environment);
		return DirectoryCacheFactory.create(properties, environment);
	}

	@Bean
	@ConditionalOnBean(DirectoryCache.class)
	@ConditionalOnMissingBean
	DirectoryCacheCleanupScheduler chicoryDirectoryCacheCleanupScheduler(DirectoryCache cache,
			ChicoryCacheProperties properties) {
		return new DirectoryCacheCleanupScheduler(cache, properties.getCleanupInterval());
	}

	@Bean
	@ConditionalOnMissingBean
	CompilationLogger chicoryCompilationLogger() {
		return new CompilationLogger();
	}

	@Bean
	@ConditionalOnMissingBean
	ChicoryCompiler chicoryCompiler(ChicoryCacheProperties properties, Environment environment,
			ObjectProvider<Cache> cache, ObjectProvider<MachineFactoryCompilerCustomizer> customizers,
			ObjectProvider<CompilationListener> listeners) {
		ChicoryCachePropertiesValidator.validate(properties, environment);
		ChicoryCompiler.Builder builder = ChicoryCompiler.builder()
			.withCache(properties.isEnabled() ? cache.getIfUnique() : null)
			.withMemoryMaxEntries(properties.getMemory().getMaxEntries())
			.withMemoryMaxBytes(properties.getMemory().getMaxSize().toBytes());
		ChicoryCacheProperties.Compiler compiler = properties.getCompiler();
		if (compiler.getInterpreterFallback() != null || compiler.getMaxFunctionsPerClass() != null) {
			// Only then: a compiler without customizers needs no builder for its
			// namespace.
			builder.withCustomizer(new CompilerPropertiesCustomizer(compiler));
		}
		customizers.orderedStream().forEach(builder::withCustomizer);
		listeners.orderedStream().forEach(builder::withListener);
		return builder.build();
	}

	@Bean
	@ConditionalOnMissingBean
	@Conditional(OnWarmupLocationsCondition.class)
	ChicoryCacheWarmup chicoryCacheWarmup(ChicoryCompiler compiler, ResourcePatternResolver resourcePatternResolver,
			ChicoryCacheProperties properties) {
		return new ChicoryCacheWarmup(compiler, resourcePatternResolver, properties.getWarmup());
	}

}
