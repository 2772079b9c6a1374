/**
 * Rotated, compressed log segments on disk: reading them at an offset of their UNCOMPRESSED data,
 * recognising them by the fingerprint of their first uncompressed bytes, finding a watched file's
 * rotated siblings, and walking directories and tar archives for {@code ferry replay}.
 *
 * <pre>
 *  path / stream ──▶ SegmentFormat.detect (magic bytes)
 *                     ├─ plain ──▶ PlainSegmentReader (FileChannel, seek) | StreamSegmentReader
 *                     ├─ gzip  ──▶ GzipSegmentReader (members, CRC, exact compressed offset)
 *                     ├─ zstd  ──▶ ZstdSegmentReader (frames, skippable frames)
 *                     └─ disk_log internal, xz, bzip2, zip, 7z, lz4 ──▶ UnsupportedSegmentException
 *                    SegmentReader: position() / skipTo(uncompressed offset) / read / close
 *                     └─▶ SegmentFingerprint: the tail's Fingerprint of the uncompressed head
 *
 *  watched app.log ──▶ RotatedSiblings (Rotated_Path globs, RotationName, DiskLogWrapIndex)
 *                        ──▶ app.log.2.gz, app.log.1.gz, app.log.0   (oldest first)
 *  replay source   ──▶ ArchiveWalker (directory | file | .tar[.gz|.zst]) ──▶ families, oldest first
 * </pre>
 *
 * <h2>How the tail is meant to use it</h2>
 * The tail saves {@code (fingerprint, uncompressed offset)} per file. When a saved file is no longer
 * at its path, the tail lists {@link dev.ferry.agent.source.segment.RotatedSiblings#list} of the watched
 * path, takes the sibling whose {@link dev.ferry.agent.source.segment.SegmentFingerprint#matches} the
 * saved fingerprint (plain {@code .0} and its {@code .0.gz} both match: prefer the plain one while it
 * exists), opens it with {@link dev.ferry.agent.source.segment.SegmentReaderFactory#open(java.nio.file.Path)},
 * calls {@code skipTo(savedOffset)} and reads to the end; then the younger siblings in order.
 * A {@link dev.ferry.agent.source.segment.SegmentCorruptException} with reason TRUNCATED on a file
 * that is still young means "still being compressed": retry after a while; CORRUPT is an operator
 * matter (log at ERROR: the rest of that segment is lost).
 *
 * <h2>OTP disk_log wrap logs</h2>
 * {@code logger_disk_log_h} writes {@code NAME.1 .. NAME.N} plus {@code NAME.idx} (which file is
 * current) and {@code NAME.siz} (limits); see {@link dev.ferry.agent.source.segment.DiskLogWrapIndex}
 * for the byte formats. The handler always opens the log in the external format, so the files are
 * plain formatter output that ferry reads, in the index's ring order. Files are truncated and reused
 * in place, so a path's fingerprint changes at each wrap. A disk_log opened by an application in the
 * internal format holds {@code term_to_binary} items behind 8-byte headers, which ferry detects and
 * refuses rather than emitting binary.
 */
package dev.ferry.agent.source.segment;
