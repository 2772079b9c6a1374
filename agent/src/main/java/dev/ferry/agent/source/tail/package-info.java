/**
 * The {@code tail} input: Fluent Bit's {@code in_tail}, split by job as there (config, discovery,
 * per-file state, offsets DB).
 *
 * <pre>
 *  TailConfig ──▶ TailInput (one thread per input)
 *                   │ every Refresh_Interval, and while a rotated file drains
 *                   ├──▶ FileDiscovery: Path globs − Exclude_Path (− Ignore_Older) ──▶ paths
 *                   │      open new ones; match the PositionDb by fingerprint: resume, head or end
 *                   │ continuously while data comes, every 50–250 ms when idle
 *                   ├──▶ TailedFile.poll: FileChannel read ──▶ split on \n ──▶ LinePublisher.publish
 *                   │                                                              │ ring
 *                   │    TailedFile.acknowledge(nextOffset) ◀── ring's output thread ┘
 *                   │ at most every 250 ms when positions moved, and on close
 *                   └──▶ PositionDb.write: acknowledged offsets, temp file + rename
 * </pre>
 *
 * Only acknowledged positions are saved, so after a crash every line not known to be handed on is
 * read again: lines may repeat after a kill, never go missing.
 */
package dev.ferry.agent.source.tail;
