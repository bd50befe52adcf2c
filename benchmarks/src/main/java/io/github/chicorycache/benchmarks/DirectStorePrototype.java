package io.github.chicorycache.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.util.Map;
import java.util.function.Function;

import com.dylibso.chicory.compiler.Cache;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.compiler.internal.ClassLoadingCollector;
import com.dylibso.chicory.compiler.internal.Compiler;
import com.dylibso.chicory.compiler.internal.MachineFactory;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import io.github.chicorycache.BenchmarkAccess;

/**
 * Prototype of a cheaper miss, for measurement only: instead of
 * {@code MachineFactoryCompiler.Builder.compile()} with a cache, which serializes the
 * classes into a JAR at the default deflate level before calling
 * {@code Cache.putIfAbsent}, compile with Chicory's exported
 * {@code com.dylibso.chicory.compiler.internal.Compiler} (as that method does) and write
 * the same JAR layout ourselves at a chosen level: {@code Deflater.BEST_SPEED}, or
 * {@code Deflater.NO_COMPRESSION} (which also spares every later hit the inflation). The
 * entry is bound and stored as {@code ChicoryCompiler} stores it.
 */
public final class DirectStorePrototype {

	private static final Field COMPILER_BUILDER;

	static {
		try {
			COMPILER_BUILDER = MachineFactoryCompiler.Builder.class.getDeclaredField("compilerBuilder");
			COMPILER_BUILDER.setAccessible(true);
		}
		catch (NoSuchFieldException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private DirectStorePrototype() {
	}

	/**
	 * Compiles a module, defines its classes and stores its JAR.
	 * @param module the module
	 * @param store the cache (a namespace view for a {@code DirectoryCache})
	 * @param namespace the namespace the entry is bound to
	 * @param level the deflate level of the JAR entries
	 * @return the machine factory
	 */
	public static Function<Instance, Machine> compileAndStore(WasmModule module, Cache store, String namespace,
			int level) {
		try {
			Compiler.Builder compiler = (Compiler.Builder) COMPILER_BUILDER.get(MachineFactoryCompiler.builder(module));
			ClassLoadingCollector collector = (ClassLoadingCollector) compiler
				.withClassCollectorFactory(ClassLoadingCollector::new)
				.build()
				.compile()
				.collector();
			Function<Instance, Machine> factory = new MachineFactory(module, collector.machineFactory());
			byte[] jar = BenchmarkAccess.jar(collector.mainClassName(), collector.classBytes(), level);
			store.putIfAbsent(module.digest(), BenchmarkAccess.bind(jar, namespace, module.digest()));
			return factory;
		}
		catch (IllegalAccessException ex) {
			throw new IllegalStateException(ex);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
