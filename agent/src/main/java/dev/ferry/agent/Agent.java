package dev.ferry.agent;

import dev.ferry.agent.http.HttpServerConfig;
import dev.ferry.agent.http.MetricsSnapshot;
import dev.ferry.agent.http.MonitoringServer;
import dev.ferry.agent.source.Input;
import dev.ferry.parsers.json.JsonParser;
import dev.ferry.pipeline.ring.FilterRoute;
import dev.ferry.pipeline.ring.OutputRoute;
import dev.ferry.pipeline.ring.RecordRing;
import dev.ferry.pipeline.ring.RingCounters;
import dev.ferry.pipeline.ring.SpoolConsumer;
import dev.ferry.pipeline.spi.DeliveryStats;
import dev.ferry.pipeline.spi.Filter;
import dev.ferry.pipeline.spi.Output;
import dev.ferry.pipeline.spool.Spool;
import dev.ferry.pipeline.spool.SpoolConfig;
import dev.ferry.pipeline.spool.SpoolReader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running ferry: the plugins of a {@link TopologyPlan}, created and wired through the ring.
 *
 * <p>Start-up order: outputs, filters, ring, inputs (so nothing is read before it can go somewhere).
 * Shutdown order, on {@link #stop()} or when every {@code Exit_On_Eof} input has drained: inputs stop
 * reading; the ring drains into the outputs (for at most the service's {@code Grace}); outputs close;
 * inputs close and persist the positions the ring acknowledged. Lines read but not handed on are
 * therefore read again at the next start, never lost.
 *
 * <p>{@link #run()} is called from one thread; {@link #stop()} from any.
 */
public final class Agent {

    /**
     * An output's spool consumer commits every this many ring sizes of records (16,384 by default): an es output then
     * fills its bulk requests and keeps its Workers busy while it reads on, so it keeps up with the ring and the spool
     * holds the records in memory (with 4,096, 15,512 of 16,018 documents had to be written).
     */
    static final int CONSUMER_BATCH_RING_SLOTS = 4;
    /** How old the spool's documents held in memory get before they are written, beyond what outputs hold them for. */
    private static final Duration MEMORY_AGE = Duration.ofSeconds(1);

    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

    private final TopologyPlan plan;
    private final CompletableFuture<String> stopRequest = new CompletableFuture<>();
    private volatile RingCounters counters;
    private volatile long deadLettered;

    public Agent(TopologyPlan plan) {
        this.plan = plan;
    }

    /** Asks the agent to stop; {@code why} goes into the log. */
    public void stop(String why) {
        stopRequest.complete(why);
    }

    public void stop() {
        stop("stop requested");
    }

    /** The ring's counters once running (null before). */
    public RingCounters counters() {
        return counters;
    }

    /**
     * Records the outputs dead-lettered (gave up on, kept aside) during the run: known once {@link #run()}
     * returned, 0 before. They count in {@link RingCounters#delivered()} too, which counts final answers.
     */
    public long deadLettered() {
        return deadLettered;
    }

    /**
     * Runs until stopped, until every {@code Exit_On_Eof} input has drained, or until a part fails (an input
     * stops reading, an output's spool consumer stops): then it logs the reason at ERROR and drains what it can.
     *
     * @return true if every record read was handed on: the ring drained in time, no part failed and no damaged
     *     spool document took any
     */
    public boolean run() throws Exception {
        for (String w : plan.warnings()) {
            LOG.warn("Configuration warning: {}", w);
        }
        List<OutputRoute> outputs = new ArrayList<>();
        List<FilterRoute> filters = new ArrayList<>();
        List<Input> inputs = new ArrayList<>();
        // The inputs that end by themselves, for the spool's consumers (which start before the inputs are made).
        AtomicReference<List<Input>> endingInputs = new AtomicReference<>(List.of());
        // Set when the agent stops: no consumer holds records for the flush interval any more, while any is drained.
        AtomicBoolean stopping = new AtomicBoolean();
        List<SpoolConsumer> consumers = new ArrayList<>();
        RecordRing ring = null;
        Spool spool = null;
        boolean drained = false;
        boolean ended = false;
        CompletableFuture<String> broken = new CompletableFuture<>();
        MonitoringServer http = null;
        try {
            // Bound before anything is read, so a port in use stops ferry at start with nothing to undo.
            HttpServerConfig httpConfig = plan.service().http();
            if (httpConfig.enabled() && plan.replay()) {
                LOG.info("HTTP_Server is not started by ferry replay (a running ferry may hold the port). address={}",
                        httpConfig.address());
            } else if (httpConfig.enabled()) {
                http = MonitoringServer.bind(httpConfig);
            }
            for (PlannedPlugin p : plan.outputs()) {
                Output o = p.create(plan.parsers(), plan.service(), plan.replay());
                outputs.add(new OutputRoute(p.instanceName(), p.match(), o));
            }
            for (PlannedPlugin p : plan.filters()) {
                Filter f = p.create(plan.parsers(), plan.service(), plan.replay());
                filters.add(new FilterRoute(p.instanceName(), p.match(), f));
            }
            ServiceConfig s = plan.service();
            // ferry replay keeps no positions, so it has no use for a spool; and the configuration's spool is the
            // live agent's: records it still owes and its outputs' places, which a replay must neither ship nor move.
            Path spoolPath = plan.replay() ? null : plan.spoolPath();
            if (plan.replay()) {
                if (plan.spoolPath() != null) {
                    LOG.info("ferry replay does not use the configuration's disk spool, which belongs to the live agent;"
                            + " records wait in memory between the ring and the outputs. spool={}", plan.spoolPath());
                }
            } else if (spoolPath != null) {
                spool = Spool.open(new SpoolConfig(spoolPath, s.storageSync(), s.storageDiskLimit(), s.storageCompress(),
                        s.storageMinFree()));
            } else if (!s.storageOff()) {
                LOG.info("No disk spool: no input keeps its positions in a DB, so records wait in memory between the "
                        + "ring and the outputs. Set storage.path to spool them anyway.");
            }
            // Every input publishes from one thread of its own, so one input means one producer.
            ring = new RecordRing(s.ringSlots(), s.ringWorkers(), s.ringWait(), filters, outputs, plan.inputs().size() == 1,
                    spool == null ? null : spool.writer(), plan.replay());
            counters = ring.counters();
            if (spool != null) {
                spool.writer().holdInMemory(spoolMemory(plan));
                // Readers are registered before the first append, so none misses a record.
                boolean anyHolds = false;
                for (int i = 0; i < outputs.size(); i++) {
                    long limit = plan.outputs().get(i).options().size("storage.total_limit_size");
                    SpoolReader reader = spool.reader(readerName(outputs.get(i).name()), limit);
                    SpoolConsumer consumer = new SpoolConsumer(outputs.get(i), reader, JsonParser.fieldsOnly("json"),
                            counters, CONSUMER_BATCH_RING_SLOTS * s.ringSlots());
                    long requestBytes = outputs.get(i).output().requestBytes();
                    if (requestBytes > 0 && s.flush().toNanos() > 0) {
                        // Held records are not written to disk for being a second old: the spool holds them for
                        // Flush + 1 s (and the consumer lets them go when the spool's memory is half full).
                        consumer.holdForFlushInterval(s.flush(), requestBytes,
                                () -> stopping.get() || allReadToEnd(endingInputs.get()));
                        anyHolds = true;
                    }
                    consumers.add(consumer);
                }
                if (anyHolds) {
                    spool.writer().holdInMemoryAtMost(MEMORY_AGE.plus(s.flush()));
                }
                spool.warnOfUnregisteredReaders();
                consumers.forEach(SpoolConsumer::start);
            }
            for (PlannedPlugin p : plan.inputs()) {
                inputs.add(p.create(plan.parsers(), plan.service(), plan.replay()));
            }
            endingInputs.set(inputs.stream().filter(Input::endsAtEof).toList());
            ring.start();
            for (Input in : inputs) {
                in.start(ring);
            }
            if (http != null) {
                http.start(metricsOf(List.copyOf(inputs), List.copyOf(outputs), counters));
            }
            LOG.info("ferry started. config={} inputs={} filters={} outputs={} ring_slots={} ring_workers={}",
                    plan.origin(), inputs.size(), filters.size(), outputs.size(), s.ringSlots(), s.ringWorkers());
            // A part that failed would leave ferry running without it for good, unnoticed: an output whose
            // spool consumer failed falls behind while the spool fills, an input no longer reads its files.
            // An input that ends at EOF and fails ends the run the same way, not as "every input ended".
            for (SpoolConsumer c : consumers) {
                c.failed().thenAccept(t -> broken.complete("output " + c.name() + " stopped reading the spool: " + t));
            }
            List<CompletableFuture<Void>> ending = new ArrayList<>();
            for (Input in : inputs) {
                // broken is completed before this input counts as settled, so allEnded never wins over it
                CompletableFuture<Void> settled = in.drained().handle((v, t) -> {
                    if (t != null) {
                        broken.complete("input " + in.name() + " stopped reading: " + t);
                    }
                    return null;
                });
                if (in.endsAtEof()) {
                    ending.add(settled);
                }
            }
            CompletableFuture<?> allEnded = ending.isEmpty() ? new CompletableFuture<>()
                    : CompletableFuture.allOf(ending.toArray(new CompletableFuture[0])).thenApply(v -> "every input reached the end of its files");
            Object why = CompletableFuture.anyOf(stopRequest, allEnded, broken).get();
            ended = allEnded.isDone() && !stopRequest.isDone() && !broken.isDone();
            if (broken.isDone()) {
                LOG.error("ferry is stopping. reason=\"{}\"", broken.join());
            } else {
                LOG.info("ferry is stopping. reason=\"{}\"", why);
            }
        } finally {
            stopping.set(true);
            // Grace bounds the whole drain (the ring's and every output's), not each step: a DaemonSet's pod
            // has terminationGracePeriodSeconds in all.
            Duration grace = plan.service().grace();
            long deadline = System.nanoTime() + grace.toNanos();
            for (Input in : inputs) {
                safely("stop input " + in.name(), in::stopReading);
            }
            if (ring != null) {
                drained = ring.drainAndStop(until(deadline));
            }
            boolean graceAfterStopRequest = false;
            for (SpoolConsumer c : consumers) {
                // Inputs that ended (Exit_On_Eof, replay) wait for every record to be delivered; a signal
                // waits for Grace, and the spool keeps the rest for the next start.
                // A stop request while waiting for that turns it into a wait of Grace from then on.
                boolean caughtUp = ended && c.drain(null, stopRequest::isDone);
                if (!caughtUp) {
                    if (ended && !graceAfterStopRequest) {
                        graceAfterStopRequest = true;
                        deadline = System.nanoTime() + grace.toNanos();
                    }
                    caughtUp = c.drain(until(deadline), () -> false);
                }
                drained &= caughtUp;
            }
            for (SpoolConsumer c : consumers) {
                c.close();
            }
            // Records an output held back (the Loki output's replay ordering) are sent now; not after a drain
            // that timed out, when an output thread may still be busy (the run then ends incomplete anyway).
            // A stop request while an output sends what it held (Loki down, Retry_Limit no_limits) closes that
            // output from the signal's thread, as it would end a blocked flush: finish then throws.
            List<OutputRoute> closedByStop = new ArrayList<>();
            for (OutputRoute o : drained ? outputs : List.<OutputRoute>of()) {
                java.util.concurrent.atomic.AtomicBoolean finishing = new java.util.concurrent.atomic.AtomicBoolean(true);
                CompletableFuture<Void> closing = stopRequest.thenRun(() -> {
                    if (finishing.compareAndSet(true, false)) {
                        safely("close output " + o.name() + " on a stop request", () -> o.output().close());
                    }
                });
                try {
                    o.output().finish();
                } catch (Exception e) {
                    drained = false;
                    LOG.error("An output could not send the records it held back; they are lost to this run. "
                            + "output={} error={}", o.name(), e.toString());
                } finally {
                    if (!finishing.compareAndSet(true, false)) {
                        closing.join(); // the stop request closed it: wait until that is done, do not close twice
                        closedByStop.add(o);
                    }
                }
            }
            for (OutputRoute o : outputs) {
                if (!closedByStop.contains(o)) {
                    safely("close output " + o.name(), () -> o.output().close());
                }
            }
            // After the ring has stopped: no record is filtered any more (the kubernetes filter closes its
            // API server connections and logs its counters).
            for (FilterRoute f : filters) {
                if (f.filter() instanceof AutoCloseable c) {
                    safely("close filter " + f.name(), c::close);
                }
            }
            if (spool != null) {
                Spool sp = spool;
                safely("close the spool", sp::close);
            }
            for (Input in : inputs) {
                safely("close input " + in.name(), in::close);
            }
            if (http != null) {
                MonitoringServer h = http;
                safely("stop the HTTP server", h::close);
            }
            // Records a damaged spool document took were not handed on, and a part that failed stopped the
            // run: either way it did not deliver everything.
            long lost = consumers.stream().mapToLong(c -> c.reader().lostEntries()).sum();
            drained &= lost == 0 && !broken.isDone();
            if (counters != null) {
                // The outputs' final answers: delivered, or dead-lettered (kept aside in the dead-letter file).
                long deadLettered = outputs.stream().mapToLong(o -> o.output().deadLettered()).sum();
                this.deadLettered = deadLettered;
                LOG.info("ferry stopped. records_in={} spooled={} delivered={} dead_lettered={} parse_errors_kept_whole={} "
                        + "invalid_utf8_repaired={} dropped_by_filters={} unrouted={} stage_errors={} lost_in_spool={} "
                        + "drained={}",
                        counters.published(), counters.spooled(), counters.delivered() - deadLettered, deadLettered,
                        counters.parseErrors(), counters.invalidUtf8Repaired(), counters.dropped(), counters.unrouted(),
                        counters.stageErrors(), lost, drained);
            }
        }
        return drained;
    }

    /**
     * What the monitoring server reads at each request: the inputs' and outputs' own counts and the ring's, read
     * where they are kept. An output's processed records are those the ring flushed to it minus those it
     * dead-lettered; its errors are its failed requests plus the ring's failed writes and flushes to it.
     */
    private static Supplier<MetricsSnapshot> metricsOf(List<Input> inputs, List<OutputRoute> outputs, RingCounters ring) {
        return () -> {
            List<MetricsSnapshot.InputMetrics> in = new ArrayList<>();
            for (Input i : inputs) {
                in.add(new MetricsSnapshot.InputMetrics(i.name(), i.stats()));
            }
            List<MetricsSnapshot.OutputMetrics> out = new ArrayList<>();
            for (OutputRoute o : outputs) {
                DeliveryStats d = o.output().deliveryStats();
                long deadLettered = o.output().deadLettered();
                out.add(new MetricsSnapshot.OutputMetrics(o.name(), Math.max(0, o.counters().flushed() - deadLettered),
                        o.counters().failures() + (d == null ? 0 : d.failedRequests()), d == null ? 0 : d.retries(),
                        d == null ? 0 : d.retriesFailed(), d == null ? 0 : d.retriedRecords(), deadLettered));
            }
            return new MetricsSnapshot(in, out, new MetricsSnapshot.RingMetrics(ring.spooled(), ring.parseErrors(),
                    ring.invalidUtf8Repaired(), ring.dropped(), ring.unrouted(), ring.stageErrors()));
        };
    }

    /** The time left until {@code deadline} (System.nanoTime), never negative. */
    private static Duration until(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    /** Whether there are inputs that end by themselves and each has read everything there is now. */
    private static boolean allReadToEnd(List<Input> ending) {
        for (Input in : ending) {
            if (!in.readToEnd()) {
                return false;
            }
        }
        return !ending.isEmpty();
    }

    /**
     * The bytes of spool documents held in memory before they are written to disk: {@code storage.write_behind}, at
     * most half the smallest {@code Mem_Buf_Limit} of the inputs. Their records' positions are acknowledged only once
     * they are delivered or written, so with more than an input's Mem_Buf_Limit held that input would pause until
     * they are old enough to be written (a second, or Flush plus a second with an es or loki output).
     */
    static long spoolMemory(TopologyPlan plan) {
        long bytes = plan.service().storageWriteBehind();
        for (PlannedPlugin p : plan.inputs()) {
            if (p.options().isSet("Mem_Buf_Limit")) {
                bytes = Math.min(bytes, p.options().size("Mem_Buf_Limit") / 2);
            }
        }
        return bytes;
    }

    /** A spool reader name from an output's name (letters, digits, dot, dash, underscore). */
    private static String readerName(String output) {
        String n = output.replaceAll("[^A-Za-z0-9._-]", "_");
        return n.length() > 100 ? n.substring(0, 100) : n;
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void safely(String what, Step step) {
        try {
            step.run();
        } catch (Exception e) {
            LOG.error("Shutdown step failed. step=\"{}\" error={}", what, e.toString(), e);
        }
    }
}
