/**
 * {@code ferry run}'s embedded default and the local Elasticsearch it ships into.
 *
 * <pre>
 *  ferry run ─▶ EmbeddedDefault.prepare ─▶ logs/*.log (ErlmcpLogWriter, fields.seq 0..2N-1)
 *                                      └─▶ LocalElasticsearch.startNew ─▶ bin/elasticsearch -d (as ferry-es when root)
 *            ─▶ Agent (tail ─▶ json ─▶ modify ─▶ es) ─▶ http://127.0.0.1:PORT/_bulk, index erlmcp-demo
 *            ─▶ EmbeddedDefault.finish ─▶ _count printed; exit 0 only if it is every line
 *            ─▶ EmbeddedDefault.close ─▶ node stopped, demo folder deleted
 * </pre>
 *
 * {@link dev.ferry.agent.demo.LocalElasticsearch} is also the node of the es integration tests (their
 * {@code ElasticsearchNode} wraps it), so the demo and the tests start Elasticsearch the same way.
 */
package dev.ferry.agent.demo;
