package io.github.chicorycache.internal;

import java.nio.file.Path;

import com.dylibso.chicory.wasm.Parser;
import io.github.chicorycache.ChicoryCompiler;
import io.github.chicorycache.DirectoryCache;
import io.github.chicorycache.LoadedModule;
import io.github.chicorycache.compiler.MetaModule;
import io.github.chicorycache.compiler.ModuleDigest;
import io.github.chicorycache.testsupport.WasmModuleWriter;

/**
 * Run in a JVM of its own by {@link ChicoryInternalsTests}, with another digest
 * algorithm: prints the namespace, both digests and the sources of two loads.
 */
public final class DigestAlgorithmWorker {

	private DigestAlgorithmWorker() {
	}

	public static void main(String[] args) {
		byte[] bytes = WasmModuleWriter.functions(4, 2);
		DirectoryCache cache = DirectoryCache.builder(Path.of(args[0])).withCleanupOnOpen(false).build();
		try (ChicoryCompiler compiler = ChicoryCompiler.builder().withCache(cache).build()) {
			LoadedModule first = compiler.load(bytes);
			LoadedModule second = compiler.load(bytes);
			System.out.println("namespace=" + compiler.namespace());
			System.out.println("digest=" + ModuleDigest.of(bytes));
			System.out.println("parser=" + Parser.parse(bytes).digest());
			System.out.println("module=" + first.module().digest());
			System.out.println("sources=" + first.event().source() + "," + second.event().source());
			System.out.println("meta=" + MetaModule.isMeta(first.module()));
			System.out.println("result=" + first.instanceBuilder().build().export("f3").apply(1)[0]);
		}
	}

}
