package io.github.chicorycache;

import java.util.Objects;
import java.util.function.Function;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;

/**
 * A module ready to run, as {@link ChicoryCompiler#load(byte[])} returns it: the parsed
 * module, the machine factory of its compiled code, and how they were obtained. Build as
 * many instances from it as needed, from any thread.
 * <p>
 * When the code came from the cache, {@link #module()} was made from the meta module
 * stored with it: every section of the original module is there, but the bodies of the
 * functions that were compiled are replaced by {@code unreachable} (the compiled code
 * never runs them). Run it with {@link #machineFactory()} (or
 * {@link #instanceBuilder()}), not with Chicory's interpreter alone. A compiler with
 * other options refuses it ({@link ChicoryCompiler#machineFactory}), since its code may
 * interpret a function whose body the module lacks.
 */
public final class LoadedModule {

	private final WasmModule module;

	private final Function<Instance, Machine> machineFactory;

	private final CompilationEvent event;

	/**
	 * Creates a loaded module.
	 * @param module the module
	 * @param machineFactory the machine factory, bound to the module object
	 * @param event how the module and its code were obtained
	 */
	public LoadedModule(WasmModule module, Function<Instance, Machine> machineFactory, CompilationEvent event) {
		this.module = Objects.requireNonNull(module, "module");
		this.machineFactory = Objects.requireNonNull(machineFactory, "machineFactory");
		this.event = Objects.requireNonNull(event, "event");
	}

	/**
	 * Returns the module.
	 * @return the module, the same object for every load of the same bytes that this JVM
	 * still holds
	 */
	public WasmModule module() {
		return this.module;
	}

	/**
	 * Returns the machine factory of the module's compiled code.
	 * @return the factory, bound to {@link #module()}
	 */
	public Function<Instance, Machine> machineFactory() {
		return this.machineFactory;
	}

	/**
	 * Returns a new instance builder for the module with its machine factory; shorthand
	 * for {@code Instance.builder(module()).withMachineFactory(machineFactory())}.
	 * @return the instance builder
	 */
	public Instance.Builder instanceBuilder() {
		return Instance.builder(this.module).withMachineFactory(this.machineFactory);
	}

	/**
	 * Returns how the module and its code were obtained: {@link CompilationSource#MEMORY}
	 * (loaded before in this JVM: nothing parsed), {@link CompilationSource#DISK} or
	 * {@link CompilationSource#REMOTE} (from the cache: the module made from the stored
	 * meta module when there is one) or {@link CompilationSource#COMPILER} (parsed with
	 * validation and compiled).
	 * @return the event
	 */
	public CompilationEvent event() {
		return this.event;
	}

	@Override
	public String toString() {
		return "LoadedModule " + this.event.digest() + " (" + this.event.source() + ")";
	}

}
