package dev.ferry.agent.source.tail;

import dev.ferry.agent.source.Fingerprint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plain file's bytes through its open {@link FileChannel}, read positionally: it keeps working when
 * the file is renamed or deleted, and sees it grow or shrink. Used by the input's thread only.
 */
final class ChannelTailData implements TailData {

    private static final Logger log = LoggerFactory.getLogger(ChannelTailData.class);

    private final FileChannel channel;
    private final String name;
    private byte[] probe = new byte[0];

    ChannelTailData(FileChannel channel, String name) {
        this.channel = channel;
        this.name = name;
    }

    @Override
    public long size() throws IOException {
        return channel.size();
    }

    @Override
    public int read(byte[] b, int off, int len, long position) throws IOException {
        return channel.read(ByteBuffer.wrap(b, off, len), position);
    }

    @Override
    public byte[] head() throws IOException {
        return Fingerprint.head(channel);
    }

    @Override
    public boolean startsWith(byte[] prefix) throws IOException {
        if (probe.length < prefix.length) {
            probe = new byte[prefix.length];
        }
        ByteBuffer b = ByteBuffer.wrap(probe, 0, prefix.length);
        while (b.hasRemaining()) {
            if (channel.read(b, b.position()) < 0) {
                return false;
            }
        }
        return Arrays.equals(probe, 0, prefix.length, prefix, 0, prefix.length);
    }

    @Override
    public boolean growing() {
        return true;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("Closing a file failed. path={} error={}", name, e.toString());
        }
    }
}
