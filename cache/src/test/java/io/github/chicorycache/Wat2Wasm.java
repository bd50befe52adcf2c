package io.github.chicorycache;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasi.WasiExitException;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.WasmModule;
import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;

/**
 * Runs the real {@code wat2wasm} WASI module (see
 * {@link io.github.chicorycache.testsupport.RealModules}) over an in-memory file system.
 */
final class Wat2Wasm {

	private Wat2Wasm() {
	}

	/**
	 * Converts WebAssembly text to binary with a module and its machine factory.
	 * @param module the wat2wasm module
	 * @param factory its machine factory
	 * @param wat the text
	 * @return the binary in base64, or {@code exit <code>: <stderr>} if wat2wasm fails
	 */
	static String run(WasmModule module, Function<Instance, Machine> factory, String wat) {
		// wat2wasm reads and writes files, Jimfs needs the unix view for WASI's stat
		// calls
		try (FileSystem fs = Jimfs.newFileSystem(Configuration.unix().toBuilder().setAttributeViews("unix").build())) {
			Path src = Files.createDirectories(fs.getPath("/src"));
			Files.writeString(src.resolve("in.wat"), wat, StandardCharsets.UTF_8);
			ByteArrayOutputStream stderr = new ByteArrayOutputStream();
			WasiOptions options = WasiOptions.builder()
				.withArguments(List.of("wat2wasm", "/src/in.wat", "-o", "/src/out.wasm"))
				.withDirectory("/src", src)
				.withStderr(stderr)
				.withThrowOnExit0(false)
				.build();
			try (WasiPreview1 wasi = WasiPreview1.builder().withOptions(options).build()) {
				// _start runs while the instance is built
				Instance.builder(module)
					.withMachineFactory(factory)
					.withImportValues(ImportValues.builder().addFunction(wasi.toHostFunctions()).build())
					.build();
			}
			catch (WasiExitException ex) {
				return "exit " + ex.exitCode() + ": "
						+ stderr.toString(StandardCharsets.UTF_8).replaceAll("\u001B\\[[0-9;]*m", "").trim();
			}
			return Base64.getEncoder().encodeToString(Files.readAllBytes(src.resolve("out.wasm")));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
