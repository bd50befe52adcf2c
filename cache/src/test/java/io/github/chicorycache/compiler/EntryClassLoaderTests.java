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
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EntryClassLoader}.
 */
class EntryClassLoaderTests {

	private static final byte[] MODULE = CompilerFixtures.small(1);

	@Test
	void theClassBytesAreNotKeptOnceDefined() throws Exception {
		List<WeakReference<byte[]>> classBytes = new ArrayList<>();
		Function<Instance, Machine> factory = define(classBytes);
		for (int i = 0; i < 100 && classBytes.stream().anyMatch((bytes) -> !bytes.refersTo(null)); i++) {
			System.gc();
			Thread.sleep(10);
		}
		assertThat(classBytes).allMatch((bytes) -> bytes.refersTo(null));
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

}
