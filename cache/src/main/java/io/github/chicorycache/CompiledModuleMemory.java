package io.github.chicorycache;

import java.lang.ref.SoftReference;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import org.jspecify.annotations.Nullable;

/**
 * Compiled code kept for reuse in this JVM, least recently used first out, bounded by
 * entry count and by the size of the compiled code. Values are softly referenced, so the
 * garbage collector can take the generated classes back under memory pressure. Only the
 * machine factories are held, never the {@code WasmModule} they were compiled from.
 */
final class CompiledModuleMemory {

	private final long maxEntries;

	private final long maxBytes;

	private final LinkedHashMap<String, Held> entries = new LinkedHashMap<>(16, 0.75f, true);

	private long bytes;

	CompiledModuleMemory(long maxEntries, long maxBytes) {
		this.maxEntries = maxEntries;
		this.maxBytes = maxBytes;
	}

	synchronized @Nullable Reusable get(String key) {
		Held held = this.entries.get(key);
		if (held == null) {
			return null;
		}
		Function<Instance, Machine> factory = held.factory().get();
		if (factory == null) {
			remove(key);
			return null;
		}
		return new Reusable(factory, held.size());
	}

	synchronized void put(String key, Function<Instance, Machine> factory, long size) {
		if (this.maxEntries <= 0 || size > this.maxBytes) {
			return;
		}
		remove(key);
		this.entries.put(key, new Held(new SoftReference<>(factory), size));
		this.bytes += size;
		Iterator<Map.Entry<String, Held>> eldest = this.entries.entrySet().iterator();
		while ((this.entries.size() > this.maxEntries || this.bytes > this.maxBytes) && eldest.hasNext()) {
			this.bytes -= eldest.next().getValue().size();
			eldest.remove();
		}
	}

	synchronized void clear() {
		this.entries.clear();
		this.bytes = 0;
	}

	/**
	 * Drops the entries whose code the garbage collector took back, then returns what is
	 * left.
	 * @return the number of modules and the size of their code
	 */
	synchronized Usage usage() {
		this.entries.values().removeIf((held) -> {
			boolean cleared = held.factory().get() == null;
			if (cleared) {
				this.bytes -= held.size();
			}
			return cleared;
		});
		return new Usage(this.entries.size(), this.bytes);
	}

	synchronized void evict(String key) {
		remove(key);
	}

	private void remove(String key) {
		Held removed = this.entries.remove(key);
		if (removed != null) {
			this.bytes -= removed.size();
		}
	}

	/**
	 * Compiled code found for reuse.
	 *
	 * @param factory the machine factory, not bound to any module object
	 * @param size the size of the compiled code
	 */
	record Reusable(Function<Instance, Machine> factory, long size) {
	}

	/**
	 * Modules held and the size of their code.
	 *
	 * @param entries the number of modules
	 * @param bytes the size of their compiled code
	 */
	record Usage(int entries, long bytes) {
	}

	private record Held(SoftReference<Function<Instance, Machine>> factory, long size) {
	}

}
