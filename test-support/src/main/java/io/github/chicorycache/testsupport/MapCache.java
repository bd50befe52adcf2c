package io.github.chicorycache.testsupport;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.dylibso.chicory.compiler.Cache;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory {@link Cache}, as an application might write one, that counts its calls.
 * Shared by the tests of every module through the test-support module.
 */
public class MapCache implements Cache {

	/**
	 * The entries, by key.
	 */
	public final Map<String, byte[]> entries = new ConcurrentHashMap<>();

	/**
	 * Number of {@link #get} calls.
	 */
	public final AtomicInteger gets = new AtomicInteger();

	/**
	 * Number of {@link #putIfAbsent} calls.
	 */
	public final AtomicInteger puts = new AtomicInteger();

	@Override
	public byte @Nullable [] get(String key) {
		this.gets.incrementAndGet();
		return this.entries.get(key);
	}

	@Override
	public void putIfAbsent(String key, byte[] data) {
		this.puts.incrementAndGet();
		this.entries.putIfAbsent(key, data);
	}

	/**
	 * Returns the only value held.
	 * @return the value
	 * @throws AssertionError if there is not exactly one entry
	 */
	public byte[] singleValue() {
		if (this.entries.size() != 1) {
			throw new AssertionError("Expected one entry but got " + this.entries.keySet());
		}
		return this.entries.values().iterator().next();
	}

}
