package io.github.chicorycache;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.dylibso.chicory.wasm.WasmModule;
import io.github.chicorycache.testsupport.MapCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static io.github.chicorycache.CompilerFixtures.call;
import static io.github.chicorycache.CompilerFixtures.directoryCache;
import static io.github.chicorycache.CompilerFixtures.entryFiles;
import static io.github.chicorycache.CompilerFixtures.parse;
import static io.github.chicorycache.CompilerFixtures.small;
import static io.github.chicorycache.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * By default a {@link ChicoryCompiler} stores compiled modules off the caller's thread:
 * the entry appears shortly after the call, {@code close()} writes what is still queued,
 * and what does not fit the queue is counted.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ChicoryCompilerStoreTests {

	@TempDir
	Path root;

	@Test
	void aMissIsStoredInTheBackgroundAndLoadedByTheNextCompiler() {
		ChicoryCompiler compiler = ChicoryCompiler.builder().withCache(directoryCache(this.root)).build();
		WasmModule module = parse(small(1));
		assertThat(call(module, compiler.machineFactory(module), 2, 2)).isEqualTo(5);
		await("the entry", 60_000, () -> entryFiles(this.root).size() == 1);

		try (ChicoryCompiler restarted = ChicoryCompiler.builder().withCache(directoryCache(this.root)).build()) {
			LoadedModule loaded = restarted.load(small(1));
			assertThat(loaded.event().source()).isEqualTo(CompilationSource.DISK);
		}
	}

	@Test
	void closeWritesTheQueuedStoresBeforeItReturns() {
		SlowCache cache = new SlowCache();
		ChicoryCompiler compiler = ChicoryCompiler.builder().withCache(cache).build();
		compiler.load(small(1));
		compiler.load(small(2));
		compiler.load(small(3));
		cache.open.countDown();
		compiler.close();
		assertThat(cache.entries).hasSize(3);
		assertThat(compiler.stats().droppedStores()).isZero();
		// after close, a miss is stored on the caller's thread
		compiler.load(small(4));
		assertThat(cache.entries).hasSize(4);
	}

	@Test
	void storesThatDoNotFitTheQueueAreDroppedAndCounted() {
		SlowCache cache = new SlowCache();
		ChicoryCompiler compiler = ChicoryCompiler.builder()
			.withCache(cache)
			.withStoreQueueCapacity(1)
			.withCloseTimeout(Duration.ofMinutes(1))
			.build();
		compiler.load(small(1));
		await("the writer to wait on the cache", 60_000, () -> cache.waiting.getCount() == 0);
		compiler.load(small(2));
		compiler.load(small(3));
		assertThat(compiler.stats().droppedStores()).isOne();
		cache.open.countDown();
		compiler.close();
		assertThat(cache.entries).hasSize(2);
		assertThat(compiler.stats().droppedStores()).isOne();
		// the dropped module is compiled again next time, and stored
		ChicoryCompiler next = ChicoryCompiler.builder().withCache(cache).withStoreQueueCapacity(0).build();
		assertThat(next.load(small(3)).event().source()).isEqualTo(CompilationSource.COMPILER);
		assertThat(cache.entries).hasSize(3);
	}

	@Test
	void builderRejectsInvalidStoreSettings() {
		assertThatIllegalArgumentException().isThrownBy(() -> ChicoryCompiler.builder().withStoreQueueCapacity(-1));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ChicoryCompiler.builder().withCloseTimeout(Duration.ofSeconds(-1)));
		assertThat(ChicoryCompiler.DEFAULT_STORE_QUEUE_CAPACITY).isEqualTo(16);
		assertThat(ChicoryCompiler.DEFAULT_CLOSE_TIMEOUT).isEqualTo(Duration.ofSeconds(10));
	}

	/**
	 * A cache whose writes wait until the test opens it.
	 */
	static final class SlowCache extends MapCache {

		final CountDownLatch waiting = new CountDownLatch(1);

		final CountDownLatch open = new CountDownLatch(1);

		@Override
		public void putIfAbsent(String key, byte[] data) {
			this.waiting.countDown();
			try {
				if (!this.open.await(1, TimeUnit.MINUTES)) {
					throw new IllegalStateException("never opened");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			super.putIfAbsent(key, data);
		}

	}

}
