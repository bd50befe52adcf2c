package io.github.chicorycache.redis;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import io.github.chicorycache.CacheFault;
import io.github.chicorycache.spi.FaultRecorder;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import org.jspecify.annotations.Nullable;

/**
 * The commands the tier sends, each bounded in time and guarded by the circuit breaker.
 * The connection opens in the background when the gateway is created and again, after a
 * failed attempt, when the breaker lets a command through; an operation waits at most the
 * connect timeout for it. Once connected, Lettuce reconnects by itself, and commands fail
 * at once while it is disconnected instead of queueing.
 */
final class RedisGateway implements AutoCloseable {

	private static final Logger logger = System.getLogger(RedisGateway.class.getName());

	/**
	 * Deletes a lease only if it still holds this instance's token, so that a lease that
	 * expired and was taken by another instance stays.
	 */
	private static final String COMPARE_AND_DELETE = "if redis.call('get', KEYS[1]) == ARGV[1] then "
			+ "return redis.call('del', KEYS[1]) else return 0 end";

	private final RedisClient client;

	private final RedisURI uri;

	private final Duration connectTimeout;

	private final Duration commandTimeout;

	private final CircuitBreaker breaker;

	private final FaultRecorder faults;

	private final String endpoint;

	private final Object connectLock = new Object();

	private volatile @Nullable CompletableFuture<StatefulRedisConnection<byte[], byte[]>> connection;

	private volatile boolean closed;

	RedisGateway(RedisURI uri, @Nullable ClientResources resources, @Nullable SslOptions sslOptions,
			Duration connectTimeout, Duration commandTimeout, CircuitBreaker breaker, FaultRecorder faults) {
		this.uri = RedisURI.builder(uri).withTimeout(commandTimeout).build();
		this.connectTimeout = connectTimeout;
		this.commandTimeout = commandTimeout;
		this.breaker = breaker;
		this.faults = faults;
		this.endpoint = RedisEndpoint.describe(uri);
		this.client = (resources != null) ? RedisClient.create(resources, this.uri) : RedisClient.create(this.uri);
		ClientOptions.Builder options = ClientOptions.builder();
		if (sslOptions != null) {
			options.sslOptions(sslOptions);
		}
		this.client.setOptions(options.socketOptions(SocketOptions.builder().connectTimeout(connectTimeout).build())
			.timeoutOptions(TimeoutOptions.enabled(commandTimeout))
			.autoReconnect(true)
			.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.build());
	}

	/**
	 * Starts connecting without waiting, so that startup never waits for Redis.
	 */
	void connectInBackground() {
		synchronized (this.connectLock) {
			if (this.connection == null) {
				this.connection = connect();
			}
		}
	}

	String endpoint() {
		return this.endpoint;
	}

	/**
	 * Reads at most {@code maxLength + 1} bytes of a value: whoever can write to Redis
	 * (no secret needed) could otherwise make every instance read a value of up to 512 MB
	 * into memory before its envelope is refused. A longer result means the value is over
	 * the limit.
	 * @param key the key
	 * @param maxLength the largest acceptable value
	 * @return the value or its first {@code maxLength + 1} bytes, or {@code null} if
	 * there is none
	 * @throws RedisUnavailableException if Redis did not answer
	 */
	byte @Nullable [] getAtMost(byte[] key, long maxLength) throws RedisUnavailableException {
		byte[] value = call("GETRANGE", CacheFault.Kind.READ, (commands) -> commands.getrange(key, 0, maxLength));
		if (value != null && value.length > 0) {
			return value;
		}
		// GETRANGE answers an empty string for a missing key too; an empty value must be
		// seen (and refused), or it would block publishing under its key.
		if (!exists(key)) {
			return null;
		}
		// Another instance may have published between the two commands: entries are
		// written once (SET NX) and never changed, so a second read tells a planted empty
		// value from a fresh entry.
		byte[] again = call("GETRANGE", CacheFault.Kind.READ, (commands) -> commands.getrange(key, 0, maxLength));
		return (again != null) ? again : new byte[0];
	}

	void renew(byte[] key, Duration ttl) throws RedisUnavailableException {
		call("PEXPIRE", CacheFault.Kind.WRITE, (commands) -> commands.pexpire(key, ttl.toMillis()));
	}

	boolean setIfAbsent(byte[] key, byte[] value, Duration ttl) throws RedisUnavailableException {
		String reply = call("SET NX", CacheFault.Kind.WRITE,
				(commands) -> commands.set(key, value, SetArgs.Builder.nx().px(ttl)));
		return "OK".equals(reply);
	}

	boolean exists(byte[] key) throws RedisUnavailableException {
		Long count = call("EXISTS", CacheFault.Kind.READ, (commands) -> commands.exists(key));
		return count != null && count > 0;
	}

	boolean unlink(byte[] key) throws RedisUnavailableException {
		Long count = call("UNLINK", CacheFault.Kind.DELETE, (commands) -> commands.unlink(key));
		return count != null && count > 0;
	}

	boolean compareAndDelete(byte[] key, byte[] value) throws RedisUnavailableException {
		Long count = call("EVAL compare-and-delete", CacheFault.Kind.DELETE,
				(commands) -> commands.eval(COMPARE_AND_DELETE, ScriptOutputType.INTEGER, new byte[][] { key }, value));
		return count != null && count > 0;
	}

	/**
	 * Deletes a key if it holds a value, without waiting for the outcome and without
	 * asking the breaker: for a lease whose release would otherwise wait for expiry.
	 * @param key the key
	 * @param value the value it must hold
	 */
	void compareAndDeleteQuietly(byte[] key, byte[] value) {
		CompletableFuture<StatefulRedisConnection<byte[], byte[]>> current = this.connection;
		if (this.closed || current == null || !current.isDone() || current.isCompletedExceptionally()) {
			return;
		}
		StatefulRedisConnection<byte[], byte[]> connection = current.join();
		if (connection.isOpen()) {
			connection.async()
				.eval(COMPARE_AND_DELETE, ScriptOutputType.INTEGER, new byte[][] { key }, value)
				.exceptionally((ex) -> {
					logger.log(Level.DEBUG, () -> "Could not release a lease at Redis " + this.endpoint + ": " + ex);
					return null;
				});
		}
	}

	/**
	 * Removes every key that matches a pattern, in batches, without blocking Redis.
	 * @param pattern the {@code SCAN MATCH} pattern
	 * @return how many keys were removed
	 * @throws RedisUnavailableException if Redis failed before the end
	 */
	long unlinkMatching(String pattern) throws RedisUnavailableException {
		ScanArgs args = ScanArgs.Builder.matches(pattern.getBytes(StandardCharsets.UTF_8)).limit(500);
		ScanCursor cursor = ScanCursor.INITIAL;
		long removed = 0;
		do {
			ScanCursor current = cursor;
			KeyScanCursor<byte[]> page = call("SCAN", CacheFault.Kind.DELETE,
					(commands) -> commands.scan(current, args));
			List<byte[]> keys = new ArrayList<>(page.getKeys());
			if (!keys.isEmpty()) {
				Long count = call("UNLINK", CacheFault.Kind.DELETE,
						(commands) -> commands.unlink(keys.toArray(new byte[0][])));
				removed += (count != null) ? count : 0;
			}
			cursor = page;
		}
		while (!cursor.isFinished());
		return removed;
	}

	private <T> T call(String command, CacheFault.Kind kind,
			Function<RedisAsyncCommands<byte[], byte[]>, RedisFuture<T>> action) throws RedisUnavailableException {
		if (this.closed) {
			throw new RedisUnavailableException("the Redis tier is closed");
		}
		if (!this.breaker.tryAcquire()) {
			throw new RedisUnavailableException("Redis at " + this.endpoint + " is skipped (circuit breaker open)");
		}
		StatefulRedisConnection<byte[], byte[]> open;
		try {
			open = connection();
		}
		catch (Exception ex) {
			throw failure(CacheFault.Kind.OPEN, "Could not connect to Redis at " + this.endpoint, ex);
		}
		try {
			T result = action.apply(open.async())
				.get(this.commandTimeout.toNanos() + TimeUnit.MILLISECONDS.toNanos(100), TimeUnit.NANOSECONDS);
			this.breaker.onSuccess();
			return result;
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RedisCommandExecutionException refused) {
				// Redis answered (full, no permission, loading): not a connectivity
				// problem.
				this.breaker.onSuccess();
				this.faults.record(kind, "Redis at " + this.endpoint + " refused " + command, refused);
				throw new RedisUnavailableException(command + " refused: " + refused.getMessage());
			}
			throw failure(kind, command + " failed at Redis " + this.endpoint, ex.getCause());
		}
		catch (TimeoutException ex) {
			throw failure(kind, command + " timed out after " + this.commandTimeout + " at Redis " + this.endpoint,
					null);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.breaker.onAbandoned();
			throw new RedisUnavailableException(command + " interrupted");
		}
		catch (RuntimeException ex) {
			throw failure(kind, command + " failed at Redis " + this.endpoint, ex);
		}
	}

	private RedisUnavailableException failure(CacheFault.Kind kind, String message, @Nullable Throwable cause) {
		this.faults.record(kind, message, cause);
		if (this.breaker.onFailure()) {
			logger.log(Level.WARNING, () -> "Redis at " + this.endpoint + " is failing; the Chicory cache skips it "
					+ "(lookups miss, publishes are dropped) and probes it again later");
		}
		return new RedisUnavailableException(message + ((cause != null) ? ": " + cause : ""));
	}

	private StatefulRedisConnection<byte[], byte[]> connection() throws Exception {
		CompletableFuture<StatefulRedisConnection<byte[], byte[]>> current = this.connection;
		if (current == null || current.isCompletedExceptionally()) {
			synchronized (this.connectLock) {
				if (this.connection == current) {
					this.connection = connect();
				}
				current = this.connection;
			}
		}
		try {
			return current.get(this.connectTimeout.toMillis() + 100, TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof Exception cause) ? cause : ex;
		}
	}

	private CompletableFuture<StatefulRedisConnection<byte[], byte[]>> connect() {
		return this.client.connectAsync(ByteArrayCodec.INSTANCE, this.uri).toCompletableFuture();
	}

	@Override
	public void close() {
		this.closed = true;
		CompletableFuture<StatefulRedisConnection<byte[], byte[]>> current = this.connection;
		if (current != null && !current.isDone()) {
			// Let a connection attempt end (within the connect timeout) rather than cut
			// it.
			try {
				current.get(this.connectTimeout.toMillis() + 100, TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (ExecutionException | TimeoutException ex) {
				// closing anyway
			}
		}
		// Closes the connection too.
		this.client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
	}

}
