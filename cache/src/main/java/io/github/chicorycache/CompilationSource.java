package io.github.chicorycache;

/**
 * Where a {@link ChicoryCompiler} got a module's compiled code from.
 */
public enum CompilationSource {

	/**
	 * Reused from a compilation earlier in this JVM: no disk read, no class definition.
	 */
	MEMORY,

	/**
	 * Loaded from the persistent cache.
	 */
	DISK,

	/**
	 * Compiled by Chicory's compiler.
	 */
	COMPILER

}
