package io.github.chicorycache;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;

/**
 * Callback that sets compiler options on every compilation of a {@link ChicoryCompiler}.
 * <p>
 * The options a customizer sets are part of the cache namespace, so entries compiled with
 * other options are never loaded. A customizer must not set the cache: the
 * {@link ChicoryCompiler} sets its own after all customizers ran.
 */
@FunctionalInterface
public interface MachineFactoryCompilerCustomizer {

	/**
	 * Customizes the compiler builder.
	 * @param builder the builder
	 */
	void customize(MachineFactoryCompiler.Builder builder);

}
