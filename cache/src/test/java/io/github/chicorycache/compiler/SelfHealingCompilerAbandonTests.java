package io.github.chicorycache.compiler;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import io.github.chicorycache.spi.CacheNamespace;
import io.github.chicorycache.spi.FaultRecorder;
import io.github.chicorycache.spi.NamespacedCache;
import io.github.chicorycache.testsupport.MapCache;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatRuntimeException;

/**
 * A caller that missed an entry and then fails to compile the module tells the cache that
 * no entry will come from it ({@link CacheNamespace#abandon}).
 */
class SelfHealingCompilerAbandonTests {

	private final FaultRecorder faults = new FaultRecorder(Clock.systemUTC(), SelfHealingCompilerAbandonTests.class);

	private final AtomicReference<EntryWriterTests.@Nullable AbandonRecorder> namespace = new AtomicReference<>();

	@Test
	void bytesThatFailToParseAfterAMissAreAbandoned() {
		MapCache map = new MapCache();
		NamespacedCache cache = new NamespacedCache() {

			@Override
			public CacheNamespace namespace(String name) {
				return SelfHealingCompilerAbandonTests.this.namespace
					.updateAndGet((recorder) -> (recorder != null) ? recorder : new EntryWriterTests.AbandonRecorder(
							new HashedKeyCache(map, name, SelfHealingCompilerAbandonTests.this.faults)));
			}

			@Override
			public long removeAll() {
				return 0;
			}

			@Override
			public byte @Nullable [] get(String key) {
				return null;
			}

			@Override
			public void putIfAbsent(String key, byte[] data) {
			}

		};
		SelfHealingCompiler compiler = new SelfHealingCompiler(new Namespaces(cache, this.faults),
				MachineFactoryCompiler::builder, new EntryWriter(0, this.faults), this.faults);
		byte[] malformed = { 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, (byte) 0xff };
		assertThatRuntimeException().isThrownBy(() -> compiler.load(malformed, "ns", "sha-256:eA==", null));
		assertThat(this.namespace.get()).isNotNull();
		assertThat(this.namespace.get().abandoned).containsExactly("sha-256:eA==");
		assertThat(map.entries).isEmpty();
	}

}
