package io.github.chicorycache.sample;

import io.github.chicorycache.ChicoryCompiler;
import io.github.chicorycache.LoadedModule;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;

/**
 * Loads modules through the {@link ChicoryCompiler}, logging each module's name and
 * digest (the starter logs where its compiled code came from).
 */
@Component
public class ModuleLoader {

	private static final Log logger = LogFactory.getLog(ModuleLoader.class);

	private final ChicoryCompiler compiler;

	public ModuleLoader(ChicoryCompiler compiler) {
		this.compiler = compiler;
	}

	/**
	 * Loads a module from its bytes: from this JVM's memory, the cache or the compiler.
	 * @param name a name for the log
	 * @param bytes the module
	 * @return the loaded module
	 */
	public LoadedModule load(String name, byte[] bytes) {
		long start = System.nanoTime();
		LoadedModule module = this.compiler.load(bytes);
		// The starter logs where the compiled code came from, by digest; this names the
		// module.
		logger.info(String.format("Module %s (%,d bytes, %s): loaded in %d ms", name, bytes.length,
				module.module().digest(), (System.nanoTime() - start) / 1_000_000));
		return module;
	}

}
