package dev.ferry.agent;

import java.io.IOException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Test data: writing a regular file's member into a tar, as the replay and archive tests build their captures. */
public final class TarMembers {

    private TarMembers() {
    }

    /** Writes {@code data} into {@code tar} as the regular file {@code name}. */
    public static void add(TarArchiveOutputStream tar, String name, byte[] data) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(data.length);
        tar.putArchiveEntry(e);
        tar.write(data);
        tar.closeArchiveEntry();
    }
}
