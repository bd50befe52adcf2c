package io.github.chicorycache;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.dylibso.chicory.compiler.Cache;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import io.github.chicorycache.compiler.CompiledJarVerifier;
import io.github.chicorycache.compiler.EntryJar;
import io.github.chicorycache.testsupport.MapCache;
import io.github.chicorycache.testsupport.WasmModuleWriter;
import org.jspecify.annotations.Nullable;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Fixtures for the {@link ChicoryCompiler} tests: modules, calls, JAR surgery and test
 * caches.
 */
public final class CompilerFixtures {

	/**
	 * The JAR entry that names the main class.
	 */
	public static final String PROPERTIES = "wasm-module.properties";

	/**
	 * Chicory's default main class, as a JAR entry name.
	 */
	public static final String MAIN_CLASS = "com/dylibso/chicory/$gen/CompiledMachine.class";

	/**
	 * The first function group class, as a JAR entry name.
	 */
	public static final String FUNC_GROUP = "com/dylibso/chicory/$gen/CompiledMachineFuncGroup_0.class";

	private CompilerFixtures() {
	}

	/**
	 * Returns a compiler builder whose misses store on the caller's thread, so that a
	 * test sees the entry when the call returns (the background store has tests of its
	 * own).
	 * @return the builder
	 */
	public static ChicoryCompiler.Builder compilerBuilder() {
		return ChicoryCompiler.builder().withStoreQueueCapacity(0);
	}

	/**
	 * A small module of 8 functions; {@code f<i>(x) = x + i + seed}.
	 * @param seed the seed
	 * @return the module bytes
	 */
	public static byte[] small(int seed) {
		return WasmModuleWriter.functions(8, seed);
	}

	/**
	 * A module with a function too large for a JVM method, which the compiler leaves to
	 * the interpreter (with {@code InterpreterFallback} {@code WARN} or {@code SILENT}),
	 * and calls both ways between compiled and interpreted code: {@code f0(x) = x + 1};
	 * {@code f1(x) = f0(x) + adds}, the huge one; {@code f2(x) = f1(x) + f0(x)}.
	 * @param adds how many additions make {@code f1} huge
	 * @return the module bytes
	 */
	public static byte[] hugeFunctionModule(int adds) {
		ByteArrayOutputStream module = new ByteArrayOutputStream();
		module.writeBytes(new byte[] { 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00 });
		// one type, (i32) -> i32
		section(module, 1, new byte[] { 0x01, 0x60, 0x01, 0x7F, 0x01, 0x7F });
		section(module, 3, new byte[] { 0x03, 0x00, 0x00, 0x00 });
		ByteArrayOutputStream exports = new ByteArrayOutputStream();
		exports.write(3);
		for (int i = 0; i < 3; i++) {
			exports.write(2);
			exports.writeBytes(("f" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
			exports.write(0x00);
			exports.write(i);
		}
		section(module, 7, exports.toByteArray());
		ByteArrayOutputStream code = new ByteArrayOutputStream();
		code.write(3);
		body(code, new byte[] { 0x00, 0x20, 0x00, 0x41, 0x01, 0x6A, 0x0B });
		body(code, hugeBody(0, adds));
		body(code, new byte[] { 0x00, 0x20, 0x00, 0x10, 0x01, 0x20, 0x00, 0x10, 0x00, 0x6A, 0x0B });
		section(module, 10, code.toByteArray());
		return module.toByteArray();
	}

	/**
	 * A module whose bodies need more of the module than their own bytes, to be decoded
	 * or interpreted as the compiler was given them; four functions of type
	 * {@code () -> i32}, exported as {@code f0} to {@code f3}:
	 * <ul>
	 * <li>{@code f0} has a local {@code (ref null 1)}, a struct type, and a block of type
	 * index {@code 0}, both resolved with the type section: returns 1;</li>
	 * <li>{@code f1} uses {@code memory.init} and {@code data.drop}, which make the code
	 * section require the data count: returns 2;</li>
	 * <li>{@code f2} is {@code ref.test (ref 0)} on {@code ref.func 0}, whose source heap
	 * type only the validator writes into the instruction: returns 1;</li>
	 * <li>{@code f3} drops a {@code v128} local, which only the validator marks as two
	 * slots wide: returns 3.</li>
	 * </ul>
	 * @return the module bytes
	 */
	public static byte[] contextDependentModule() {
		ByteArrayOutputStream module = new ByteArrayOutputStream();
		module.writeBytes(new byte[] { 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00 });
		// type 0: () -> i32; type 1: (struct (field i32))
		section(module, 1, new byte[] { 0x02, 0x60, 0x00, 0x01, 0x7F, 0x5F, 0x01, 0x7F, 0x00 });
		section(module, 3, new byte[] { 0x04, 0x00, 0x00, 0x00, 0x00 });
		// one memory of one page
		section(module, 5, new byte[] { 0x01, 0x00, 0x01 });
		ByteArrayOutputStream exports = new ByteArrayOutputStream();
		exports.write(4);
		for (int i = 0; i < 4; i++) {
			exports.write(2);
			exports.writeBytes(("f" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
			exports.write(0x00);
			exports.write(i);
		}
		section(module, 7, exports.toByteArray());
		// a declarative element segment of f0, so that ref.func 0 is valid
		section(module, 9, new byte[] { 0x01, 0x03, 0x00, 0x01, 0x00 });
		// the data count: one segment
		section(module, 12, new byte[] { 0x01 });
		ByteArrayOutputStream code = new ByteArrayOutputStream();
		code.write(4);
		// local (ref null 1); block (type 0) i32.const 1 end; end
		body(code, new byte[] { 0x01, 0x01, 0x63, 0x01, 0x02, 0x00, 0x41, 0x01, 0x0B, 0x0B });
		// memory.init 0 of 2 bytes at 0; data.drop 0; i32.const 2; end
		body(code, new byte[] { 0x00, 0x41, 0x00, 0x41, 0x00, 0x41, 0x02, (byte) 0xFC, 0x08, 0x00, 0x00, (byte) 0xFC,
				0x09, 0x00, 0x41, 0x02, 0x0B });
		// ref.func 0; ref.test (ref 0); end
		body(code, new byte[] { 0x00, (byte) 0xD2, 0x00, (byte) 0xFB, 0x14, 0x00, 0x0B });
		// local v128; i32.const 3; local.get 0; drop; end
		body(code, new byte[] { 0x01, 0x01, 0x7B, 0x41, 0x03, 0x20, 0x00, 0x1A, 0x0B });
		section(module, 10, code.toByteArray());
		// one passive data segment, "hi"
		section(module, 11, new byte[] { 0x01, 0x01, 0x02, 'h', 'i' });
		return module.toByteArray();
	}

	/**
	 * {@link #hugeFunctionModule} after an imported function {@code env.g}, of type
	 * {@code (i32) -> i32}: the functions of the module are numbered from 1, so the huge
	 * one, which the compiler leaves to the interpreter, is function 2 but the second
	 * body. {@code f0(x) = g(x) + 1}; {@code f1(x) = f0(x) + adds}, the huge one;
	 * {@code f2(x) = f1(x) + f0(x)}.
	 * @param adds how many additions make {@code f1} huge
	 * @return the module bytes
	 */
	public static byte[] hugeFunctionModuleAfterAnImport(int adds) {
		ByteArrayOutputStream module = new ByteArrayOutputStream();
		module.writeBytes(new byte[] { 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00 });
		section(module, 1, new byte[] { 0x01, 0x60, 0x01, 0x7F, 0x01, 0x7F });
		section(module, 2, new byte[] { 0x01, 0x03, 'e', 'n', 'v', 0x01, 'g', 0x00, 0x00 });
		section(module, 3, new byte[] { 0x03, 0x00, 0x00, 0x00 });
		section(module, 7, new byte[] { 0x03, 0x02, 'f', '0', 0x00, 0x01, 0x02, 'f', '1', 0x00, 0x02, 0x02, 'f', '2',
				0x00, 0x03 });
		ByteArrayOutputStream code = new ByteArrayOutputStream();
		code.write(3);
		body(code, new byte[] { 0x00, 0x20, 0x00, 0x10, 0x00, 0x41, 0x01, 0x6A, 0x0B });
		body(code, hugeBody(1, adds));
		body(code, new byte[] { 0x00, 0x20, 0x00, 0x10, 0x02, 0x20, 0x00, 0x10, 0x01, 0x6A, 0x0B });
		section(module, 10, code.toByteArray());
		return module.toByteArray();
	}

	/**
	 * A module whose functions use a passive data segment, so that it has a data count
	 * section: {@code f0(x) = x + } the 4 bytes that {@code memory.init} copies to
	 * address 0 (little-endian 1), {@code f1(x) = x} after {@code data.drop} (then
	 * {@code f0} traps: the segment is gone).
	 * @return the module bytes
	 */
	public static byte[] dataCountModule() {
		ByteArrayOutputStream module = new ByteArrayOutputStream();
		module.writeBytes(new byte[] { 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00 });
		section(module, 1, new byte[] { 0x01, 0x60, 0x01, 0x7F, 0x01, 0x7F });
		section(module, 3, new byte[] { 0x02, 0x00, 0x00 });
		section(module, 5, new byte[] { 0x01, 0x00, 0x01 });
		section(module, 7, new byte[] { 0x02, 0x02, 'f', '0', 0x00, 0x00, 0x02, 'f', '1', 0x00, 0x01 });
		section(module, 12, new byte[] { 0x01 });
		ByteArrayOutputStream code = new ByteArrayOutputStream();
		code.write(2);
		// i32.const 0; i32.const 0; i32.const 4; memory.init 0; i32.const 0; i32.load;
		// local.get 0; i32.add
		body(code, new byte[] { 0x00, 0x41, 0x00, 0x41, 0x00, 0x41, 0x04, (byte) 0xFC, 0x08, 0x00, 0x00, 0x41, 0x00,
				0x28, 0x02, 0x00, 0x20, 0x00, 0x6A, 0x0B });
		// data.drop 0; local.get 0
		body(code, new byte[] { 0x00, (byte) 0xFC, 0x09, 0x00, 0x20, 0x00, 0x0B });
		section(module, 10, code.toByteArray());
		// one passive segment: 01 00 00 00
		section(module, 11, new byte[] { 0x01, 0x01, 0x04, 0x01, 0x00, 0x00, 0x00 });
		return module.toByteArray();
	}

	/**
	 * A module whose first function declares a local of a reference type that names a
	 * type of the module ({@code (ref null 0)}), which the parser resolves against the
	 * type section: {@code f0(x) = x + 1}, {@code f1(x) = f0(x) * 2}.
	 * @return the module bytes
	 */
	public static byte[] typedLocalModule() {
		ByteArrayOutputStream module = new ByteArrayOutputStream();
		module.writeBytes(new byte[] { 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00 });
		section(module, 1, new byte[] { 0x01, 0x60, 0x01, 0x7F, 0x01, 0x7F });
		section(module, 3, new byte[] { 0x02, 0x00, 0x00 });
		section(module, 7, new byte[] { 0x02, 0x02, 'f', '0', 0x00, 0x00, 0x02, 'f', '1', 0x00, 0x01 });
		ByteArrayOutputStream code = new ByteArrayOutputStream();
		code.write(2);
		// one local (ref null 0); local.get 0; i32.const 1; i32.add
		body(code, new byte[] { 0x01, 0x01, 0x63, 0x00, 0x20, 0x00, 0x41, 0x01, 0x6A, 0x0B });
		// local.get 0; call 0; i32.const 2; i32.mul
		body(code, new byte[] { 0x00, 0x20, 0x00, 0x10, 0x00, 0x41, 0x02, 0x6C, 0x0B });
		section(module, 10, code.toByteArray());
		return module.toByteArray();
	}

	/**
	 * A module with a custom section appended, whose bytes take a while to digest.
	 * @param bytes the module bytes
	 * @param payload how many bytes of payload the custom section holds
	 * @return the module bytes with the section
	 */
	public static byte[] withCustomSection(byte[] bytes, int payload) {
		ByteArrayOutputStream module = new ByteArrayOutputStream();
		module.writeBytes(bytes);
		byte[] content = new byte[2 + payload];
		content[0] = 1;
		content[1] = 'x';
		section(module, 0, content);
		return module.toByteArray();
	}

	/**
	 * The body of a function too large for the JVM: no locals; {@code local.get 0; call
	 * callee}, then {@code adds} times {@code i32.const 1; i32.add}.
	 */
	private static byte[] hugeBody(int callee, int adds) {
		ByteArrayOutputStream huge = new ByteArrayOutputStream();
		huge.writeBytes(new byte[] { 0x00, 0x20, 0x00, 0x10, (byte) callee });
		for (int i = 0; i < adds; i++) {
			huge.writeBytes(new byte[] { 0x41, 0x01, 0x6A });
		}
		huge.write(0x0B);
		return huge.toByteArray();
	}

	private static void section(ByteArrayOutputStream module, int id, byte[] content) {
		module.write(id);
		leb128(module, content.length);
		module.writeBytes(content);
	}

	private static void body(ByteArrayOutputStream code, byte[] body) {
		leb128(code, body.length);
		code.writeBytes(body);
	}

	private static void leb128(ByteArrayOutputStream out, int value) {
		int rest = value;
		while ((rest & ~0x7F) != 0) {
			out.write((rest & 0x7F) | 0x80);
			rest >>>= 7;
		}
		out.write(rest);
	}

	/**
	 * Parses a module, with its digest.
	 * @param bytes the module bytes
	 * @return a new module object
	 */
	public static WasmModule parse(byte[] bytes) {
		return Parser.parse(bytes);
	}

	/**
	 * Parses a module of {@link WasmModuleWriter#functions} and rebuilds it without a
	 * digest (the parser's digest setting is JVM-wide, so it is not touched).
	 * @param bytes the module bytes
	 * @return a module whose {@code digest()} is {@code null}
	 */
	public static WasmModule withoutDigest(byte[] bytes) {
		WasmModule parsed = Parser.parse(bytes);
		return WasmModule.builder()
			.setTypeSection(parsed.typeSection())
			.setFunctionSection(parsed.functionSection())
			.setExportSection(parsed.exportSection())
			.setCodeSection(parsed.codeSection())
			.build();
	}

	/**
	 * Instantiates a module with a machine factory.
	 * @param module the module
	 * @param factory the factory
	 * @return the instance
	 */
	public static Instance instance(WasmModule module, Function<Instance, Machine> factory) {
		return Instance.builder(module).withMachineFactory(factory).build();
	}

	/**
	 * Calls {@code f<index>(arg)} of a {@link WasmModuleWriter#functions} instance.
	 * @param instance the instance
	 * @param index the function index
	 * @param arg the argument
	 * @return the result
	 */
	public static int call(Instance instance, int index, int arg) {
		return (int) instance.export(WasmModuleWriter.exportName(index)).apply(arg)[0];
	}

	/**
	 * Instantiates a {@link WasmModuleWriter#functions} module with a factory and calls
	 * {@code f<index>(arg)}.
	 * @param module the module
	 * @param factory the factory
	 * @param index the function index
	 * @param arg the argument
	 * @return the result
	 */
	public static int call(WasmModule module, Function<Instance, Machine> factory, int index, int arg) {
		return call(instance(module, factory), index, arg);
	}

	/**
	 * Returns the class loader of the compiled code behind a factory.
	 * @param module the module the factory is bound to
	 * @param factory the factory
	 * @return the class loader that defined the generated machine class
	 */
	public static ClassLoader machineClassLoader(WasmModule module, Function<Instance, Machine> factory) {
		Instance instance = instance(module, factory);
		return factory.apply(instance).getClass().getClassLoader();
	}

	/**
	 * Compiles a module with bare Chicory and returns the JAR it stores.
	 * @param bytes the module bytes
	 * @return the JAR, unbound
	 */
	public static byte[] chicoryJar(byte[] bytes) {
		return chicoryJar(bytes, (builder) -> {
		});
	}

	/**
	 * Compiles a module with bare Chicory and returns the JAR it stores.
	 * @param bytes the module bytes
	 * @param customizer options for the compiler
	 * @return the JAR, unbound
	 */
	public static byte[] chicoryJar(byte[] bytes, MachineFactoryCompilerCustomizer customizer) {
		MapCache recorder = new MapCache();
		MachineFactoryCompiler.Builder builder = MachineFactoryCompiler.builder(parse(bytes));
		customizer.customize(builder);
		builder.withCache(recorder).compile();
		return recorder.singleValue();
	}

	/**
	 * Compiles a module with a {@link ChicoryCompiler} with default options and returns
	 * the JAR it stores, bound to the module and the default namespace.
	 * @param bytes the module bytes
	 * @return the bound JAR
	 */
	public static byte[] boundJar(byte[] bytes) {
		MapCache recorder = new MapCache();
		compilerBuilder().withCache(recorder).build().machineFactory(parse(bytes));
		return recorder.singleValue();
	}

	/**
	 * Returns the binding a {@link ChicoryCompiler} gives the entry of a module.
	 * @param compiler the compiler (its default namespace is used)
	 * @param module the module
	 * @return the binding
	 */
	public static String binding(ChicoryCompiler compiler, WasmModule module) {
		return CompiledJarVerifier.binding(compiler.namespace(), module.digest());
	}

	/**
	 * Returns the size of the compiled code in an entry, as compilation events report it:
	 * the total size of its classes.
	 * @param jar the entry
	 * @return the size in bytes
	 */
	public static long codeSize(byte[] jar) {
		try {
			return EntryJar.read(jar).classBytes();
		}
		catch (CompiledJarVerifier.InvalidEntryException ex) {
			throw new IllegalArgumentException(ex);
		}
	}

	/**
	 * Rewrites a JAR of Chicory's as this library writes its entries: with the list of
	 * its classes (unbound).
	 * @param jar the JAR
	 * @return the entry
	 */
	public static byte[] asEntry(byte[] jar) {
		try {
			EntryJar.Contents contents = EntryJar.read(jar);
			return EntryJar.write(contents.mainClass(), contents.classes(), java.util.zip.Deflater.BEST_SPEED, null, 0);
		}
		catch (CompiledJarVerifier.InvalidEntryException ex) {
			throw new IllegalArgumentException(ex);
		}
	}

	/**
	 * Reads the entries of a JAR, in order.
	 * @param jar the JAR
	 * @return the entries by name
	 */
	public static Map<String, byte[]> jarEntries(byte[] jar) {
		Map<String, byte[]> entries = new LinkedHashMap<>();
		try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
			JarEntry entry;
			while ((entry = in.getNextJarEntry()) != null) {
				entries.put(entry.getName(), in.readAllBytes());
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return entries;
	}

	/**
	 * Returns the names of the class entries of a JAR.
	 * @param jar the JAR
	 * @return the class entry names
	 */
	public static List<String> classEntries(byte[] jar) {
		return jarEntries(jar).keySet().stream().filter((name) -> name.endsWith(".class")).toList();
	}

	/**
	 * Writes a JAR.
	 * @param entries the entries by name
	 * @return the JAR
	 */
	public static byte[] jar(Map<String, byte[]> entries) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (JarOutputStream out = new JarOutputStream(bytes)) {
			for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
				out.putNextEntry(new JarEntry(entry.getKey()));
				out.write(entry.getValue());
				out.closeEntry();
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return bytes.toByteArray();
	}

	/**
	 * Rewrites a JAR without one entry (the result is unbound).
	 * @param jar the JAR
	 * @param name the entry to leave out
	 * @return the new JAR
	 */
	public static byte[] without(byte[] jar, String name) {
		Map<String, byte[]> entries = jarEntries(jar);
		if (entries.remove(name) == null) {
			throw new IllegalArgumentException("No entry " + name + " in " + entries.keySet());
		}
		return jar(entries);
	}

	/**
	 * Rewrites a JAR with one entry replaced or added (the result is unbound).
	 * @param jar the JAR
	 * @param name the entry
	 * @param content its new content
	 * @return the new JAR
	 */
	public static byte[] with(byte[] jar, String name, byte[] content) {
		Map<String, byte[]> entries = jarEntries(jar);
		entries.put(name, content);
		return jar(entries);
	}

	/**
	 * Rewrites a JAR with one entry transformed (the result is unbound).
	 * @param jar the JAR
	 * @param name the entry
	 * @param transformation what to do with its content
	 * @return the new JAR
	 */
	public static byte[] transform(byte[] jar, String name, Function<byte[], byte[]> transformation) {
		Map<String, byte[]> entries = jarEntries(jar);
		byte[] content = entries.get(name);
		if (content == null) {
			throw new IllegalArgumentException("No entry " + name + " in " + entries.keySet());
		}
		entries.put(name, transformation.apply(content));
		return jar(entries);
	}

	/**
	 * Returns {@code wasm-module.properties} content.
	 * @param mainClass the main class, or {@code null} for none
	 * @return the content
	 */
	public static byte[] properties(@Nullable String mainClass) {
		Properties properties = new Properties();
		if (mainClass != null) {
			properties.setProperty("mainClass", mainClass);
		}
		properties.setProperty("other", "value");
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try {
			properties.store(out, null);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return out.toByteArray();
	}

	/**
	 * Damages a class so that the JVM's verifier rejects it ({@link VerifyError}): every
	 * method starts by popping from the empty operand stack. Its constant pool is intact.
	 * @param classFile the class
	 * @return the damaged class
	 */
	public static byte[] unverifiable(byte[] classFile) {
		ClassReader reader = new ClassReader(classFile);
		ClassWriter writer = new ClassWriter(0);
		reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {

			@Override
			public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
					String[] exceptions) {
				return new MethodVisitor(Opcodes.ASM9,
						super.visitMethod(access, name, descriptor, signature, exceptions)) {

					@Override
					public void visitCode() {
						super.visitCode();
						super.visitInsn(Opcodes.POP);
					}

				};
			}

		}, 0);
		return writer.toByteArray();
	}

	/**
	 * Damages a class so that the JVM refuses to define it ({@link ClassFormatError}): it
	 * ends right after its name and super class, without interfaces, fields, methods and
	 * attributes. Its constant pool is intact.
	 * @param classFile the class
	 * @return the damaged class
	 */
	public static byte[] truncatedAfterHeader(byte[] classFile) {
		return Arrays.copyOf(classFile, new ClassReader(classFile).header + 6);
	}

	/**
	 * Damages a class so that no class reader accepts it: its major version is one no JVM
	 * supports. Its constant pool is intact.
	 * @param classFile the class
	 * @return the damaged class
	 */
	public static byte[] unsupportedVersion(byte[] classFile) {
		byte[] damaged = classFile.clone();
		damaged[6] = 0x7F;
		damaged[7] = (byte) 0xFF;
		return damaged;
	}

	/**
	 * Returns deterministic pseudo-random bytes.
	 * @param length the length
	 * @param seed the seed
	 * @return the bytes
	 */
	public static byte[] garbage(int length, long seed) {
		byte[] bytes = new byte[length];
		new Random(seed).nextBytes(bytes);
		return bytes;
	}

	/**
	 * Opens a directory cache without background cleanup, so tests see only their own
	 * actions.
	 * @param root the root
	 * @return the cache
	 */
	public static DirectoryCache directoryCache(Path root) {
		return DirectoryCache.builder(root).withCleanupOnOpen(false).build();
	}

	/**
	 * Returns the entry files (of all namespaces) under a cache root, temp files
	 * excluded.
	 * @param root the root
	 * @return the entry files
	 */
	public static List<Path> entryFiles(Path root) {
		return files(root, (file) -> file.getFileName().toString().endsWith(".jar"));
	}

	/**
	 * Returns all regular files under a directory.
	 * @param root the directory
	 * @param filter which files
	 * @return the files
	 */
	public static List<Path> files(Path root, Predicate<Path> filter) {
		if (!Files.isDirectory(root)) {
			return List.of();
		}
		try (Stream<Path> files = Files.walk(root)) {
			return files.filter(Files::isRegularFile).filter(filter).sorted().collect(Collectors.toList());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Returns the namespace directories directly under a cache root.
	 * @param root the root
	 * @return the directory names, sorted
	 */
	public static List<String> namespaceDirectories(Path root) {
		try (Stream<Path> children = Files.list(root)) {
			return children.filter(Files::isDirectory)
				.map((dir) -> dir.getFileName().toString())
				.filter((name) -> name.startsWith("chicory-"))
				.sorted()
				.toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Returns the entry file of a module in a namespace of a directory cache.
	 * @param cache the cache
	 * @param namespace the namespace
	 * @param module the module
	 * @return the file, which must exist
	 */
	public static Path entryFile(DirectoryCache cache, String namespace, WasmModule module) {
		CacheEntry entry = cache.namespace(namespace)
			.entry(module.digest())
			.orElseThrow(() -> new AssertionError("No entry for " + module.digest() + " in " + namespace));
		return cache.root().resolve(entry.path());
	}

	/**
	 * Returns the number of classes loaded since the JVM started (never decreases).
	 * @return the count
	 */
	public static long totalLoadedClasses() {
		return ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount();
	}

	/**
	 * A cache that fails on every call.
	 */
	static final class FailingCache implements Cache {

		final boolean checked;

		final AtomicInteger calls = new AtomicInteger();

		FailingCache(boolean checked) {
			this.checked = checked;
		}

		@Override
		public byte @Nullable [] get(String key) throws IOException {
			return fail("get");
		}

		@Override
		public void putIfAbsent(String key, byte[] data) throws IOException {
			fail("put");
		}

		private byte[] fail(String operation) throws IOException {
			this.calls.incrementAndGet();
			if (this.checked) {
				throw new IOException("disk on fire during " + operation);
			}
			throw new IllegalStateException("cache bug during " + operation);
		}

	}

	/**
	 * Records compilation events.
	 */
	static final class RecordingListener implements CompilationListener {

		final List<CompilationEvent> events = new CopyOnWriteArrayList<>();

		@Override
		public void onCompilation(CompilationEvent event) {
			this.events.add(event);
		}

		CompilationEvent last() {
			if (this.events.isEmpty()) {
				throw new AssertionError("No events");
			}
			return this.events.get(this.events.size() - 1);
		}

		List<CompilationSource> sources() {
			return this.events.stream().map(CompilationEvent::source).toList();
		}

		long count(CompilationSource source) {
			return this.events.stream().filter((event) -> event.source() == source).count();
		}

	}

}
