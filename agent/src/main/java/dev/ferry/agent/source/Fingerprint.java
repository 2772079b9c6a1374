package dev.ferry.agent.source;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * What a file's data is: a hash of its first {@link #length()} bytes, {@code length} at most
 * {@value #MAX_BYTES}.
 *
 * <p>A file shorter than {@value #MAX_BYTES} bytes has a fingerprint as long as the file, which grows
 * as the file grows (take a new one with {@link #read}); the length it covers is part of the value,
 * so a fingerprint can always be checked against other data by hashing the same number of leading
 * bytes ({@link #matches}). An appended-to file keeps matching its older, shorter fingerprints; a file
 * truncated and rewritten, or an OTP wrap file reused in place, stops matching.
 *
 * <p>The hash is the first 8 bytes of SHA-256 of those bytes, big-endian: the same on every platform
 * and JVM, so fingerprints stored in a position DB stay valid across versions. Immutable.
 *
 * @param hash the first 8 bytes of SHA-256 of the leading bytes
 * @param length how many leading bytes the hash covers, 0..{@value #MAX_BYTES}
 */
public record Fingerprint(long hash, int length) {

    /** The most bytes a fingerprint covers. */
    public static final int MAX_BYTES = 1024;

    /** The fingerprint of an empty file; it matches every file and identifies none. */
    public static final Fingerprint EMPTY = of(new byte[0], 0);

    public Fingerprint {
        if (length < 0 || length > MAX_BYTES) {
            throw new IllegalArgumentException("fingerprint length " + length + " not in 0.." + MAX_BYTES);
        }
    }

    /** The fingerprint of the first {@code len} bytes of {@code head}. */
    public static Fingerprint of(byte[] head, int len) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        sha.update(head, 0, len);
        byte[] d = sha.digest();
        long h = 0;
        for (int i = 0; i < 8; i++) {
            h = (h << 8) | (d[i] & 0xff);
        }
        return new Fingerprint(h, len);
    }

    /** Reads up to {@value #MAX_BYTES} leading bytes of {@code ch} (positional: its position is kept). */
    public static byte[] head(FileChannel ch) throws IOException {
        long size = ch.size();
        ByteBuffer b = ByteBuffer.allocate((int) Math.min(size, MAX_BYTES));
        while (b.hasRemaining()) {
            if (ch.read(b, b.position()) < 0) {
                break;
            }
        }
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    /** The fingerprint of {@code ch} as it is now: its first bytes, up to {@value #MAX_BYTES}. */
    public static Fingerprint read(FileChannel ch) throws IOException {
        byte[] h = head(ch);
        return of(h, h.length);
    }

    /** Whether {@code head} (a file's leading bytes) starts with the bytes this fingerprint covers. */
    public boolean matches(byte[] head) {
        return head.length >= length && of(head, length).equals(this);
    }

    /** Whether this fingerprint has reached {@value #MAX_BYTES} and will not change any more. */
    public boolean complete() {
        return length == MAX_BYTES;
    }

    // equals and hashCode written out: a record's generated ones are bound through method handles at their first
    // call, which spins classes at every start.
    @Override
    public boolean equals(Object o) {
        return o instanceof Fingerprint f && hash == f.hash && length == f.length;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(hash) * 31 + length;
    }

    /** {@code <16 hex digits of the hash>-<length>}, for example {@code 3f0c9a7e12b45d60-1024}. */
    @Override
    public String toString() {
        return String.format("%016x-%d", hash, length);
    }

    /** Parses {@link #toString()}'s form. */
    public static Fingerprint parse(String s) {
        int dash = s.indexOf('-');
        if (dash != 16) {
            throw new IllegalArgumentException("not a fingerprint: " + s);
        }
        return new Fingerprint(Long.parseUnsignedLong(s.substring(0, 16), 16), Integer.parseInt(s.substring(17)));
    }
}
