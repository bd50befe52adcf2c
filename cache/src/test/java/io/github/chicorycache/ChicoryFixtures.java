package io.github.chicorycache;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;

import com.dylibso.chicory.compiler.Cache;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import io.github.chicorycache.testsupport.WasmModuleWriter;

/**
 * Compiles real modules with Chicory's compiler through a cache.
 */
final class ChicoryFixtures {

	static final String HELLO = "Hello, World!";

	private ChicoryFixtures() {
	}

	/**
	 * Parses a fresh {@code count_vowels} module (a compiled machine factory is bound to
	 * one module object).
	 * @return the module
	 */
	static WasmModule countVowelsModule() {
		return Parser.parse(WasmModuleWriter.countVowels());
	}

	/**
	 * Compiles a module through a cache, as upstream's documentation does, and
	 * instantiates it.
	 * @param module the module
	 * @param cache the cache
	 * @return the instance
	 */
	static Instance compile(WasmModule module, Cache cache) {
		return Instance.builder(module)
			.withMachineFactory(MachineFactoryCompiler.builder(module).withCache(cache).compile())
			.build();
	}

	/**
	 * Calls {@code count_vowels} on a text.
	 * @param instance an instance of the {@code count_vowels} module
	 * @param text the text
	 * @return the number of vowels
	 */
	static int countVowels(Instance instance, String text) {
		instance.memory().writeString(0, text);
		return (int) instance.export("count_vowels").apply(0, text.getBytes(StandardCharsets.UTF_8).length)[0];
	}

	/**
	 * Returns the JAR Chicory's compiler stores in a cache for a module.
	 * @param module the module
	 * @return the JAR bytes
	 */
	static byte[] compiledJar(WasmModule module) {
		AtomicReference<byte[]> stored = new AtomicReference<>();
		Cache recording = new Cache() {

			@Override
			public byte[] get(String key) {
				return null;
			}

			@Override
			public void putIfAbsent(String key, byte[] data) {
				stored.set(data);
			}

		};
		MachineFactoryCompiler.builder(module).withCache(recording).compile();
		return stored.get();
	}

	/**
	 * Lists the entry names of a JAR.
	 * @param jar the JAR bytes
	 * @return the names
	 */
	static List<String> jarEntries(byte[] jar) {
		List<String> names = new ArrayList<>();
		try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
			for (JarEntry entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
				names.add(entry.getName());
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return names;
	}

	/**
	 * Copies a JAR without one of its entries.
	 * @param jar the JAR bytes
	 * @param omitted the entry to leave out
	 * @return the new JAR bytes
	 */
	static byte[] jarWithout(byte[] jar, String omitted) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar));
				JarOutputStream out = new JarOutputStream(bytes)) {
			for (JarEntry entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
				if (!entry.getName().equals(omitted)) {
					out.putNextEntry(new JarEntry(entry.getName()));
					in.transferTo(out);
					out.closeEntry();
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return bytes.toByteArray();
	}

}
