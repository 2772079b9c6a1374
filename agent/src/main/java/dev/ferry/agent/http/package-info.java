/**
 * The monitoring server: Fluent Bit's built-in HTTP server ({@code [SERVICE] HTTP_Server On}) with its endpoints,
 * metric names and health rule.
 *
 * <pre>
 *  TailCounters ─┐
 *  RingCounters ─┼─ Agent.metricsOf ──▶ MetricsSnapshot ──▶ PrometheusText  /api/v1/metrics/prometheus
 *  RouteCounters ┤   (read per request)       │           └▶ MetricsJson     /api/v1/metrics, /, /api/v1/uptime
 *  DeliveryStats ┘                            └▶ HealthCheck (1 s samples, HC_Period window) ─▶ /api/v1/health
 * </pre>
 *
 * <p>Nothing here counts: every number is read where the pipeline keeps it.
 */
package dev.ferry.agent.http;
