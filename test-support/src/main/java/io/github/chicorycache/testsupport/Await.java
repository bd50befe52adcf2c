package io.github.chicorycache.testsupport;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition without sleeping a fixed time, so tests stay fast on an idle
 * machine and do not flake on a loaded one.
 */
public final class Await {

	private Await() {
	}

	/**
	 * Waits until a condition holds.
	 * @param description what is awaited, for the failure message
	 * @param timeoutMillis the longest wait
	 * @param condition the condition
	 * @throws AssertionError if the condition does not hold in time
	 */
	public static void await(String description, long timeoutMillis, BooleanSupplier condition) {
		long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() - deadline > 0) {
				throw new AssertionError("Timed out after " + timeoutMillis + " ms waiting for " + description);
			}
			LockSupport.parkNanos(1_000_000);
		}
	}

	/**
	 * Runs full garbage collections until a condition holds, at most a bounded number of
	 * times: for soft and weak references that only a collection clears.
	 * @param condition the condition
	 * @return whether it held
	 */
	public static boolean gcUntil(BooleanSupplier condition) {
		for (int i = 0; i < 40; i++) {
			if (condition.getAsBoolean()) {
				return true;
			}
			System.gc();
			// Give reference processing a chance; allocation nudges the collector.
			byte[][] pressure = new byte[16][];
			for (int j = 0; j < pressure.length; j++) {
				pressure[j] = new byte[64 * 1024];
			}
			Thread.yield();
		}
		return condition.getAsBoolean();
	}

}
