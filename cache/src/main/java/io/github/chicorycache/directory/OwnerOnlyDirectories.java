package io.github.chicorycache.directory;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

import io.github.chicorycache.CacheDirectoryException;
import io.github.chicorycache.CacheDirectoryException.Reason;
import io.github.chicorycache.CacheFault;
import io.github.chicorycache.spi.FaultRecorder;

/**
 * The directory policy of a {@link io.github.chicorycache.DirectoryCache}. The cache
 * holds bytecode that the application executes, so whoever can write its directories can
 * run code in the application. Every directory the cache creates is owner-only whatever
 * the umask; a root that group or others can write, or that another user owns, is
 * refused, and so is such a directory below the root unless it is ours to fix (then its
 * group and other write permissions are removed), unless a shared directory is explicitly
 * allowed. Below the root, a link where a directory of the cache belongs is removed
 * before anything is written there, never written through.
 */
final class OwnerOnlyDirectories {

	private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");

	private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

	private final boolean posix;

	private final boolean allowShared;

	private final FaultRecorder faults;

	/**
	 * Creates the policy for a root.
	 * @param root the root, which tells the file system
	 * @param allowShared whether a shared directory is accepted
	 * @param faults where failures are recorded
	 */
	OwnerOnlyDirectories(Path root, boolean allowShared, FaultRecorder faults) {
		this.posix = root.getFileSystem().supportedFileAttributeViews().contains("posix");
		this.allowShared = allowShared;
		this.faults = faults;
	}

	/**
	 * Checks an existing root and the directories below it, or creates a missing root
	 * owner-only (unless the cache only reads), and resolves it to its real path: a root
	 * that is a link is used through its target, and no link below it is ever followed.
	 * @param root the root
	 * @param readOnly whether the cache only reads (then nothing is created or fixed)
	 * @return the real path of the root
	 * @throws CacheDirectoryException if the root, or a directory below it, is refused
	 */
	Path openRoot(Path root, boolean readOnly) {
		if (Files.exists(root)) {
			if (!Files.isDirectory(root)) {
				throw new CacheDirectoryException(root, Reason.NOT_A_DIRECTORY,
						"Cache directory '" + root + "' is not a directory");
			}
			Path real = realPath(root);
			checkRoot(real);
			checkDirectoriesBelow(real, readOnly);
			return real;
		}
		if (readOnly) {
			return realPath(root);
		}
		try {
			ensureRoot(root);
		}
		catch (IOException | RuntimeException ex) {
			this.faults.record(CacheFault.Kind.OPEN, "Could not create cache directory " + root, ex);
			return realPath(root);
		}
		// Someone else may have created it between our look and our create.
		Path real = realPath(root);
		checkRoot(real);
		return real;
	}

	/**
	 * Creates the root, owner-only, if it vanished since the cache opened.
	 * @param root the real path of the root
	 * @throws IOException if it cannot be created or is not a directory
	 */
	void ensureRoot(Path root) throws IOException {
		BasicFileAttributes attributes = NoFollow.attributes(root);
		if (attributes == null) {
			Path parent = root.getParent();
			if (parent != null) {
				Files.createDirectories(parent);
			}
			try {
				createOwnerOnly(root);
			}
			catch (FileAlreadyExistsException ex) {
				// another process created it meanwhile
				if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
					throw ex;
				}
			}
		}
		else if (!attributes.isDirectory()) {
			throw new FileSystemException(root.toString(), null,
					"is " + NoFollow.kind(attributes) + ", not a directory");
		}
	}

	/**
	 * Makes sure a directory of the cache below the root is a real directory that only
	 * its owner can write, before anything is written in it: creates it owner-only if it
	 * is missing, replaces anything else by a directory (a link, a regular file, a FIFO),
	 * fixes one of ours that group or others can write.
	 * @param directory the directory, whose parent was entered before
	 * @throws IOException if the directory cannot be made
	 * @throws CacheDirectoryException if the directory is not ours to fix
	 */
	void enter(Path directory) throws IOException {
		BasicFileAttributes attributes = NoFollow.attributes(directory);
		if (attributes != null && !attributes.isDirectory()) {
			// The parent is the cache's own and was checked: whatever is there is in the
			// way of every write below it. Deleting removes the name only: never a link's
			// target, and a FIFO or device is not opened. Another writer may have removed
			// it first, and put its directory there.
			if (deleteUnlessDirectory(directory)) {
				this.faults.record(CacheFault.Kind.WRITE,
						"Removed " + directory + ", " + NoFollow.kind(attributes)
								+ " where a directory of the cache belongs"
								+ (attributes.isSymbolicLink() ? " (links are never followed)" : ""),
						null);
			}
			attributes = null;
		}
		if (attributes == null) {
			try {
				createOwnerOnly(directory);
				return;
			}
			catch (FileAlreadyExistsException ex) {
				// a concurrent writer created it: check what it is
				attributes = NoFollow.attributes(directory);
			}
		}
		if (attributes == null || !attributes.isDirectory()) {
			throw new FileSystemException(directory.toString(), null,
					"is " + ((attributes != null) ? NoFollow.kind(attributes) : "gone") + ", not a directory");
		}
		checkBelowRoot(directory, false);
	}

	/**
	 * Removes what is at a path unless it is a directory (one that another writer put
	 * there since it was looked at), without following a link or opening it. Where the
	 * file system offers no unlink that leaves directories alone, a directory that took
	 * the file's place in the instant between the look and the removal is removed if it
	 * is empty, and made again by its writer or by this one.
	 * @param path the path
	 * @return whether something was removed
	 * @throws IOException if it could not be removed
	 */
	private static boolean deleteUnlessDirectory(Path path) throws IOException {
		Path parent = path.getParent();
		if (parent != null) {
			try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent)) {
				if (entries instanceof SecureDirectoryStream<Path> secure) {
					try {
						// unlinkat(2) without AT_REMOVEDIR: never a directory
						secure.deleteFile(path.getFileName());
						return true;
					}
					catch (NoSuchFileException ex) {
						return false;
					}
					catch (FileSystemException ex) {
						if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
							return false;
						}
						throw ex;
					}
				}
			}
		}
		try {
			return Files.deleteIfExists(path);
		}
		catch (DirectoryNotEmptyException ex) {
			return false;
		}
	}

	/**
	 * Returns the attributes that make a new file owner-only.
	 * @return the attributes, none where permissions are not POSIX
	 */
	FileAttribute<?>[] ownerOnlyFile() {
		return this.posix ? new FileAttribute<?>[] { PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE) }
				: new FileAttribute<?>[0];
	}

	private void createOwnerOnly(Path directory) throws IOException {
		if (!this.posix) {
			Files.createDirectory(directory);
			return;
		}
		Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
		// The umask may have taken bits away, or a permissive one let others' through
		// on file systems that ignore the attribute: set them explicitly.
		Files.setPosixFilePermissions(directory, OWNER_ONLY_DIRECTORY);
	}

	private void checkRoot(Path root) {
		if (!this.posix || this.allowShared) {
			return;
		}
		PosixFileAttributes attributes;
		try {
			attributes = Files.readAttributes(root, PosixFileAttributes.class);
		}
		catch (IOException ex) {
			this.faults.record(CacheFault.Kind.OPEN, "Could not read the permissions of " + root, ex);
			return;
		}
		if (DirectoryOwnership.sharedWrite(attributes)) {
			throw new CacheDirectoryException(root, Reason.SHARED_PERMISSIONS,
					"Cache directory '" + root + "' is writable by group or others ("
							+ PosixFilePermissions.toString(attributes.permissions())
							+ "). It holds bytecode that this "
							+ "application executes, so anyone who can write there can run code in it. Restrict it "
							+ "(chmod 700 '" + root + "') or explicitly allow a shared directory.");
		}
		String owner = DirectoryOwnership.foreignOwner(root, attributes);
		if (owner != null) {
			throw new CacheDirectoryException(root, Reason.FOREIGN_OWNER,
					"Cache directory '" + root + "' is owned by '" + owner + "', not by this application's user '"
							+ DirectoryOwnership.user() + "'. It holds bytecode that this application "
							+ "executes, so its owner can run code in it. Use a directory of your own (or chown it) or "
							+ "explicitly allow a shared directory.");
		}
	}

	/**
	 * Checks the directories of the cache that exist below the root when it opens, as
	 * {@link #enter(Path)} does before writing.
	 */
	private void checkDirectoriesBelow(Path root, boolean readOnly) {
		if (!this.posix || this.allowShared) {
			return;
		}
		try {
			Files.walkFileTree(root, EnumSet.noneOf(FileVisitOption.class), 3, new SimpleFileVisitor<>() {

				@Override
				public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes)
						throws IOException {
					if (!directory.equals(root)) {
						if (!EntryLayout.isDirectoryPath(root.relativize(directory))) {
							return FileVisitResult.SKIP_SUBTREE;
						}
						checkBelowRoot(directory, readOnly);
					}
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
					// the deepest level (shards of a namespace) is visited as a file
					if (attributes.isDirectory() && EntryLayout.isDirectoryPath(root.relativize(file))) {
						checkBelowRoot(file, readOnly);
					}
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult visitFileFailed(Path file, IOException ex) {
					return FileVisitResult.CONTINUE;
				}

			});
		}
		catch (IOException ex) {
			this.faults.record(CacheFault.Kind.OPEN, "Could not check the directories below " + root, ex);
		}
	}

	/**
	 * Checks a real directory below the root: refuses one that another user owns, fixes
	 * one of ours that group or others can write (unless the cache only reads), refuses
	 * it otherwise.
	 */
	private void checkBelowRoot(Path directory, boolean readOnly) throws IOException {
		if (!this.posix || this.allowShared) {
			return;
		}
		PosixFileAttributes attributes = Files.readAttributes(directory, PosixFileAttributes.class,
				LinkOption.NOFOLLOW_LINKS);
		String owner = DirectoryOwnership.foreignOwner(directory, attributes);
		if (owner == null && !DirectoryOwnership.sharedWrite(attributes)) {
			return;
		}
		if (owner == null && !readOnly && DirectoryOwnership.isOurs(directory, attributes)) {
			Set<PosixFilePermission> permissions = EnumSet.copyOf(attributes.permissions());
			permissions.remove(PosixFilePermission.GROUP_WRITE);
			permissions.remove(PosixFilePermission.OTHERS_WRITE);
			Files.setPosixFilePermissions(directory, permissions);
			return;
		}
		String problem = (owner != null)
				? "is owned by '" + owner + "', not by this application's user '" + DirectoryOwnership.user()
				: "is writable by group or others (" + PosixFilePermissions.toString(attributes.permissions()) + ")"
						+ (readOnly ? " and the cache is read-only" : " and not this application's to fix");
		throw new CacheDirectoryException(directory, Reason.UNSAFE_SUBDIRECTORY,
				"Cache directory '" + directory + "' " + problem + ". It holds bytecode that this application "
						+ "executes, so whoever can write there can run code in it. "
						+ Reason.UNSAFE_SUBDIRECTORY.fix());
	}

	/**
	 * Returns the real path of a directory, or of its deepest existing ancestor followed
	 * by the rest of the path if it does not exist yet.
	 */
	private static Path realPath(Path path) {
		Path existing = path;
		while (existing != null && !Files.exists(existing)) {
			existing = existing.getParent();
		}
		if (existing == null) {
			return path;
		}
		try {
			return existing.toRealPath().resolve(existing.relativize(path));
		}
		catch (IOException ex) {
			return path;
		}
	}

}
