package io.github.chicorycache.autoconfigure;

import io.github.chicorycache.autoconfigure.endpoint.ChicoryCacheEndpointAutoConfiguration;
import io.github.chicorycache.autoconfigure.health.ChicoryCacheHealthContributorAutoConfiguration;
import io.github.chicorycache.autoconfigure.metrics.ChicoryCacheMetricsAutoConfiguration;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.annotation.Configuration;

/**
 * Imports the auto-configurations the way an application does, through
 * {@code AutoConfigurationImportSelector}: the class-level conditions are read from the
 * class files and filtered with the generated auto-configuration metadata, so that an
 * auto-configuration whose optional dependency is missing is skipped before its
 * annotations are resolved. With a {@code FilteredClassLoader}, this is how an
 * application without Actuator or Micrometer behaves.
 */
@Configuration(proxyBeanMethods = false)
@ImportAutoConfiguration({ ChicoryCacheAutoConfiguration.class, ChicoryCacheEndpointAutoConfiguration.class,
		ChicoryCacheHealthContributorAutoConfiguration.class, ChicoryCacheMetricsAutoConfiguration.class })
public class ImportedAutoConfigurations {

}
