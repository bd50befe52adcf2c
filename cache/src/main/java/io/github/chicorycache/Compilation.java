package io.github.chicorycache;

import java.util.function.Function;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;

/**
 * The result of {@link ChicoryCompiler#compile(com.dylibso.chicory.wasm.WasmModule)}: the
 * machine factory and how it was obtained.
 *
 * @param machineFactory the machine factory, bound to the compiled module object
 * @param event how it was obtained (source, duration, size)
 */
public record Compilation(Function<Instance, Machine> machineFactory, CompilationEvent event) {

}
