package io.github.chicorycache.compiler;

import java.lang.ref.Reference;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import io.github.chicorycache.CompilerFixtures;
import io.github.chicorycache.testsupport.Await;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link EntryClassLoader}.
 */
class EntryClassLoaderTests {

	private static final byte[] MODULE = CompilerFixtures.small(1);

	@Test
	void theClassBytesAreNotKeptOnceDefined() throws Exception {
		List<WeakReference<byte[]>> classBytes = new ArrayList<>();
		Function<Instance, Machine> factory = define(classBytes);
		assertThat(Await.gcUntil(() -> classBytes.stream().allMatch((bytes) -> bytes.refersTo(null))))
			.as("the class bytes are collected")
			.isTrue();
		// the classes are defined: the factory works without their bytes
		WasmModule module = CompilerFixtures.parse(MODULE);
		assertThat(CompilerFixtures.call(module, factory, 0, 2)).isEqualTo(CompilerFixtures.call(module,
				CompilerFixtures.compilerBuilder().build().compile(module).machineFactory(), 0, 2));
		Reference.reachabilityFence(factory);
	}

	private static Function<Instance, Machine> define(List<WeakReference<byte[]>> classBytes) throws Exception {
		EntryJar.Contents contents = EntryJar.read(CompilerFixtures.chicoryJar(MODULE));
		Map<String, byte[]> classes = new LinkedHashMap<>();
		contents.classes().forEach((name, bytes) -> {
			byte[] copy = bytes.clone();
			classBytes.add(new WeakReference<>(copy));
			classes.put(name, copy);
		});
		return EntryClassLoader.define(contents.mainClass(), classes);
	}

	@Test
	void aMachineClassThatCannotBeMadeFailsTheDefinitionNotTheFirstInstance() throws Exception {
		EntryJar.Contents contents = EntryJar.read(CompilerFixtures.chicoryJar(MODULE));
		// package-private, then abstract (and so not final)
		int[][] changes = { { Opcodes.ACC_PUBLIC, 0 }, { Opcodes.ACC_FINAL, Opcodes.ACC_ABSTRACT } };
		for (int[] change : changes) {
			int removed = change[0];
			int added = change[1];
			Map<String, byte[]> classes = new LinkedHashMap<>(contents.classes());
			classes.computeIfPresent(contents.mainClass(), (name, bytes) -> withAccess(bytes, removed, added));
			assertThatIllegalStateException().isThrownBy(() -> EntryClassLoader.define(contents.mainClass(), classes))
				.withMessageContaining(contents.mainClass());
		}
	}

	@Test
	void anEntryWithAClassOutsideTheMainClassesPackageIsRefused() throws Exception {
		EntryJar.Contents contents = EntryJar.read(CompilerFixtures.chicoryJar(MODULE));
		byte[] someClass = contents.classes().values().iterator().next();
		for (String stranger : List.of("com.dylibso.chicory.runtime.Instance", "java.lang.String", "Unnamed")) {
			Map<String, byte[]> classes = new LinkedHashMap<>(contents.classes());
			classes.put(stranger, someClass);
			assertThatIllegalArgumentException()
				.isThrownBy(() -> EntryClassLoader.define(contents.mainClass(), classes))
				.withMessageContaining(stranger)
				.withMessageContaining("not in the package of the main class");
		}
	}

	private static byte[] withAccess(byte[] classFile, int removed, int added) {
		ClassWriter writer = new ClassWriter(0);
		new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9, writer) {

			@Override
			public void visit(int version, int access, String name, String signature, String superName,
					String[] interfaces) {
				super.visit(version, (access & ~removed) | added, name, signature, superName, interfaces);
			}

		}, 0);
		return writer.toByteArray();
	}

}
