/**
 * The JSON parser: one JSON object per line, recorded as spans of the line so that an object the
 * filters only add to is written out by copying its bytes.
 *
 * <pre>
 *  {"timestamp":"2024-01-01T10:00:00Z","level":"info","metadata":{...}}
 *   │            │                      │              └ object: skipChildren(), span to its '}'
 *   │            │                      └ string: span from '"' to '"', quotes included
 *   │            └ record time (auto-detected or Time_Key)
 *   └ beginRawObject(0); appendRaw(key, start, length) per member
 * </pre>
 */
package dev.ferry.parsers.json;
