package dev.ferry.agent.source;

/**
 * Which file a source is reading: where it lives now ({@link FileKey}, device + inode) and what data it
 * holds ({@link Fingerprint}).
 *
 * <p>Rules built on it: the same key means the same open file now (renamed, linked); a matching
 * fingerprint means the same data (after a restart, a copy, a compression into a segment); the same
 * key with a fingerprint that no longer matches means the file was truncated or reused in place and
 * holds new data. Immutable; a growing file's identity is replaced as its fingerprint grows.
 *
 * <p>{@link #id()} is what {@code RecordOrigin.id()} reports: {@code fp-<fingerprint>}, for example
 * {@code fp-3f0c9a7e12b45d60-1024}. It names data, not a path or an inode, so it survives renames,
 * restarts and compression; readers fix it at the first line they hand on and keep it (the position
 * DB stores it), so it does not change when a small file's fingerprint grows.
 *
 * @param key device and inode
 * @param fingerprint hash of the leading bytes
 */
public record FileIdentity(FileKey key, Fingerprint fingerprint) {

    /** The stable id derived from the fingerprint: {@code fp-<16 hex>-<length>}. */
    public String id() {
        return "fp-" + fingerprint;
    }

    /**
     * The origin id records of a file carry (and Elasticsearch document ids derive from): {@code fp-} and
     * the fingerprint of the file's first line including its newline (at most {@value
     * Fingerprint#MAX_BYTES} bytes). It depends only on the data, not on how much of the file existed when
     * it was first read, so a live tail, a restart, a compressed rotated copy and {@code ferry replay} of an
     * archive all give the same id for the same file (as Vector's first-line checksum does).
     *
     * @param head the file's leading bytes (at least its first line, or all of a shorter file)
     */
    public static String originId(byte[] head, int len) {
        int end = Math.min(len, Fingerprint.MAX_BYTES);
        int nl = NewlineScanner.indexOf(head, 0, end);
        return "fp-" + Fingerprint.of(head, nl >= 0 ? nl + 1 : end);
    }

    public FileIdentity withFingerprint(Fingerprint f) {
        return new FileIdentity(key, f);
    }
}
