package io.github.chicorycache.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Real-world WebAssembly modules for tests: the WASI builds of WABT's {@code wat2wasm}
 * (about 1.4 MB) and {@code wast2json} (about 1.5 MB), shipped as resources at the root
 * of the {@code com.dylibso.chicory:wabt} jar. That jar must be on the test classpath
 * (its own, older Chicory dependencies can be excluded: only the resources are read).
 * <p>
 * Each module is read once and kept in a static field; callers get a fresh copy.
 */
public final class RealModules {

	/** Classpath resource name of the {@code wat2wasm} module. */
	public static final String WAT2WASM_RESOURCE = "wat2wasm";

	/** Classpath resource name of the {@code wast2json} module. */
	public static final String WAST2JSON_RESOURCE = "wast2json";

	private static byte[] wat2wasm;

	private static byte[] wast2json;

	private RealModules() {
	}

	/**
	 * Returns the bytes of WABT's {@code wat2wasm} WASI module.
	 * @return a copy of the module bytes
	 * @throws IllegalStateException if the resource is not on the classpath
	 */
	public static synchronized byte[] wat2wasm() {
		if (wat2wasm == null) {
			wat2wasm = read(WAT2WASM_RESOURCE);
		}
		return wat2wasm.clone();
	}

	/**
	 * Returns the bytes of WABT's {@code wast2json} WASI module.
	 * @return a copy of the module bytes
	 * @throws IllegalStateException if the resource is not on the classpath
	 */
	public static synchronized byte[] wast2json() {
		if (wast2json == null) {
			wast2json = read(WAST2JSON_RESOURCE);
		}
		return wast2json.clone();
	}

	private static byte[] read(String resource) {
		ClassLoader classLoader = RealModules.class.getClassLoader();
		try (InputStream in = classLoader.getResourceAsStream(resource)) {
			if (in == null) {
				throw new IllegalStateException("WebAssembly module resource '" + resource
						+ "' not found on the classpath: add the test dependency com.dylibso.chicory:wabt");
			}
			byte[] bytes = in.readAllBytes();
			if (bytes.length < 8 || bytes[0] != 0x00 || bytes[1] != 'a' || bytes[2] != 's' || bytes[3] != 'm') {
				throw new IllegalStateException(
						"Classpath resource '" + resource + "' is not a WebAssembly binary module");
			}
			return bytes;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Failed to read classpath resource '" + resource + "'", ex);
		}
	}

}
