package io.github.chicorycache.compiler;

import java.nio.file.Path;
import java.time.Clock;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import io.github.chicorycache.DirectoryCache;
import io.github.chicorycache.spi.CacheNamespace;
import io.github.chicorycache.spi.FaultRecorder;
import io.github.chicorycache.testsupport.MapCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.github.chicorycache.CompilerFixtures.parse;
import static io.github.chicorycache.CompilerFixtures.small;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of {@link Namespaces}: names, keys and the view of each kind of cache.
 */
class NamespacesTests {

	private final FaultRecorder faults = new FaultRecorder(Clock.systemUTC(), NamespacesTests.class);

	@TempDir
	Path root;

	@Test
	void theNamespaceNamesTheVersionAndTheOptions() {
		Namespaces namespaces = new Namespaces(null, this.faults);
		String plain = namespaces.of(MachineFactoryCompiler.builder(parse(small(1))));
		assertThat(plain).matches("chicory-" + namespaces.version().replace(".", "\\.") + "-[0-9a-f]{16}");
		assertThat(namespaces.of(MachineFactoryCompiler.builder(parse(small(1))).withMaxFunctionsPerClass(3)))
			.isNotEqualTo(plain);
		assertThat(Namespaces.key(plain, "sha-256:abc=")).isEqualTo(plain + "/sha-256:abc=");
	}

	@Test
	void theNamespaceOfUncustomizedOptionsIsTheOneOfAnUncustomizedBuilder() {
		Namespaces namespaces = new Namespaces(null, this.faults);
		assertThat(namespaces.ofUncustomized()).isNotNull()
			.isEqualTo(namespaces.of(MachineFactoryCompiler.builder(parse(small(1)))));
	}

	@Test
	void withoutCacheThereIsNoStore() {
		assertThat(new Namespaces(null, this.faults).store("chicory-1-0123456789abcdef")).isNull();
	}

	@Test
	void aPlainCacheIsAdaptedWithHashedKeys() {
		Namespaces namespaces = new Namespaces(new MapCache(), this.faults);
		CacheNamespace store = namespaces.store("chicory-1-0123456789abcdef");
		assertThat(store).isInstanceOf(HashedKeyCache.class);
		assertThat(store.name()).isEqualTo("chicory-1-0123456789abcdef");
		assertThat(namespaces.store("chicory-1-0123456789abcdef")).as("one view per namespace").isSameAs(store);
		assertThat(namespaces.removeAll()).isZero();
	}

	@Test
	void aNamespacedCacheProvidesItsOwnViews() {
		DirectoryCache cache = DirectoryCache.builder(this.root).withCleanupOnOpen(false).build();
		Namespaces namespaces = new Namespaces(cache, this.faults);
		CacheNamespace store = namespaces.store("chicory-1-0123456789abcdef");
		assertThat(store).isNotInstanceOf(HashedKeyCache.class);
		assertThat(store.name()).isEqualTo("chicory-1-0123456789abcdef");
	}

	@Test
	void unreadableOptionsAreNeverStored() {
		assertThat(new Namespaces(new MapCache(), this.faults).store("chicory-1-" + Namespaces.UNREADABLE_OPTIONS))
			.isNull();
	}

}
