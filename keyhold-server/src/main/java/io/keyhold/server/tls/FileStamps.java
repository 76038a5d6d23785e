package io.keyhold.server.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the TLS files looked like when they were read: modification time, size and file key (the inode,
 * where the platform has one) of each, following symbolic links, so that a file rewritten in place, one
 * replaced by a rename and a symbolic link pointed elsewhere all count as changed. A missing file has no
 * stamp, which differs from any it had.
 */
final class FileStamps {
    private record Stamp(Path file, long modifiedNanos, long size, Object fileKey) {
    }

    private final List<Stamp> stamps;

    private FileStamps(List<Stamp> stamps) {
        this.stamps = stamps;
    }

    static FileStamps of(List<Path> files) {
        List<Stamp> out = new ArrayList<>(files.size());
        for (Path file : files) {
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                out.add(new Stamp(file, a.lastModifiedTime().toInstant().getEpochSecond() * 1_000_000_000L
                        + a.lastModifiedTime().toInstant().getNano(), a.size(), a.fileKey()));
            } catch (IOException e) {
                out.add(new Stamp(file, -1, -1, null));
            }
        }
        return new FileStamps(List.copyOf(out));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FileStamps other && stamps.equals(other.stamps);
    }

    @Override
    public int hashCode() {
        return Objects.hash(stamps);
    }
}
