package io.github.chicorycache.directory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;

import io.github.chicorycache.CacheKey;

/**
 * Publishes entries so that no reader, in this process or another, ever sees a partial
 * one: the entry is written to a new owner-only temporary file in
 * {@value EntryLayout#TEMP_DIRECTORY}, forced to disk, and moved into place atomically.
 * Every directory on the way is entered through {@link OwnerOnlyDirectories}, so nothing
 * is written through a link. A writer that dies leaves only a temporary file, which
 * {@link TempFileSweeper} removes later.
 */
final class AtomicPublisher {

	private final EntryLayout layout;

	private final OwnerOnlyDirectories directories;

	private final Clock clock;

	/**
	 * This process's id, in temp file names; looked up at the first write, since a cache
	 * that only reads never needs it.
	 */
	private volatile long pid = -1;

	AtomicPublisher(EntryLayout layout, OwnerOnlyDirectories directories, Clock clock) {
		this.layout = layout;
		this.directories = directories;
		this.clock = clock;
	}

	/**
	 * Writes an entry to a temporary file and moves it into place, replacing whatever
	 * that is not a regular file or a directory (a link, a FIFO) was there.
	 * @param key the key
	 * @param data the payload
	 * @param target where the entry goes
	 * @return the entry's size, or -1 if another writer published it first
	 * @throws IOException if the entry could not be written
	 */
	long publish(CacheKey key, byte[] data, Path target) throws IOException {
		// The root first: if it vanished since the cache opened, it must come back
		// owner-only, not with the default permissions createDirectories would give it.
		this.directories.ensureRoot(this.layout.root());
		this.directories.enter(this.layout.tempDirectory());
		// A new file (O_EXCL): never an existing one, nor a link's target.
		Path temp = Files.createTempFile(this.layout.tempDirectory(), "pid" + pid() + "-", ".tmp",
				this.directories.ownerOnlyFile());
		try {
			Instant now = this.clock.instant();
			ByteBuffer header = EntryCodec.header(key.value(), now, data.length);
			ByteBuffer[] buffers = { header, ByteBuffer.wrap(data), EntryCodec.trailer(header, data) };
			long size = 0;
			try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
				while (buffers[buffers.length - 1].hasRemaining()) {
					size += channel.write(buffers);
				}
				// Last access starts at creation, on the clock that hits and age
				// eviction use (the file system's own timestamp may differ).
				NoFollow.setLastModifiedTime(temp, now);
				channel.force(true);
			}
			for (Path directory : this.layout.directoriesOf(target)) {
				this.directories.enter(directory);
			}
			try {
				// rename(2) replaces a link at the target itself, never its target
				Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (FileAlreadyExistsException | AccessDeniedException ex) {
				// File systems that cannot replace atomically refuse when a concurrent
				// writer won the race; its entry is as good as ours.
				BasicFileAttributes existing = NoFollow.attributes(target);
				if (existing != null && existing.isRegularFile()) {
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

	private long pid() {
		long pid = this.pid;
		if (pid < 0) {
			pid = ProcessHandle.current().pid();
			this.pid = pid;
		}
		return pid;
	}

}
