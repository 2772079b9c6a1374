/**
 * What the agent's sources share: how a file is recognised across renames, restarts and rotation.
 *
 * <pre>
 *  file on disk ──▶ FileKey (device + inode: where the bytes live now)
 *               └─▶ Fingerprint (hash of the first bytes, up to 1 KiB: what the bytes are)
 *                        └─▶ FileIdentity ──▶ RecordOrigin.id() and the position DB
 * </pre>
 *
 * The inode says whether two paths are the same open file right now; the fingerprint says whether a
 * file seen later (after a restart, a copy, a compression) holds the same data. Inodes are reused
 * once a file is deleted, so nothing durable is keyed on the inode alone.
 */
package dev.ferry.agent.source;
