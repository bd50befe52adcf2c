package io.github.chicorycache.testsupport;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * A real {@code redis-server} that a test starts on a free loopback port (never 6379),
 * without persistence, and kills when closed. {@link #command} talks to it over a minimal
 * RESP client, so tests can inspect and tamper with keys without a Redis library.
 */
public final class RedisServerProcess implements AutoCloseable {

	/**
	 * Where Debian installs the server; {@code REDIS_SERVER} overrides it.
	 */
	public static final String DEFAULT_BINARY = "/usr/bin/redis-server";

	private static final long START_TIMEOUT_MILLIS = 30_000;

	private final Path directory;

	private final int port;

	private final List<String> arguments;

	private @Nullable Process process;

	private RedisServerProcess(Path directory, int port, List<String> arguments) {
		this.directory = directory;
		this.port = port;
		this.arguments = List.copyOf(arguments);
	}

	/**
	 * Starts a server on a free loopback port.
	 * @param directory a directory for its log (and nothing else: no persistence)
	 * @param arguments further {@code redis-server} arguments, such as
	 * {@code "--maxmemory", "2mb"}
	 * @return the running server, answering {@code PING}
	 */
	public static RedisServerProcess start(Path directory, String... arguments) {
		for (int attempt = 0;; attempt++) {
			RedisServerProcess server = new RedisServerProcess(directory, freePort(), List.of(arguments));
			try {
				server.launch();
				return server;
			}
			catch (IllegalStateException ex) {
				// Another process took the port between our probe and the server's bind.
				server.kill();
				if (attempt >= 4) {
					throw ex;
				}
			}
		}
	}

	/**
	 * Returns the path of the server binary.
	 * @return the binary
	 */
	public static Path binary() {
		String configured = System.getenv("REDIS_SERVER");
		return Path.of((configured != null && !configured.isEmpty()) ? configured : DEFAULT_BINARY);
	}

	/**
	 * Returns the host: always the IPv4 loopback address.
	 * @return {@code 127.0.0.1}
	 */
	public String host() {
		return "127.0.0.1";
	}

	/**
	 * Returns the port.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Returns the URI of this server without credentials.
	 * @return {@code redis://127.0.0.1:<port>}
	 */
	public String uri() {
		return "redis://" + host() + ":" + this.port;
	}

	/**
	 * Returns whether the server process is running.
	 * @return whether it is alive
	 */
	public boolean isRunning() {
		Process current = this.process;
		return current != null && current.isAlive();
	}

	/**
	 * Kills the server with {@code SIGKILL}; its data is lost.
	 */
	public void kill() {
		Process current = this.process;
		if (current != null) {
			current.destroyForcibly();
			try {
				if (!current.waitFor(30, TimeUnit.SECONDS)) {
					throw new IllegalStateException("redis-server " + current.pid() + " did not exit");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			this.process = null;
		}
	}

	/**
	 * Starts the server again on the same port (after {@link #kill()}), empty.
	 */
	public void restart() {
		kill();
		launch();
	}

	/**
	 * Sends a command as the default user and returns the reply.
	 * @param arguments the command and its arguments
	 * @return the reply: a {@code String} for a status, a {@code byte[]} for a bulk
	 * string, a {@code Long}, a {@code List} of replies, or {@code null}
	 * @throws IllegalStateException for an error reply
	 */
	public @Nullable Object command(Object... arguments) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.port), 5_000);
			socket.setSoTimeout(30_000);
			OutputStream out = new BufferedOutputStream(socket.getOutputStream());
			write(out, arguments);
			out.flush();
			Object reply = read(new BufferedInputStream(socket.getInputStream()));
			if (reply instanceof RespError error) {
				throw new IllegalStateException(error.message());
			}
			return reply;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Redis at port " + this.port + " did not answer", ex);
		}
	}

	/**
	 * Returns the keys matching a pattern, as strings.
	 * @param pattern the pattern
	 * @return the keys
	 */
	public List<String> keys(String pattern) {
		List<String> keys = new ArrayList<>();
		Object reply = command("KEYS", pattern);
		if (reply instanceof List<?> list) {
			for (Object key : list) {
				keys.add(new String((byte[]) key, StandardCharsets.UTF_8));
			}
		}
		return keys;
	}

	/**
	 * Returns the value of a key.
	 * @param key the key
	 * @return the value, or {@code null}
	 */
	public byte @Nullable [] get(String key) {
		return (byte[]) command("GET", key);
	}

	@Override
	public void close() {
		kill();
	}

	@Override
	public String toString() {
		return "redis-server on " + uri();
	}

	private void launch() {
		Path binary = binary();
		if (!Files.isExecutable(binary)) {
			throw new IllegalStateException(binary + " is missing: install redis-server (apt-get install redis-server)"
					+ " or point REDIS_SERVER at it");
		}
		List<String> command = new ArrayList<>(
				List.of(binary.toString(), "--port", String.valueOf(this.port), "--bind", "127.0.0.1", "--save", "",
						"--appendonly", "no", "--daemonize", "no", "--dir", this.directory.toString()));
		command.addAll(this.arguments);
		try {
			Files.createDirectories(this.directory);
			this.process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect
					.appendTo(this.directory.resolve("redis-" + this.port + ".log").toFile()))
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start " + command, ex);
		}
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
		while (true) {
			Process current = this.process;
			if (current == null || !current.isAlive()) {
				throw new IllegalStateException("redis-server exited at start; see " + this.directory);
			}
			try {
				if ("PONG".equals(command("PING"))) {
					return;
				}
			}
			catch (UncheckedIOException | IllegalStateException ex) {
				if (System.nanoTime() - deadline > 0) {
					throw new IllegalStateException("redis-server did not answer PING in time", ex);
				}
			}
			// Wait for the server to bind, without a fixed sleep.
			try {
				current.waitFor(10, TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while starting redis-server", ex);
			}
		}
	}

	private static int freePort() {
		while (true) {
			try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
				int port = socket.getLocalPort();
				if (port != 6379) {
					return port;
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
	}

	private static void write(OutputStream out, Object[] arguments) throws IOException {
		out.write(("*" + arguments.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
		for (Object argument : arguments) {
			byte[] bytes = (argument instanceof byte[] raw) ? raw
					: String.valueOf(argument).getBytes(StandardCharsets.UTF_8);
			out.write(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
			out.write(bytes);
			out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
		}
	}

	private static @Nullable Object read(InputStream in) throws IOException {
		int type = in.read();
		String line = line(in);
		if (type == '+') {
			return line;
		}
		if (type == '-') {
			return new RespError(line);
		}
		if (type == ':') {
			return Long.parseLong(line);
		}
		if (type == '$') {
			int length = Integer.parseInt(line);
			if (length < 0) {
				return null;
			}
			byte[] bytes = in.readNBytes(length);
			line(in);
			return bytes;
		}
		if (type == '*') {
			int count = Integer.parseInt(line);
			if (count < 0) {
				return null;
			}
			List<@Nullable Object> items = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				items.add(read(in));
			}
			return items;
		}
		throw new IOException("Unexpected RESP reply type " + type);
	}

	private static String line(InputStream in) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		for (int b = in.read(); b != '\r'; b = in.read()) {
			if (b < 0) {
				throw new IOException("Connection closed");
			}
			line.write(b);
		}
		in.read();
		return line.toString(StandardCharsets.UTF_8);
	}

	private record RespError(String message) {
	}

}
