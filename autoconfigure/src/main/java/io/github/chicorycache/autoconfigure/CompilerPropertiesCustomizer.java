package io.github.chicorycache.autoconfigure;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import io.github.chicorycache.MachineFactoryCompilerCustomizer;

/**
 * Applies the {@code chicory.cache.compiler.*} properties.
 */
final class CompilerPropertiesCustomizer implements MachineFactoryCompilerCustomizer {

	private final ChicoryCacheProperties.Compiler properties;

	CompilerPropertiesCustomizer(ChicoryCacheProperties.Compiler properties) {
		this.properties = properties;
	}

	@Override
	public void customize(MachineFactoryCompiler.Builder builder) {
		if (this.properties.getInterpreterFallback() != null) {
			builder.withInterpreterFallback(this.properties.getInterpreterFallback());
		}
		if (this.properties.getMaxFunctionsPerClass() != null) {
			builder.withMaxFunctionsPerClass(this.properties.getMaxFunctionsPerClass());
		}
	}

}
