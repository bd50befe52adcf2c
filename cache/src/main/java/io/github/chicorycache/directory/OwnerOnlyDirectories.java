package io.github.chicorycache.directory;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import io.github.chicorycache.CacheDirectoryException;
import io.github.chicorycache.CacheFault;
import io.github.chicorycache.spi.FaultRecorder;

/**
 * Not API: the directory policy of a {@link io.github.chicorycache.DirectoryCache}. The
 * cache holds bytecode that the application executes, so whoever can write its directory
 * can run code in the application: directories are created owner-only, and a root that
 * group or others can write, or that another user owns, is refused unless a shared
 * directory is explicitly allowed.
 */
public final class OwnerOnlyDirectories {

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
	public OwnerOnlyDirectories(Path root, boolean allowShared, FaultRecorder faults) {
		this.posix = root.getFileSystem().supportedFileAttributeViews().contains("posix");
		this.allowShared = allowShared;
		this.faults = faults;
	}

	/**
	 * Checks an existing root, or creates a missing one owner-only (unless the cache only
	 * reads).
	 * @param root the root
	 * @param readOnly whether the cache only reads
	 * @throws CacheDirectoryException if the root is refused
	 */
	public void openRoot(Path root, boolean readOnly) {
		if (Files.exists(root)) {
			if (!Files.isDirectory(root)) {
				throw new CacheDirectoryException(root, CacheDirectoryException.Reason.NOT_A_DIRECTORY,
						"Cache directory '" + root + "' is not a directory");
			}
			checkNotShared(root);
			return;
		}
		if (readOnly) {
			return;
		}
		try {
			createOwnerOnly(root);
		}
		catch (IOException | RuntimeException ex) {
			this.faults.record(CacheFault.Kind.OPEN, "Could not create cache directory " + root, ex);
			return;
		}
		// Someone else may have created it between our look and our create.
		checkNotShared(root);
	}

	/**
	 * Creates a directory, and its missing parents, unless it exists; the directory
	 * itself is owner-only.
	 * @param directory the directory
	 * @throws IOException if it cannot be created
	 */
	void createOwnerOnly(Path directory) throws IOException {
		if (Files.isDirectory(directory)) {
			return;
		}
		Path parent = directory.getParent();
		if (parent != null) {
			Files.createDirectories(parent);
		}
		try {
			if (this.posix) {
				Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
				// The umask may have taken bits away; make sure the owner has them all.
				Files.setPosixFilePermissions(directory, OWNER_ONLY_DIRECTORY);
			}
			else {
				Files.createDirectory(directory);
			}
		}
		catch (FileAlreadyExistsException ex) {
			if (!Files.isDirectory(directory)) {
				throw ex;
			}
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

	private void checkNotShared(Path root) {
		if (!this.posix || this.allowShared) {
			return;
		}
		Set<PosixFilePermission> permissions;
		try {
			permissions = Files.getPosixFilePermissions(root);
		}
		catch (IOException ex) {
			this.faults.record(CacheFault.Kind.OPEN, "Could not read the permissions of " + root, ex);
			return;
		}
		if (permissions.contains(PosixFilePermission.GROUP_WRITE)
				|| permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
			throw new CacheDirectoryException(root, CacheDirectoryException.Reason.SHARED_PERMISSIONS,
					"Cache directory '" + root + "' is writable by group or others ("
							+ PosixFilePermissions.toString(permissions) + "). It holds bytecode that this application "
							+ "executes, so anyone who can write there can run code in it. Restrict it (chmod 700 '"
							+ root + "') or explicitly allow a shared directory.");
		}
		checkOwner(root);
	}

	/**
	 * Refuses a root owned by another user than this process's (root excepted, which
	 * covers caches prebuilt into an image): its owner could make this application run
	 * their bytecode. Only on the default file system, where user names are the
	 * process's.
	 */
	private void checkOwner(Path root) {
		String user = System.getProperty("user.name", "");
		if (root.getFileSystem() != FileSystems.getDefault() || user.isEmpty() || user.equals("?")) {
			return;
		}
		String owner;
		try {
			owner = Files.getOwner(root).getName();
		}
		catch (IOException | UnsupportedOperationException ex) {
			return;
		}
		if (!owner.equals(user) && !owner.equals("root")) {
			throw new CacheDirectoryException(root, CacheDirectoryException.Reason.FOREIGN_OWNER,
					"Cache directory '" + root + "' is owned by '" + owner + "', not by this application's user '"
							+ user + "'. It holds bytecode that this application "
							+ "executes, so its owner can run code in it. Use a directory of your own (or chown it) or "
							+ "explicitly allow a shared directory.");
		}
	}

}
