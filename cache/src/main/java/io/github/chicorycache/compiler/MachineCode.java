package io.github.chicorycache.compiler;

import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import com.dylibso.chicory.compiler.Cache;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.CompiledModule;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import io.github.chicorycache.compiler.CompiledJarVerifier.InvalidEntryException;
import io.github.chicorycache.internal.ChicoryInternals;
import io.github.chicorycache.internal.ChicoryInternals.CompiledClasses;
import org.jspecify.annotations.Nullable;

/**
 * Not API: compiles modules, through {@link ChicoryInternals} where it can (the compiled
 * classes are handed over as they are) and through {@link MachineFactoryCompiler}'s
 * public API otherwise, and defines the classes of cache entries
 * ({@link EntryClassLoader}), so that an entry read by the cache is not read a second
 * time by Chicory.
 */
public final class MachineCode {

	private MachineCode() {
	}

	/**
	 * Compiles a module.
	 * @param builder the customized builder of the module
	 * @return the compiled code
	 * @throws com.dylibso.chicory.wasm.ChicoryException (or another exception of
	 * Chicory's) if the module cannot be compiled
	 */
	public static Compiled compile(MachineFactoryCompiler.Builder builder) {
		if (ChicoryInternals.canCompile()) {
			CompiledClasses compiled = ChicoryInternals.compile(builder);
			return new Compiled(compiled.machineFactory(), compiled.mainClass(), compiled.classes(),
					compiled.interpretedFunctions());
		}
		// Chicory hands the JAR it writes to its cache: take it from there.
		JarCapture capture = new JarCapture();
		Function<Instance, Machine> factory = unbound(builder.withCache(capture).compile());
		byte[] jar = capture.jar;
		if (jar == null) {
			throw new IllegalStateException("Chicory stored no compiled code for the module");
		}
		try {
			EntryJar.Contents contents = EntryJar.read(jar);
			return new Compiled(factory, contents.mainClass(), contents.classes(), null);
		}
		catch (InvalidEntryException ex) {
			throw new IllegalStateException("Chicory's compiled code is unreadable: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Defines the classes of a cache entry, without the module: so they can be defined
	 * while the module is still being parsed.
	 * @param contents the checked contents of the entry
	 * @return the machine factory, bound to no module
	 * @throws RuntimeException or {@link LinkageError} if the classes cannot be defined
	 */
	public static Function<Instance, Machine> define(EntryJar.Contents contents) {
		return EntryClassLoader.define(contents.mainClass(), contents.classes());
	}

	private static Function<Instance, Machine> unbound(Function<Instance, Machine> factory) {
		return (factory instanceof CompiledModule compiled) ? compiled.machineFactory() : factory;
	}

	/**
	 * Compiled code, its classes already defined.
	 *
	 * @param factory the machine factory, bound to no module
	 * @param mainClass the name of the machine class
	 * @param classes the class bytes by class name, main class first
	 * @param interpretedFunctions the functions left to the interpreter, or {@code null}
	 * if unknown (then no meta module can be made)
	 */
	public record Compiled(Function<Instance, Machine> factory, String mainClass, Map<String, byte[]> classes,
			@Nullable Set<Integer> interpretedFunctions) {

		/**
		 * Returns the size of the compiled code: the total size of its classes.
		 * @return the size in bytes
		 */
		public long size() {
			long size = 0;
			for (byte[] bytes : this.classes.values()) {
				size += bytes.length;
			}
			return size;
		}

	}

	private static final class JarCapture implements Cache {

		private byte @Nullable [] jar;

		@Override
		public byte @Nullable [] get(String key) {
			return null;
		}

		@Override
		public void putIfAbsent(String key, byte[] data) {
			this.jar = data;
		}

	}

}
