package io.github.chicorycache.compiler;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.SoftReference;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import org.jspecify.annotations.Nullable;

/**
 * Not API: compiled code kept for reuse in this JVM, least recently used first out,
 * bounded by entry count and by the size of the compiled code. Values are softly
 * referenced, so the garbage collector can take the generated classes back under memory
 * pressure. The machine factories are held, and the {@code WasmModule} only for modules
 * that {@code ChicoryCompiler.load} made from bytes (so the same bytes are not parsed
 * again), never a module that a caller passed in.
 * <p>
 * The usage figures are kept up to date as entries come and go, so reading them costs two
 * volatile reads and never sweeps: code that the garbage collector took back leaves the
 * figures at the next {@link #get} or {@link #put}, through a reference queue.
 */
public final class CompiledModuleMemory {

	private final long maxEntries;

	private final long maxBytes;

	private final LinkedHashMap<String, Held> entries = new LinkedHashMap<>(16, 0.75f, true);

	private final ReferenceQueue<Function<Instance, Machine>> collected = new ReferenceQueue<>();

	private volatile int entryCount;

	private volatile long bytes;

	/**
	 * Creates an empty memory.
	 * @param maxEntries the maximum number of modules, {@code 0} to keep none
	 * @param maxBytes the maximum total size of their compiled code
	 */
	public CompiledModuleMemory(long maxEntries, long maxBytes) {
		this.maxEntries = maxEntries;
		this.maxBytes = maxBytes;
	}

	/**
	 * Returns the compiled code held under a key.
	 * @param key the key (namespace and digest)
	 * @return the code, or {@code null} if none is held
	 */
	public synchronized @Nullable Reusable get(String key) {
		expungeCollected();
		Held held = this.entries.get(key);
		if (held == null) {
			return null;
		}
		Function<Instance, Machine> factory = held.get();
		if (factory == null) {
			remove(key);
			return null;
		}
		SoftReference<WasmModule> module = held.module;
		return new Reusable(factory, held.size, (module != null) ? module.get() : null);
	}

	/**
	 * Holds compiled code under a key, evicting the least recently used entries beyond
	 * the bounds.
	 * @param key the key (namespace and digest)
	 * @param reusable the compiled code
	 */
	public synchronized void put(String key, Reusable reusable) {
		expungeCollected();
		if (this.maxEntries <= 0 || reusable.size() > this.maxBytes) {
			return;
		}
		remove(key);
		this.entries.put(key, new Held(key, reusable, this.collected));
		this.bytes += reusable.size();
		Iterator<Map.Entry<String, Held>> eldest = this.entries.entrySet().iterator();
		while ((this.entries.size() > this.maxEntries || this.bytes > this.maxBytes) && eldest.hasNext()) {
			this.bytes -= eldest.next().getValue().size;
			eldest.remove();
		}
		this.entryCount = this.entries.size();
	}

	/**
	 * Forgets everything held.
	 */
	public synchronized void clear() {
		this.entries.clear();
		this.bytes = 0;
		this.entryCount = 0;
		expungeCollected();
	}

	/**
	 * Forgets the code held under a key.
	 * @param key the key
	 */
	public synchronized void evict(String key) {
		remove(key);
	}

	/**
	 * Returns how many modules are held and the size of their code, without any
	 * maintenance: code that the garbage collector took back since the last
	 * {@link #get}/{@link #put} may still be counted.
	 * @return the usage
	 */
	public Usage usage() {
		return new Usage(this.entryCount, this.bytes);
	}

	private void expungeCollected() {
		Reference<? extends Function<Instance, Machine>> reference;
		while ((reference = this.collected.poll()) != null) {
			Held held = (Held) reference;
			if (this.entries.remove(held.key, held)) {
				this.bytes -= held.size;
				this.entryCount = this.entries.size();
			}
		}
	}

	private void remove(String key) {
		Held removed = this.entries.remove(key);
		if (removed != null) {
			this.bytes -= removed.size;
			this.entryCount = this.entries.size();
		}
	}

	/**
	 * Compiled code held for reuse.
	 *
	 * @param factory the machine factory, not bound to any module object
	 * @param size the size of the compiled code
	 * @param module the module that {@code load} made from the bytes of this code, or
	 * {@code null}
	 */
	public record Reusable(Function<Instance, Machine> factory, long size, @Nullable WasmModule module) {
	}

	/**
	 * Modules held and the size of their code.
	 *
	 * @param entries the number of modules
	 * @param bytes the size of their compiled code
	 */
	public record Usage(int entries, long bytes) {
	}

	private static final class Held extends SoftReference<Function<Instance, Machine>> {

		private final String key;

		private final long size;

		private final @Nullable SoftReference<WasmModule> module;

		Held(String key, Reusable reusable, ReferenceQueue<Function<Instance, Machine>> queue) {
			super(reusable.factory(), queue);
			this.key = key;
			this.size = reusable.size();
			WasmModule module = reusable.module();
			this.module = (module != null) ? new SoftReference<>(module) : null;
		}

	}

}
