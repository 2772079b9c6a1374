/**
 * The {@code tail} input: Fluent Bit's {@code in_tail}, split by job as there (config, discovery,
 * per-file state, offsets DB), plus what Fluent Bit does not do: following a file's data into its
 * rotated, compressed siblings.
 *
 * <pre>
 *  TailConfig ──▶ TailInput (one thread per input)
 *                   │ every Refresh_Interval, and while a rotated file drains
 *                   ├──▶ FileDiscovery: Path globs − Exclude_Path (− Ignore_Older) ──▶ paths
 *                   │      open new ones; match the PositionDb by fingerprint: resume, head or end
 *                   │ when a file is opened or leaves its path
 *                   ├──▶ SiblingTracker: Rotated_Path siblings (app.log.1, app.log.0.gz, .zst) and
 *                   │      the fingerprints of their uncompressed heads: being read / done / saved
 *                   │      position (read on at the uncompressed offset) / never seen (read whole);
 *                   │      a family's files read oldest first, the live file last
 *                   │ continuously while data comes, every 50–250 ms when idle
 *                   ├──▶ TailedFile.poll: TailData (ChannelTailData: open file, positional reads;
 *                   │      SegmentTailData: decompressed stream) ──▶ split on \n ──▶ LinePublisher
 *                   │    TailedFile.acknowledge(nextOffset) ◀── ring's output thread      │ ring
 *                   │ at most every 250 ms when positions moved, and on close
 *                   └──▶ PositionDb.write: acknowledged offsets and done data, temp file + rename
 * </pre>
 *
 * Only acknowledged positions are saved, so after a crash every line not known to be handed on is
 * read again: lines may repeat after a kill, never go missing. Data that is gone before it was read
 * (overwritten in place with no rotated copy, a damaged segment) is counted in {@link
 * dev.ferry.agent.source.tail.TailCounters} and logged with the file.
 */
package dev.ferry.agent.source.tail;
