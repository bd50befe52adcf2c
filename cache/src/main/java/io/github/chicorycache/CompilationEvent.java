package io.github.chicorycache;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * One compilation performed by a {@link ChicoryCompiler}.
 *
 * @param digest the module digest, or {@code null} for a module without one (compiled
 * without cache)
 * @param namespace the cache namespace (compiler version and options fingerprint)
 * @param source where the compiled code came from
 * @param duration how long it took the caller, including waiting for a concurrent
 * compilation of the same module
 * @param bytes size of the compiled code (its class files), or {@code 0} if unknown
 * @param recovered whether a damaged cache entry was replaced on the way
 * @param shared whether the caller waited for another thread's compilation of the same
 * module instead of doing its own
 */
public record CompilationEvent(@Nullable String digest, String namespace, CompilationSource source, Duration duration,
		long bytes, boolean recovered, boolean shared) {

}
