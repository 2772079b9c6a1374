package dev.ferry.agent.source.tail;

import dev.ferry.pipeline.ring.LineBatch;
import dev.ferry.pipeline.ring.LineDecoder;
import dev.ferry.pipeline.ring.LinePublisher;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A child process for {@link TailKillTest}: tails {@code <dir>/*.log} with a DB, appends every line to
 * an output file, and acknowledges each line once its write returned (it is then in the page cache
 * and survives a kill -9). Runs until killed.
 *
 * <p>Arguments: input directory, DB file, output file.
 */
public final class TailChildMain {

    private TailChildMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        FileOutputStream out = new FileOutputStream(args[2], true);
        LinePublisher publisher = new LinePublisher() {
            @Override
            public void publish(LineBatch batch) {
                for (int i = 0; i < batch.size(); i++) {
                    int off = batch.start(i);
                    int len = batch.length(i);
                    byte[] line = Arrays.copyOfRange(batch.buffer(), off, off + len + 1);
                    line[len] = '\n';
                    try {
                        out.write(line);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    batch.origin().acknowledge(batch.nextOffset(i));
                }
            }
        };
        TailConfig config = TailTestSupport.config("Path", dir.resolve("*.log").toString(), "DB", args[1],
                "Read_from_Head", "On", "Refresh_Interval", "200ms");
        TailInput in = new TailInput(config, "tail.0", new LineDecoder(null, null, null));
        in.start(publisher);
        System.out.println("started");
        System.out.flush();
        Thread.currentThread().join();
    }
}
