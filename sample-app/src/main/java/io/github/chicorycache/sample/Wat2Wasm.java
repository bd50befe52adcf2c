package io.github.chicorycache.sample;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.wasi.WasiExitException;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.github.chicorycache.LoadedModule;

import org.springframework.stereotype.Service;

/**
 * The real {@code wat2wasm} of the WebAssembly Binary Toolkit, a 1.5 MB WASI module from
 * the {@code com.dylibso.chicory:wabt} artifact, run by Chicory over an in-memory file
 * system.
 */
@Service
public class Wat2Wasm {

	static final String RESOURCE = "/wat2wasm";

	private final LoadedModule module;

	public Wat2Wasm(ModuleLoader loader) {
		this.module = loader.load("wat2wasm", resource(RESOURCE));
	}

	/**
	 * Returns how the compiled code of wat2wasm was obtained at startup.
	 * @return the module
	 */
	public LoadedModule module() {
		return this.module;
	}

	/**
	 * Converts WebAssembly text to binary.
	 * @param wat the module in text format
	 * @return the module in binary format
	 * @throws InvalidWatException if wat2wasm rejects the text
	 */
	public byte[] convert(String wat) {
		// wat2wasm reads and writes files: give each call a file system of its own.
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
				// _start runs while the instance is built.
				this.module.instanceBuilder()
					.withImportValues(ImportValues.builder().addFunction(wasi.toHostFunctions()).build())
					.build();
			}
			catch (WasiExitException ex) {
				throw new InvalidWatException(clean(stderr), ex.exitCode());
			}
			return Files.readAllBytes(src.resolve("out.wasm"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String clean(ByteArrayOutputStream stderr) {
		// wat2wasm colours its messages; an HTTP response should not carry escape codes.
		return stderr.toString(StandardCharsets.UTF_8).replaceAll("\u001B\\[[0-9;]*m", "").trim();
	}

	static byte[] resource(String name) {
		try (InputStream in = Wat2Wasm.class.getResourceAsStream(name)) {
			if (in == null) {
				throw new IllegalStateException("Resource " + name + " not found on the classpath");
			}
			return in.readAllBytes();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Thrown when wat2wasm rejects its input.
	 */
	public static class InvalidWatException extends RuntimeException {

		private final int exitCode;

		InvalidWatException(String message, int exitCode) {
			super(message.isEmpty() ? "wat2wasm failed with exit code " + exitCode : message);
			this.exitCode = exitCode;
		}

		public int getExitCode() {
			return this.exitCode;
		}

	}

}
