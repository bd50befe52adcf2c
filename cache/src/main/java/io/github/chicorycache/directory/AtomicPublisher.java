package io.github.chicorycache.directory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;

import io.github.chicorycache.CacheKey;

/**
 * Publishes entries so that no reader, in this process or another, ever sees a partial
 * one: the entry is written to a temporary file in {@value EntryLayout#TEMP_DIRECTORY},
 * forced to disk, and moved into place atomically. A writer that dies leaves only a
 * temporary file, which {@link TempFileSweeper} removes later.
 */
final class AtomicPublisher {

	private final EntryLayout layout;

	private final OwnerOnlyDirectories directories;

	private final Clock clock;

	private final long pid = ProcessHandle.current().pid();

	AtomicPublisher(EntryLayout layout, OwnerOnlyDirectories directories, Clock clock) {
		this.layout = layout;
		this.directories = directories;
		this.clock = clock;
	}

	/**
	 * Writes an entry to a temporary file and moves it into place.
	 * @param key the key
	 * @param data the payload
	 * @param target where the entry goes
	 * @return the entry's size, or -1 if another writer published it first
	 * @throws IOException if the entry could not be written
	 */
	long publish(CacheKey key, byte[] data, Path target) throws IOException {
		// The root first: if it vanished since the cache opened, it must come back
		// owner-only, not with the default permissions createDirectories would give it.
		this.directories.createOwnerOnly(this.layout.root());
		this.directories.createOwnerOnly(this.layout.tempDirectory());
		Path temp = Files.createTempFile(this.layout.tempDirectory(), "pid" + this.pid + "-", ".tmp",
				this.directories.ownerOnlyFile());
		try {
			Instant now = this.clock.instant();
			ByteBuffer header = EntryCodec.header(key.value(), now, data.length);
			ByteBuffer[] buffers = { header, ByteBuffer.wrap(data), EntryCodec.trailer(header, data) };
			long size = 0;
			try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
				while (buffers[buffers.length - 1].hasRemaining()) {
					size += channel.write(buffers);
				}
				// Last access starts at creation, on the clock that hits and age
				// eviction use (the file system's own timestamp may differ).
				Files.setLastModifiedTime(temp, FileTime.from(now));
				channel.force(true);
			}
			Files.createDirectories(target.getParent());
			try {
				Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (AtomicMoveNotSupportedException ex) {
				throw ex;
			}
			catch (FileAlreadyExistsException | AccessDeniedException ex) {
				// File systems that cannot replace atomically refuse when a concurrent
				// writer won the race; its entry is as good as ours.
				if (Files.isRegularFile(target)) {
					return -1;
				}
				throw ex;
			}
			return size;
		}
		finally {
			Files.deleteIfExists(temp);
		}
	}

}
