package io.github.chicorycache;

/**
 * Receives the {@link CompilationEvent events} of a {@link ChicoryCompiler}, for metrics
 * and logs. Called on the compiling thread; must be fast and must not throw.
 */
@FunctionalInterface
public interface CompilationListener {

	/**
	 * Called after each successful {@link ChicoryCompiler#machineFactory} call.
	 * @param event the event
	 */
	void onCompilation(CompilationEvent event);

}
