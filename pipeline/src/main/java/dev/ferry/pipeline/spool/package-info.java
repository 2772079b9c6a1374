/**
 * The disk spool between the ring and the outputs: a Chronicle Queue that the ring's output stage
 * appends to, and that each output consumes at its own pace with its own committed position.
 *
 * <pre>
 *  ring spool stage ──append(LogRecord)──▶ SpoolWriter ──flush(acks) at the end of each ring batch──▶
 *                          SpoolMemoryTail: the newest documents, in memory; dropped once every reader committed
 *                          them, else written (full, a second old, close) by SpoolDocumentWriter ──▶
 *                          one Chronicle document per batch ──▶ storage.path/*.cq4 (5-minute cycles)
 *                          (the records' input positions are acknowledged when their document leaves the tail)
 *        ▲ hasRoom()/awaitRoom(): pause the inputs                │ readers read the tail, then the disk
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
