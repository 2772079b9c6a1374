package dev.ferry.pipeline.io;

import com.github.luben.zstd.util.Native;

/**
 * Whether zstd-jni's native library could be loaded. zstd-jni unpacks it into {@code java.io.tmpdir} (or
 * the folder of {@code -DZstdTempFolder}) before loading it, so a read-only or missing temporary folder (a
 * systemd unit with {@code ProtectSystem=strict} and no {@code PrivateTmp}) leaves it unloadable. The spool
 * then writes uncompressed; what must be decompressed (a compressed spool, {@code .zst} segments) is
 * refused by {@link #requireLoaded} instead of failing with a {@code LinkageError}.
 */
public final class ZstdLibrary {

    private static final String LOAD_ERROR = load();

    private ZstdLibrary() {
    }

    private static String load() {
        try {
            Native.load();
            return null;
        } catch (LinkageError | RuntimeException e) {
            return e.getMessage() == null ? e.toString() : e.getMessage();
        }
    }

    /** Null if the library is loaded; otherwise why it is not, and what to do about it. */
    public static String problem() {
        if (LOAD_ERROR == null) {
            return null;
        }
        return LOAD_ERROR + "; zstd-jni unpacks its native library into java.io.tmpdir (" + System.getProperty("java.io.tmpdir")
                + ") first: make that folder writable (under systemd: PrivateTmp=true) or point -DZstdTempFolder at one that is";
    }

    /**
     * Returns if the library is loaded; otherwise refuses {@code what}, which needs it.
     *
     * @param what the compressed data, as the message names it ({@code Segment /var/log/app.log.1.zst})
     * @param after appended to the message after the reason (such as where the data lies), or ""
     * @throws IllegalStateException "WHAT is zstd-compressed and zstd's native library did not load: "
     *     {@link #problem()} AFTER
     */
    public static void requireLoaded(String what, String after) {
        String problem = problem();
        if (problem != null) {
            throw new IllegalStateException(what + " is zstd-compressed and zstd's native library did not load: " + problem + after);
        }
    }
}
