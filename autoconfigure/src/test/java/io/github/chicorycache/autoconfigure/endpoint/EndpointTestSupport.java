package io.github.chicorycache.autoconfigure.endpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import io.github.chicorycache.ChicoryCompiler;
import io.github.chicorycache.Compilation;
import io.github.chicorycache.CompilationSource;
import io.github.chicorycache.DirectoryCache;
import io.github.chicorycache.testsupport.Await;
import io.github.chicorycache.testsupport.WasmModuleWriter;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.resttestclient.TestRestTemplate;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.RequestEntity;
import org.springframework.http.ResponseEntity;

/**
 * Helpers for the HTTP tests of the {@code chicorycache} endpoint.
 */
public final class EndpointTestSupport {

	private EndpointTestSupport() {
	}

	/**
	 * Sends a request with a path that is used exactly as given (already encoded), so
	 * that encoded characters such as {@code %2F} reach the server as they are.
	 */
	static ResponseEntity<String> exchange(TestRestTemplate rest, int port, HttpMethod method, String rawPath,
			@Nullable String jsonBody) {
		URI uri = URI.create("http://localhost:" + port + rawPath);
		RequestEntity<?> request = (jsonBody != null)
				? RequestEntity.method(method, uri).contentType(MediaType.APPLICATION_JSON).body(jsonBody)
				: RequestEntity.method(method, uri).build();
		return rest.exchange(request, String.class);
	}

	/**
	 * Compiles a module and, when it was compiled, waits until the compiler's background
	 * writer stored its entry, so that a test sees the cache as the next start would.
	 * @param compiler the compiler
	 * @param cache its cache
	 * @param module the module
	 * @return the compilation
	 */
	public static Compilation compileAndStore(ChicoryCompiler compiler, DirectoryCache cache, WasmModule module) {
		long puts = cache.stats().puts();
		Compilation compilation = compiler.compile(module);
		if (compilation.event().source() == CompilationSource.COMPILER) {
			Await.await("the entry of " + module.digest() + " stored", 30_000, () -> cache.stats().puts() > puts);
		}
		return compilation;
	}

	static DocumentContext json(ResponseEntity<String> response) {
		return JsonPath.parse(response.getBody());
	}

	/**
	 * Returns the {@code functions(2, seed)} module, whose digest differs for each seed.
	 */
	public static WasmModule module(int seed) {
		return Parser.parse(WasmModuleWriter.functions(2, seed));
	}

	/**
	 * Returns the first {@code functions(2, seed)} module, from a seed on, whose digest
	 * matches, deterministically.
	 */
	static WasmModule moduleWhoseDigest(int fromSeed, Predicate<String> test) {
		for (int seed = fromSeed; seed < fromSeed + 10_000; seed++) {
			WasmModule module = module(seed);
			if (test.test(module.digest())) {
				return module;
			}
		}
		throw new IllegalStateException("No module whose digest matches");
	}

	static String urlEncoded(String key) {
		return URLEncoder.encode(key, StandardCharsets.UTF_8);
	}

	/**
	 * Returns every file and directory under a directory with its size, modification time
	 * and content, to prove that nothing changed.
	 */
	static Map<String, String> snapshot(Path directory) {
		Map<String, String> snapshot = new TreeMap<>();
		try (Stream<Path> paths = Files.walk(directory)) {
			paths.forEach((path) -> {
				try {
					String description = Files.isDirectory(path) ? "dir"
							: Files.size(path) + " " + Files.getLastModifiedTime(path) + " "
									+ new String(Files.readAllBytes(path), StandardCharsets.ISO_8859_1);
					snapshot.put(directory.relativize(path).toString(), description);
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			});
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return snapshot;
	}

}
