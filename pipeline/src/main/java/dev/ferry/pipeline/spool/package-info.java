/**
 * The disk spool between the ring and the outputs: a Chronicle Queue that the ring's output stage
 * appends to, and that each output consumes at its own pace with its own committed position.
 *
 * <pre>
 *  ring spool stage ──append(LogRecord)──▶ SpoolWriter ──flush() at the end of each ring batch──▶
 *                                          one Chronicle document per batch ──▶ storage.path/*.cq4 (5-minute cycles)
 *        ▲ hasRoom()/awaitRoom(): pause the inputs                │
 *        │ when an output or the disk is over its limit           ├──▶ SpoolReader "es.0" ──next()/commit()──▶ output thread
 *        │                                                        └──▶ SpoolReader "file.0" ─next()/commit()──▶ output thread
 *        └──────────── readers' commits wake the writer; a cycle file every reader committed past is deleted
 * </pre>
 *
 * Formats on disk: the document and record layout in {@link dev.ferry.pipeline.spool.SpoolEntryFormat}, the position
 * files in {@link dev.ferry.pipeline.spool.ReaderPosition}, the directory in
 * {@link dev.ferry.pipeline.spool.Spool}.
 */
package dev.ferry.pipeline.spool;
