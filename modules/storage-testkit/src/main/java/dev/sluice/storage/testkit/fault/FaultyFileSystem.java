package dev.sluice.storage.testkit.fault;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.spi.FileSystemProvider;
import java.util.Set;
import java.util.stream.StreamSupport;

/**
 * The default file system seen through a {@link DiskFault}: paths of this file system name the
 * same files, but while the disk fails, opening, reading, writing, forcing, deleting, moving and
 * creating files throw {@link IOException}, as on a dead disk. Metadata look-ups (exists, size
 * attributes) still answer. A storage backend under test is simply opened on
 * {@link #wrap(Path, DiskFault)} of its directory: no hook in the backend's code.
 *
 * <p>{@link Path#toFile()} returns the real file (code that goes through {@code java.io} or native
 * libraries bypasses the fault). Thread-safe as the default file system is.
 */
public final class FaultyFileSystem extends FileSystem {
    private final FileSystem delegate = FileSystems.getDefault();
    private final FaultyFileSystemProvider provider;

    private FaultyFileSystem(DiskFault fault) {
        this.provider = new FaultyFileSystemProvider(this, fault);
    }

    /** {@code directory} (of the default file system) as a path of a new file system failing with {@code fault}. */
    public static Path wrap(Path directory, DiskFault fault) {
        return new FaultyFileSystem(fault).wrap(directory);
    }

    Path wrap(Path path) {
        return path == null ? null : new FaultyPath(this, path);
    }

    static Path unwrap(Path path) {
        return path instanceof FaultyPath faulty ? faulty.delegate() : path;
    }

    @Override
    public FileSystemProvider provider() {
        return provider;
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException("the default file system cannot be closed");
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public boolean isReadOnly() {
        return false;
    }

    @Override
    public String getSeparator() {
        return delegate.getSeparator();
    }

    @Override
    public Iterable<Path> getRootDirectories() {
        return StreamSupport.stream(delegate.getRootDirectories().spliterator(), false).map(this::wrap).toList();
    }

    @Override
    public Iterable<FileStore> getFileStores() {
        return delegate.getFileStores();
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
        return delegate.supportedFileAttributeViews();
    }

    @Override
    public Path getPath(String first, String... more) {
        return wrap(delegate.getPath(first, more));
    }

    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
        PathMatcher matcher = delegate.getPathMatcher(syntaxAndPattern);
        return path -> matcher.matches(unwrap(path));
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        return delegate.getUserPrincipalLookupService();
    }

    @Override
    public WatchService newWatchService() {
        throw new UnsupportedOperationException("no watch service on a faulty file system");
    }
}
