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

    public FileIdentity withFingerprint(Fingerprint f) {
        return new FileIdentity(key, f);
    }
}
