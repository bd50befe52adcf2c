package io.github.chicorycache.compiler;

import java.util.function.Function;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of {@link CompiledModuleMemory}, without a compiler around it.
 */
class CompiledModuleMemoryTests {

	@Test
	void usageFollowsPutsEvictionsAndClear() {
		CompiledModuleMemory memory = new CompiledModuleMemory(2, 100);
		Function<Instance, Machine> a = factory();
		Function<Instance, Machine> b = factory();
		Function<Instance, Machine> c = factory();
		memory.put("a", new CompiledModuleMemory.Reusable(a, 10, null));
		memory.put("b", new CompiledModuleMemory.Reusable(b, 20, null));
		assertThat(memory.usage()).isEqualTo(new CompiledModuleMemory.Usage(2, 30));
		memory.get("a");
		memory.put("c", new CompiledModuleMemory.Reusable(c, 30, null));
		assertThat(memory.usage()).as("b, least recently used, is out")
			.isEqualTo(new CompiledModuleMemory.Usage(2, 40));
		assertThat(memory.get("b")).isNull();
		assertThat(memory.get("a").factory()).isSameAs(a);
		memory.put("a", new CompiledModuleMemory.Reusable(a, 15, null));
		assertThat(memory.usage()).as("replaced, not added").isEqualTo(new CompiledModuleMemory.Usage(2, 45));
		memory.evict("a");
		assertThat(memory.usage()).isEqualTo(new CompiledModuleMemory.Usage(1, 30));
		memory.clear();
		assertThat(memory.usage()).isEqualTo(new CompiledModuleMemory.Usage(0, 0));
	}

	@Test
	void theByteBoundEvictsAndAnOversizedModuleIsNotKept() {
		CompiledModuleMemory memory = new CompiledModuleMemory(10, 100);
		memory.put("a", new CompiledModuleMemory.Reusable(factory(), 60, null));
		memory.put("b", new CompiledModuleMemory.Reusable(factory(), 60, null));
		assertThat(memory.usage()).isEqualTo(new CompiledModuleMemory.Usage(1, 60));
		assertThat(memory.get("a")).isNull();
		memory.put("c", new CompiledModuleMemory.Reusable(factory(), 101, null));
		assertThat(memory.get("c")).isNull();
		assertThat(memory.usage()).isEqualTo(new CompiledModuleMemory.Usage(1, 60));
	}

	@Test
	void zeroEntriesKeepsNothing() {
		CompiledModuleMemory memory = new CompiledModuleMemory(0, 100);
		memory.put("a", new CompiledModuleMemory.Reusable(factory(), 1, null));
		assertThat(memory.get("a")).isNull();
		assertThat(memory.usage()).isEqualTo(new CompiledModuleMemory.Usage(0, 0));
	}

	private static Function<Instance, Machine> factory() {
		return (instance) -> {
			throw new UnsupportedOperationException();
		};
	}

}
