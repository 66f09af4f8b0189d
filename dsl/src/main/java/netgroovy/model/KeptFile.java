package netgroovy.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * One of the store's files, kept open from one statement to the next: a statement then writes
 * it with one system call instead of an open, a write and a close (and a create and a delete
 * for the crash note). It is opened again whenever its path no longer names the file it opened:
 * another process replaced it (the journal, when a snapshot is written) or deleted it (the
 * doctor, or a person clearing /run/netgroovy). Only used under the store's lock.
 */
final class KeptFile {
    private final Path path;
    private final OpenOption[] options;
    private FileChannel channel;
    /** The identity (device and inode) of the file when it was opened, as {@link #identity} gives it. */
    private String opened;

    KeptFile(Path path, OpenOption... options) {
        this.path = path;
        this.options = options.clone();
    }

    /**
     * The channel, checked against the path with one {@code stat}; opened again (its folder made
     * when missing) if the path names another file now, or none.
     */
    FileChannel channel() throws IOException {
        return channel(identity(path));
    }

    /**
     * The channel when the caller has just seen the path's identity ({@code now}, null for "no
     * such file"): no {@code stat} of its own.
     */
    FileChannel channel(String now) throws IOException {
        if (channel != null && channel.isOpen() && Objects.equals(opened, now)) {
            return channel;
        }
        close();
        try {
            channel = FileChannel.open(path, options);
        } catch (NoSuchFileException e) {
            Files.createDirectories(path.getParent());
            channel = FileChannel.open(path, options);
        }
        opened = identity(path);
        return channel;
    }

    /** The channel as the last {@link #channel} call left it, for a caller that checked it earlier under the same lock. */
    FileChannel current() throws IOException {
        if (channel == null || !channel.isOpen()) {
            return channel();
        }
        return channel;
    }

    void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // closed either way
            }
            channel = null;
            opened = null;
        }
    }

    /** Writes all of {@code bytes} at {@code position}, or at the end for a channel opened to append (position -1). */
    static void write(FileChannel ch, byte[] bytes, long position) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            if (position < 0) {
                ch.write(b);
            } else {
                position += ch.write(b, position);
            }
        }
    }

    /** What identifies a file whatever its name (its device and inode), or null when there is none. */
    static String identity(Path p) {
        try {
            Object k = Files.readAttributes(p, BasicFileAttributes.class).fileKey();
            return String.valueOf(k);
        } catch (IOException e) {
            return null;
        }
    }
}
