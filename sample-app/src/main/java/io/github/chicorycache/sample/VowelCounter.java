package io.github.chicorycache.sample;

import java.nio.charset.StandardCharsets;

import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.Instance;
import io.github.chicorycache.LoadedModule;

import org.springframework.stereotype.Service;

/**
 * The sample's own small module, {@code wasm/count_vowels.wat}, turned into WASM by
 * {@link Wat2Wasm} at startup and compiled through the cache.
 */
@Service
public class VowelCounter {

	private final LoadedModule module;

	public VowelCounter(Wat2Wasm wat2wasm, ModuleLoader loader) {
		String wat = new String(Wat2Wasm.resource("/wasm/count_vowels.wat"), StandardCharsets.UTF_8);
		this.module = loader.load("count_vowels", wat2wasm.convert(wat));
	}

	/**
	 * Counts the ASCII vowels of a text.
	 * @param text the text
	 * @return the number of vowels
	 */
	public int count(String text) {
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		Instance instance = this.module.instanceBuilder().build();
		if (bytes.length > instance.memory().pages() * 65536) {
			throw new IllegalArgumentException("text is longer than 64 KiB");
		}
		instance.memory().write(0, bytes);
		ExportFunction countVowels = instance.export("count_vowels");
		return (int) countVowels.apply(0, bytes.length)[0];
	}

}
