package io.github.chicorycache;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import com.dylibso.chicory.runtime.Instance;
import io.github.chicorycache.compiler.CompiledJarVerifier;
import io.github.chicorycache.compiler.EntryJar;
import io.github.chicorycache.testsupport.MapCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import static io.github.chicorycache.CompilerFixtures.call;
import static io.github.chicorycache.CompilerFixtures.compilerBuilder;
import static io.github.chicorycache.CompilerFixtures.directoryCache;
import static io.github.chicorycache.CompilerFixtures.parse;
import static io.github.chicorycache.CompilerFixtures.small;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@link ChicoryCompiler#load} on a hit, against entries whose classes are bad in ways
 * the entry's checks let through, a busy common pool, an interrupted caller and many
 * callers at once: the caller always gets working code.
 */
@ExtendWith(QuietCacheLog.class)
class ChicoryCompilerLoadHazardTests {

	private static final byte[] MODULE = small(1);

	/**
	 * A module whose digest takes much longer than a thread takes to start.
	 */
	private static final byte[] SLOW_TO_DIGEST = CompilerFixtures.withCustomSection(MODULE, 32 << 20);

	@TempDir
	Path root;

	static byte[] classBytes(Class<?> type) throws Exception {
		String resource = type.getName().replace('.', '/') + ".class";
		try (InputStream in = type.getClassLoader().getResourceAsStream(resource)) {
			return in.readAllBytes();
		}
	}

	@ParameterizedTest
	@EnumSource(ExtraClass.class)
	void anEntryWithABadClassHeals(ExtraClass extra) throws Exception {
		MapCache recorder = new MapCache();
		compilerBuilder().withCache(recorder).build().load(MODULE);
		byte[] valid = recorder.singleValue();
		String name;
		byte[] bytes;
		switch (extra) {
			case JAVA_NAME -> {
				name = "java.lang.Evil";
				bytes = classBytes(ThrowingInit.class);
			}
			case WRONG_NAME -> {
				name = "com.dylibso.chicory.$gen.Other";
				bytes = classBytes(ThrowingInit.class);
			}
			case THROWING_INITIALIZER -> {
				name = ThrowingInit.class.getName();
				bytes = classBytes(ThrowingInit.class);
			}
			default -> {
				name = Instance.class.getName();
				bytes = classBytes(Instance.class);
			}
		}
		byte[] withClass = CompilerFixtures.with(valid, name.replace('.', '/') + ".class", bytes);
		// listed first, so it is defined before the main class
		byte[] tampered = CompilerFixtures.transform(withClass, EntryJar.ENTRY_PROPERTIES,
				(properties) -> new String(properties, StandardCharsets.ISO_8859_1)
					.replace("classes=", "classes=" + name.replace("$", "\\$") + ",")
					.getBytes(StandardCharsets.ISO_8859_1));
		DirectoryCache cache = directoryCache(this.root);
		ChicoryCompiler compiler = compilerBuilder().withCache(cache).build();
		String digest = parse(MODULE).digest();
		String binding = CompiledJarVerifier.binding(compiler.namespace(), digest);
		byte[] bound = CompiledJarVerifier.bind(tampered, binding);
		cache.namespace(compiler.namespace()).putIfAbsent(digest, bound);
		LoadedModule loaded = compiler.load(MODULE);
		assertThat(loaded.event().recovered()).isTrue();
		assertThat(call(loaded.module(), loaded.machineFactory(), 3, 10)).isEqualTo(14);
	}

	@Test
	void aDiskHitDoesNotWaitForABusyCommonPool() throws Exception {
		compilerBuilder().withCache(directoryCache(this.root)).build().load(MODULE);
		int parallelism = ForkJoinPool.getCommonPoolParallelism();
		CountDownLatch started = new CountDownLatch(parallelism);
		CountDownLatch release = new CountDownLatch(1);
		List<Future<?>> blockers = new ArrayList<>();
		try {
			for (int i = 0; i < parallelism; i++) {
				blockers.add(ForkJoinPool.commonPool().submit(() -> {
					started.countDown();
					release.await();
					return null;
				}));
			}
			assertThat(started.await(1, TimeUnit.MINUTES)).isTrue();
			ExecutorService caller = Executors.newSingleThreadExecutor();
			LoadedModule loaded;
			try {
				loaded = caller
					.submit(() -> compilerBuilder().withCache(directoryCache(this.root)).build().load(MODULE))
					.get(1, TimeUnit.MINUTES);
			}
			finally {
				caller.shutdownNow();
			}
			assertThat(loaded.event().source()).isEqualTo(CompilationSource.DISK);
			assertThat(call(loaded.module(), loaded.machineFactory(), 3, 10)).isEqualTo(14);
		}
		finally {
			release.countDown();
		}
	}

	@ParameterizedTest
	@ValueSource(booleans = { true, false })
	void anInterruptedCallerGetsWorkingCodeAndKeepsItsInterrupt(boolean cached) {
		if (cached) {
			compilerBuilder().withCache(directoryCache(this.root)).build().load(MODULE);
		}
		DirectoryCache cache = directoryCache(this.root);
		ChicoryCompiler compiler = compilerBuilder().withCache(cache).build();
		Thread.currentThread().interrupt();
		LoadedModule loaded;
		try {
			loaded = compiler.load(MODULE);
		}
		finally {
			assertThat(Thread.interrupted()).isTrue();
		}
		// The directory cache's file channels refuse an interrupted thread: for a cached
		// module, a read fault and a miss.
		assertThat(call(loaded.module(), loaded.machineFactory(), 3, 10)).isEqualTo(14);
		assertThat(compiler.stats().failures()).isZero();
	}

	@Test
	void manyThreadsLoadTheSameHit() throws Exception {
		compilerBuilder().withCache(directoryCache(this.root)).build().load(MODULE);
		ChicoryCompiler compiler = compilerBuilder().withCache(directoryCache(this.root)).build();
		ExecutorService threads = Executors.newFixedThreadPool(16);
		try {
			CountDownLatch go = new CountDownLatch(1);
			List<Future<LoadedModule>> loads = new ArrayList<>();
			for (int i = 0; i < 16; i++) {
				loads.add(threads.submit(() -> {
					go.await();
					return compiler.load(MODULE);
				}));
			}
			go.countDown();
			for (Future<LoadedModule> load : loads) {
				LoadedModule loaded = load.get(1, TimeUnit.MINUTES);
				assertThat(call(loaded.module(), loaded.machineFactory(), 3, 10)).isEqualTo(14);
			}
			assertThat(compiler.stats().compilations(CompilationSource.DISK)).isOne();
			assertThat(compiler.stats().recovered()).isZero();
		}
		finally {
			threads.shutdownNow();
		}
	}

	@Test
	void customizersRunOnTheCallersThreadWithItsThreadLocalsAndLocks() {
		ThreadLocal<String> request = new ThreadLocal<>();
		ReentrantLock lock = new ReentrantLock();
		List<String> seen = new ArrayList<>();
		ChicoryCompiler compiler = compilerBuilder().withCache(directoryCache(this.root)).withCustomizer((builder) -> {
			// A lock the caller holds is free to the caller only: another thread would
			// wait.
			boolean locked = lock.tryLock();
			seen.add(Thread.currentThread().getName() + " " + request.get() + " " + locked);
			if (locked) {
				lock.unlock();
			}
		}).build();
		request.set("request");
		lock.lock();
		try {
			LoadedModule loaded = compiler.load(SLOW_TO_DIGEST);
			assertThat(call(loaded.module(), loaded.machineFactory(), 3, 10)).isEqualTo(14);
		}
		finally {
			lock.unlock();
			request.remove();
		}
		assertThat(seen).isNotEmpty()
			.allMatch((line) -> line.equals(Thread.currentThread().getName() + " request true"));
	}

	@Test
	@Timeout(value = 1, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
	void aClassCanLoadAModuleInItsStaticInitializerWithACustomizerOfItsOwn() {
		// The customizer is a method of the class being initialized: any other thread
		// that ran it would wait for the initialization, which waits for the load.
		assertThat(call(LoadedInInitializer.LOADED.module(), LoadedInInitializer.LOADED.machineFactory(), 3, 10))
			.isEqualTo(14);
	}

	@Test
	void aFailingCustomizerFailsTheCallerOnItsOwnThread() {
		ChicoryCompiler compiler = compilerBuilder().withCache(directoryCache(this.root)).withCustomizer((builder) -> {
			throw new IllegalStateException("customizer " + Thread.currentThread().getName());
		}).build();
		String caller = Thread.currentThread().getName();
		assertThatIllegalStateException().isThrownBy(() -> compiler.load(SLOW_TO_DIGEST))
			.withMessage("customizer " + caller);
	}

	enum ExtraClass {

		JAVA_NAME, WRONG_NAME, THROWING_INITIALIZER, CHICORY_RUNTIME_CLASS

	}

	static final class LoadedInInitializer {

		static final LoadedModule LOADED = compilerBuilder().withCache(new MapCache()).withCustomizer((builder) -> {
			// No options: what matters is that it is a method of this class.
		}).build().load(MODULE);

	}

	static final class ThrowingInit {

		static final int VALUE = fail();

		private static int fail() {
			throw new IllegalStateException("static initializer");
		}

	}

}
