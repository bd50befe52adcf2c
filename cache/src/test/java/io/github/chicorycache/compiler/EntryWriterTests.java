package io.github.chicorycache.compiler;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import io.github.chicorycache.CacheFault;
import io.github.chicorycache.spi.CacheNamespace;
import io.github.chicorycache.spi.FaultRecorder;
import io.github.chicorycache.testsupport.MapCache;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.github.chicorycache.CompilerFixtures.parse;
import static io.github.chicorycache.CompilerFixtures.small;
import static io.github.chicorycache.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of {@link EntryWriter}: stores leave the caller's thread, a full queue drops and
 * counts, {@code close} writes what is queued within its deadline.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class EntryWriterTests {

	private static final MachineCode.Compiled COMPILED = MachineCode
		.compile(MachineFactoryCompiler.builder(parse(small(1))));

	private final FaultRecorder faults = new FaultRecorder(Clock.systemUTC(), EntryWriterTests.class);

	private final GatedCache cache = new GatedCache();

	private final CacheNamespace store = new HashedKeyCache(this.cache, "ns", this.faults);

	private @Nullable EntryWriter writer;

	@AfterEach
	void close() {
		this.cache.open();
		if (this.writer != null) {
			this.writer.close(Duration.ofMinutes(1));
		}
	}

	@Test
	void storesOnADaemonThreadOfItsOwn() {
		this.cache.open();
		EntryWriter writer = writer(4);
		writer.store(this.store, "ns", "sha-256:a=", COMPILED, 8, null);
		await("the entry", 60_000, () -> this.cache.entries.size() == 1);
		Thread thread = this.cache.writer.get();
		assertThat(thread).isNotSameAs(Thread.currentThread());
		assertThat(thread.isDaemon()).isTrue();
		assertThat(thread.getName()).isEqualTo("chicory-cache-store");
		assertThat(writer.dropped()).isZero();
	}

	@Test
	void aStoreStartsNoSoonerThanTheGraceAfterItsHandOver() {
		// A grace longer than a write: with 2 ms, a cold write alone outlasts it.
		Duration grace = Duration.ofMillis(300);
		TimedCache timed = new TimedCache();
		CacheNamespace store = new HashedKeyCache(timed, "ns", this.faults);
		this.writer = new EntryWriter(4, this.faults, grace);
		long handedOver = System.nanoTime();
		this.writer.store(store, "ns", "sha-256:a=", COMPILED, 8, null);
		await("the entry", 60_000, () -> timed.putAt.get() != 0);
		assertThat(timed.putAt.get() - handedOver).isGreaterThanOrEqualTo(grace.toNanos());
	}

	@Test
	void closeDoesNotWaitOutTheGraceOfAStore() {
		this.cache.open();
		this.writer = new EntryWriter(4, this.faults, Duration.ofMinutes(10));
		this.writer.store(this.store, "ns", "sha-256:a=", COMPILED, 8, null);
		assertThat(this.writer.close(Duration.ofSeconds(20))).isTrue();
		assertThat(this.cache.entries).hasSize(1);
		assertThat(this.faults.count()).isZero();
	}

	@Test
	void whatDoesNotFitTheQueueIsDroppedAndCounted() {
		EntryWriter writer = writer(1);
		writer.store(this.store, "ns", "sha-256:a=", COMPILED, 8, null);
		this.cache.awaitBlocked();
		writer.store(this.store, "ns", "sha-256:b=", COMPILED, 8, null);
		writer.store(this.store, "ns", "sha-256:c=", COMPILED, 8, null);
		assertThat(writer.dropped()).isOne();
		this.cache.open();
		assertThat(writer.close(Duration.ofMinutes(1))).isTrue();
		assertThat(this.cache.entries).hasSize(2);
		assertThat(writer.dropped()).isOne();
	}

	@Test
	void aStoreThatIsDroppedOrFailsBeforeTheCacheIsAbandoned() {
		AbandonRecorder recorder = new AbandonRecorder(this.store);
		EntryWriter writer = writer(1);
		writer.store(recorder, "ns", "sha-256:a=", COMPILED, 8, null);
		this.cache.awaitBlocked();
		writer.store(recorder, "ns", "sha-256:b=", COMPILED, 8, null);
		writer.store(recorder, "ns", "sha-256:c=", COMPILED, 8, null);
		assertThat(recorder.abandoned).as("the dropped store").containsExactly("sha-256:c=");
		this.cache.open();
		assertThat(writer.close(Duration.ofMinutes(1))).isTrue();
		assertThat(this.cache.entries).hasSize(2);
		MachineCode.Compiled incomplete = new MachineCode.Compiled(COMPILED.factory(), COMPILED.mainClass(),
				java.util.Map.of(COMPILED.mainClass(), COMPILED.classes().get(COMPILED.mainClass())), null);
		writer.store(recorder, "ns", "sha-256:d=", incomplete, 8, null);
		assertThat(recorder.abandoned).as("and the incomplete one, not the stored ones")
			.containsExactly("sha-256:c=", "sha-256:d=");
	}

	@Test
	void closeWritesWhatIsQueuedThenStoresOnTheCallersThread() {
		EntryWriter writer = writer(4);
		writer.store(this.store, "ns", "sha-256:a=", COMPILED, 8, null);
		this.cache.awaitBlocked();
		writer.store(this.store, "ns", "sha-256:b=", COMPILED, 8, null);
		this.cache.open();
		assertThat(writer.close(Duration.ofMinutes(1))).isTrue();
		assertThat(this.cache.entries).hasSize(2);

		writer.store(this.store, "ns", "sha-256:c=", COMPILED, 8, null);
		assertThat(this.cache.entries).hasSize(3);
		assertThat(this.cache.writer.get()).isSameAs(Thread.currentThread());
	}

	@Test
	void closeDropsWhatItCannotWriteInTime() {
		EntryWriter writer = writer(4);
		writer.store(this.store, "ns", "sha-256:a=", COMPILED, 8, null);
		this.cache.awaitBlocked();
		writer.store(this.store, "ns", "sha-256:b=", COMPILED, 8, null);
		assertThat(writer.close(Duration.ofMillis(1))).isFalse();
		assertThat(writer.dropped()).as("the queued one").isOne();
		// the blocked store was interrupted: a failed write, never an exception
		await("the interrupted store to fail", 60_000, () -> this.faults.count() == 1);
		assertThat(this.faults.last().kind()).isEqualTo(CacheFault.Kind.WRITE);
		assertThat(this.cache.entries).isEmpty();
	}

	@Test
	void withoutQueueStoresOnTheCallersThread() {
		this.cache.open();
		EntryWriter writer = writer(0);
		writer.store(this.store, "ns", "sha-256:a=", COMPILED, 8, null);
		assertThat(this.cache.entries).hasSize(1);
		assertThat(this.cache.writer.get()).isSameAs(Thread.currentThread());
	}

	@Test
	void aStoreThatFailsEvenWithAnErrorIsAFaultAndTheWriterGoesOn() {
		this.cache.open();
		this.cache.failNext = new OutOfMemoryError("simulated");
		EntryWriter writer = writer(4);
		writer.store(this.store, "ns", "sha-256:a=", COMPILED, 8, null);
		writer.store(this.store, "ns", "sha-256:b=", COMPILED, 8, null);
		await("the second entry", 60_000, () -> this.cache.entries.size() == 1);
		assertThat(this.faults.count()).isOne();
		assertThat(this.faults.last().message()).contains("sha-256:a=").contains("simulated");
	}

	@Test
	void incompleteCodeIsNotStored() {
		this.cache.open();
		MachineCode.Compiled incomplete = new MachineCode.Compiled(COMPILED.factory(), COMPILED.mainClass(),
				java.util.Map.of(COMPILED.mainClass(), COMPILED.classes().get(COMPILED.mainClass())), null);
		writer(0).store(this.store, "ns", "sha-256:a=", incomplete, 8, null);
		assertThat(this.cache.entries).isEmpty();
		assertThat(this.faults.last().message()).contains("incomplete");
	}

	@Test
	void anEntryIsBoundCompleteAndCarriesItsMetaModule() throws Exception {
		this.cache.open();
		byte[] bytes = small(1);
		writer(0).store(this.store, "ns", "sha-256:a=", COMPILED, 8, new EntryWriter.ModuleSource(bytes, 0));
		byte[] entry = this.cache.singleValue();
		EntryJar.Contents contents = CompiledJarVerifier.verify(entry, CompiledJarVerifier.binding("ns", "sha-256:a="));
		assertThat(contents.functions()).isEqualTo(8);
		assertThat(contents.metaPart()).isNotNull();
		assertThat(MetaModule.parse(bytes, contents.metaPart(), "sha-256:a=", null).functionSection().functionCount())
			.isEqualTo(8);
	}

	private EntryWriter writer(int capacity) {
		this.writer = new EntryWriter(capacity, this.faults);
		return this.writer;
	}

	/**
	 * A namespace that records the keys it is told are abandoned.
	 */
	static final class AbandonRecorder implements CacheNamespace {

		final java.util.List<String> abandoned = new java.util.concurrent.CopyOnWriteArrayList<>();

		private final CacheNamespace delegate;

		AbandonRecorder(CacheNamespace delegate) {
			this.delegate = delegate;
		}

		@Override
		public String name() {
			return this.delegate.name();
		}

		@Override
		public boolean invalidate(String key, String reason) {
			return this.delegate.invalidate(key, reason);
		}

		@Override
		public boolean evict(String key) {
			return this.delegate.evict(key);
		}

		@Override
		public void abandon(String key) {
			this.abandoned.add(key);
		}

		@Override
		public byte @Nullable [] get(String key) throws java.io.IOException {
			return this.delegate.get(key);
		}

		@Override
		public void putIfAbsent(String key, byte[] data) throws java.io.IOException {
			this.delegate.putIfAbsent(key, data);
		}

	}

	/**
	 * A map cache that records when its last put began.
	 */
	static final class TimedCache extends MapCache {

		final AtomicLong putAt = new AtomicLong();

		@Override
		public void putIfAbsent(String key, byte[] data) {
			this.putAt.set(System.nanoTime());
			super.putIfAbsent(key, data);
		}

	}

	/**
	 * A map cache whose puts wait until the test opens it.
	 */
	static final class GatedCache extends MapCache {

		final CountDownLatch blocked = new CountDownLatch(1);

		final CountDownLatch open = new CountDownLatch(1);

		final AtomicReference<Thread> writer = new AtomicReference<>();

		volatile @Nullable Error failNext;

		@Override
		public void putIfAbsent(String key, byte[] data) {
			this.writer.set(Thread.currentThread());
			this.blocked.countDown();
			try {
				if (!this.open.await(1, TimeUnit.MINUTES)) {
					throw new IllegalStateException("never opened");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("interrupted", ex);
			}
			Error error = this.failNext;
			if (error != null) {
				this.failNext = null;
				throw error;
			}
			super.putIfAbsent(key, data);
		}

		void awaitBlocked() {
			try {
				assertThat(this.blocked.await(1, TimeUnit.MINUTES)).isTrue();
			}
			catch (InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
		}

		void open() {
			this.open.countDown();
		}

	}

}
