package io.github.chicorycache.sample;

import java.util.function.Function;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import io.github.chicorycache.ChicoryCompiler;
import io.github.chicorycache.Compilation;
import io.github.chicorycache.CompilationEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;

/**
 * Parses and compiles modules through the {@link ChicoryCompiler}, logging each module's
 * name and digest (the starter logs where its compiled code came from).
 */
@Component
public class ModuleLoader {

	private static final Log logger = LogFactory.getLog(ModuleLoader.class);

	private final ChicoryCompiler compiler;

	public ModuleLoader(ChicoryCompiler compiler) {
		this.compiler = compiler;
	}

	/**
	 * Parses and compiles a module.
	 * @param name a name for the log
	 * @param bytes the module
	 * @return the loaded module
	 */
	public LoadedModule load(String name, byte[] bytes) {
		long start = System.nanoTime();
		WasmModule module = Parser.parse(bytes);
		long parsed = System.nanoTime();
		Compilation compilation = this.compiler.compile(module);
		CompilationEvent event = compilation.event();
		// The starter logs where the compiled code came from, by digest; this names the
		// module.
		logger.info(String.format("Module %s (%,d bytes, %s): parsed in %d ms", name, bytes.length, module.digest(),
				(parsed - start) / 1_000_000));
		return new LoadedModule(module, compilation.machineFactory(), event);
	}

	/**
	 * A parsed module and its compiled code.
	 *
	 * @param module the module
	 * @param machineFactory the machine factory bound to it
	 * @param event how the compiled code was obtained
	 */
	public record LoadedModule(WasmModule module, Function<Instance, Machine> machineFactory, CompilationEvent event) {

		public Instance.Builder instanceBuilder() {
			return Instance.builder(this.module).withMachineFactory(this.machineFactory);
		}

	}

}
