package io.github.chicorycache.compiler;

import java.util.function.Function;

import com.dylibso.chicory.runtime.CompiledModule;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;

/**
 * Not API: binds compiled code, which may be shared by several parses of the same module
 * bytes, to one {@link WasmModule} object, with the same guard as Chicory's own factory.
 */
public final class BoundMachineFactory implements Function<Instance, Machine>, CompiledModule {

	private final WasmModule module;

	private final Function<Instance, Machine> factory;

	/**
	 * Binds a factory to a module.
	 * @param module the module object that instances must be built from
	 * @param factory the factory of the compiled code, bound to no module
	 */
	public BoundMachineFactory(WasmModule module, Function<Instance, Machine> factory) {
		this.module = module;
		this.factory = factory;
	}

	@Override
	public Machine apply(Instance instance) {
		if (instance.module() != this.module) {
			throw new IllegalArgumentException("Instance module does not match factory module");
		}
		return this.factory.apply(instance);
	}

	@Override
	public WasmModule wasmModule() {
		return this.module;
	}

	@Override
	public Function<Instance, Machine> machineFactory() {
		return this.factory;
	}

}
