package io.github.chicorycache;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.zip.Deflater;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.compiler.internal.ClassLoadingCollector;
import com.dylibso.chicory.compiler.internal.Compiler;
import com.dylibso.chicory.compiler.internal.MachineFactory;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import org.jspecify.annotations.Nullable;

/**
 * Compiles a module exactly as {@code MachineFactoryCompiler.Builder.compile()} does on a
 * cache miss (with Chicory's exported {@code com.dylibso.chicory.compiler.internal}
 * compiler and the builder's own options), but writes the JAR for the cache itself, in
 * the same layout and at {@link Deflater#BEST_SPEED}. Chicory writes it at the default
 * level, which costs 15 to 45 % of the compile time (the more, the smaller the module);
 * at {@code BEST_SPEED} it costs 1 to 5 %, and the entry is read back as fast.
 * <p>
 * Only used when Chicory's internals are as expected ({@link #AVAILABLE}); otherwise
 * {@link ChicoryCompiler} keeps to {@code MachineFactoryCompiler}'s public API. Entries
 * are kept apart by Chicory version (the namespace), so a later Chicory that changes the
 * layout never reads these; should it still fail to load one, the compiler's self-healing
 * replaces it.
 */
final class DirectCompiler {

	/**
	 * Name of the properties entry that names the main class, as Chicory's loader reads
	 * it.
	 */
	private static final String PROPERTIES = "wasm-module.properties";

	private static final @Nullable Field COMPILER_BUILDER = compilerBuilderField();

	/**
	 * Whether Chicory's internals are as this class expects.
	 */
	static final boolean AVAILABLE = COMPILER_BUILDER != null;

	private DirectCompiler() {
	}

	/**
	 * Compiles a module, defines its classes and hands the probe the JAR to store.
	 * @param module the module
	 * @param builder the customized builder of the module
	 * @param probe the probe of this compilation
	 * @return the machine factory
	 * @throws com.dylibso.chicory.wasm.ChicoryException if the module cannot be compiled
	 */
	static Function<Instance, Machine> compile(WasmModule module, MachineFactoryCompiler.Builder builder,
			CompilationProbe probe) {
		Compiler.Builder compiler;
		try {
			compiler = (Compiler.Builder) COMPILER_BUILDER.get(builder);
		}
		catch (IllegalAccessException ex) {
			throw new IllegalStateException(ex);
		}
		ClassLoadingCollector collector = (ClassLoadingCollector) compiler
			.withClassCollectorFactory(ClassLoadingCollector::new)
			.build()
			.compile()
			.collector();
		Function<Instance, Machine> factory = new MachineFactory(module, collector.machineFactory());
		probe.putIfAbsent(module.digest(), jar(collector.mainClassName(), collector.classBytes(), Deflater.BEST_SPEED));
		return factory;
	}

	/**
	 * Writes compiled classes in the JAR layout of Chicory's
	 * {@code MachineFactoryCompiler} (a properties entry naming the main class, then the
	 * classes).
	 * @param mainClass the main class name
	 * @param classes the class bytes by class name, main class first
	 * @param level the deflate level ({@link Deflater#BEST_SPEED} for the cache)
	 * @return the JAR
	 */
	static byte[] jar(String mainClass, Map<String, byte[]> classes, int level) {
		try {
			ByteArrayOutputStream bytes = new ByteArrayOutputStream();
			try (JarOutputStream out = new JarOutputStream(bytes)) {
				out.setLevel(level);
				Properties properties = new Properties();
				properties.put("mainClass", mainClass);
				ByteArrayOutputStream propertyBytes = new ByteArrayOutputStream();
				properties.store(propertyBytes, "");
				out.putNextEntry(new JarEntry(PROPERTIES));
				out.write(propertyBytes.toByteArray());
				out.closeEntry();
				for (Map.Entry<String, byte[]> entry : classes.entrySet()) {
					out.putNextEntry(new JarEntry(entry.getKey().replace('.', '/') + ".class"));
					out.write(entry.getValue());
					out.closeEntry();
				}
			}
			return bytes.toByteArray();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static @Nullable Field compilerBuilderField() {
		try {
			Field field = MachineFactoryCompiler.Builder.class.getDeclaredField("compilerBuilder");
			if (field.getType() != Compiler.Builder.class) {
				return null;
			}
			field.setAccessible(true);
			// Resolve what compile() uses now, so that a mismatch disables this class
			// instead of failing a compilation.
			Compiler.Builder.class.getMethod("withClassCollectorFactory", java.util.function.Supplier.class);
			Compiler.Builder.class.getMethod("build");
			Compiler.class.getMethod("compile");
			ClassLoadingCollector.class.getMethod("classBytes");
			ClassLoadingCollector.class.getMethod("mainClassName");
			ClassLoadingCollector.class.getMethod("machineFactory");
			MachineFactory.class.getConstructor(WasmModule.class, Function.class);
			return field;
		}
		catch (ReflectiveOperationException | RuntimeException | LinkageError ex) {
			return null;
		}
	}

}
