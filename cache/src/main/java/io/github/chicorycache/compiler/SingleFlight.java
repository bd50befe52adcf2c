package io.github.chicorycache.compiler;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Not API: lets concurrent callers for the same key share one piece of work. The first
 * caller {@link #begin begins} a flight and leads it; callers that arrive while it runs
 * follow it and get its result, or its exception. A follower that waited long enough
 * {@link #takeOver takes over}: a leader stuck for good (for example in a read that never
 * returns) then holds up no one but itself.
 *
 * @param <V> the result of the work
 */
public final class SingleFlight<V> {

	private final Map<String, CompletableFuture<V>> running = new ConcurrentHashMap<>();

	/**
	 * Begins the flight of a key, or joins the one that is running.
	 * @param key the key
	 * @return the flight, led by the caller if {@link Flight#leader()}
	 */
	public Flight<V> begin(String key) {
		CompletableFuture<V> mine = new CompletableFuture<>();
		CompletableFuture<V> theirs = this.running.putIfAbsent(key, mine);
		return (theirs != null) ? new Flight<>(this, key, theirs, false) : new Flight<>(this, key, mine, true);
	}

	/**
	 * Takes over a flight whose leader did not finish in time: the caller leads a new
	 * flight of the key in its place, and later callers follow the new one. If the stuck
	 * flight has finished meanwhile, it is returned as it is, with its result.
	 * @param stuck a flight the caller followed
	 * @return the flight to lead or to follow now
	 */
	public Flight<V> takeOver(Flight<V> stuck) {
		if (stuck.future.isDone()) {
			return stuck;
		}
		CompletableFuture<V> mine = new CompletableFuture<>();
		if (this.running.replace(stuck.key, stuck.future, mine)) {
			return new Flight<>(this, stuck.key, mine, true);
		}
		return begin(stuck.key);
	}

	/**
	 * Returns how many flights are running.
	 * @return the number of keys in flight
	 */
	public int size() {
		return this.running.size();
	}

	/**
	 * One caller's part in the flight of a key.
	 *
	 * @param <V> the result of the work
	 */
	public static final class Flight<V> {

		private final SingleFlight<V> owner;

		private final String key;

		private final CompletableFuture<V> future;

		private final boolean leader;

		Flight(SingleFlight<V> owner, String key, CompletableFuture<V> future, boolean leader) {
			this.owner = owner;
			this.key = key;
			this.future = future;
			this.leader = leader;
		}

		/**
		 * Returns whether the caller leads the flight, that is, does the work.
		 * @return whether the caller is the leader
		 */
		public boolean leader() {
			return this.leader;
		}

		/**
		 * Hands the result to the followers and ends the flight; leader only.
		 * @param result the result
		 */
		public void complete(V result) {
			this.future.complete(result);
			end();
		}

		/**
		 * Hands a failure to the followers and ends the flight; leader only.
		 * @param failure the failure
		 */
		public void fail(Throwable failure) {
			this.future.completeExceptionally(failure);
			end();
		}

		/**
		 * Ends the flight without a result if it was neither completed nor failed, so
		 * that no follower waits for it; leader only.
		 */
		public void end() {
			if (!this.future.isDone()) {
				this.future.completeExceptionally(new IllegalStateException("The compilation ended without result"));
			}
			this.owner.running.remove(this.key, this.future);
		}

		/**
		 * Waits for the leader's result; follower only.
		 * @return the result
		 * @throws RuntimeException the leader's runtime exception
		 * @throws Error the leader's error
		 */
		public V await() {
			try {
				return this.future.join();
			}
			catch (CompletionException ex) {
				throw unwrap(ex.getCause(), ex);
			}
		}

		/**
		 * Waits for the leader's result for a bounded time; follower only.
		 * @param timeout how long to wait at most
		 * @return the result
		 * @throws TimeoutException if the leader did not finish in time
		 * @throws RuntimeException the leader's runtime exception
		 * @throws Error the leader's error
		 */
		public V await(Duration timeout) throws TimeoutException {
			try {
				return this.future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
			}
			catch (ExecutionException ex) {
				throw unwrap(ex.getCause(), ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while waiting for the compilation of " + this.key, ex);
			}
		}

		/**
		 * Returns the key of this flight.
		 * @return the key
		 */
		public String key() {
			return this.key;
		}

		private static RuntimeException unwrap(Throwable cause, Exception wrapper) {
			if (cause instanceof RuntimeException runtime) {
				return runtime;
			}
			if (cause instanceof Error error) {
				throw error;
			}
			return new IllegalStateException(wrapper);
		}

		@Override
		public String toString() {
			return "Flight of " + this.key + (this.leader ? " (leader)" : " (follower)");
		}

	}

}
