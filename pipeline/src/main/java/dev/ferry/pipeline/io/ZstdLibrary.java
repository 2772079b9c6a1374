package dev.ferry.pipeline.io;

import com.github.luben.zstd.util.Native;

/**
 * Whether zstd-jni's native library could be loaded. zstd-jni unpacks it into {@code java.io.tmpdir} (or
 * the folder of {@code -DZstdTempFolder}) before loading it, so a read-only or missing temporary folder (a
 * systemd unit with {@code ProtectSystem=strict} and no {@code PrivateTmp}) leaves it unloadable. The spool
 * then writes uncompressed; what must be decompressed (a compressed spool, {@code .zst} segments) is
 * refused with {@link #problem()} instead of a {@code LinkageError}.
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
}
