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
		memory.put("a", a, 10);
		memory.put("b", b, 20);
		assertThat(memory.usage()).isEqualTo(new CompiledModuleMemory.Usage(2, 30));
		memory.get("a");
		memory.put("c", c, 30);
		assertThat(memory.usage()).as("b, least recently used, is out")
			.isEqualTo(new CompiledModuleMemory.Usage(2, 40));
		assertThat(memory.get("b")).isNull();
		assertThat(memory.get("a").factory()).isSameAs(a);
		memory.put("a", a, 15);
		assertThat(memory.usage()).as("replaced, not added").isEqualTo(new CompiledModuleMemory.Usage(2, 45));
		memory.evict("a");
		assertThat(memory.usage()).isEqualTo(new CompiledModuleMemory.Usage(1, 30));
		memory.clear();
		assertThat(memory.usage()).isEqualTo(new CompiledModuleMemory.Usage(0, 0));
	}

	@Test
	void theByteBoundEvictsAndAnOversizedModuleIsNotKept() {
		CompiledModuleMemory memory = new CompiledModuleMemory(10, 100);
		memory.put("a", factory(), 60);
		memory.put("b", factory(), 60);
		assertThat(memory.usage()).isEqualTo(new CompiledModuleMemory.Usage(1, 60));
		assertThat(memory.get("a")).isNull();
		memory.put("c", factory(), 101);
		assertThat(memory.get("c")).isNull();
		assertThat(memory.usage()).isEqualTo(new CompiledModuleMemory.Usage(1, 60));
	}

	@Test
	void zeroEntriesKeepsNothing() {
		CompiledModuleMemory memory = new CompiledModuleMemory(0, 100);
		memory.put("a", factory(), 1);
		assertThat(memory.get("a")).isNull();
		assertThat(memory.usage()).isEqualTo(new CompiledModuleMemory.Usage(0, 0));
	}

	private static Function<Instance, Machine> factory() {
		return (instance) -> {
			throw new UnsupportedOperationException();
		};
	}

}
