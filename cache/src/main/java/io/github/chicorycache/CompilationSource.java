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
	 * Loaded from the persistent cache on this machine.
	 */
	DISK,

	/**
	 * Loaded from a remote cache shared by a fleet (and copied into the local one).
	 */
	REMOTE,

	/**
	 * Compiled by Chicory's compiler.
	 */
	COMPILER

}
